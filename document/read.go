package document

import (
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/calendar"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/store"
)

// Get returns document id as a sees it, with its files, trail, versions,
// comments, approvals and recipients; not found when a may not see it.
func (s *Service) Get(ctx context.Context, a *auth.Actor, id int64) (*Document, error) {
	d, err := s.load(ctx, s.db, id)
	if err != nil {
		return nil, err
	}
	if ok, err := s.canView(ctx, s.db, a, d); err != nil {
		return nil, err
	} else if !ok {
		return nil, problem.NotFound("document_not_found", id)
	}
	if err := s.fill(ctx, s.db, a, []*row{d}); err != nil {
		return nil, err
	}
	if err := s.details(ctx, s.db, &d.Document); err != nil {
		return nil, err
	}
	if d.SignatureStatus == SignatureValid || d.SignatureStatus == SignatureInvalid {
		var raw string
		if err := s.db.QueryRowContext(ctx, `SELECT signature_details FROM documents WHERE id = ?`, id).Scan(&raw); err != nil {
			return nil, err
		}
		if raw != "" {
			if err := json.Unmarshal([]byte(raw), &d.Signatures); err != nil {
				return nil, err
			}
		}
	}
	return &d.Document, nil
}

// Filter selects documents for List.
type Filter struct {
	// Direction is In, Out or "" (both); State one state or ""; Unit the
	// code of the organ or "".
	Direction string
	State     State
	Unit      string
	// Mine keeps the documents waiting for the reader: to assign, to name
	// a specialist for, to deal with, to finish drafting, to review, to
	// approve, to issue — the officer's queue.
	Mine bool
	// Recipients fills each document's distribution and the edXML
	// exchange of its outside recipients (as Get does), in two queries for
	// the page: the outgoing register shows them.
	Recipients bool
	// From and To (YYYY-MM-DD, Vietnam, either may be empty) keep the
	// documents of a register's period, in SQL: an incoming document by
	// the day it arrived, an outgoing one by its issued date. They need a
	// Direction.
	From, To string
	// Oldest lists oldest first (keyset on the id upwards): a register is
	// read in the order of its entries.
	Oldest bool
	// Limit is the page size (0: 50, at most 200); Cursor the Next of the
	// previous page.
	Limit  int
	Cursor string
}

// Page is one page of a listing: newest document first.
type Page struct {
	Documents []Document `json:"documents"`
	// Next is the cursor of the following page, "" on the last.
	Next string `json:"next,omitempty"`
}

type cursor struct {
	ID int64 `json:"id"`
}

// States lists every state, for checking a filter.
var States = []State{StateRegistered, StateAssigned, StateProcessing, StateCompleted, StateDrafting, StateReviewing, StateApproving, StateApproved, StateIssued,
	StateReturned, StateRevocationRequested, StateWithdrawn, StateRevoking, StateRevoked, StateReplaced}

