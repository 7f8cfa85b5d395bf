package unit

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/store"
)

// Step is what routing needs of one step of a procedure version: the level
// it names, the kind of unit it names (empty: the People's Committee of
// that level) and the procedure's code (for competence rules that concern
// one procedure).
type Step struct {
	Level, Kind, Procedure string
}

// ForStep returns the unit that does step for a dossier whose own unit
// (its competent unit, else the one that received it) is fromID, as the
// organisation stood at instant at — the reception day for the first
// step, the day of the act for the next ones:
//
//  1. a step that names a kind goes to the unit of that kind serving the
//     dossier's unit or one above it (a land registration branch whose
//     area holds the commune, or a body of that kind directly under it);
//  2. otherwise, or when no such unit exists (the 2022 world had no
//     branch in motcua), the competence rules in force (unit_competence,
//     written by a reorganisation plan) say where a level's work went
//     when the level ended, and the kind they name is looked for as in 1;
//  3. then the People's Committee of the level among the unit and its
//     ancestors; a level below the dossier's own committee is that
//     committee's.
//
// A level the chart no longer has, with no rule for it, is refused
// (409 no_competent_unit) rather than sent to whoever is above: a
// district step must never land at the province's committee.
func (s *Store) ForStep(ctx context.Context, q store.Querier, fromID int64, st Step, at time.Time) (Unit, error) {
	chain, err := s.Ancestors(ctx, q, fromID)
	if err != nil {
		return Unit{}, err
	}
	if st.Kind != "" && st.Kind != Committee {
		if u, ok, err := s.serving(ctx, q, chain, st.Kind, at); err != nil || ok {
			return u, err
		}
	}
	level := st.Level
	toLevel, toKind, ok, err := s.competence(ctx, q, st.Procedure, level, at)
	if err != nil {
		return Unit{}, err
	}
	if ok {
		level = toLevel
		if toKind != "" && toKind != Committee {
			if u, found, err := s.serving(ctx, q, chain, toKind, at); err != nil || found {
				return u, err
			}
		}
	}
	var own *Unit
	for i, u := range chain {
		if u.Kind != Committee || !u.Active {
			continue
		}
		if own == nil {
			own = &chain[i]
		}
		if u.Level == level {
			return u, nil
		}
	}
	// A step of a level below the dossier's own committee (a commune step
	// of a dossier the district received) is that committee's.
	if own != nil && Rank(level) > Rank(own.Level) {
		return *own, nil
	}
	return Unit{}, problem.New(problem.ErrState, "no_competent_unit", LevelName(level))
}

// serving finds the active unit of kind that serves a unit of chain,
// nearest first: one whose service area holds it, else one directly under it.
func (s *Store) serving(ctx context.Context, q store.Querier, chain []Unit, kind string, at time.Time) (Unit, bool, error) {
	ms := at.UnixMilli()
	for _, c := range chain {
		u, err := scanUnit(q.QueryRowContext(ctx, selectUnit+` WHERE u.kind = ? AND u.active = 1 AND u.valid_from <= ?
			AND (EXISTS (SELECT 1 FROM unit_areas a WHERE a.unit_id = u.id AND a.area_id = ?
				AND a.valid_from <= ? AND (a.valid_to IS NULL OR a.valid_to > ?))
			OR u.parent_id = ?)
			ORDER BY u.id LIMIT 1`, kind, ms, c.ID, ms, ms, c.ID))
		if err == nil {
			return u, true, nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return Unit{}, false, err
		}
	}
	return Unit{}, false, nil
}

// competence returns the rule in force at `at` for a step of level in
// procedure: the latest by date, one for the procedure before one for all.
func (s *Store) competence(ctx context.Context, q store.Querier, procedure, level string, at time.Time) (string, string, bool, error) {
	var toLevel, toKind string
	err := q.QueryRowContext(ctx, `SELECT to_level, to_kind FROM unit_competence
		WHERE from_level = ? AND (procedure = ? OR procedure = '') AND valid_from <= ?
		ORDER BY valid_from DESC, procedure DESC, id DESC LIMIT 1`, level, procedure, at.UnixMilli()).Scan(&toLevel, &toKind)
	if errors.Is(err, sql.ErrNoRows) {
		return "", "", false, nil
	}
	return toLevel, toKind, err == nil, err
}

// Competence is one rule of where a level's work goes from a date on.
type Competence struct {
	Plan      string
	From      time.Time
	Procedure string // "" for every procedure
	FromLevel string
	ToLevel   string
	ToKind    string
}

// AddCompetence records a rule (a reorganisation plan's).
func (s *Store) AddCompetence(ctx context.Context, tx *store.Tx, c Competence) error {
	if Rank(c.FromLevel) == 0 || Rank(c.ToLevel) == 0 {
		return problem.Invalid("level", "invalid_level")
	}
	if c.ToKind != "" && !ValidKind(c.ToKind) {
		return problem.Invalid("kind", "invalid_unit_kind")
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO unit_competence (plan, valid_from, procedure, from_level, to_level, to_kind)
		VALUES (?, ?, ?, ?, ?, ?)`, c.Plan, c.From.UnixMilli(), c.Procedure, c.FromLevel, c.ToLevel, c.ToKind)
	return err
}

// CompetenceRules lists every rule, oldest first.
func (s *Store) CompetenceRules(ctx context.Context) ([]Competence, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT plan, valid_from, procedure, from_level, to_level, to_kind
		FROM unit_competence ORDER BY valid_from, id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Competence
	for rows.Next() {
		var c Competence
		var from int64
		if err := rows.Scan(&c.Plan, &from, &c.Procedure, &c.FromLevel, &c.ToLevel, &c.ToKind); err != nil {
			return nil, err
		}
		c.From = time.UnixMilli(from)
		out = append(out, c)
	}
	return out, rows.Err()
}

// Serve records that unit serves area (a commune) from `at` on: a land
// registration branch's area. Serving an area already served is a no-op.
func (s *Store) Serve(ctx context.Context, tx *store.Tx, unitID, areaID int64, at time.Time) error {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM unit_areas WHERE unit_id = ? AND area_id = ? AND valid_to IS NULL`,
		unitID, areaID).Scan(&n); err != nil || n > 0 {
		return err
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO unit_areas (unit_id, area_id, valid_from) VALUES (?, ?, ?)`, unitID, areaID, at.UnixMilli())
	return err
}

// Area lists the codes of the units that unit serves now.
func (s *Store) Area(ctx context.Context, unitID int64) ([]string, error) {
	return store.Strings(ctx, s.db, `SELECT u.code FROM unit_areas a JOIN units u ON u.id = a.area_id
		WHERE a.unit_id = ? AND a.valid_to IS NULL ORDER BY u.code`, unitID)
}

// Desk returns the one-stop desk of a unit: its active public
// administrative service centre when it has one, else the unit itself.
// Dossiers and reception roles of a unit merged into this one arrive there.
func (s *Store) Desk(ctx context.Context, q store.Querier, id int64) (int64, error) {
	var desk int64
	err := q.QueryRowContext(ctx, `SELECT id FROM units WHERE parent_id = ? AND kind = ? AND active = 1 ORDER BY id LIMIT 1`,
		id, Centre).Scan(&desk)
	if errors.Is(err, sql.ErrNoRows) {
		return id, nil
	}
	return desk, err
}
