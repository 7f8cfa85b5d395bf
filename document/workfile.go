package document

import (
	"context"
	"database/sql"
	"errors"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/calendar"
	"github.com/motcua/motcua/event"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/store"
)

// States of a work file.
const (
	FileOpen     = "open"     // documents are added and removed
	FileClosed   = "closed"   // the work ended; due for the archive
	FileArchived = "archived" // handed to the organ's archive
)

// ArchiveWarningDays is how long before a closed file is due for the
// archive it is flagged (Appendix VI Part I: warn 30 days before).
const ArchiveWarningDays = 30

// WorkFile is a work file (hồ sơ công việc) with the file-level metadata
// of Decree 30 Appendix VI Part II. FileCode is OrganId + "." +
// FileCatalog (the year) + "." + FileNotation.
type WorkFile struct {
	ID           int64  `json:"id"`
	Unit         string `json:"unit"`
	FileCode     string `json:"file_code"`
	FileCatalog  int    `json:"file_catalog"`
	FileNotation string `json:"file_notation"`
	Title        string `json:"title"`
	// Maintenance is the retention period ("Vĩnh viễn", "10 năm").
	Maintenance string `json:"maintenance"`
	Rights      string `json:"rights,omitempty"`
	Creator     string `json:"creator"`
	Language    string `json:"language"`
	StartDate   string `json:"start_date"`
	EndDate     string `json:"end_date,omitempty"`
	Description string `json:"description,omitempty"`
	DocTotal    int    `json:"doc_total"`
	PageTotal   int    `json:"page_total"`
	State       string `json:"state"`
	// ArchiveDue is the last day to hand a closed file to the archive
	// (EndDate + 1 year, Art. 30); WarnFrom the day the warning starts;
	// ArchiveWarning is true from then on while the file is not handed over.
	ArchiveDue     string    `json:"archive_due,omitempty"`
	WarnFrom       string    `json:"warn_from,omitempty"`
	ArchiveWarning bool      `json:"archive_warning"`
	Version        int64     `json:"version"`
	Keeper         string    `json:"keeper,omitempty"`
	CreatedAt      time.Time `json:"created_at"`
	UpdatedAt      time.Time `json:"updated_at"`
	ClosedAt       time.Time `json:"closed_at,omitzero"`
	// Items are the file's documents in DocOrdinal order, and CanManage
	// whether the reader may change the file (GetFile only).
	Items     []FileItem `json:"items,omitempty"`
	CanManage bool       `json:"can_manage,omitempty"`

	unitID int64
}

// FileItem is one document of a work file with the document-level
// metadata the file's list shows.
type FileItem struct {
	DocOrdinal   int       `json:"doc_ordinal"`
	DocumentID   int64     `json:"document_id"`
	Direction    string    `json:"direction"`
	TypeName     string    `json:"type_name"`
	CodeNumber   string    `json:"code_number,omitempty"`
	CodeNotation string    `json:"code_notation,omitempty"`
	IssuedDate   string    `json:"issued_date,omitempty"`
	OrganName    string    `json:"organ_name"`
	Subject      string    `json:"subject"`
	PageAmount   int       `json:"page_amount"`
	Language     string    `json:"language"`
	Description  string    `json:"description,omitempty"`
	AddedAt      time.Time `json:"added_at"`
}

// WorkFileInput opens a work file at Unit (an organ's code).
type WorkFileInput struct {
	Unit string `json:"unit"`
	// Notation is the file's number and symbol in the organ's file
	// catalogue for the year ("01.VP"): letters, digits, ".", "-", "/".
	Notation    string `json:"file_notation"`
	Title       string `json:"title"`
	Maintenance string `json:"maintenance"`
	Rights      string `json:"rights,omitempty"`
	Language    string `json:"language,omitempty"`
	// StartDate defaults to today (Vietnam); its year is the FileCatalog.
	StartDate   string `json:"start_date,omitempty"`
	Description string `json:"description,omitempty"`
}

var notationRE = regexp.MustCompile(`^[\p{L}0-9][\p{L}0-9./-]*$`)

// CanManageFiles reports whether a may open, fill, close and hand over
// the work files of the unit whose chain is given: the officers who keep
// the unit's documents — document.draft (specialist, leader) or
// document.register (clerk) there.
func CanManageFiles(a *auth.Actor, chain []int64) bool {
	return a != nil && !a.IsCitizen() && (a.Can(auth.DraftDocument, chain) || a.Can(auth.RegisterDocument, chain))
}

