// Package report holds cross-module reads for reports and screens; reads
// only, never writes. A tally that joins several modules' tables (ratings
// with the dossiers they rate, the units that received them, the officers
// who delivered them) lives here rather than in any one of those modules,
// which each remain the only writer and reader of their own tables.
package report

import (
	"sync/atomic"
	"time"

	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/tally"
)

// WorkCalendar is the calendar the reports count working time and judge
// deadlines with (*calendar.Store): the one in force, so reports agree
// with the dossiers' own deadlines.
type WorkCalendar interface {
	Judge
	WorkingBetween(a, b time.Time) time.Duration
}

// Reader runs the reports' queries. Reports and dashboards tolerate a few
// seconds' lag, so every query runs on db.Replica(ctx): the PostgreSQL
// replica when there is one (docs/scale-out.md); the tally's own reads
// stay on the primary.
type Reader struct {
	db         *store.DB
	tally      *tally.Store // nil: Counts recounts the events
	tallyReady atomic.Bool  // once ready, a tally stays so
}

// New returns a Reader on db.
func New(db *store.DB) *Reader { return &Reader{db: db} }
