package audit_test

import (
	"bytes"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/motcua/motcua/audit"
	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

var histories = map[string]audit.History{"dossier_events": dossier.Events{}}

func record(t *testing.T, db *store.DB, log *audit.Log, e audit.Entry) {
	t.Helper()
	if err := db.InTx(t.Context(), func(tx *store.Tx) error { return log.Record(t.Context(), tx, e) }); err != nil {
		t.Fatal(err)
	}
}

func verify(t *testing.T, log *audit.Log, from, to string) *audit.Report {
	t.Helper()
	rep, err := log.Verify(t.Context(), from, to, histories)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// Each row carries its day, its place and the hash of the row before it;
// a day's chain starts afresh (finding 10 of issue 8: no audit trail).
func TestEntriesAreChainedPerDay(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		log := audit.New(db)
		// 23:30 and 00:30 in Hà Nội are two days: the chain follows the local day.
		d1 := time.Date(2026, 12, 7, 16, 30, 0, 0, time.UTC)
		for i, at := range []time.Time{d1, d1.Add(time.Minute), d1.Add(time.Hour), d1.Add(time.Hour + time.Minute)} {
			record(t, db, log, audit.Entry{At: at, ActorID: 7, ActorName: "an", Action: "login", Object: fmt.Sprintf("user:%d", i)})
		}
		got, err := log.List(t.Context(), audit.Filter{})
		if err != nil || len(got) != 4 {
			t.Fatalf("%d entries, %v", len(got), err)
		}
		want := []struct {
			day  string
			seq  int64
			prev string
		}{{"2026-12-07", 1, ""}, {"2026-12-07", 2, got[0].Hash}, {"2026-12-08", 1, ""}, {"2026-12-08", 2, got[2].Hash}}
		for i, e := range got {
			if e.Day != want[i].day || e.Seq != want[i].seq || e.PrevHash != want[i].prev || len(e.Hash) != 64 {
				t.Errorf("entry %d: day %s #%d prev %.8s hash %q, want %+v", i, e.Day, e.Seq, e.PrevHash, e.Hash, want[i])
			}
		}
		rep := verify(t, log, "", "")
		if rep.Broken != nil || rep.Entries != 4 || len(rep.Days) != 2 || rep.Days[1].Head != got[3].Hash {
			t.Fatalf("verify: %+v", rep)
		}
		if rep := verify(t, log, "2026-12-08", "2026-12-08"); rep.Entries != 2 || rep.Broken != nil {
			t.Fatalf("verify one day: %+v", rep)
		}
	})
}

// The head of a finished day is written to the log output once, by one
// instance, and again only if a late entry changed it.
func TestDayHeadsAreAnnouncedOnce(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		log := audit.New(db)
		day := time.Date(2026, 12, 7, 3, 0, 0, 0, time.UTC)
		record(t, db, log, audit.Entry{At: day, Action: "login", Object: "user:an"})
		var out bytes.Buffer
		logger := slog.New(slog.NewTextHandler(&out, nil))
		if hs, err := log.AnnounceHeads(t.Context(), logger, day.Add(time.Hour)); err != nil || len(hs) != 0 {
			t.Fatalf("the day is not over yet: %+v %v", hs, err)
		}
		next := day.Add(24 * time.Hour)
		hs, err := log.AnnounceHeads(t.Context(), logger, next)
		if err != nil || len(hs) != 1 || hs[0].Day != "2026-12-07" || hs[0].N != 1 {
			t.Fatalf("announce: %+v %v", hs, err)
		}
		if !strings.Contains(out.String(), fmt.Sprintf("lane=%d entries=1 head=%s", hs[0].Lane, hs[0].Head)) {
			t.Fatalf("log output lacks the head: %s", out.String())
		}
		if hs, _ := log.AnnounceHeads(t.Context(), logger, next); len(hs) != 0 {
			t.Fatalf("announced twice: %+v", hs)
		}
		record(t, db, log, audit.Entry{At: day.Add(time.Hour), Action: "login", Object: "user:late"})
		if hs, _ := log.AnnounceHeads(t.Context(), logger, next); len(hs) != 1 || hs[0].N != 2 {
			t.Fatalf("a late entry's new head: %+v", hs)
		}
	})
}

