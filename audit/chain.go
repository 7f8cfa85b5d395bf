package audit

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"time"

	"github.com/motcua/motcua/calendar"
	"github.com/motcua/motcua/store"
)

// The hash chain. Every entry belongs to one chain: a lane of its day —
// the calendar day of At in Asia/Ho_Chi_Minh, "2006-01-02" — at position
// Seq (1, 2, 3… in the order appends committed their lock on the lane's
// head), and stores PrevHash, the Hash of the entry at Seq-1 of the same
// chain (empty at Seq 1), and Hash = lowercase hex SHA-256 of its
// canonical encoding:
//
//	netstring("motcua-audit-1") netstring(day) netstring(seq)
//	netstring(at) netstring(actor_id) netstring(actor_name)
//	netstring(actor_role) netstring(unit_id) netstring(action)
//	netstring(object) netstring(from_state) netstring(to_state)
//	netstring(details) netstring(client_addr) netstring(history_table)
//	netstring(history_id) netstring(history_hash) netstring(prev_hash)
//
// in lane 0, and in any other lane the same with "motcua-audit-2" first and
// netstring(lane) after netstring(day) (so an entry cannot be moved to
// another lane; lane 0, the only chain before lanes existed, keeps the
// encoding its old entries were hashed with). netstring(s) is len(s) in
// decimal, ":", the UTF-8 bytes of s, "," (so no two different rows encode
// alike), integers are decimal and at is Unix milliseconds. The ID is not
// covered: a chain orders by (day, lane, seq).
//
// Lanes: one head for the whole system makes every write transaction on
// PostgreSQL commit after the one before it, one WAL flush at a time
// (issue 15). So a day has up to Lanes chains, each with its own head row,
// and a transaction appends to the lane of its connection (see laneExpr):
// transactions on different connections mostly lock different heads. On
// SQLite there is one writer and nothing to gain; every entry is in lane 0.
//
// Editing, deleting or inserting a row breaks the link to the next row of
// its chain; rewriting every later hash of the chain as well is caught
// against the chain's head, which audit_heads holds and which
// AnnounceHeads writes to the log output once the day is over, one line
// per lane (keep those lines elsewhere).
const (
	chainVersion     = "motcua-audit-1"
	laneChainVersion = "motcua-audit-2"
)

// Lanes is how many chains a day has on PostgreSQL. A transaction holds its
// lane's head from its append to the end of its commit's WAL flush, so
// the lanes bound how many commits can flush together; the pool of one
// instance has 20 connections (store.openPostgres), and with consecutive
// backend pids 16 lanes give each at most two of them. More lanes would
// only add head rows and log lines a day for no more concurrency on a
// few cores.
const Lanes = 16

// Legacy is the pseudo-day of the entries written before the chain existed.
const Legacy = "legacy"

// DayOf is the chain an entry made at t belongs to.
func DayOf(t time.Time) string { return t.In(calendar.Zone).Format(time.DateOnly) }

// canonical is the encoding Hash is computed over (see above).
func canonical(e Entry) []byte {
	var b []byte
	put := func(s string) {
		b = strconv.AppendInt(b, int64(len(s)), 10)
		b = append(b, ':')
		b = append(b, s...)
		b = append(b, ',')
	}
	num := func(n int64) { put(strconv.FormatInt(n, 10)) }
	if e.Lane == 0 {
		put(chainVersion)
		put(e.Day)
	} else {
		put(laneChainVersion)
		put(e.Day)
		num(int64(e.Lane))
	}
	num(e.Seq)
	num(e.At.UnixMilli())
	num(e.ActorID)
	put(e.ActorName)
	put(e.ActorRole)
	num(e.UnitID)
	put(e.Action)
	put(e.Object)
	put(e.From)
	put(e.To)
	put(e.Details)
	put(e.ClientAddr)
	put(e.HistoryTable)
	num(e.HistoryID)
	put(e.HistoryHash)
	put(e.PrevHash)
	return b
}

// hashOf is the Hash an entry with these fields (and PrevHash) must carry.
func hashOf(e Entry) string {
	sum := sha256.Sum256(canonical(e))
	return hex.EncodeToString(sum[:])
}

// Record appends e, in tx (the transaction of the change it records), to
// its day's chain. A zero At is an error: the log must not invent times.
//
// The append takes the head of its chain (the day's lane of the
// transaction, see laneExpr): the upsert on audit_heads locks its row
// (PostgreSQL) or runs under the single writer (SQLite, transactions begin
// IMMEDIATE), so concurrent appends to a lane, from any instance, queue and
// see each other's head: a chain cannot fork. Many acts want each head, so
// the append waits until just before COMMIT (store.Tx.BeforeCommit) and
// holds the lock for its three statements and the commit, not for the rest
// of the act's transaction: a lane's entries are numbered in the order
// their transactions commit. The entry is therefore not in audit_entries until
// the act's work is done; nothing reads it back in the same transaction.
func (l *Log) Record(ctx context.Context, tx *store.Tx, e Entry) error {
	if e.At.IsZero() || e.Action == "" || e.Object == "" {
		return fmt.Errorf("audit: entry needs a time, an action and an object: %+v", e)
	}
	tx.BeforeCommit(func() error {
		_, err := l.append(ctx, tx, e)
		return err
	})
	return nil
}

