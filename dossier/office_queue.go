package dossier

import (
	"context"
	"strings"

	"github.com/motcua/motcua/auth"
)

// Queue returns the dossiers waiting for a's own work, most urgent first
// (at most limit of them), and how many there are in all:
//
//   - at a unit where a receives: submitted dossiers to check and receive,
//     and results ready to hand over;
//   - dossiers being processed whose current step's role a holds at the
//     unit processing them;
//   - dossiers being processed that are assigned to a.
//
// Every one of them is at a unit a holds a role on, so a may see it.
func (s *Service) Queue(ctx context.Context, a *auth.Actor, limit int) ([]*Dossier, int, error) {
	out := []*Dossier{}
	if a == nil || a.IsCitizen() {
		return out, 0, nil
	}
	var conds []string
	var args []any
	var recv, work []any
	for _, g := range a.Grants {
		switch g.Role {
		case auth.Reception:
			recv = append(recv, g.UnitID)
			work = append(work, g.UnitID)
		case auth.Specialist, auth.Leader, auth.Clerk:
			work = append(work, g.UnitID)
		}
	}
	if len(recv) > 0 {
		conds = append(conds, "(d.status IN ('submitted', 'result_ready') AND d.receiving_unit_id IN ("+officeIn(len(recv))+"))")
		args = append(args, recv...)
	}
	steps, stepArgs, err := s.myStepsClause(ctx, a, work)
	if err != nil {
		return nil, 0, err
	}
	if steps != "" {
		conds = append(conds, "(d.status = 'processing' AND ("+steps+"))")
		args = append(args, stepArgs...)
	}
	conds = append(conds, "(d.status = 'processing' AND d.assignee_id = ?)")
	args = append(args, a.ID)
	where := strings.Join(conds, " OR ")

	var total int
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM dossiers d WHERE `+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	rows, err := s.db.QueryContext(ctx, selectDossier+` WHERE `+where+
		` ORDER BY CASE WHEN d.due_at IS NULL THEN 1 ELSE 0 END, d.due_at, d.id LIMIT ?`, append(args, limit)...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	for rows.Next() {
		d, err := scanDossier(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	rows.Close()
	for _, d := range out {
		if err := s.decorate(ctx, s.db, d); err != nil {
			return nil, 0, err
		}
	}
	return out, total, nil
}

// myStepsClause matches the processing dossiers whose current step belongs
// to a role a holds at the dossier's unit. A step's role lives in the
// procedure version, not in the row, so the few distinct (unit, procedure,
// version, step) combinations at a's units are resolved here and matched
// exactly in SQL.
func (s *Service) myStepsClause(ctx context.Context, a *auth.Actor, units []any) (string, []any, error) {
	if len(units) == 0 {
		return "", nil, nil
	}
	type combo struct {
		unit    int64
		code    string
		version int
		step    int
	}
	rows, err := s.db.QueryContext(ctx, `SELECT DISTINCT unit_id, procedure_code, procedure_version, step FROM dossiers
		WHERE status = 'processing' AND unit_id IN (`+officeIn(len(units))+`)`, units...)
	if err != nil {
		return "", nil, err
	}
	var combos []combo
	for rows.Next() {
		var c combo
		if err := rows.Scan(&c.unit, &c.code, &c.version, &c.step); err != nil {
			rows.Close()
			return "", nil, err
		}
		combos = append(combos, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return "", nil, err
	}
	var conds []string
	var args []any
	for _, c := range combos {
		p, err := s.catalog.Version(ctx, s.db, c.code, c.version)
		if err != nil {
			return "", nil, err
		}
		if c.step < len(p.Steps) && a.Has(p.Steps[c.step].Role, c.unit) {
			conds = append(conds, "(d.unit_id = ? AND d.procedure_code = ? AND d.procedure_version = ? AND d.step = ?)")
			args = append(args, c.unit, c.code, c.version, c.step)
		}
	}
	return strings.Join(conds, " OR "), args, nil
}

// officeIn is the placeholder list of an IN clause of n values.
func officeIn(n int) string {
	return strings.TrimSuffix(strings.Repeat("?,", n), ",")
}
