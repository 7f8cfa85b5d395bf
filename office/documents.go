package office

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/document"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/unit"
	"github.com/motcua/motcua/web"
)

// The officers' document pages (docs/documents.md): the incoming and
// outgoing registers, the officer's queue, the drafts waiting for their
// review, the printable register, the document page with a form for each
// act the lifecycle table allows the reader now.

// Documents is the part of the document service (*document.Service) the
// back office uses.
type Documents interface {
	Get(ctx context.Context, a *auth.Actor, id int64) (*document.Document, error)
	List(ctx context.Context, a *auth.Actor, f document.Filter) (*document.Page, error)
	FileContent(ctx context.Context, a *auth.Actor, id, fileID int64) (*document.File, []byte, error)
	RegisterIncoming(ctx context.Context, a *auth.Actor, in document.Incoming) (*document.Document, error)
	Assign(ctx context.Context, a *auth.Actor, id int64, in document.AssignInput) (*document.Document, error)
	AssignSpecialist(ctx context.Context, a *auth.Actor, id int64, in document.SpecialistInput) (*document.Document, error)
	Process(ctx context.Context, a *auth.Actor, id int64, in document.NoteInput) (*document.Document, error)
	Complete(ctx context.Context, a *auth.Actor, id int64, in document.NoteInput) (*document.Document, error)
	CreateDraft(ctx context.Context, a *auth.Actor, in document.DraftInput) (*document.Document, error)
	AddVersion(ctx context.Context, a *auth.Actor, id int64, in document.VersionInput) (*document.Document, error)
	AddComment(ctx context.Context, a *auth.Actor, id int64, in document.CommentInput) (*document.Document, error)
	Submit(ctx context.Context, a *auth.Actor, id int64, in document.NoteInput) (*document.Document, error)
	Approve(ctx context.Context, a *auth.Actor, id int64, in document.NoteInput) (*document.Document, error)
	// ApprovalSigning and SendApprovalOTP: a leader who signs through the
	// remote signing service approves with an OTP it sends them.
	ApprovalSigning(ctx context.Context, a *auth.Actor, id int64) (*document.ApprovalSignature, error)
	SendApprovalOTP(ctx context.Context, a *auth.Actor, id int64) error
	Return(ctx context.Context, a *auth.Actor, id int64, in document.NoteInput) (*document.Document, error)
	Revoke(ctx context.Context, a *auth.Actor, id int64, in document.NoteInput) (*document.Document, error)
	AcceptRevocation(ctx context.Context, a *auth.Actor, id int64, in document.NoteInput) (*document.Document, error)
	RefuseRevocation(ctx context.Context, a *auth.Actor, id int64, in document.NoteInput) (*document.Document, error)
	Issue(ctx context.Context, a *auth.Actor, id int64, in document.IssueInput) (*document.Document, error)
}

// docPageSize is how many documents one register page lists.
const docPageSize = 20

func docURL(id int64) string { return "/can-bo/van-ban/" + strconv.FormatInt(id, 10) }

// docList is the data of every listing page: the registers, the queue,
// the drafts to approve.
type docList struct {
	web.Page
	dayFmt
	Kind   string // "in", "out", "mine", "approve"
	Docs   []document.Document
	States []option
	Units  []option
	State  string
	Unit   string
	// Next is the address of the following page ("" on the last); First
	// the first page's, shown when this is not it.
	Next, First string
	Overdue     int
	// CappedAt is queueCap when the queue holds more documents than that
	// and only the first queueCap were sorted and shown (else 0).
	CappedAt    int
	CanRegister bool
	CanDraft    bool
	Message     string
}

// docUnits are the units where a holds right r itself, for the forms'
// selects (register at, draft at).
func (o *Office) docUnits(ctx context.Context, a *auth.Actor, r auth.Right) ([]unit.Unit, error) {
	own, _ := a.Reach(r)
	if len(own) == 0 {
		return nil, nil
	}
	all, err := o.units.List(ctx)
	if err != nil {
		return nil, err
	}
	var out []unit.Unit
	for _, u := range all {
		if slices.Contains(own, u.ID) {
			out = append(out, u)
		}
	}
	return out, nil
}

