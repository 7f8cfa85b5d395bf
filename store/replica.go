package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
)

// A PostgreSQL streaming replica takes the reads that tolerate lag —
// public tracking, the public catalog, reports and dashboards — off the
// primary. Only reads that ask for it go there: a module names such a read
// by running it on db.Replica(ctx) instead of on db. Everything else, and
// every transaction, stays on the primary.
//
// A session must still read its own writes. Each request carries a
// Session (WithSession): the primary's WAL position after the caller's
// last write, which the server keeps in a cookie. Replica(ctx) sends the
// read to the replica only when the replica has replayed that far, else
// to the primary. A request with no write behind it reads the replica at
// whatever lag it has.

// replicaRetry is how long an unreachable replica is left alone before
// the next read tries it again.
const replicaRetry = 10 * time.Second

// probeEvery bounds how often a session's position makes Replica ask the
// replica how far it has replayed; between asks the last answer decides
// (a stale answer errs towards the primary, never towards old data).
const probeEvery = 10 * time.Millisecond

type replica struct {
	pool    *sql.DB
	dialect Dialect
	log     *slog.Logger

	mu       sync.Mutex
	replayed uint64    // the replica's last reported replay position
	probed   time.Time // when it was asked
	down     bool      // unreachable: reads go to the primary until retryAt
	retryAt  time.Time
}

// Replica returns where a lag-tolerant read should run: the replica when
// one is configured, reachable, and has replayed the session's last write
// (see WithSession), else the primary (db itself). Use it only for reads
// whose screen may show a state a few seconds old to someone other than
// the writer; never for a read that decides a write. Statements that
// write fail on it.
func (db *DB) Replica(ctx context.Context) Querier {
	rp := db.replica
	if rp == nil || !rp.usable(ctx, sessionAfter(ctx)) {
		return db
	}
	return replicaReads{rp: rp, primary: db}
}

// HasReplica reports whether reads may go to a replica (--db-replica).
func (db *DB) HasReplica() bool { return db.replica != nil }

// usable reports whether the replica may serve a read that must see the
// WAL position after (0: any).
func (rp *replica) usable(ctx context.Context, after uint64) bool {
	now := time.Now()
	rp.mu.Lock()
	down, retry := rp.down, now.After(rp.retryAt)
	fresh := rp.replayed >= after
	askable := now.Sub(rp.probed) >= probeEvery
	rp.mu.Unlock()
	switch {
	case down && !retry:
		return false
	case !down && fresh:
		return true
	case !down && !askable:
		return false // asked a moment ago and it was behind: the primary
	}
	lsn, err := rp.probe(ctx)
	if err != nil {
		if ctx.Err() == nil {
			rp.failed(err)
		}
		return false
	}
	return lsn >= after
}

// probe asks the replica how far it has replayed. A server that is not in
// recovery (a promoted replica, or the primary named twice) reports its
// own position.
func (rp *replica) probe(ctx context.Context) (uint64, error) {
	ctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	var s string
	err := rp.pool.QueryRowContext(ctx, `SELECT (CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn() ELSE pg_current_wal_lsn() END)::text`).Scan(&s)
	if err != nil {
		return 0, err
	}
	lsn, err := ParseLSN(s)
	if err != nil {
		return 0, err
	}
	rp.mu.Lock()
	defer rp.mu.Unlock()
	rp.probed = time.Now()
	if lsn > rp.replayed {
		rp.replayed = lsn
	}
	if rp.down {
		rp.down = false
		rp.log.Info("store: read replica reachable again; lag-tolerant reads go to it")
	}
	return lsn, nil
}

// failed marks the replica unreachable, logging the first failure only.
func (rp *replica) failed(err error) {
	rp.mu.Lock()
	defer rp.mu.Unlock()
	rp.retryAt = time.Now().Add(replicaRetry)
	if !rp.down {
		rp.down = true
		rp.log.Warn("store: read replica unreachable; reading from the primary", "err", err, "retry", replicaRetry)
	}
}

