package tally

import (
	"context"
	"strings"

	"github.com/motcua/motcua/store"
)

// Fact is one received dossier as a recount of its history derives it,
// for Replace.
type Fact struct {
	DossierID int64
	Procedure string
	Version   int
	Online    bool
	// LastAt is its last act, where a stay its next act ends starts.
	LastAt int64
	// Unit, Due and Stop are the state after its last act, which its next
	// act starts from.
	Unit, Due, Stop int64
	Received        int64
	// End is when it ended (Open while it has not), with its Outcome and
	// the unit that ended it.
	End     int64
	Outcome string
	EndUnit int64
	// Spans cut its open life, in order, each starting where the last
	// ends; the last ends at End.
	Spans []Span
	// Stays are its stays at processing steps, ended by an act.
	Stays []Stay
}

// Span is a stretch of a dossier's open life with one state.
type Span struct {
	From, To        int64
	Unit, Due, Stop int64
}

// batch is how many rows one INSERT carries: well under SQLite's 32,766
// bound parameters and PostgreSQL's 65,535 at 11 columns.
const batch = 500

// Replace empties the tally and fills it with every fact facts yields, in
// one transaction that holds the tally's lock, so no act is lost or
// counted twice while it runs; then the tally is Ready. A failure (or a
// kill) leaves the tally as it was.
func (s *Store) Replace(ctx context.Context, facts func(yield func(Fact) error) error) error {
	return s.replace(ctx, facts, false)
}

// Build is Replace for a tally not yet Ready, and nothing for one that
// is: the first start of a database the tally has never followed, safe
// for several instances starting at once (the second finds it built).
func (s *Store) Build(ctx context.Context, facts func(yield func(Fact) error) error) error {
	return s.replace(ctx, facts, true)
}

func (s *Store) replace(ctx context.Context, facts func(yield func(Fact) error) error, unlessBuilt bool) error {
	// Alone: facts reads the history through the pool (report's
	// eachDossier), so on SQLite no act may share this transaction
	// uncommitted: the pool would not show it, and the DELETEs below would
	// drop what its listeners added to the tally.
	return s.db.InTxAlone(ctx, func(tx *store.Tx) error {
		if err := s.exclusive(ctx, tx); err != nil {
			return err
		}
		if unlessBuilt {
			var built int64
			if err := tx.QueryRowContext(ctx, `SELECT value FROM tally_state WHERE name = 'built'`).Scan(&built); err != nil || built == 1 {
				return err
			}
		}
		for _, t := range []string{"tally_dossiers", "tally_spans", "tally_days", "tally_unit_days", "tally_stays"} {
			if _, err := tx.ExecContext(ctx, `DELETE FROM `+t); err != nil {
				return err
			}
		}
		type dayKey struct {
			day, unit int64
			procedure string
			online    int
			outcome   string
		}
		days := map[dayKey]int64{}
		lives := newInserter(tx, `INSERT INTO tally_dossiers (dossier_id, procedure_code, procedure_version, online, unit_id, due_at, stop_at,
			received_at, end_at, span_class, outcome, end_unit_id, last_at) VALUES `, 13)
		spans := newInserter(tx, `INSERT INTO tally_spans (dossier_id, from_at, to_at, unit_id, due_at, stop_at) VALUES `, 6)
		stays := newInserter(tx, `INSERT INTO tally_stays (dossier_id, end_at, unit_id, procedure_code, procedure_version, step, work_ms, late) VALUES `, 8)
		err := facts(func(f Fact) error {
			if err := lives.add(ctx, f.DossierID, f.Procedure, f.Version, flag(f.Online), f.Unit, f.Due, f.Stop, f.Received, f.End,
				spanClass(f.Received, f.End), f.Outcome, f.EndUnit, f.LastAt); err != nil {
				return err
			}
			for _, st := range f.Stays {
				if err := stays.add(ctx, f.DossierID, st.End, st.Unit, st.Procedure, st.Version, st.Step, st.Work.Milliseconds(), flag(st.Late)); err != nil {
					return err
				}
			}
			for _, sp := range f.Spans {
				if err := spans.add(ctx, f.DossierID, sp.From, sp.To, sp.Unit, sp.Due, sp.Stop); err != nil {
					return err
				}
			}
			if f.End != Open {
				days[dayKey{vnDay(f.End), f.EndUnit, f.Procedure, flag(f.Online), f.Outcome}]++
			}
			return nil
		})
		if err != nil {
			return err
		}
		if err := lives.flush(ctx); err != nil {
			return err
		}
		if err := spans.flush(ctx); err != nil {
			return err
		}
		if err := stays.flush(ctx); err != nil {
			return err
		}
		ins := newInserter(tx, `INSERT INTO tally_days (day, unit_id, procedure_code, online, outcome, n) VALUES `, 6)
		for k, n := range days {
			if err := ins.add(ctx, k.day, k.unit, k.procedure, k.online, k.outcome, n); err != nil {
				return err
			}
		}
		if err := ins.flush(ctx); err != nil {
			return err
		}
		type unitDay struct {
			day, unit int64
			online    int
			outcome   string
		}
		units := map[unitDay]int64{}
		for k, n := range days {
			units[unitDay{k.day, k.unit, k.online, k.outcome}] += n
		}
		ins = newInserter(tx, `INSERT INTO tally_unit_days (day, unit_id, online, outcome, n) VALUES `, 5)
		for k, n := range units {
			if err := ins.add(ctx, k.day, k.unit, k.online, k.outcome, n); err != nil {
				return err
			}
		}
		if err := ins.flush(ctx); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE tally_state SET value = 1 WHERE name = 'built'`); err != nil {
			return err
		}
		// Fresh statistics, or the planner judges millions of new rows by
		// an empty table's (measured on PostgreSQL: a stab of the spans
		// took 0.6 s by a hash join over all of them, 0.1 s once analysed).
		for _, t := range []string{"tally_dossiers", "tally_spans", "tally_days", "tally_unit_days", "tally_stays"} {
			if _, err := tx.ExecContext(ctx, `ANALYZE `+t); err != nil {
				return err
			}
		}
		return nil
	})
}

// inserter writes rows in multi-row INSERTs of batch rows.
type inserter struct {
	tx   *store.Tx
	head string
	cols int
	args []any
}

func newInserter(tx *store.Tx, head string, cols int) *inserter {
	return &inserter{tx: tx, head: head, cols: cols}
}

func (in *inserter) add(ctx context.Context, vals ...any) error {
	in.args = append(in.args, vals...)
	if len(in.args) >= batch*in.cols {
		return in.flush(ctx)
	}
	return nil
}

func (in *inserter) flush(ctx context.Context) error {
	n := len(in.args) / in.cols
	if n == 0 {
		return nil
	}
	row := "(" + store.Placeholders(in.cols) + ")"
	_, err := in.tx.ExecContext(ctx, in.head+strings.TrimSuffix(strings.Repeat(row+",", n), ","), in.args...)
	in.args = in.args[:0]
	return err
}
