package catalog

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/motcua/motcua/calendar"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/store"
)

// A version is in force from the midnight (Vietnam time) starting its
// EffectiveFrom day until the next version's start or the midnight after
// its EffectiveTo day. Two versions starting the same day: the later one
// wins (a correction published the same day).

// dayStart is the midnight starting day (YYYY-MM-DD) in calendar.Zone.
func dayStart(day string) (time.Time, error) {
	return time.ParseInLocation(time.DateOnly, day, calendar.Zone)
}

// Today is t's date in calendar.Zone, as YYYY-MM-DD.
func Today(t time.Time) string { return t.In(calendar.Zone).Format(time.DateOnly) }

// span is a version's stored range: from inclusive, to exclusive (0: open).
type span struct {
	version  int
	from, to int64
}

// rangeOf is p's range in Unix milliseconds.
func rangeOf(p Procedure) (span, error) {
	from, err := dayStart(p.EffectiveFrom)
	if err != nil {
		return span{}, err
	}
	sp := span{version: p.Version, from: from.UnixMilli()}
	if p.EffectiveTo != "" {
		to, err := dayStart(p.EffectiveTo)
		if err != nil {
			return span{}, err
		}
		sp.to = to.AddDate(0, 0, 1).UnixMilli()
	}
	return sp, nil
}

// checkOverlap refuses a new range that cuts into another version's
// declared range: a version with an end date must not see a later one
// begin before it ends, and the new version, if it has an end, must not
// last past the start of one that begins after it. Versions that start
// the same day replace each other and do not overlap.
func checkOverlap(ctx context.Context, tx *store.Tx, code string, n span) error {
	rows, err := tx.QueryContext(ctx, `SELECT version, effective_from, COALESCE(effective_to, 0) FROM procedure_versions WHERE code = ?`, code)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var x span
		if err := rows.Scan(&x.version, &x.from, &x.to); err != nil {
			return err
		}
		inside := func(a, b span) bool { return a.from < b.from && a.to != 0 && b.from < a.to }
		if inside(x, n) || inside(n, x) {
			return problem.Invalid("effective_from", "procedure_versions_overlap", x.version)
		}
	}
	return rows.Err()
}

// InForce returns the version of a procedure in force at t. A procedure
// none of whose versions is in force at t (all scheduled later, or the
// last one ended) is problem "procedure_not_in_force".
func (s *Store) InForce(ctx context.Context, q store.Querier, code string, t time.Time) (Procedure, error) {
	var v int
	var to int64
	err := q.QueryRowContext(ctx, `SELECT version, COALESCE(effective_to, 0) FROM procedure_versions
		WHERE code = ? AND effective_from <= ? ORDER BY effective_from DESC, version DESC LIMIT 1`, code, t.UnixMilli()).Scan(&v, &to)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && to != 0 && to <= t.UnixMilli()) {
		var n int
		if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM procedure_versions WHERE code = ?`, code).Scan(&n); err != nil {
			return Procedure{}, err
		}
		if n == 0 {
			return Procedure{}, problem.NotFound("procedure_not_found", code)
		}
		return Procedure{}, problem.NotFound("procedure_not_in_force", code)
	}
	if err != nil {
		return Procedure{}, err
	}
	return s.Version(ctx, q, code, v)
}

// Upcoming returns the nearest version scheduled to come into force
// after now, and false when none is: the public catalog announces it.
func (s *Store) Upcoming(ctx context.Context, code string) (Procedure, bool, error) {
	t := s.cfg.Now()
	var v int
	err := s.db.QueryRowContext(ctx, `SELECT version FROM procedure_versions WHERE code = ? AND effective_from > ?
		ORDER BY effective_from, version DESC LIMIT 1`, code, t.UnixMilli()).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return Procedure{}, false, nil
	}
	if err != nil {
		return Procedure{}, false, err
	}
	p, err := s.Version(ctx, s.db, code, v)
	return p, err == nil, err
}

// dated fills the version's dates: an admin's version starts today at the
// earliest (a dossier already received keeps the version of its day, so
// the past cannot be rewritten); the shipped catalog may start earlier.
func (s *Store) dated(p *Procedure, admin bool) error {
	today := Today(s.cfg.Now())
	if p.EffectiveFrom == "" {
		p.EffectiveFrom = today
	}
	if admin && p.EffectiveFrom < today {
		return problem.Invalid("effective_from", "effective_from_past", p.EffectiveFrom)
	}
	if _, err := dayStart(p.EffectiveFrom); err != nil {
		return fmt.Errorf("catalog: %s effective_from: %w", p.Code, err)
	}
	return nil
}