// errReplicaWrite is a write sent through Replica: a mistake in the caller.
var errReplicaWrite = errors.New("store: a statement run through Replica writes; use the DB or a Tx")

// replicaReads runs reads on the replica. A read that fails there for
// anything but an SQL error (the replica went away mid-way, a recovery
// conflict cancelled it) runs again on the primary.
type replicaReads struct {
	rp      *replica
	primary *DB
}

func (q replicaReads) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return nil, errReplicaWrite
}

func (q replicaReads) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	rows, err := q.rp.pool.QueryContext(ctx, q.rp.dialect.Rebind(query), args...)
	if err != nil && q.retry(ctx, err) {
		return q.primary.QueryContext(ctx, query, args...)
	}
	return rows, err
}

func (q replicaReads) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	row := q.rp.pool.QueryRowContext(ctx, q.rp.dialect.Rebind(query), args...)
	if err := row.Err(); err != nil && q.retry(ctx, err) {
		return q.primary.QueryRowContext(ctx, query, args...)
	}
	return row
}

// retry reports whether a read that failed on the replica should run on
// the primary, marking the replica unreachable when the failure was not
// the server's answer to the SQL.
func (q replicaReads) retry(ctx context.Context, err error) bool {
	if ctx.Err() != nil {
		return false
	}
	// A connection refused with the server's own answer (too many
	// clients, starting up, no such database yet) is still the replica
	// being unreachable, not the SQL's fault.
	var connErr *pgconn.ConnectError
	var pgErr *pgconn.PgError
	if errors.As(err, &connErr) || !errors.As(err, &pgErr) {
		q.rp.failed(err)
		return true
	}
	// 40001: canceling statement due to conflict with recovery; 57P0x:
	// the replica is shutting down or restarting.
	return pgErr.Code == "40001" || strings.HasPrefix(pgErr.Code, "57P0")
}

// Session is one request's knowledge of its caller's writes: the primary's
// WAL position after the caller's last write (from the request), and
// whether this request wrote (set by InTx and ExecContext).
type Session struct {
	after uint64
	wrote atomic.Bool
}

type sessionKey struct{}

// WithSession returns ctx carrying a Session whose reads through Replica
// see at least lastWrite, a position WriteLSN returned ("16/B374D848"; ""
// or malformed: none).
func WithSession(ctx context.Context, lastWrite string) (context.Context, *Session) {
	s := &Session{}
	s.after, _ = ParseLSN(lastWrite)
	return context.WithValue(ctx, sessionKey{}, s), s
}

// Wrote reports whether a write committed under this session's context.
func (s *Session) Wrote() bool { return s.wrote.Load() }

func sessionAfter(ctx context.Context) uint64 {
	if s, ok := ctx.Value(sessionKey{}).(*Session); ok {
		return s.after
	}
	return 0
}

// markWrote records a committed write in ctx's Session, if any.
func markWrote(ctx context.Context) {
	if s, ok := ctx.Value(sessionKey{}).(*Session); ok {
		s.wrote.Store(true)
	}
}

// WriteLSN returns the primary's WAL insert position, which is past every
// commit made so far: a replica that has replayed up to it shows them all.
// It is "" on SQLite, which has no replica.
func (db *DB) WriteLSN(ctx context.Context) (string, error) {
	if db.Dialect != Postgres {
		return "", nil
	}
	var s string
	err := db.w.QueryRowContext(ctx, `SELECT pg_current_wal_insert_lsn()::text`).Scan(&s)
	return s, err
}

// ParseLSN reads PostgreSQL's textual WAL position "X/Y" (two hex
// numbers, the high and low 32 bits).
func ParseLSN(s string) (uint64, error) {
	hi, lo, ok := strings.Cut(s, "/")
	if !ok {
		return 0, fmt.Errorf("store: WAL position %q is not X/Y", s)
	}
	h, err1 := strconv.ParseUint(hi, 16, 32)
	l, err2 := strconv.ParseUint(lo, 16, 32)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("store: WAL position %q is not X/Y", s)
	}
	return h<<32 | l, nil
}
