package dossier

import (
	"context"
	"errors"

	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/unit"
)

// Reroute moves the open dossiers of a unit that has just been abolished
// (unit.Abolished, in the abolition's transaction): each one held there
// goes to the unit competent for its current step under the chart now in
// force — a district's land dossier to the land registration branch, its
// other dossiers where the reorganisation's competence rules send the
// district's work — and one waiting at its desk, or one no rule routes,
// to the successor's desk. Codes, history and deadlines are untouched; the
// assignee is cleared when the unit changes, since the officer holds no
// role at the new unit.
func (s *Service) Reroute(ctx context.Context, tx *store.Tx, e unit.Abolished) error {
	rows, err := tx.QueryContext(ctx, selectDossier+` WHERE d.unit_id = ? AND d.closed_at IS NULL ORDER BY d.id`, e.ID)
	if err != nil {
		return err
	}
	var held []*Dossier
	for rows.Next() {
		d, err := scanDossier(rows)
		if err != nil {
			rows.Close()
			return err
		}
		held = append(held, d)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	// The desk and competent pointers first, so routing starts from the successor.
	if e.Successor != 0 {
		if _, err := tx.ExecContext(ctx, `UPDATE dossiers SET receiving_unit_id = ?, version = version + 1
			WHERE receiving_unit_id = ? AND closed_at IS NULL`, e.Desk, e.ID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE dossiers SET competent_unit_id = ?, version = version + 1
			WHERE competent_unit_id = ? AND closed_at IS NULL`, e.Successor, e.ID); err != nil {
			return err
		}
	}
	for _, d := range held {
		to, err := s.rerouteOne(ctx, tx, d, e)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE dossiers SET unit_id = ?, assignee_id = NULL, version = version + 1 WHERE id = ?`,
			to, d.id); err != nil {
			return err
		}
	}
	return nil
}

// rerouteOne is where one dossier held at the abolished unit goes.
func (s *Service) rerouteOne(ctx context.Context, tx *store.Tx, d *Dossier, e unit.Abolished) (int64, error) {
	orphan := problem.New(problem.ErrState, "reorg_dossier_orphaned", d.Code)
	p, err := s.catalog.Version(ctx, tx, d.Procedure, d.ProcedureVersion)
	if err != nil {
		return 0, err
	}
	if d.Status == Submitted || d.Status == ResultReady || d.Status == Transferring ||
		d.Step < firstWorkStep(p) || d.Step > lastWorkStep(p) {
		// Waiting at a desk (for reception, a transfer or its result):
		// the successor's desk takes it.
		if e.Desk == 0 {
			return 0, orphan
		}
		return e.Desk, nil
	}
	// Its own pointers as they now are (moved above).
	if e.Successor != 0 {
		if d.receivingID == e.ID {
			d.receivingID = e.Desk
		}
		if d.competentID == e.ID {
			d.competentID = e.Successor
		}
	}
	// Routed by the chart the abolition opens: at its date, or now when it
	// is carried out after it (a scheduled plan is checked by a dry run
	// before its date, when its new units and rules are not yet in force).
	at := s.cfg.Now()
	if e.At.After(at) {
		at = e.At
	}
	st := p.Steps[d.Step]
	u, err := s.units.ForStep(ctx, tx, d.root(), unit.Step{Level: st.Level, Kind: st.Kind, Procedure: p.Code}, at)
	var pe *problem.Error
	switch {
	case err == nil && u.ID != e.ID:
		return u.ID, nil
	case err == nil, errors.As(err, &pe) && pe.Code == "no_competent_unit":
		if e.Successor == 0 {
			return 0, orphan
		}
		return e.Successor, nil
	}
	return 0, err
}
