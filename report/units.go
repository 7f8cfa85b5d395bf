package report

import (
	"context"
	"database/sql"
	"time"
)

// unitTimes is every unit with its validity, successor and history, read
// once for Counts (a province has a few hundred units).
type unitTimes struct {
	units   map[int64]unitTime
	history map[int64][]unitPeriod // by valid_from
}

type unitTime struct {
	from, to   int64 // to 0 while in force
	mergedInto int64
	current    unitPeriod
}

type unitPeriod struct {
	from, to                int64
	code, name, level, kind string
	parent                  int64 // 0 for a root
}

func (s *Reader) unitTimes(ctx context.Context) (unitTimes, error) {
	ut := unitTimes{units: map[int64]unitTime{}, history: map[int64][]unitPeriod{}}
	rows, err := s.db.Replica(ctx).QueryContext(ctx, `SELECT id, code, name, level, kind, valid_from, COALESCE(valid_to, 0),
		COALESCE(merged_into, 0), COALESCE(parent_id, 0) FROM units`)
	if err != nil {
		return ut, err
	}
	for rows.Next() {
		var id int64
		var u unitTime
		p := &u.current
		if err := rows.Scan(&id, &p.code, &p.name, &p.level, &p.kind, &u.from, &u.to, &u.mergedInto, &p.parent); err != nil {
			rows.Close()
			return ut, err
		}
		p.from, p.to = u.from, u.to
		ut.units[id] = u
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return ut, err
	}
	rows, err = s.db.Replica(ctx).QueryContext(ctx, `SELECT unit_id, code, name, level, kind, valid_from, valid_to,
		COALESCE(parent_id, 0) FROM unit_history ORDER BY unit_id, valid_from, id`)
	if err != nil {
		return ut, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var p unitPeriod
		var to sql.NullInt64
		if err := rows.Scan(&id, &p.code, &p.name, &p.level, &p.kind, &p.from, &to, &p.parent); err != nil {
			return ut, err
		}
		p.to = nullMs(to)
		ut.history[id] = append(ut.history[id], p)
	}
	return ut, rows.Err()
}

// inForce reports whether unit id existed at instant at (ms).
func (ut unitTimes) inForce(id, at int64) bool {
	u, ok := ut.units[id]
	return ok && u.from <= at && (u.to == 0 || u.to > at)
}

// successorAt follows the merged_into chain from id to the unit in force
// at `at`; a unit that ended with no successor stays itself.
func (ut unitTimes) successorAt(id int64, at time.Time) int64 {
	ms := at.UnixMilli()
	for range 16 {
		u, ok := ut.units[id]
		if !ok || u.to == 0 || u.to > ms || u.mergedInto == 0 {
			return id
		}
		id = u.mergedInto
	}
	return id
}

// asStood is the unit as it stood at `at`: its history row for that
// instant, else the last one before it (a unit that had ended), else the
// first (one not yet in force), else the unit as it is now.
func (ut unitTimes) asStood(id int64, at time.Time) unitPeriod {
	ms := at.UnixMilli()
	h := ut.history[id]
	var best *unitPeriod
	for i := range h {
		if h[i].from <= ms {
			best = &h[i]
		}
	}
	switch {
	case best != nil:
		return *best
	case len(h) > 0:
		return h[0]
	}
	return ut.units[id].current
}