// listDocuments is one page of a register: the incoming (direction in)
// or the outgoing (issued documents), with a state and unit filter and
// paging by the service's cursor.
func (o *Office) listDocuments(kind string) officerHandler {
	return func(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
		ctx := r.Context()
		q := r.URL.Query()
		base := "/can-bo/van-ban-den"
		title := "office.doc.in.title"
		f := document.Filter{Direction: document.In, Limit: docPageSize}
		if kind == "out" {
			base, title = "/can-bo/van-ban-di", "office.doc.out.title"
			f.Direction, f.State = document.Out, document.StateIssued
		}
		p := docList{Page: o.page(r, title), Kind: kind}
		// A filter value is kept only when it names something that exists,
		// so a tampered URL lists nothing odd and never errors.
		if kind == "in" {
			p.States = []option{{Label: p.T("office.inbox.any")}}
			for _, s := range []document.State{document.StateRegistered, document.StateAssigned, document.StateProcessing, document.StateCompleted} {
				sel := string(s) == q.Get("trang-thai")
				if sel {
					f.State, p.State = s, string(s)
				}
				p.States = append(p.States, option{Value: string(s), Label: p.T(key("document.state.", string(s))), Selected: sel})
			}
		}
		units, err := o.visibleDocUnits(ctx, a)
		if err != nil {
			return err
		}
		p.Units = []option{{Label: p.T("office.inbox.any")}}
		for _, u := range units {
			sel := u.Code == q.Get("don-vi")
			if sel {
				f.Unit, p.Unit = u.Code, u.Code
			}
			p.Units = append(p.Units, option{Value: u.Code, Label: u.Name, Selected: sel})
		}
		f.Cursor = q.Get("sau")
		// The outgoing register shows each document's distribution and
		// the edXML status of its outside recipients.
		f.Recipients = kind == "out"
		page, err := o.documents.List(ctx, a, f)
		if pe, ok := publicError(err); ok && pe.Field == "cursor" {
			// A stale or tampered cursor: the first page, with a word.
			p.Message = errorText(p.Page, pe)
			f.Cursor = ""
			page, err = o.documents.List(ctx, a, f)
		}
		if err != nil {
			return err
		}
		p.Docs = page.Documents
		link := func(cursor string) string {
			v := url.Values{}
			if p.State != "" {
				v.Set("trang-thai", p.State)
			}
			if p.Unit != "" {
				v.Set("don-vi", p.Unit)
			}
			if cursor != "" {
				v.Set("sau", cursor)
			}
			if len(v) == 0 {
				return base
			}
			return base + "?" + v.Encode()
		}
		if page.Next != "" {
			p.Next = link(page.Next)
		}
		if f.Cursor != "" {
			p.First = link("")
		}
		reg, _ := a.Reach(auth.RegisterDocument)
		draft, _ := a.Reach(auth.DraftDocument)
		p.CanRegister, p.CanDraft = len(reg) > 0, len(draft) > 0
		return o.render(w, http.StatusOK, "documents", p)
	}
}

// visibleDocUnits are the units whose documents a may read (document.read
// own or below), for the register's unit filter.
func (o *Office) visibleDocUnits(ctx context.Context, a *auth.Actor) ([]unit.Unit, error) {
	own, below := a.Reach(auth.ReadDocument)
	if len(own)+len(below) == 0 {
		return nil, nil
	}
	all, err := o.units.List(ctx)
	if err != nil {
		return nil, err
	}
	seen, desc := map[int64]bool{}, map[int64]bool{}
	for _, id := range own {
		seen[id] = true
	}
	for _, id := range below {
		seen[id], desc[id] = true, true
	}
	// Walk down from the units read below until no unit is added.
	for added := true; added; {
		added = false
		for _, u := range all {
			if !desc[u.ID] && u.ParentID != 0 && desc[u.ParentID] {
				seen[u.ID], desc[u.ID], added = true, true, true
			}
		}
	}
	var out []unit.Unit
	for _, u := range all {
		if seen[u.ID] {
			out = append(out, u)
		}
	}
	return out, nil
}

