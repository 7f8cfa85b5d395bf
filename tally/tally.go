// Package tally keeps the figures the II.06a report and the dashboards
// are made of up to date as dossiers move, so a report over a province's
// year reads thousands of rows instead of every event of the year.
//
// Its listeners run in the transaction of each dossier act (and of each
// unit merger or abolition), so what it holds changes exactly when the
// history does: a crash loses or doubles nothing. What it keeps is the
// recount's (package report's reading of the history) in another form:
//
//   - tally_days: the dossiers ended each day, by unit, procedure, channel
//     and outcome (early, on time, late, withdrawn, stopped, refused);
//   - tally_dossiers: each dossier's reception, end and outcome, and the
//     state its next act starts from;
//   - tally_spans: each received dossier's open life, cut where its unit,
//     deadline or stopped clock changed;
//   - tally_stays: each stay at a processing step, with its working time,
//     for the leaders' bottleneck list.
//
// Figures of [from, to) are then: the ended from the days (the partial days
// at the edges from the dossiers), and two "open at instant x" readings,
// at from (the carried over) and at to (in progress, within or past the
// deadline as judged at to). report.Reader.Counts uses them once Ready;
// the package's tests prove them equal to the recount.
package tally

import (
	"context"
	"time"

	"github.com/motcua/motcua/calendar"
	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/event"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/unit"
)

// Open is the end of what has not ended (an open dossier's end_at, a
// running span's to_at): far beyond any instant, and indexable, unlike NULL.
const Open int64 = 1 << 62

// The outcomes of an ended dossier, as tally_days and Fact record them.
const (
	Early     = "early"
	OnTime    = "on_time"
	Late      = "late"
	Withdrawn = "withdrawn"
	Stopped   = "stopped"
	Refused   = "refused"
)

const day = 24 * time.Hour / time.Millisecond

// Length classes (tally_dossiers.span_class): a dossier open at x that
// stayed open at most classDays[c] days was received after x minus that.
// Most dossiers close within a day or a week (in the bulk data 57% within
// a day), so "open at x" reads each class's few days of receptions, not
// a month of them.
var classDays = [...]int64{1, 7, 31, 366}

// spanClass is the class of a dossier received at recv and ended at end.
func spanClass(recv, end int64) int {
	for c, d := range classDays {
		if end != Open && end-recv <= d*int64(day) {
			return c
		}
	}
	return len(classDays)
}

// Judge classifies a finish against a deadline: the calendar in force
// (*calendar.Store), the same the reports are asked with.
type Judge interface {
	Judge(due, finish time.Time) calendar.Timeliness
}

// Calendar judges deadlines and counts working time (*calendar.Store):
// what the listeners fix when a dossier ends or leaves a step.
type Calendar interface {
	Judge
	WorkingBetween(a, b time.Time) time.Duration
}

// Store reads and keeps the tally.
type Store struct {
	db    *store.DB
	judge Calendar
}

// New returns the tally on db, judging ended dossiers and counting the
// working time of stays with cal (nil for a Store that only Replaces).
func New(db *store.DB, cal Calendar) *Store { return &Store{db: db, judge: cal} }

// JudgesWith reports whether j is the judge the tally judges with, so
// its outcomes are what j would say.
func (s *Store) JudgesWith(j Judge) bool { return s.judge != nil && j == Judge(s.judge) }

// Subscribe registers the listeners: every dossier act, and every merger
// and abolition of a unit (after the dossier module's own listeners have
// moved the open dossiers, so subscribe after them).
func (s *Store) Subscribe(bus *event.Bus) {
	event.Subscribe(bus, "tally.Transitioned", s.onTransitioned)
	event.Subscribe(bus, "tally.Merged", func(ctx context.Context, tx *store.Tx, e unit.Merged) error {
		return s.onMoved(ctx, tx, e.From, e.At)
	})
	event.Subscribe(bus, "tally.Abolished", func(ctx context.Context, tx *store.Tx, e unit.Abolished) error {
		return s.onMoved(ctx, tx, e.ID, e.At)
	})
}

// Ready reports whether the tally holds every dossier's history: after
// its first Replace, kept since by the listeners.
func (s *Store) Ready(ctx context.Context) (bool, error) {
	var v int64
	err := s.db.QueryRowContext(ctx, `SELECT value FROM tally_state WHERE name = 'built'`).Scan(&v)
	return v == 1, err
}

// Invalidate marks the tally as not ready, so reports recount and the
// next start (or motcua report rebuild) builds it again: for a writer of
// histories that bypasses the listeners (demo.Bulk's benchmark loads).
func (s *Store) Invalidate(ctx context.Context) error {
	_, err := s.db.ExecContext(ctx, `UPDATE tally_state SET value = 0 WHERE name = 'built'`)
	return err
}

// lockKey is the tally's transaction-level advisory lock on PostgreSQL.
const lockKey = 0x7a11e

// share takes the tally's lock in share mode for a listener on
// PostgreSQL, so a Replace (which takes it exclusively) neither misses
// nor doubles an act committed while it reads. An advisory lock, not a
// row lock: every act would otherwise write a lock into one hot row.
// SQLite has one writer at a time: nothing to take.
func (s *Store) share(ctx context.Context, tx *store.Tx) error {
	if s.db.Dialect != store.Postgres {
		return nil
	}
	_, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock_shared(?)`, lockKey)
	return err
}

// exclusive takes the tally's lock for a Replace: on PostgreSQL the
// advisory lock every listener shares; on SQLite the write lock, by
// writing.
func (s *Store) exclusive(ctx context.Context, tx *store.Tx) error {
	if s.db.Dialect == store.Postgres {
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(?)`, lockKey); err != nil {
			return err
		}
	}
	_, err := tx.ExecContext(ctx, `UPDATE tally_state SET value = value WHERE name = 'built'`)
	return err
}

// vnDay is the day of instant ms on Vietnam's calendar, as days since
// 1970-01-01 (UTC+7 all year).
func vnDay(ms int64) int64 { return floorDiv(ms+7*int64(time.Hour/time.Millisecond), int64(day)) }

// dayStart is the first instant of Vietnam day d.
func dayStart(d int64) int64 { return d*int64(day) - 7*int64(time.Hour/time.Millisecond) }

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// ignoredDue are the acts whose recorded due is not the dossier's
// deadline for judging: an apology's new date (a late dossier stays late)
// and a partner agency's due.
var ignoredDue = map[dossier.Action]bool{dossier.Apologize: true, dossier.Consult: true, dossier.RecordAnswer: true}

// ends are the states that end a received dossier's count: its result, or
// its end without one.
var ends = map[dossier.State]bool{dossier.ResultReady: true, dossier.Withdrawn: true, dossier.Stopped: true, dossier.Refused: true}
