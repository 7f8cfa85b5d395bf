package document

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/calendar"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/store"
)

// GetFile returns work file id with its documents in DocOrdinal order;
// not found when a may not read the documents of its organ.
func (s *Service) GetFile(ctx context.Context, a *auth.Actor, id int64) (*WorkFile, error) {
	f, _, err := s.loadFile(ctx, s.db, a, id)
	if err != nil {
		return nil, err
	}
	if f.Items, err = s.fileItems(ctx, s.db, a, f); err != nil {
		return nil, err
	}
	// The totals are of what the reader sees: a count that included a
	// secret document they may not read would tell them it exists.
	f.DocTotal, f.PageTotal = len(f.Items), 0
	for _, it := range f.Items {
		f.PageTotal += it.PageAmount
	}
	return f, nil
}

// fileItems lists the documents of f by ordinal with their metadata, as
// a sees them: a secret document only to those who act on it (canView),
// so a file and its exports never carry what Get would not show.
func (s *Service) fileItems(ctx context.Context, q store.Querier, a *auth.Actor, f *WorkFile) ([]FileItem, error) {
	rows, err := q.QueryContext(ctx, `SELECT i.ordinal, d.id, d.direction, d.type_code, d.code_number, d.code_notation, d.issued_date,
		d.sender_name, d.subject, d.page_amount, d.description, i.added_at, d.secrecy
		FROM document_work_file_items i JOIN documents d ON d.id = i.document_id WHERE i.file_id = ? ORDER BY i.ordinal`, f.ID)
	if err != nil {
		return nil, err
	}
	items := []FileItem{}
	var secret []int64
	for rows.Next() {
		var it FileItem
		var typ, sender string
		var added int64
		var secrecy int
		if err := rows.Scan(&it.DocOrdinal, &it.DocumentID, &it.Direction, &typ, &it.CodeNumber, &it.CodeNotation, &it.IssuedDate,
			&sender, &it.Subject, &it.PageAmount, &it.Description, &added, &secrecy); err != nil {
			rows.Close()
			return nil, err
		}
		if secrecy > 0 {
			secret = append(secret, it.DocumentID)
		}
		if t, ok := TypeOf(typ); ok {
			it.TypeName = t.Name
		}
		// The issuer: the sender of an incoming document, the file's
		// organ for an outgoing one.
		it.OrganName = sender
		if it.Direction == Out {
			it.OrganName = f.Creator
		}
		it.Language, it.AddedAt = f.Language, fromMs(added)
		items = append(items, it)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	hidden := false
	for _, id := range secret {
		d, err := s.load(ctx, q, id)
		if err != nil {
			return nil, err
		}
		if ok, err := s.canView(ctx, q, a, d); err != nil {
			return nil, err
		} else if !ok {
			items, hidden = slices.DeleteFunc(items, func(it FileItem) bool { return it.DocumentID == id }), true
		}
	}
	if hidden {
		// A gap in the ordinals would show where a hidden document is:
		// the reader's list is numbered 1…n as they see it.
		for i := range items {
			items[i].DocOrdinal = i + 1
		}
	}
	return items, nil
}

// hideSecretTotals takes out of each listed file's totals the secret
// documents a may not read (secretCondition, the rule List reads by), so
// a list of files tells no more than GetFile does.
func (s *Service) hideSecretTotals(ctx context.Context, a *auth.Actor, fs []*WorkFile) error {
	if len(fs) == 0 {
		return nil
	}
	var args []any
	in := inList(&args)
	byID := map[int64]*WorkFile{}
	var ids []int64
	for _, f := range fs {
		byID[f.ID], ids = f, append(ids, f.ID)
	}
	files := in(ids)
	cond, err := s.secretCondition(ctx, a, in, &args)
	if err != nil {
		return err
	}
	// CASE, not NOT (…): the condition is NULL for a document without an
	// assignment, and NOT NULL would count it as readable.
	rows, err := s.db.QueryContext(ctx, `SELECT i.file_id, COUNT(*), COALESCE(SUM(d.page_amount), 0)
		FROM document_work_file_items i JOIN documents d ON d.id = i.document_id LEFT JOIN document_assignments x ON x.id = d.assignment_id
		WHERE i.file_id IN `+files+` AND d.secrecy > 0 AND (CASE WHEN `+cond+` THEN 0 ELSE 1 END) = 1 GROUP BY i.file_id`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var n, pages int
		if err := rows.Scan(&id, &n, &pages); err != nil {
			return err
		}
		if f := byID[id]; f != nil {
			f.DocTotal, f.PageTotal = f.DocTotal-n, f.PageTotal-pages
		}
	}
	return rows.Err()
}

// FileFilter selects work files for ListFiles.
type FileFilter struct {
	// Unit is an organ's code or ""; State FileOpen, FileClosed,
	// FileArchived or "".
	Unit  string
	State string
	// Warning keeps the closed files whose archive warning is on: due
	// for the archive within ArchiveWarningDays days, or past due.
	Warning bool
}

// ListFiles returns the work files of the organs whose documents a may
// read, newest first (at most 500).
func (s *Service) ListFiles(ctx context.Context, a *auth.Actor, f FileFilter) ([]WorkFile, error) {
	if a == nil || a.IsCitizen() {
		return nil, problem.Forbidden("officers_only")
	}
	if f.State != "" && f.State != FileOpen && f.State != FileClosed && f.State != FileArchived {
		return nil, problem.Invalid("state", "invalid_filter", "state", "open, closed, archived")
	}
	read, err := s.units.Reach(ctx, s.db, a, auth.ReadDocument)
	if err != nil {
		return nil, err
	}
	if len(read) == 0 {
		return []WorkFile{}, nil
	}
	var args []any
	for _, id := range read {
		args = append(args, id)
	}
	where := []string{`f.unit_id IN (` + store.Placeholders(len(read)) + `)`}
	if f.Unit != "" {
		u, err := s.units.ByCode(ctx, f.Unit)
		if err != nil {
			return nil, problem.Invalid("unit", "document_unit_unknown", f.Unit)
		}
		where, args = append(where, `f.unit_id = ?`), append(args, u.ID)
	}
	if f.State != "" {
		where, args = append(where, `f.state = ?`), append(args, f.State)
	}
	if f.Warning {
		// archive_due − 30 days ≤ today ⇔ archive_due ≤ today + 30 days.
		limit := s.cfg.Now().In(calendar.Zone).AddDate(0, 0, ArchiveWarningDays).Format(time.DateOnly)
		where, args = append(where, `f.state = ? AND f.archive_due <= ?`), append(args, FileClosed, limit)
	}
	rows, err := s.db.QueryContext(ctx, selectWorkFile+` WHERE `+strings.Join(where, " AND ")+` ORDER BY f.id DESC LIMIT 500`, args...)
	if err != nil {
		return nil, err
	}
	var fs []*WorkFile
	var keepers []int64
	for rows.Next() {
		var k int64
		f, err := scanWorkFile(rows, &k)
		if err != nil {
			rows.Close()
			return nil, err
		}
		fs, keepers = append(fs, f), append(keepers, k)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if err := s.fillFiles(ctx, s.db, fs, keepers); err != nil {
		return nil, err
	}
	if err := s.hideSecretTotals(ctx, a, fs); err != nil {
		return nil, err
	}
	out := []WorkFile{}
	for _, f := range fs {
		out = append(out, *f)
	}
	return out, nil
}

// fileAct runs change on file id for a in one transaction: a may read
// the file and manage its organ's files, the version matches (0 skips the
// check), the file is in one of states; then the version moves on and
// FileChanged is published.
func (s *Service) fileAct(ctx context.Context, a *auth.Actor, id, version int64, action string, states []string,
	change func(tx *store.Tx, f *WorkFile) error) (*WorkFile, error) {
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		f, chain, err := s.loadFile(ctx, tx, a, id)
		if err != nil {
			return err
		}
		if !CanManageFiles(a, chain) {
			return problem.Forbidden("work_file_manage", f.Unit)
		}
		if version != 0 && version != f.Version {
			return problem.Conflict("work_file_version_conflict", f.Version)
		}
		if !slices.Contains(states, f.State) {
			return problem.New(problem.ErrState, "work_file_wrong_state", f.State)
		}
		if err := change(tx, f); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE document_work_files SET version = version + 1, updated_at = ? WHERE id = ? AND version = ?`,
			s.cfg.Now().UnixMilli(), id, f.Version)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return problem.Conflict("work_file_version_conflict", f.Version)
		}
		return s.publishFile(ctx, tx, a, f.unitID, id, action, f.FileCode)
	})
	if err != nil {
		return nil, err
	}
	return s.GetFile(ctx, a, id)
}

// AddToFile puts document docID, of the file's organ and visible to a,
// into open file id. The documents are kept in DocOrdinal order by date:
// a document's issued date (its own date, for incoming ones too), else
// the day it was made, then by id.
func (s *Service) AddToFile(ctx context.Context, a *auth.Actor, id, version, docID int64) (*WorkFile, error) {
	return s.fileAct(ctx, a, id, version, "work_file_added", []string{FileOpen}, func(tx *store.Tx, f *WorkFile) error {
		d, err := s.load(ctx, tx, docID)
		if err != nil {
			return err
		}
		if ok, err := s.canView(ctx, tx, a, d); err != nil {
			return err
		} else if !ok {
			return problem.NotFound("document_not_found", docID)
		}
		if d.unitID != f.unitID {
			return problem.Invalid("document_id", "work_file_other_organ", docID)
		}
		var in string
		err = tx.QueryRowContext(ctx, `SELECT f.file_code FROM document_work_file_items i JOIN document_work_files f ON f.id = i.file_id
			WHERE i.document_id = ?`, docID).Scan(&in)
		if err == nil {
			return problem.Conflict("work_file_document_filed", docID, in)
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO document_work_file_items (file_id, document_id, ordinal, added_by, added_at) VALUES (?, ?, 0, ?, ?)`,
			id, docID, a.ID, s.cfg.Now().UnixMilli()); err != nil {
			return err
		}
		return renumber(ctx, tx, id)
	})
}