// laneExpr is the SQL expression of the lane a transaction appends to. On
// PostgreSQL it is the backend's pid modulo Lanes: fixed for the whole
// transaction, so a transaction that records several entries appends them
// all to one lane and takes one head (two lanes taken in opposite orders
// by two transactions would deadlock), and different for the concurrent
// connections of the pools, whose pids are mostly consecutive. On SQLite
// it is 0: one writer, one chain a day.
func laneExpr(d store.Dialect) string {
	if d == store.Postgres {
		return "pg_backend_pid() % " + strconv.Itoa(Lanes)
	}
	return "0"
}

// takeHeadSQL locks the head of the transaction's lane of a day (creating
// it at the day's first entry in the lane) and counts the new entry.
func takeHeadSQL(lane string) string {
	return `INSERT INTO audit_heads (day, lane, n, head) VALUES (?, ` + lane + `, 1, '')
		ON CONFLICT (day, lane) DO UPDATE SET n = audit_heads.n + 1 RETURNING lane, n, head`
}

// append writes e at the head of its chain (its day, the transaction's
// lane) now, and returns its id.
func (l *Log) append(ctx context.Context, tx *store.Tx, e Entry) (int64, error) {
	e.At = time.UnixMilli(e.At.UnixMilli()) // the stored precision, which the hash covers
	e.Day = DayOf(e.At)
	if err := tx.QueryRowContext(ctx, l.takeHead, e.Day).Scan(&e.Lane, &e.Seq, &e.PrevHash); err != nil {
		return 0, fmt.Errorf("audit: lock the chain of %s: %w", e.Day, err)
	}
	e.Hash = hashOf(e)
	var id int64
	err := tx.QueryRowContext(ctx, `INSERT INTO audit_entries (at, actor_id, actor_name, actor_role, unit_id, action, object,
		from_state, to_state, details, client_addr, history_table, history_id, history_hash, day, lane, seq, prev_hash, hash)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		e.At.UnixMilli(), e.ActorID, e.ActorName, e.ActorRole, e.UnitID, e.Action, e.Object, e.From, e.To, e.Details, e.ClientAddr,
		e.HistoryTable, e.HistoryID, e.HistoryHash, e.Day, e.Lane, e.Seq, e.PrevHash, e.Hash).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("audit: record %s %s: %w", e.Action, e.Object, err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE audit_heads SET head = ? WHERE day = ? AND lane = ?`, e.Hash, e.Day, e.Lane); err != nil {
		return 0, fmt.Errorf("audit: advance the chain of %s lane %d: %w", e.Day, e.Lane, err)
	}
	return id, nil
}

// Head is a chain (a day's lane) as audit_heads holds it.
type Head struct {
	Day  string `json:"day"`
	Lane int    `json:"lane"`
	N    int64  `json:"n"`
	Head string `json:"head"`
}

// Chain names one chain: a day's lane.
type Chain struct {
	Day  string
	Lane int
}

// Chain is the chain h is the head of.
func (h Head) Chain() Chain { return Chain{h.Day, h.Lane} }

// AnnounceHeads writes to logger the head of every chain of the days
// before now's (one line per lane) that changed since it was last written
// (normally once, the day after; again if a late entry was appended to it).
// The UPDATE claims the chains, so of several instances exactly one writes
// each line. motcua serve
// calls it on a ticker; the lines are the anchor `audit verify` output is
// compared with, so ship them off the machine.
func (l *Log) AnnounceHeads(ctx context.Context, logger *slog.Logger, now time.Time) ([]Head, error) {
	var out []Head
	err := l.db.InTx(ctx, func(tx *store.Tx) error {
		out = out[:0]
		rows, err := tx.QueryContext(ctx, `UPDATE audit_heads SET logged_n = n WHERE day < ? AND logged_n <> n
			RETURNING day, lane, n, head`, DayOf(now))
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var h Head
			if err := rows.Scan(&h.Day, &h.Lane, &h.N, &h.Head); err != nil {
				return err
			}
			out = append(out, h)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("audit: announce heads: %w", err)
	}
	slices.SortFunc(out, func(a, b Head) int { return compareChains(a.Chain(), b.Chain()) })
	for _, h := range out {
		logger.Info("audit chain head", "day", h.Day, "lane", h.Lane, "entries", h.N, "head", h.Head)
	}
	return out, nil
}

// RunAnnouncer calls AnnounceHeads every interval until ctx ends, logging
// (not returning) its errors: a missed run is repeated by the next one.
func (l *Log) RunAnnouncer(ctx context.Context, logger *slog.Logger, now func() time.Time, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if _, err := l.AnnounceHeads(ctx, logger, now()); err != nil && ctx.Err() == nil {
			logger.Error("audit heads", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

const selectEntry = `SELECT id, at, actor_id, actor_name, actor_role, unit_id, action, object, from_state, to_state,
	details, client_addr, history_table, history_id, history_hash, day, lane, seq, prev_hash, hash, redacted_by FROM audit_entries`

func scanEntry(sc interface{ Scan(...any) error }) (Entry, error) {
	var e Entry
	var at int64
	err := sc.Scan(&e.ID, &at, &e.ActorID, &e.ActorName, &e.ActorRole, &e.UnitID, &e.Action, &e.Object, &e.From, &e.To,
		&e.Details, &e.ClientAddr, &e.HistoryTable, &e.HistoryID, &e.HistoryHash, &e.Day, &e.Lane, &e.Seq, &e.PrevHash, &e.Hash, &e.RedactedBy)
	e.At = time.UnixMilli(at).In(calendar.Zone)
	return e, err
}
