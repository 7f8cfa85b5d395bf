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
		if !strings.Contains(out.String(), "head="+hs[0].Head) {
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
// PostgreSQL) never fork the chain.
func TestConcurrentAppendsKeepOneChain(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		log := audit.New(db)
		at := time.Date(2026, 12, 7, 3, 0, 0, 0, time.UTC)
		var wg sync.WaitGroup
		errs := make(chan error, 40)
		for i := range 40 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs <- db.InTx(t.Context(), func(tx *store.Tx) error {
					return log.Record(t.Context(), tx, audit.Entry{At: at.Add(time.Duration(i) * time.Second), Action: "login", Object: fmt.Sprint("user:", i)})
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
		if rep := verify(t, log, "", ""); rep.Broken != nil || rep.Entries != 40 {
			t.Fatalf("verify: %+v %v", rep, rep.Broken)
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
		{"edited history", `UPDATE dossier_events SET note = 'forged' WHERE id = %[2]d`, "dossier_events row", 1},
		{"forged history", `INSERT INTO dossier_events (dossier_id, at, actor_name, actor_role, action, from_status, to_status,
			from_step, to_step) SELECT dossier_id, at, 'x', 'leader', 'approve', 'processing', 'result_ready', 1, 2
			FROM dossier_events WHERE id = %[2]d`, "has no audit entry", 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			storetest.Engines(t, func(t *testing.T, db *store.DB) {
				w := newWorld(t, db)
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
				if err != nil || len(rows) != 3 || rows[1].HistoryTable != "dossier_events" || rows[1].HistoryID == 0 {
					t.Fatalf("entries: %+v %v", rows, err)
				}
				if rep := verify(t, w.log, "", ""); rep.Broken != nil || rep.Anchored != 3 {
					t.Fatalf("before tampering: %+v %v", rep, rep.Broken)
				}
				if _, err := db.ExecContext(t.Context(), fmt.Sprintf(c.sql, rows[1].ID, rows[1].HistoryID)); err != nil {
					t.Fatal(err)
				}
				rep := verify(t, w.log, "", "")
				if rep.Broken == nil {
					t.Fatal("tampering not found")
				}
				if !strings.Contains(rep.Broken.Error(), c.want) {
					t.Errorf("break %q, want %q", rep.Broken, c.want)
				}
				var wantID int64
				if c.id > 0 {
					wantID = rows[c.id].ID
				}
				if rep.Broken.ID != wantID {
					t.Errorf("names entry %d, want %d (%v)", rep.Broken.ID, wantID, rep.Broken)
				}
			})
		})
	}
}

// The heads are read back from serve's log output in either of slog's
// forms; a head line that cannot be read is an error, not skipped.
func TestParseLoggedHeads(t *testing.T) {
	h1, h2 := strings.Repeat("a", 64), strings.Repeat("b", 64)
	logText := `time=2026-12-08T00:00:01.000+07:00 level=INFO msg="audit chain head" day=2026-12-07 entries=3 head=` + h1 + `
time=2026-12-08T00:00:02.000+07:00 level=INFO msg="request" path=/
{"time":"2026-12-09T00:00:01+07:00","level":"INFO","msg":"audit chain head","day":"2026-12-07","entries":4,"head":"` + h2 + `"}
`
	got, err := audit.ParseLogged(strings.NewReader(logText))
	if err != nil || len(got) != 1 || got["2026-12-07"] != (audit.Head{Day: "2026-12-07", N: 4, Head: h2}) {
		t.Fatalf("parsed %+v %v; the later line of a day wins", got, err)
	}
	rep := &audit.Report{Days: []audit.Head{{Day: "2026-12-07", N: 4, Head: h2}}}
	if b := audit.CheckLogged(rep, got, "", ""); b != nil {
		t.Fatal(b)
	}
	rep.Days[0].N = 3
	if b := audit.CheckLogged(rep, got, "", ""); b == nil || b.Day != "2026-12-07" {
		t.Fatalf("a shorter chain than logged: %v", b)
	}
	if b := audit.CheckLogged(rep, got, "2026-12-08", ""); b != nil {
		t.Fatalf("a day outside the range was judged: %v", b)
	}
	if _, err := audit.ParseLogged(strings.NewReader(`msg="audit chain head" day=2026-12-07`)); err == nil {
		t.Fatal("a truncated head line was accepted")
	}
}
