package audit

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/motcua/motcua/calendar"
	"github.com/motcua/motcua/store"
)

// History is another module's table of history rows that audit entries
// anchor (dossier_events, payment_events). Its owner computes the digests
// (the owner alone knows its columns); Verify compares them with what the
// entries recorded when the change was made.
type History interface {
	// Digests returns the current digest of each row of ids that exists.
	Digests(ctx context.Context, q store.Querier, ids []int64) (map[int64]string, error)
	// IDs returns the ids, ascending, of the rows made in [from, to) whose
	// id is at least minID.
	IDs(ctx context.Context, q store.Querier, minID int64, from, to time.Time) ([]int64, error)
}

// Break is the first place the log is not what it was written as.
type Break struct {
	// ID is the audit entry at fault (0 when the fault is a chain's head
	// or an unanchored history row).
	ID     int64
	Day    string
	Lane   int
	Seq    int64
	Reason string
}

func (b *Break) Error() string {
	if b.Day == "" {
		return b.Reason
	}
	if b.ID != 0 {
		return fmt.Sprintf("audit entry %d (day %s lane %d, #%d): %s", b.ID, b.Day, b.Lane, b.Seq, b.Reason)
	}
	return fmt.Sprintf("audit chain of %s lane %d: %s", b.Day, b.Lane, b.Reason)
}

// Report is what Verify walked.
type Report struct {
	// Days are the chains walked (each lane of each day, in that order),
	// with the head recomputed from the rows.
	Days []Head
	// Entries is how many entries were checked; Legacy how many predate
	// the chain (never verifiable); Anchored how many history rows were
	// compared with their digest; Redacted how many entries had their
	// personal data removed by an intact redaction entry (Redact).
	Entries, Legacy, Anchored, Redacted int
	// Broken is the first fault in chain order, nil when there is none.
	Broken *Break
}

