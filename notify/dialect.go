package notify

import (
	"strings"

	"github.com/motcua/motcua/store"
)

// claimSQL leases up to n due rows of the given channels in one statement.
// The only difference between the engines is here: PostgreSQL skips rows
// another worker's claim is locking at this moment (SKIP LOCKED), so two
// workers take different rows instead of queueing; SQLite has one writer,
// so claims are serialised anyway. The outer WHERE repeats the lease test
// so that a row re-read after a concurrent claim committed is not taken.
//
// Arguments: worker id, lease end, then the channels, now, now, limit, now.
func claimSQL(d store.Dialect, channels int) string {
	lock := ""
	if d == store.Postgres {
		lock = " FOR UPDATE SKIP LOCKED"
	}
	in := strings.TrimSuffix(strings.Repeat("?, ", channels), ", ")
	return `UPDATE notify_outbox SET status = 'sending', locked_by = ?, locked_until = ?, attempts = attempts + 1
		WHERE id IN (SELECT id FROM notify_outbox
			WHERE status IN ('pending', 'sending') AND channel IN (` + in + `) AND next_attempt_at <= ? AND locked_until <= ?
			ORDER BY next_attempt_at, id LIMIT ?` + lock + `)
		AND status IN ('pending', 'sending') AND locked_until <= ?
		RETURNING id, kind, channel, recipient, subject, body, attempts, created_at`
}
