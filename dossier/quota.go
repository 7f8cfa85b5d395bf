package dossier

import (
	"context"

	"github.com/motcua/motcua/catalog"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/store"
)

// A component's quantity (số lượng: 01 bản) counts paper copies, not
// files: one copy scanned page by page is several JPGs (an ID card is a
// front and a back). So a component takes filesPerCopy files per copy,
// never more than maxComponentFiles; the result document, which no
// procedure counts, takes maxComponentFiles.
const (
	filesPerCopy      = 5
	maxComponentFiles = 10
)

// componentLimit is how many files component c may hold.
func componentLimit(c catalog.Component) int {
	return min(max(c.Quantity, 1)*filesPerCopy, maxComponentFiles)
}

// slot is where an upload goes: its kind, the component's name for
// messages and how many files it may hold.
type slot struct {
	kind, name string
	limit      int
}

// checkQuota refuses a file of size bytes for sl when the component
// already holds its limit or the applicant's files would pass the
// dossier's total. Every supplement the office asks for (at reception or
// during processing) allows one more set, since a supplement adds files
// and removes none. It runs in the
// insert's transaction after lockFiles, so two concurrent uploads cannot
// both take the last place.
func (s *Service) checkQuota(ctx context.Context, q store.Querier, d *Dossier, component string, sl slot, size int64) error {
	var n, asked int
	var total int64
	err := q.QueryRowContext(ctx, `SELECT COUNT(CASE WHEN component = ? AND kind = ? THEN 1 END),
		COALESCE(SUM(CASE WHEN kind = 'component' THEN size ELSE 0 END), 0),
		(SELECT COUNT(*) FROM dossier_events WHERE dossier_id = ? AND action = ?)
		FROM dossier_files WHERE dossier_id = ?`, component, sl.kind, d.id, RequestSupplement, d.id).Scan(&n, &total, &asked)
	if err != nil {
		return err
	}
	sets := 1 + asked
	if n >= sl.limit*sets {
		return problem.Invalid("file", "too_many_component_files", sl.name, sl.limit*sets)
	}
	if max := s.cfg.MaxDossierBytes * int64(sets); sl.kind == "component" && total+size > max {
		return problem.Invalid("file", "dossier_files_too_large", max>>20)
	}
	return nil
}

// lockFiles takes the dossier's row lock for the rest of tx with a no-op
// update (PostgreSQL; SQLite's write transaction already holds the
// database's write lock), so quota checks and inserts do not interleave.
func lockFiles(ctx context.Context, tx *store.Tx, d *Dossier) error {
	_, err := tx.ExecContext(ctx, `UPDATE dossiers SET version = version WHERE id = ?`, d.id)
	return err
}

// checkDraftQuota applies the same limits to a draft's files. Only growth
// is refused: a draft saved before the limits, or over them for another
// reason, can still lose files.
func (s *Service) checkDraftQuota(p catalog.Procedure, before, after []DraftFile) error {
	count := func(fs []DraftFile) (map[string]int, int64) {
		n, total := map[string]int{}, int64(0)
		for _, f := range fs {
			n[f.Component]++
			total += f.Size
		}
		return n, total
	}
	n0, t0 := count(before)
	n1, t1 := count(after)
	for _, c := range p.Components {
		if l := componentLimit(c); n1[c.Key] > l && n1[c.Key] > n0[c.Key] {
			return problem.Invalid("file", "too_many_component_files", c.Name, l)
		}
	}
	if t1 > s.cfg.MaxDossierBytes && t1 > t0 {
		return problem.Invalid("file", "dossier_files_too_large", s.cfg.MaxDossierBytes>>20)
	}
	return nil
}