// Verify walks the chains (every lane) of the days from..to (inclusive,
// "2006-01-02"; empty for unbounded), checking each entry's hash, its link
// to the one before in its chain, the sequence, the chain's head in
// audit_heads, the digest of every
// history row the entries anchor, and that every history row made in the
// range (since the first anchored one) is anchored. It reads only.
func (l *Log) Verify(ctx context.Context, from, to string, histories map[string]History) (*Report, error) {
	if to == "" {
		to = "9999-12-31"
	}
	heads := map[Chain]Head{}
	hrows, err := l.db.QueryContext(ctx, `SELECT day, lane, n, head FROM audit_heads WHERE day >= ? AND day <= ?`, from, to)
	if err != nil {
		return nil, err
	}
	for hrows.Next() {
		var h Head
		if err := hrows.Scan(&h.Day, &h.Lane, &h.N, &h.Head); err != nil {
			hrows.Close()
			return nil, err
		}
		heads[h.Chain()] = h
	}
	hrows.Close()
	if err := hrows.Err(); err != nil {
		return nil, err
	}

	rep := &Report{}
	if err := l.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_entries WHERE day = ?`, Legacy).Scan(&rep.Legacy); err != nil {
		return nil, err
	}
	rows, err := l.db.QueryContext(ctx, selectEntry+` WHERE day >= ? AND day <= ? AND day <> ? ORDER BY day, lane, seq`, from, to, Legacy)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var cur Head
	var anchors []Entry // of cur's chain
	red := &redactions{q: l.db, seen: map[int64]*redaction{}}
	anchored := map[string]map[int64]bool{}
	// endChain closes cur: its head must be what audit_heads says, and the
	// history rows its entries anchor must still have their digests.
	endChain := func() error {
		if cur.Day == "" {
			return nil
		}
		rep.Days = append(rep.Days, cur)
		want, ok := heads[cur.Chain()]
		delete(heads, cur.Chain())
		if !ok || want.N != cur.N || want.Head != cur.Head {
			rep.Broken = &Break{Day: cur.Day, Lane: cur.Lane, Reason: fmt.Sprintf("the chain ends at #%d %.12s but its head says #%d %.12s (entries deleted at the end, or the head edited)",
				cur.N, cur.Head, want.N, want.Head)}
			return nil
		}
		b, err := checkAnchors(ctx, l.db, anchors, histories, anchored)
		rep.Anchored += len(anchors)
		rep.Broken = b
		return err
	}
	for rows.Next() && rep.Broken == nil {
		e, err := scanEntry(rows)
		if err != nil {
			return nil, err
		}
		if e.Day != cur.Day || e.Lane != cur.Lane {
			if err := endChain(); err != nil || rep.Broken != nil {
				return rep, err
			}
			cur, anchors = Head{Day: e.Day, Lane: e.Lane}, nil
		}
		rep.Entries++
		broke := func(reason string) {
			rep.Broken = &Break{ID: e.ID, Day: e.Day, Lane: e.Lane, Seq: e.Seq, Reason: reason}
		}
		switch {
		case e.Seq != cur.N+1:
			broke(fmt.Sprintf("is #%d where #%d was expected (an entry before it was deleted or renumbered)", e.Seq, cur.N+1))
		case e.PrevHash != cur.Head:
			broke("does not link to the entry before it (that entry, or this one's link, was changed)")
		case DayOf(e.At) != e.Day:
			broke("its time is not on the day of its chain")
		case hashOf(e) != e.Hash:
			ok, _, err := red.vouches(ctx, e)
			if err != nil {
				return nil, err
			}
			if !ok {
				broke("its content does not match its hash (the row was edited)")
				break
			}
			rep.Redacted++
		}
		if rep.Broken == nil && e.RedactedBy != 0 && e.HistoryTable != "" {
			// The history row was redacted with the entry: compare it with
			// the digest the redaction recorded.
			if ok, digest, err := red.vouches(ctx, e); err != nil {
				return nil, err
			} else if ok {
				e.HistoryHash = digest
			}
		}
		cur.N, cur.Head = e.Seq, e.Hash
		if e.HistoryTable != "" {
			anchors = append(anchors, e)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if rep.Broken != nil {
		return rep, nil
	}
	if err := endChain(); err != nil || rep.Broken != nil {
		return rep, err
	}
	for _, c := range slices.SortedFunc(maps.Keys(heads), compareChains) {
		if heads[c].N > 0 {
			rep.Broken = &Break{Day: c.Day, Lane: c.Lane, Reason: fmt.Sprintf("its head says %d entries but none is left", heads[c].N)}
			return rep, nil
		}
	}
	rep.Broken, err = l.checkCoverage(ctx, from, to, histories, anchored)
	return rep, err
}

// compareChains orders chains by day, then lane.
func compareChains(a, b Chain) int {
	return cmp.Or(strings.Compare(a.Day, b.Day), cmp.Compare(a.Lane, b.Lane))
}

// checkAnchors compares the history rows a chain's entries anchor with the
// digests the entries recorded, and notes them as anchored.
func checkAnchors(ctx context.Context, q store.Querier, anchors []Entry, histories map[string]History, anchored map[string]map[int64]bool) (*Break, error) {
	byTable := map[string][]int64{}
	for _, e := range anchors {
		byTable[e.HistoryTable] = append(byTable[e.HistoryTable], e.HistoryID)
		if anchored[e.HistoryTable] == nil {
			anchored[e.HistoryTable] = map[int64]bool{}
		}
		anchored[e.HistoryTable][e.HistoryID] = true
	}
	got := map[string]map[int64]string{}
	for table, ids := range byTable {
		h, ok := histories[table]
		if !ok {
			continue // a table this verification was not given
		}
		d, err := h.Digests(ctx, q, ids)
		if err != nil {
			return nil, fmt.Errorf("audit: digests of %s: %w", table, err)
		}
		got[table] = d
	}
	for _, e := range anchors {
		d, ok := got[e.HistoryTable]
		if !ok {
			continue
		}
		switch cur, exists := d[e.HistoryID]; {
		case !exists:
			return &Break{ID: e.ID, Day: e.Day, Lane: e.Lane, Seq: e.Seq, Reason: fmt.Sprintf("%s row %d it anchors was deleted", e.HistoryTable, e.HistoryID)}, nil
		case cur != e.HistoryHash:
			return &Break{ID: e.ID, Day: e.Day, Lane: e.Lane, Seq: e.Seq, Reason: fmt.Sprintf("%s row %d it anchors was edited", e.HistoryTable, e.HistoryID)}, nil
		}
	}
	return nil, nil
}

// checkCoverage finds a history row made in the range that no entry
// anchors: one inserted behind the application's back. Rows older than
// the first anchored one predate the chain and are not judged.
func (l *Log) checkCoverage(ctx context.Context, from, to string, histories map[string]History, anchored map[string]map[int64]bool) (*Break, error) {
	start, end := dayStart(from, time.Time{}), dayStart(to, time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)).AddDate(0, 0, 1)
	for _, table := range slices.Sorted(maps.Keys(histories)) {
		var first int64
		if err := l.db.QueryRowContext(ctx, `SELECT COALESCE(MIN(history_id), 0) FROM audit_entries WHERE history_table = ? AND day <> ?`,
			table, Legacy).Scan(&first); err != nil {
			return nil, err
		}
		if first == 0 {
			continue
		}
		ids, err := histories[table].IDs(ctx, l.db, first, start, end)
		if err != nil {
			return nil, fmt.Errorf("audit: rows of %s: %w", table, err)
		}
		for _, id := range ids {
			if !anchored[table][id] {
				return &Break{Day: "", Reason: fmt.Sprintf("%s row %d has no audit entry (inserted behind the application's back)", table, id)}, nil
			}
		}
	}
	return nil, nil
}

// dayStart is the first instant of day in calendar.Zone, or def for "".
func dayStart(day string, def time.Time) time.Time {
	t, err := time.ParseInLocation(time.DateOnly, day, calendar.Zone)
	if err != nil {
		return def
	}
	return t
}