// CreateFile opens a work file at the organ in.Unit.
func (s *Service) CreateFile(ctx context.Context, a *auth.Actor, in WorkFileInput) (*WorkFile, error) {
	u, err := s.units.ByCode(ctx, in.Unit)
	if err != nil {
		return nil, problem.Invalid("unit", "document_unit_unknown", in.Unit)
	}
	chain, err := s.units.Chain(ctx, s.db, u.ID)
	if err != nil {
		return nil, err
	}
	if !CanManageFiles(a, chain) {
		return nil, problem.Forbidden("work_file_manage", u.Code)
	}
	in.Notation, in.Title = strings.TrimSpace(in.Notation), strings.TrimSpace(in.Title)
	in.Maintenance, in.Rights = strings.TrimSpace(in.Maintenance), strings.TrimSpace(in.Rights)
	in.Language, in.Description = strings.TrimSpace(in.Language), strings.TrimSpace(in.Description)
	if !notationRE.MatchString(in.Notation) || utf8.RuneCountInString(in.Notation) > 20 {
		return nil, problem.Invalid("file_notation", "work_file_notation")
	}
	if in.Title == "" || utf8.RuneCountInString(in.Title) > 500 {
		return nil, problem.Invalid("title", "work_file_title")
	}
	if in.Maintenance == "" || utf8.RuneCountInString(in.Maintenance) > 30 {
		return nil, problem.Invalid("maintenance", "work_file_maintenance")
	}
	for _, x := range []struct {
		field, v string
		max      int
	}{{"rights", in.Rights, 30}, {"language", in.Language, 30}, {"description", in.Description, 500}} {
		if utf8.RuneCountInString(x.v) > x.max {
			return nil, problem.Invalid(x.field, "document_text_too_long", x.max)
		}
	}
	if in.Language == "" {
		in.Language = "Tiếng Việt"
	}
	now := s.cfg.Now()
	if in.StartDate == "" {
		in.StartDate = today(now)
	}
	start, err := time.ParseInLocation(time.DateOnly, in.StartDate, calendar.Zone)
	if err != nil || in.StartDate > today(now) {
		return nil, problem.Invalid("start_date", "work_file_date")
	}
	code := u.Code + "." + strconv.Itoa(start.Year()) + "." + in.Notation
	var id int64
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM document_work_files WHERE file_code = ?`, code).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return problem.Conflict("work_file_code_taken", code)
		}
		ms := now.UnixMilli()
		if err := tx.QueryRowContext(ctx, `INSERT INTO document_work_files (unit_id, file_catalog, file_notation, file_code, title, maintenance,
			rights, creator, language, start_date, description, state, keeper_id, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			u.ID, start.Year(), in.Notation, code, in.Title, in.Maintenance, in.Rights, u.Name, in.Language, in.StartDate,
			in.Description, FileOpen, a.ID, ms, ms).Scan(&id); err != nil {
			return err
		}
		return s.publishFile(ctx, tx, a, u.ID, id, "work_file_created", code)
	})
	if err != nil {
		return nil, err
	}
	return s.GetFile(ctx, a, id)
}

const selectWorkFile = `SELECT f.id, f.unit_id, f.file_catalog, f.file_notation, f.file_code, f.title, f.maintenance, f.rights, f.creator,
	f.language, f.start_date, f.end_date, f.description, f.state, f.archive_due, f.version, COALESCE(f.keeper_id, 0),
	f.created_at, f.updated_at, COALESCE(f.closed_at, 0),
	(SELECT COUNT(*) FROM document_work_file_items i WHERE i.file_id = f.id),
	(SELECT COALESCE(SUM(d.page_amount), 0) FROM document_work_file_items i JOIN documents d ON d.id = i.document_id WHERE i.file_id = f.id)
	FROM document_work_files f`

