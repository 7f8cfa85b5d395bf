package tally

import (
	"context"
	"time"
)

// Stay is a stay at a processing step, ended by an act.
type Stay struct {
	End       int64 // the act that ended it
	Unit      int64 // where it was
	Procedure string
	Version   int
	Step      int
	Work      time.Duration // working time, by the calendar when it ended
	Late      bool          // the deadline fell within it
}

// Stays calls fn with every stay ended in [from, to), read from the
// covering index alone.
func (s *Store) Stays(ctx context.Context, from, to time.Time, fn func(Stay) error) error {
	rows, err := s.db.QueryContext(ctx, `SELECT end_at, unit_id, procedure_code, procedure_version, step, work_ms, late
		FROM tally_stays WHERE end_at >= ? AND end_at < ?`, from.UnixMilli(), to.UnixMilli())
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var st Stay
		var work int64
		var late int
		if err := rows.Scan(&st.End, &st.Unit, &st.Procedure, &st.Version, &st.Step, &work, &late); err != nil {
			return err
		}
		st.Work, st.Late = time.Duration(work)*time.Millisecond, late == 1
		if err := fn(st); err != nil {
			return err
		}
	}
	return rows.Err()
}