// Appends from many transactions at once (as from several instances on
// PostgreSQL) never fork a chain. On PostgreSQL they spread over the
// day's lanes, so they do not all wait for one head (issue 15); on SQLite
// the day keeps one chain.
func TestConcurrentAppendsKeepOneChain(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		log := audit.New(db)
		at := time.Date(2026, 12, 7, 3, 0, 0, 0, time.UTC)
		var wg sync.WaitGroup
		errs := make(chan error, 40)
		// The first 8 hold their transactions open until all 8 have begun,
		// so at least 8 connections append at once.
		var begun sync.WaitGroup
		begun.Add(8)
		for i := range 40 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs <- db.InTx(t.Context(), func(tx *store.Tx) error {
					if i < 8 && db.Dialect == store.Postgres {
						begun.Done()
						begun.Wait()
					}
					// Two entries in one transaction go to one lane.
					for j := range 2 {
						if err := log.Record(t.Context(), tx, audit.Entry{At: at.Add(time.Duration(i) * time.Second), Action: "login",
							Object: fmt.Sprintf("user:%d", i), Details: fmt.Sprint(j)}); err != nil {
							return err
						}
					}
					return nil
				})
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		rep := verify(t, log, "", "")
		if rep.Broken != nil || rep.Entries != 80 {
			t.Fatalf("verify: %+v %v", rep, rep.Broken)
		}
		all, err := log.List(t.Context(), audit.Filter{Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		laneOf := map[string]int{}
		for _, e := range all {
			if l, ok := laneOf[e.Object]; ok && l != e.Lane {
				t.Errorf("%s: entries of one transaction in lanes %d and %d", e.Object, l, e.Lane)
			}
			laneOf[e.Object] = e.Lane
		}
		switch {
		case db.Dialect == store.Postgres && len(rep.Days) < 2:
			t.Errorf("on PostgreSQL 40 concurrent transactions appended to %d chain(s): %+v", len(rep.Days), rep.Days)
		case db.Dialect == store.SQLite && (len(rep.Days) != 1 || rep.Days[0].Lane != 0):
			t.Errorf("on SQLite the day is one chain, lane 0: %+v", rep.Days)
		}
	})
}

// Every way of changing the log or an anchored history row behind the
// application's back is found, and the first broken row is named
// (finding 10 of issue 8: dossier_events could be edited without a trace).
func TestVerifyFindsTampering(t *testing.T) {
	cases := []struct {
		name string
		// sql changes the database; %[1]d is the id of the 2nd of 3 dossier
		// entries, %[2]d the dossier_events row it anchors.
		sql  string
		want string // in the Break's text
		id   int    // which entry is named: 1 = the 2nd entry, 2 = the 3rd, 0 = none
	}{
		{"edited field", `UPDATE audit_entries SET actor_name = 'someone else' WHERE id = %[1]d`, "was edited", 1},
		{"edited time", `UPDATE audit_entries SET at = at + 1000 WHERE id = %[1]d`, "was edited", 1},
		{"edited link", `UPDATE audit_entries SET prev_hash = 'ab' WHERE id = %[1]d`, "does not link", 1},
		{"deleted row", `DELETE FROM audit_entries WHERE id = %[1]d`, "was expected", 2},
		{"deleted last row", `DELETE FROM audit_entries WHERE id = %[1]d + 1`, "its head says", 0},
		{"moved to legacy", `UPDATE audit_entries SET day = 'legacy' WHERE id = %[1]d`, "was expected", 2},
		{"moved to another lane", `UPDATE audit_entries SET lane = 7 WHERE id = %[1]d`, "was expected", 2},
		{"edited history", `UPDATE dossier_events SET note = 'forged' WHERE id = %[2]d`, "dossier_events row", 1},
		{"forged history", `INSERT INTO dossier_events (dossier_id, at, actor_name, actor_role, action, from_status, to_status,
			from_step, to_step) SELECT dossier_id, at, 'x', 'leader', 'approve', 'processing', 'result_ready', 1, 2
			FROM dossier_events WHERE id = %[2]d`, "has no audit entry", 0},
	}
	for _, c := range cases {
		// Lane 0 holds the entries written before lanes existed; the others
		// are hashed with their lane.
		for _, lane := range []int{0, 3} {
			t.Run(fmt.Sprintf("%s/lane%d", c.name, lane), func(t *testing.T) {
				storetest.Engines(t, func(t *testing.T, db *store.DB) {
					tamper(t, db, lane, c.sql, c.want, c.id)
				})
			})
		}
	}
}