// RemoveFromFile takes document docID out of open file id; the ordinals
// after it close up.
func (s *Service) RemoveFromFile(ctx context.Context, a *auth.Actor, id, version, docID int64) (*WorkFile, error) {
	return s.fileAct(ctx, a, id, version, "work_file_removed", []string{FileOpen}, func(tx *store.Tx, f *WorkFile) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM document_work_file_items WHERE file_id = ? AND document_id = ?`, id, docID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return problem.NotFound("work_file_item_not_found", docID)
		}
		return renumber(ctx, tx, id)
	})
}

// renumber sets the ordinals of file id to 1…n in date order.
func renumber(ctx context.Context, tx *store.Tx, id int64) error {
	rows, err := tx.QueryContext(ctx, `SELECT d.id, d.issued_date, d.created_at FROM document_work_file_items i
		JOIN documents d ON d.id = i.document_id WHERE i.file_id = ?`, id)
	if err != nil {
		return err
	}
	type key struct {
		id   int64
		date string
	}
	var ks []key
	for rows.Next() {
		var k key
		var created int64
		if err := rows.Scan(&k.id, &k.date, &created); err != nil {
			rows.Close()
			return err
		}
		if k.date == "" {
			k.date = today(fromMs(created))
		}
		ks = append(ks, k)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	slices.SortFunc(ks, func(a, b key) int { return cmp.Or(cmp.Compare(a.date, b.date), cmp.Compare(a.id, b.id)) })
	for i, k := range ks {
		if _, err := tx.ExecContext(ctx, `UPDATE document_work_file_items SET ordinal = ? WHERE file_id = ? AND document_id = ?`, i+1, id, k.id); err != nil {
			return err
		}
	}
	return nil
}

// CloseInput closes a file: EndDate, the day the work ended (today when
// empty), and the version the caller saw.
type CloseInput struct {
	EndDate string `json:"end_date,omitempty"`
	Version int64  `json:"version,omitempty"`
}

// CloseFile closes open file id when its work has ended: it must hold a
// document; EndDate lies between the start and today. The file is then
// due for the archive within one year (ArchiveDue).
func (s *Service) CloseFile(ctx context.Context, a *auth.Actor, id int64, in CloseInput) (*WorkFile, error) {
	return s.fileAct(ctx, a, id, in.Version, "work_file_closed", []string{FileOpen}, func(tx *store.Tx, f *WorkFile) error {
		if f.DocTotal == 0 {
			return problem.New(problem.ErrState, "work_file_empty")
		}
		end := strings.TrimSpace(in.EndDate)
		if end == "" {
			end = today(s.cfg.Now())
		}
		if _, err := time.ParseInLocation(time.DateOnly, end, calendar.Zone); err != nil || end < f.StartDate || end > today(s.cfg.Now()) {
			return problem.Invalid("end_date", "work_file_date")
		}
		_, err := tx.ExecContext(ctx, `UPDATE document_work_files SET state = ?, end_date = ?, archive_due = ?, closed_at = ? WHERE id = ?`,
			FileClosed, end, archiveDue(end), s.cfg.Now().UnixMilli(), id)
		return err
	})
}

// ArchiveFile records that closed file id was handed to the organ's
// archive; its warning ends.
func (s *Service) ArchiveFile(ctx context.Context, a *auth.Actor, id, version int64) (*WorkFile, error) {
	return s.fileAct(ctx, a, id, version, "work_file_archived", []string{FileClosed}, func(tx *store.Tx, f *WorkFile) error {
		_, err := tx.ExecContext(ctx, `UPDATE document_work_files SET state = ? WHERE id = ?`, FileArchived, id)
		return err
	})
}

// File actions of ActOnFile.
const (
	FileActionClose   = "close"
	FileActionArchive = "archive"
)

// ActOnFile applies action (FileActionClose, FileActionArchive) to file
// id; an unknown action is refused after the rights, so it tells nothing
// to who may not manage the file.
func (s *Service) ActOnFile(ctx context.Context, a *auth.Actor, id int64, action string, in CloseInput) (*WorkFile, error) {
	switch action {
	case FileActionClose:
		return s.CloseFile(ctx, a, id, in)
	case FileActionArchive:
		return s.ArchiveFile(ctx, a, id, in.Version)
	}
	return s.fileAct(ctx, a, id, 0, "", []string{FileOpen, FileClosed, FileArchived}, func(*store.Tx, *WorkFile) error {
		return problem.Invalid("action", "work_file_action_unknown", action)
	})
}
