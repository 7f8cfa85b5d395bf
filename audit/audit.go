// Package audit keeps the audit log: who did what to which object, when,
// at which unit, one append-only row per change (table audit_entries). A
// row is written by a listener inside the transaction of the change it
// records (see Subscribe), so the log has a row exactly when the change
// happened. Rows are never updated or deleted.
package audit

import (
	"context"
	"strings"
	"time"

	"github.com/motcua/motcua/store"
)

// Entry is one row of the audit log.
type Entry struct {
	// ID orders the log; it is assigned by Record.
	ID        int64     `json:"id"`
	At        time.Time `json:"at"`
	ActorID   int64     `json:"actor_id"`
	ActorName string    `json:"actor_name"`
	// ActorRole is the role the actor acted in (auth roles, "applicant").
	ActorRole string `json:"actor_role"`
	// UnitID is the unit the action was taken at, 0 when none.
	UnitID int64  `json:"unit_id"`
	Action string `json:"action"`
	// Object is what was acted on, as kind:key ("dossier:<code>").
	Object string `json:"object"`
	From   string `json:"from,omitempty"`
	To     string `json:"to,omitempty"`
	// Details is free text (JSON for dossier transitions) the action adds.
	Details string `json:"details,omitempty"`
	// ClientAddr is the address the request came from, when known.
	ClientAddr string `json:"client_addr,omitempty"`
	// HistoryTable, HistoryID and HistoryHash name the history row of
	// another module this entry anchors (dossier_events, payment_events)
	// and its digest when the change was made.
	HistoryTable string `json:"history_table,omitempty"`
	HistoryID    int64  `json:"history_id,omitempty"`
	HistoryHash  string `json:"history_hash,omitempty"`
	// Day and Seq place the entry in its day's hash chain; PrevHash is
	// the hash of the entry before it (empty for the day's first), Hash
	// its own. Record sets all four.
	Day      string `json:"day"`
	Seq      int64  `json:"seq"`
	PrevHash string `json:"prev_hash"`
	Hash     string `json:"hash"`
}

// Log reads and writes the audit log.
type Log struct {
	db *store.DB
}

// New returns the log stored in db.
func New(db *store.DB) *Log { return &Log{db: db} }

// Filter selects entries; zero fields select all.
type Filter struct {
	Object  string
	ActorID int64
	UnitID  int64
	// Since and Until bound At: Since ≤ At < Until.
	Since, Until time.Time
	// AfterID pages forward: only entries with a larger ID.
	AfterID int64
	// Limit caps the result (default 100, at most 1000).
	Limit int
}

// List returns the entries f selects, oldest first (in ID order).
func (l *Log) List(ctx context.Context, f Filter) ([]Entry, error) {
	var conds []string
	var args []any
	add := func(cond string, v any) {
		conds = append(conds, cond)
		args = append(args, v)
	}
	if f.Object != "" {
		add("object = ?", f.Object)
	}
	if f.ActorID != 0 {
		add("actor_id = ?", f.ActorID)
	}
	if f.UnitID != 0 {
		add("unit_id = ?", f.UnitID)
	}
	if !f.Since.IsZero() {
		add("at >= ?", f.Since.UnixMilli())
	}
	if !f.Until.IsZero() {
		add("at < ?", f.Until.UnixMilli())
	}
	if f.AfterID != 0 {
		add("id > ?", f.AfterID)
	}
	if f.Limit <= 0 {
		f.Limit = 100
	}
	where := ""
	if len(conds) > 0 {
		where = " WHERE " + strings.Join(conds, " AND ")
	}
	rows, err := l.db.QueryContext(ctx, selectEntry+where+` ORDER BY id LIMIT ?`, append(args, min(f.Limit, 1000))...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Entry{}
	for rows.Next() {
		e, err := scanEntry(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}