// queueCap bounds the documents a queue page reads and sorts.
const queueCap = 1000

// docQueue lists the officer's own queue (Mine): overdue documents first,
// then the nearest deadline, then the newest. kind "approve" keeps the
// drafts waiting for the reader's review or approval.
func (o *Office) docQueue(kind string) officerHandler {
	return func(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
		title := "office.doc.mine.title"
		f := document.Filter{Mine: true, Limit: 200}
		if kind == "approve" {
			title, f.Direction = "office.doc.approve.title", document.Out
		}
		p := docList{Page: o.page(r, title), Kind: kind}
		// The queue is sorted by urgency here, so it is read whole (page
		// after page of the service's 200), up to queueCap: one officer's
		// open work, where a first page alone would hide an overdue
		// document behind 200 newer ones.
		for seen := 0; ; {
			page, err := o.documents.List(r.Context(), a, f)
			if err != nil {
				return err
			}
			for _, d := range page.Documents {
				seen++
				if kind == "approve" && d.State != document.StateReviewing && d.State != document.StateApproving {
					continue
				}
				p.Docs = append(p.Docs, d)
				if d.Overdue {
					p.Overdue++
				}
			}
			if page.Next == "" {
				break
			}
			if seen >= queueCap {
				p.CappedAt = queueCap
				break
			}
			f.Cursor = page.Next
		}
		slices.SortStableFunc(p.Docs, func(x, y document.Document) int {
			switch {
			case x.Overdue != y.Overdue:
				if x.Overdue {
					return -1
				}
				return 1
			case x.Deadline != y.Deadline:
				// No deadline sorts last.
				if x.Deadline == "" {
					return 1
				}
				if y.Deadline == "" {
					return -1
				}
				if x.Deadline < y.Deadline {
					return -1
				}
				return 1
			}
			return 0
		})
		reg, _ := a.Reach(auth.RegisterDocument)
		draft, _ := a.Reach(auth.DraftDocument)
		p.CanRegister, p.CanDraft = len(reg) > 0, len(draft) > 0
		return o.render(w, http.StatusOK, "documents", p)
	}
}

// dayFmt gives pages Day: a calendar date (YYYY-MM-DD) as Vietnamese
// write it, 05/03/2026.
type dayFmt struct{}

func (dayFmt) Day(s string) string {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return s
	}
	return t.Format("02/01/2006")
}

// docID reads the {id} of a document route; a malformed one is not found.
func docID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, problem.NotFound("document_not_found", r.PathValue("id"))
	}
	return id, nil
}

// docFile streams one of a document's files, through the service with the
// officer's rights; ?tai=1 downloads it.
func (o *Office) docFile(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	id, err := docID(r)
	if err != nil {
		return err
	}
	fid, err := strconv.ParseInt(r.PathValue("file"), 10, 64)
	if err != nil {
		return problem.NotFound("document_file_not_found", r.PathValue("file"))
	}
	f, content, err := o.documents.FileContent(r.Context(), a, id, fid)
	if err != nil {
		return err
	}
	h := w.Header()
	web.SecurityHeaders(h)
	disp := "inline"
	if r.URL.Query().Get("tai") == "1" {
		disp = "attachment"
	}
	h.Set("Content-Type", f.ContentType)
	h.Set("Content-Disposition", disp+`; filename*=UTF-8''`+url.PathEscape(f.Name))
	h.Set("Cache-Control", "private, no-store")
	h.Set("Content-Length", strconv.Itoa(len(content)))
	_, err = w.Write(content)
	return err
}
