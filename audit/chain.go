package audit

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/motcua/motcua/calendar"
	"github.com/motcua/motcua/store"
)

// The hash chain. Every entry belongs to the chain of its day — the
// calendar day of At in Asia/Ho_Chi_Minh, "2006-01-02" — at position Seq
// (1, 2, 3… in the order appends committed their lock on the day), and
// stores PrevHash, the Hash of the entry at Seq-1 (empty at Seq 1), and
// Hash = lowercase hex SHA-256 of its canonical encoding:
//
//	netstring("motcua-audit-1") netstring(day) netstring(seq)
//	netstring(at) netstring(actor_id) netstring(actor_name)
//	netstring(actor_role) netstring(unit_id) netstring(action)
//	netstring(object) netstring(from_state) netstring(to_state)
//	netstring(details) netstring(client_addr) netstring(history_table)
//	netstring(history_id) netstring(history_hash) netstring(prev_hash)
//
// where netstring(s) is len(s) in decimal, ":", the UTF-8 bytes of s, ","
// (so no two different rows encode alike), integers are decimal and at is
// Unix milliseconds. The ID is not covered: the chain orders by (day, seq).
//
// Editing, deleting or inserting a row breaks the link to the next row;
// rewriting every later hash of the day as well is caught against the
// day's head, which audit_heads holds and which AnnounceHeads writes to the
// log output once the day is over (keep those log lines elsewhere).
const chainVersion = "motcua-audit-1"

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
	put(chainVersion)
	put(e.Day)
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
// The append takes the day's head: the upsert on audit_heads locks its row
// (PostgreSQL) or runs under the single writer (SQLite, transactions begin
// IMMEDIATE), so concurrent appends, from any instance, queue and see each
// other's head: the chain cannot fork. Every act of the day wants that one
// row, so the append waits until just before COMMIT (store.Tx.BeforeCommit)
// and holds the lock for its three statements and the commit, not for the
// rest of the act's transaction: entries are numbered in the order their
// transactions commit. The entry is therefore not in audit_entries until
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

// append writes e at the head of its day's chain now, and returns its id.
func (l *Log) append(ctx context.Context, tx *store.Tx, e Entry) (int64, error) {
	e.At = time.UnixMilli(e.At.UnixMilli()) // the stored precision, which the hash covers
	e.Day = DayOf(e.At)
	if err := tx.QueryRowContext(ctx, `INSERT INTO audit_heads (day, n, head) VALUES (?, 1, '')
		ON CONFLICT (day) DO UPDATE SET n = audit_heads.n + 1 RETURNING n, head`, e.Day).Scan(&e.Seq, &e.PrevHash); err != nil {
		return 0, fmt.Errorf("audit: lock the chain of %s: %w", e.Day, err)
	}
	e.Hash = hashOf(e)
	var id int64
	err := tx.QueryRowContext(ctx, `INSERT INTO audit_entries (at, actor_id, actor_name, actor_role, unit_id, action, object,
		from_state, to_state, details, client_addr, history_table, history_id, history_hash, day, seq, prev_hash, hash)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		e.At.UnixMilli(), e.ActorID, e.ActorName, e.ActorRole, e.UnitID, e.Action, e.Object, e.From, e.To, e.Details, e.ClientAddr,
		e.HistoryTable, e.HistoryID, e.HistoryHash, e.Day, e.Seq, e.PrevHash, e.Hash).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("audit: record %s %s: %w", e.Action, e.Object, err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE audit_heads SET head = ? WHERE day = ?`, e.Hash, e.Day); err != nil {
		return 0, fmt.Errorf("audit: advance the chain of %s: %w", e.Day, err)
	}
	return id, nil
}

// Head is a day's chain as audit_heads holds it.
type Head struct {
	Day  string `json:"day"`
	N    int64  `json:"n"`
	Head string `json:"head"`
}

// AnnounceHeads writes to logger the head of every day before now's whose
// chain changed since it was last written (normally once, the day after;
// again if a late entry was appended to that day). The UPDATE claims the
// days, so of several instances exactly one writes each line. motcua serve
// calls it on a ticker; the lines are the anchor `audit verify` output is
// compared with, so ship them off the machine.
func (l *Log) AnnounceHeads(ctx context.Context, logger *slog.Logger, now time.Time) ([]Head, error) {
	var out []Head
	err := l.db.InTx(ctx, func(tx *store.Tx) error {
		out = out[:0]
		rows, err := tx.QueryContext(ctx, `UPDATE audit_heads SET logged_n = n WHERE day < ? AND logged_n <> n
			RETURNING day, n, head`, DayOf(now))
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var h Head
			if err := rows.Scan(&h.Day, &h.N, &h.Head); err != nil {
				return err
			}
			out = append(out, h)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("audit: announce heads: %w", err)
	}
	for _, h := range out {
		logger.Info("audit chain head", "day", h.Day, "entries", h.N, "head", h.Head)
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
	details, client_addr, history_table, history_id, history_hash, day, seq, prev_hash, hash, redacted_by FROM audit_entries`

func scanEntry(sc interface{ Scan(...any) error }) (Entry, error) {
	var e Entry
	var at int64
	err := sc.Scan(&e.ID, &at, &e.ActorID, &e.ActorName, &e.ActorRole, &e.UnitID, &e.Action, &e.Object, &e.From, &e.To,
		&e.Details, &e.ClientAddr, &e.HistoryTable, &e.HistoryID, &e.HistoryHash, &e.Day, &e.Seq, &e.PrevHash, &e.Hash, &e.RedactedBy)
	e.At = time.UnixMilli(at).In(calendar.Zone)
	return e, err
}