// tamper runs sql on a log of three dossier entries in lane and checks
// Verify finds it (see TestVerifyFindsTampering).
func tamper(t *testing.T, db *store.DB, lane int, sql, want string, id int) {
	w := newWorld(t, db)
	audit.PinLane(w.log, lane)
	d := w.submit(t, demo.Citizen.Username, "online")
	w.now = w.now.Add(time.Hour)
	if _, err := w.ds.Act(t.Context(), w.actor("gialam.tiepnhan"), d.Code, dossier.Receive, dossier.ActInput{}); err != nil {
		t.Fatal(err)
	}
	w.now = w.now.Add(time.Hour)
	if _, err := w.ds.Act(t.Context(), w.actor("gialam.chuyenvien"), d.Code, dossier.RequestSupplement, dossier.ActInput{Note: "thiếu", Items: []dossier.SupplementItem{{Name: "Giấy tờ còn thiếu", Reason: "Thiếu"}}}); err != nil {
		t.Fatal(err)
	}
	rows, err := w.log.List(t.Context(), audit.Filter{Object: "dossier:" + d.Code})
	if err != nil || len(rows) != 3 || rows[1].HistoryTable != "dossier_events" || rows[1].HistoryID == 0 || rows[1].Lane != lane {
		t.Fatalf("entries: %+v %v", rows, err)
	}
	if rep := verify(t, w.log, "", ""); rep.Broken != nil || rep.Anchored != 3 {
		t.Fatalf("before tampering: %+v %v", rep, rep.Broken)
	}
	if _, err := db.ExecContext(t.Context(), fmt.Sprintf(sql, rows[1].ID, rows[1].HistoryID)); err != nil {
		t.Fatal(err)
	}
	rep := verify(t, w.log, "", "")
	if rep.Broken == nil {
		t.Fatal("tampering not found")
	}
	if !strings.Contains(rep.Broken.Error(), want) {
		t.Errorf("break %q, want %q", rep.Broken, want)
	}
	if rep.Broken.Day != "" && rep.Broken.Lane != lane {
		t.Errorf("break in lane %d, want %d (%v)", rep.Broken.Lane, lane, rep.Broken)
	}
	var wantID int64
	if id > 0 {
		wantID = rows[id].ID
	}
	if rep.Broken.ID != wantID {
		t.Errorf("names entry %d, want %d (%v)", rep.Broken.ID, wantID, rep.Broken)
	}
}

// The heads are read back from serve's log output in either of slog's
// forms; a line written before lanes existed is lane 0; a head line that
// cannot be read is an error, not skipped.
func TestParseLoggedHeads(t *testing.T) {
	h1, h2, h3 := strings.Repeat("a", 64), strings.Repeat("b", 64), strings.Repeat("c", 64)
	logText := `time=2026-12-08T00:00:01.000+07:00 level=INFO msg="audit chain head" day=2026-12-07 entries=3 head=` + h1 + `
time=2026-12-08T00:00:02.000+07:00 level=INFO msg="request" path=/
{"time":"2026-12-09T00:00:01+07:00","level":"INFO","msg":"audit chain head","day":"2026-12-07","lane":0,"entries":4,"head":"` + h2 + `"}
time=2026-12-09T00:00:01.000+07:00 level=INFO msg="audit chain head" day=2026-12-07 lane=5 entries=2 head=` + h3 + `
`
	got, err := audit.ParseLogged(strings.NewReader(logText))
	d0, d5 := audit.Chain{Day: "2026-12-07"}, audit.Chain{Day: "2026-12-07", Lane: 5}
	if err != nil || len(got) != 2 || got[d0] != (audit.Head{Day: "2026-12-07", N: 4, Head: h2}) ||
		got[d5] != (audit.Head{Day: "2026-12-07", Lane: 5, N: 2, Head: h3}) {
		t.Fatalf("parsed %+v %v; the later line of a chain wins", got, err)
	}
	rep := &audit.Report{Days: []audit.Head{got[d0], got[d5]}}
	if b := audit.CheckLogged(rep, got, "", ""); b != nil {
		t.Fatal(b)
	}
	rep.Days[1].N = 1
	if b := audit.CheckLogged(rep, got, "", ""); b == nil || b.Day != "2026-12-07" || b.Lane != 5 {
		t.Fatalf("a shorter chain in lane 5 than logged: %v", b)
	}
	rep.Days = rep.Days[:1]
	if b := audit.CheckLogged(rep, got, "", ""); b == nil || b.Lane != 5 {
		t.Fatalf("a logged lane that is gone: %v", b)
	}
	rep.Days = []audit.Head{got[d0], got[d5], {Day: "2026-12-07", Lane: 9, N: 1, Head: h1}}
	if b := audit.CheckLogged(rep, got, "", ""); b == nil || b.Lane != 9 || !strings.Contains(b.Error(), "none of this lane") {
		t.Fatalf("a lane added to a logged day: %v", b)
	}
	rep.Days = append(rep.Days[:2], audit.Head{Day: "2026-12-08", Lane: 9, N: 1, Head: h1})
	if b := audit.CheckLogged(rep, got, "", ""); b != nil {
		t.Fatalf("a day not logged yet was judged: %v", b)
	}
	rep.Days[0].N = 3
	if b := audit.CheckLogged(rep, got, "2026-12-08", ""); b != nil {
		t.Fatalf("a day outside the range was judged: %v", b)
	}
	if _, err := audit.ParseLogged(strings.NewReader(`msg="audit chain head" day=2026-12-07`)); err == nil {
		t.Fatal("a truncated head line was accepted")
	}
}
