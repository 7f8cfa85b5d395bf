package audit_test

import (
	"bytes"
	"fmt"
	"io/fs"
	"log/slog"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/motcua/motcua/audit"
	"github.com/motcua/motcua/audit/migrations"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

// A log written before days had lanes (audit's migrations 1–3: one chain
// a day, audit_heads keyed by the day) is migrated with its chains as lane
// 0 and still verifies, against the database and against the head lines
// logged then, which name no lane; entries appended after the upgrade
// start other lanes of the same day, and an edit of an old entry is
// still found.
func TestLanelessLogUpgrades(t *testing.T) {
	for _, engine := range []string{"sqlite", "postgres"} {
		t.Run(engine, func(t *testing.T) {
			ctx := t.Context()
			cfg := store.Config{Dir: t.TempDir()}
			if engine == "postgres" {
				cfg = store.Config{URL: storetest.NewPostgresDB(t)}
			}
			db, err := store.Open(ctx, cfg)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			old := fstest.MapFS{}
			for _, name := range []string{"001_audit.sql", "002_chain.sql", "003_redaction.sql"} {
				b, err := fs.ReadFile(migrations.Module.FS, name)
				if err != nil {
					t.Fatal(err)
				}
				old[name] = &fstest.MapFile{Data: b}
			}
			if _, err := db.Migrate(ctx, []store.Module{{Name: "audit", FS: old}}); err != nil {
				t.Fatal(err)
			}

			// The day's chain as the release before lanes wrote it, and the
			// line its announcer logged.
			at := time.Date(2026, 12, 7, 3, 0, 0, 0, time.UTC)
			var prev string
			var ids []int64
			for i := range 3 {
				e := audit.Entry{At: at.Add(time.Duration(i) * time.Minute), ActorName: "an", Action: "login",
					Object: fmt.Sprint("user:", i), Day: "2026-12-07", Seq: int64(i + 1), PrevHash: prev}
				e.Hash = audit.HashOf(e)
				var id int64
				if err := db.WriteRowContext(ctx, `INSERT INTO audit_entries (at, actor_name, action, object, day, seq, prev_hash, hash)
					VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, e.At.UnixMilli(), e.ActorName, e.Action, e.Object, e.Day, e.Seq, e.PrevHash, e.Hash).Scan(&id); err != nil {
					t.Fatal(err)
				}
				ids, prev = append(ids, id), e.Hash
			}
			if _, err := db.ExecContext(ctx, `INSERT INTO audit_heads (day, n, head, logged_n) VALUES ('2026-12-07', 3, ?, 3)`, prev); err != nil {
				t.Fatal(err)
			}
			oldLine := `level=INFO msg="audit chain head" day=2026-12-07 entries=3 head=` + prev + "\n"

			if n, err := db.Migrate(ctx, []store.Module{migrations.Module}); err != nil || n != 1 {
				t.Fatalf("migrate to lanes: %d run, %v", n, err)
			}
			log := audit.New(db)
			rep := verify(t, log, "", "")
			if rep.Broken != nil || rep.Entries != 3 || len(rep.Days) != 1 || rep.Days[0] != (audit.Head{Day: "2026-12-07", N: 3, Head: prev}) {
				t.Fatalf("after the upgrade: %+v %v", rep, rep.Broken)
			}

			// A late entry of the same day, in another lane, and its head.
			audit.PinLane(log, 2)
			record(t, db, log, audit.Entry{At: at.Add(time.Hour), Action: "login", Object: "user:late"})
			var out bytes.Buffer
			if hs, err := log.AnnounceHeads(ctx, slog.New(slog.NewTextHandler(&out, nil)), at.AddDate(0, 0, 1)); err != nil || len(hs) != 1 || hs[0].Lane != 2 {
				t.Fatalf("announce: %+v %v", hs, err)
			}
			logged, err := audit.ParseLogged(strings.NewReader(oldLine + out.String()))
			if err != nil {
				t.Fatal(err)
			}
			rep = verify(t, log, "", "")
			if rep.Broken != nil || rep.Entries != 4 || len(rep.Days) != 2 {
				t.Fatalf("with a lane added: %+v %v", rep, rep.Broken)
			}
			if b := audit.CheckLogged(rep, logged, "", ""); b != nil {
				t.Fatalf("against the old and the new head lines: %v", b)
			}

			if _, err := db.ExecContext(ctx, `UPDATE audit_entries SET actor_name = 'someone else' WHERE id = ?`, ids[1]); err != nil {
				t.Fatal(err)
			}
			if rep := verify(t, log, "", ""); rep.Broken == nil || rep.Broken.ID != ids[1] || rep.Broken.Lane != 0 {
				t.Fatalf("an old entry edited: %+v %v", rep, rep.Broken)
			}
		})
	}
}