// scanWorkFile reads a row of selectWorkFile; keeper is the keeper's id.
func scanWorkFile(sc interface{ Scan(...any) error }, keeper *int64) (*WorkFile, error) {
	var f WorkFile
	var created, updated, closed int64
	err := sc.Scan(&f.ID, &f.unitID, &f.FileCatalog, &f.FileNotation, &f.FileCode, &f.Title, &f.Maintenance, &f.Rights, &f.Creator,
		&f.Language, &f.StartDate, &f.EndDate, &f.Description, &f.State, &f.ArchiveDue, &f.Version, keeper,
		&created, &updated, &closed, &f.DocTotal, &f.PageTotal)
	if err != nil {
		return nil, err
	}
	f.CreatedAt, f.UpdatedAt = fromMs(created), fromMs(updated)
	if closed != 0 {
		f.ClosedAt = fromMs(closed)
	}
	return &f, nil
}

// loadFile reads file id if a may read it (document.read at its unit);
// not found otherwise, so ids reveal nothing.
func (s *Service) loadFile(ctx context.Context, q store.Querier, a *auth.Actor, id int64) (*WorkFile, []int64, error) {
	var keeper int64
	f, err := scanWorkFile(q.QueryRowContext(ctx, selectWorkFile+` WHERE f.id = ?`, id), &keeper)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, problem.NotFound("work_file_not_found", id)
	}
	if err != nil {
		return nil, nil, err
	}
	chain, err := s.units.Chain(ctx, q, f.unitID)
	if err != nil {
		return nil, nil, err
	}
	// Whoever manages files holds document.read there too (auth.Scopes).
	if a == nil || a.IsCitizen() || !a.Can(auth.ReadDocument, chain) {
		return nil, nil, problem.NotFound("work_file_not_found", id)
	}
	if err := s.fillFiles(ctx, q, []*WorkFile{f}, []int64{keeper}); err != nil {
		return nil, nil, err
	}
	f.CanManage = CanManageFiles(a, chain)
	return f, chain, nil
}

// fillFiles sets the unit codes, keepers and the archive warning.
func (s *Service) fillFiles(ctx context.Context, q store.Querier, fs []*WorkFile, keepers []int64) error {
	var ids []int64
	for _, f := range fs {
		ids = append(ids, f.unitID)
	}
	codes, err := s.units.Codes(ctx, q, ids)
	if err != nil {
		return err
	}
	names, err := auth.Usernames(ctx, q, keepers...)
	if err != nil {
		return err
	}
	now := today(s.cfg.Now())
	for i, f := range fs {
		f.Unit, f.Keeper = codes[f.unitID], names[keepers[i]]
		if f.ArchiveDue != "" {
			f.WarnFrom = warnFrom(f.ArchiveDue)
			f.ArchiveWarning = f.State == FileClosed && now >= f.WarnFrom
		}
	}
	return nil
}

// Today is Vietnam's date by the service's clock, "YYYY-MM-DD": the demo
// dates the documents it registers by it.
func (s *Service) Today() string { return today(s.cfg.Now()) }

// archiveDue is the last day to hand over a file whose work ended on end:
// one year after it (Art. 30); 29 February ends on 28 February.
func archiveDue(end string) string {
	t, _ := time.ParseInLocation(time.DateOnly, end, calendar.Zone)
	due := t.AddDate(1, 0, 0)
	if due.Day() != t.Day() {
		due = due.AddDate(0, 0, -due.Day())
	}
	return due.Format(time.DateOnly)
}

// warnFrom is the first day of the warning before due.
func warnFrom(due string) string {
	t, _ := time.ParseInLocation(time.DateOnly, due, calendar.Zone)
	return t.AddDate(0, 0, -ArchiveWarningDays).Format(time.DateOnly)
}

// FileChanged is published in the transaction of every act on a work file
// (created, a document added or removed, closed, archived); the audit log
// records it.
type FileChanged struct {
	FileID    int64
	FileCode  string
	UnitID    int64
	Action    string
	ActorID   int64
	ActorName string
	At        time.Time
}

// Security is the act as an audit row.
func (e FileChanged) Security() event.Security {
	return event.Security{At: e.At, ActorID: e.ActorID, ActorName: e.ActorName, UnitID: e.UnitID,
		Action: e.Action, Object: "work_file:" + strconv.FormatInt(e.FileID, 10), Details: e.FileCode}
}

func (s *Service) publishFile(ctx context.Context, tx *store.Tx, a *auth.Actor, unitID, id int64, action, detail string) error {
	return event.Publish(ctx, s.cfg.Bus, tx, FileChanged{FileID: id, FileCode: detail, UnitID: unitID, Action: action,
		ActorID: a.ID, ActorName: a.Username, At: s.cfg.Now()})
}