// List returns the documents a may see that match f, newest first, paged
// by keyset on the id (a document added between two pages shifts none).
func (s *Service) List(ctx context.Context, a *auth.Actor, f Filter) (*Page, error) {
	if a == nil || a.IsCitizen() {
		return nil, problem.Forbidden("officers_only")
	}
	if f.Limit == 0 {
		f.Limit = 50
	}
	if f.Limit < 0 {
		return nil, problem.Invalid("limit", "invalid_limit", "limit")
	}
	f.Limit = min(f.Limit, 200)
	if f.Direction != "" && f.Direction != In && f.Direction != Out {
		return nil, problem.Invalid("direction", "invalid_filter", "direction", "in, out")
	}
	if f.State != "" && !validState(f.State) {
		return nil, problem.Invalid("state", "invalid_filter", "state", stateList())
	}
	var where []string
	var args []any
	in := inList(&args)
	read, err := s.units.Reach(ctx, s.db, a, auth.ReadDocument)
	if err != nil {
		return nil, err
	}
	r1 := in(read)
	args = append(args, a.ID, a.ID)
	r2, r3, r4 := in(read), in(read), in(read)
	where = append(where, `(d.unit_id IN `+r1+` OR d.drafter_id = ? OR x.specialist_id = ? OR x.lead_unit_id IN `+r2+` OR d.drafting_unit_id IN `+r4+
		` OR EXISTS (SELECT 1 FROM document_coordinators c WHERE c.assignment_id = x.id AND c.unit_id IN `+r3+`))`)
	secret, err := s.secretCondition(ctx, a, in, &args)
	if err != nil {
		return nil, err
	}
	where = append(where, `(d.secrecy = 0 OR `+secret+`)`)
	if f.Mine {
		q, err := s.queue(ctx, a, in, &args)
		if err != nil {
			return nil, err
		}
		where = append(where, q)
	}
	if f.Direction != "" {
		where, args = append(where, `d.direction = ?`), append(args, f.Direction)
	}
	if f.State != "" {
		where, args = append(where, `d.state = ?`), append(args, f.State)
	}
	if f.Unit != "" {
		u, err := s.units.ByCode(ctx, f.Unit)
		if err != nil {
			return nil, problem.Invalid("unit", "document_unit_unknown", f.Unit)
		}
		where, args = append(where, `d.unit_id = ?`), append(args, u.ID)
	}
	if f.From != "" || f.To != "" {
		w, a, err := periodCondition(f)
		if err != nil {
			return nil, err
		}
		where, args = append(where, w...), append(args, a...)
	}
	next, order := `d.id < ?`, `DESC`
	if f.Oldest {
		next, order = `d.id > ?`, `ASC`
	}
	if f.Cursor != "" {
		var c cursor
		b, err := base64.RawURLEncoding.DecodeString(f.Cursor)
		if err != nil || json.Unmarshal(b, &c) != nil || c.ID <= 0 {
			return nil, problem.Invalid("cursor", "invalid_page_cursor")
		}
		where, args = append(where, next), append(args, c.ID)
	}
	args = append(args, f.Limit+1)
	rows, err := s.db.QueryContext(ctx, selectDocument+` LEFT JOIN document_assignments x ON x.id = d.assignment_id WHERE `+
		strings.Join(where, " AND ")+` ORDER BY d.id `+order+` LIMIT ?`, args...)
	if err != nil {
		return nil, err
	}
	var rs []*row
	for rows.Next() {
		r, err := scanDocument(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		rs = append(rs, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	page := &Page{Documents: []Document{}}
	if len(rs) > f.Limit {
		rs = rs[:f.Limit]
		b, _ := json.Marshal(cursor{ID: rs[len(rs)-1].ID})
		page.Next = base64.RawURLEncoding.EncodeToString(b)
	}
	for _, r := range rs {
		if r.assignmentID != 0 {
			if r.Assignment, err = loadAssignment(ctx, s.db, r.assignmentID); err != nil {
				return nil, err
			}
		}
	}
	if err := s.fill(ctx, s.db, a, rs); err != nil {
		return nil, err
	}
	if f.Recipients {
		ds := make([]*Document, len(rs))
		for i, r := range rs {
			ds[i] = &r.Document
		}
		if err := s.recipientsOf(ctx, s.db, ds); err != nil {
			return nil, err
		}
	}
	for _, r := range rs {
		page.Documents = append(page.Documents, r.Document)
	}
	return page, nil
}

// periodCondition is Filter.From/To in SQL: the arrival time (Unix ms)
// from the start of From to the end of To in Vietnam for incoming
// documents, the issued date between them for outgoing ones.
func periodCondition(f Filter) ([]string, []any, error) {
	if f.Direction == "" {
		return nil, nil, problem.Invalid("direction", "invalid_filter", "direction", "in, out")
	}
	var days [2]time.Time
	for i, v := range []struct{ field, v string }{{"from", f.From}, {"to", f.To}} {
		if v.v == "" {
			continue
		}
		t, err := time.ParseInLocation(time.DateOnly, v.v, calendar.Zone)
		if err != nil {
			return nil, nil, problem.Invalid(v.field, "invalid_date", v.field)
		}
		days[i] = t
	}
	if f.From != "" && f.To != "" && f.To < f.From {
		return nil, nil, problem.Invalid("to", "invalid_range")
	}
	var where []string
	var args []any
	if f.Direction == In {
		if f.From != "" {
			where, args = append(where, `d.arrival_at >= ?`), append(args, days[0].UnixMilli())
		}
		if f.To != "" {
			where, args = append(where, `d.arrival_at < ?`), append(args, days[1].AddDate(0, 0, 1).UnixMilli())
		}
		return where, args, nil
	}
	// An outgoing document without an issued date (a draft) is in no period.
	where = append(where, `d.issued_date <> ''`)
	if f.From != "" {
		where, args = append(where, `d.issued_date >= ?`), append(args, f.From)
	}
	if f.To != "" {
		where, args = append(where, `d.issued_date <= ?`), append(args, f.To)
	}
	return where, args, nil
}

// secretCondition is actsOnSecret in SQL: the secret documents a lists
// are those where a is the drafter, the named specialist, the organ's
// clerk or leader, the lead unit's leader or the drafting unit's head;
// none for a system account.
func (s *Service) secretCondition(ctx context.Context, a *auth.Actor, in func([]int64) string, args *[]any) (string, error) {
	if a.Client != nil {
		return `1 = 0`, nil
	}
	reach := map[auth.Right][]int64{}
	for _, r := range []auth.Right{auth.RegisterDocument, auth.AssignDocument, auth.IssueDocument, auth.ApproveDocument} {
		ids, err := s.units.Reach(ctx, s.db, a, r)
		if err != nil {
			return "", err
		}
		reach[r] = ids
	}
	*args = append(*args, a.ID, a.ID)
	var b strings.Builder
	b.WriteString(`(d.drafter_id = ? OR x.specialist_id = ?`)
	b.WriteString(` OR d.direction = 'in' AND d.unit_id IN ` + in(slices.Concat(reach[auth.RegisterDocument], reach[auth.AssignDocument])))
	b.WriteString(` OR d.direction = 'out' AND d.unit_id IN ` + in(slices.Concat(reach[auth.IssueDocument], reach[auth.ApproveDocument])))
	b.WriteString(` OR x.lead_unit_id IN ` + in(reach[auth.AssignDocument]))
	b.WriteString(` OR d.direction = 'out' AND d.drafting_unit_id IN ` + in(reach[auth.ApproveDocument]) + `)`)
	return b.String(), nil
}

// inList builds IN lists for a query whose arguments are *args: each
// call appends ids to them and returns "(?,…)"; an empty list becomes
// (-1), which no row's id matches.
func inList(args *[]any) func(ids []int64) string {
	return func(ids []int64) string {
		if len(ids) == 0 {
			ids = []int64{-1}
		}
		for _, id := range ids {
			*args = append(*args, id)
		}
		return "(" + store.Placeholders(len(ids)) + ")"
	}
}

// queue is the condition of the reader's queue: the documents whose next
// act is theirs (the rows of Rules that move a document on).
func (s *Service) queue(ctx context.Context, a *auth.Actor, in func([]int64) string, args *[]any) (string, error) {
	reach := func(r auth.Right) ([]int64, error) { return s.units.Reach(ctx, s.db, a, r) }
	assign, err := reach(auth.AssignDocument)
	if err != nil {
		return "", err
	}
	approve, err := reach(auth.ApproveDocument)
	if err != nil {
		return "", err
	}
	issue, err := reach(auth.IssueDocument)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	b.WriteString(`(d.state = 'registered' AND d.unit_id IN ` + in(assign))
	b.WriteString(` OR d.state = 'assigned' AND x.lead_unit_id IN ` + in(assign))
	b.WriteString(` OR d.state = 'processing' AND x.specialist_id = ?`)
	*args = append(*args, a.ID)
	b.WriteString(` OR d.state = 'drafting' AND d.drafter_id = ?`)
	*args = append(*args, a.ID)
	b.WriteString(` OR d.state = 'reviewing' AND d.drafting_unit_id IN ` + in(approve))
	b.WriteString(` OR d.state = 'approving' AND d.unit_id IN ` + in(approve))
	b.WriteString(` OR d.state = 'approved' AND d.unit_id IN ` + in(issue) + `)`)
	return b.String(), nil
}

func stateList() string {
	var b strings.Builder
	for i, s := range States {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(string(s))
	}
	return b.String()
}

func validState(st State) bool {
	for _, x := range States {
		if x == st {
			return true
		}
	}
	return false
}

// details reads what Get adds to the summary.
func (s *Service) details(ctx context.Context, q store.Querier, d *Document) error {
	rows, err := q.QueryContext(ctx, `SELECT id, kind, name, content_type, size, sha256, at FROM document_files WHERE document_id = ? ORDER BY id`, d.ID)
	if err != nil {
		return err
	}
	for rows.Next() {
		var f File
		var at int64
		if err := rows.Scan(&f.ID, &f.Kind, &f.Name, &f.ContentType, &f.Size, &f.SHA256, &at); err != nil {
			rows.Close()
			return err
		}
		f.At = fromMs(at)
		d.Files = append(d.Files, f)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	if d.Trail, err = s.trail(ctx, q, d.ID); err != nil {
		return err
	}
	return s.draftDetails(ctx, q, d)
}

// trail reads a document's TraceHeaderList, oldest first.
func (s *Service) trail(ctx context.Context, q store.Querier, id int64) ([]TraceEntry, error) {
	rows, err := q.QueryContext(ctx, `SELECT at, actor_name, role, COALESCE(unit_id, 0), action, from_state, to_state, note
		FROM document_trace WHERE document_id = ? ORDER BY id`, id)
	if err != nil {
		return nil, err
	}
	var out []TraceEntry
	var units []int64
	for rows.Next() {
		var e TraceEntry
		var at, unitID int64
		if err := rows.Scan(&at, &e.By, &e.Role, &unitID, &e.Action, &e.From, &e.To, &e.Note); err != nil {
			rows.Close()
			return nil, err
		}
		e.At = fromMs(at)
		out = append(out, e)
		units = append(units, unitID)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	codes, err := s.units.Codes(ctx, q, units)
	if err != nil {
		return nil, err
	}
	for i := range out {
		out[i].Unit = codes[units[i]]
	}
	return out, nil
}

// FileContent returns file fileID of document id, when a may see the document.
func (s *Service) FileContent(ctx context.Context, a *auth.Actor, id, fileID int64) (*File, []byte, error) {
	d, err := s.Get(ctx, a, id)
	if err != nil {
		return nil, nil, err
	}
	if d.State == StateWithdrawn {
		// Given back to its sender: the content is gone, the list stays.
		return nil, nil, problem.NotFound("document_file_not_found", fileID)
	}
	var f File
	var at int64
	var content []byte
	err = s.db.QueryRowContext(ctx, `SELECT id, kind, name, content_type, size, sha256, at, content FROM document_files WHERE id = ? AND document_id = ?`,
		fileID, id).Scan(&f.ID, &f.Kind, &f.Name, &f.ContentType, &f.Size, &f.SHA256, &at, &content)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, problem.NotFound("document_file_not_found", fileID)
	}
	if err != nil {
		return nil, nil, err
	}
	f.At = fromMs(at)
	return &f, content, nil
}
