package server_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/audit"
	"github.com/motcua/motcua/blob"
	"github.com/motcua/motcua/calendar"
	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/report"
	"github.com/motcua/motcua/server"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

// TestRetentionAnonymises generates a small 2022 through the real
// services, gives one dossier of a 20-year procedure an attached file and
// audit entries that name its applicant (as an online filing makes them),
// reopens another, and runs the retention job as of 2043: the II.06a
// figures of 2022 are unchanged, the audit log still verifies, and no
// name, identity number, phone or address of an anonymised dossier is
// left in any table (listed from the engine's catalog) or stored file;
// the dry run before changed nothing, the dossiers of a permanent
// procedure and the open one are untouched.
func TestRetentionAnonymises(t *testing.T) {
	if testing.Short() && os.Getenv("CI") != "true" {
		t.Skip("generates a small year")
	}
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		dir := t.TempDir()
		if _, err := demo.Generate(ctx, demo.GenerateConfig{DB: db, DataDir: dir, Year: 2022, Scale: 0.002, Seed: 1}); err != nil {
			t.Fatal(err)
		}
		blobs := blob.NewDir(filepath.Join(dir, "files"), nil)
		app, err := server.New(ctx, db, server.Config{DataDir: dir, Blobs: blobs})
		if err != nil {
			t.Fatal(err)
		}
		// The dossier whose traces are planted: filed online by its applicant.
		var target int64
		var code string
		if err := db.QueryRowContext(ctx, `SELECT d.id, d.code FROM dossiers d WHERE d.procedure_code = '2.000815'
			AND EXISTS (SELECT 1 FROM dossier_events e WHERE e.dossier_id = d.id AND e.actor_role = 'applicant') ORDER BY d.id LIMIT 1`).Scan(&target, &code); err != nil {
			t.Fatal(err)
		}
		var name, phone string
		if err := db.QueryRowContext(ctx, `SELECT applicant_name, applicant_phone FROM dossiers WHERE id = ?`, target).Scan(&name, &phone); err != nil {
			t.Fatal(err)
		}
		plantFile(ctx, t, db, blobs, target, "Đơn của "+name+", điện thoại "+phone)
		plantAudit(ctx, t, db, app.Audit, target, code, name, phone)
		// An open dossier of the same procedure: reopened here.
		var open int64
		if err := db.QueryRowContext(ctx, `SELECT id FROM dossiers WHERE procedure_code = '2.000815' AND id <> ? ORDER BY id LIMIT 1`, target).Scan(&open); err != nil {
			t.Fatal(err)
		}
		if _, err := db.ExecContext(ctx, `UPDATE dossiers SET status = 'processing', closed_at = NULL WHERE id = ?`, open); err != nil {
			t.Fatal(err)
		}

		cal, err := calendar.NewStore(ctx, db, calendar.StoreConfig{})
		if err != nil {
			t.Fatal(err)
		}
		figures := func() string {
			var out []string
			for _, view := range []string{report.ViewUnit, report.ViewProcedure} {
				q, err := report.ParseII06a(url.Values{"unit": {demo.ProvinceCode}, "from": {"2022-01-01"}, "to": {"2022-12-31"}, "view": {view}})
				if err != nil {
					t.Fatal(err)
				}
				r, err := report.New(db).II06a(ctx, q, cal)
				if err != nil {
					t.Fatal(err)
				}
				b, _ := json.Marshal(r)
				out = append(out, string(b))
			}
			return strings.Join(out, "\n")
		}
		before, dumpBefore := figures(), dumpAll(ctx, t, db)
		kept := snapshot(ctx, t, db, `procedure_code IN (SELECT code FROM procedures WHERE retention_years = 0) OR id = `+fmt.Sprint(open))

		asOf := time.Date(2043, 1, 1, 0, 0, 0, 0, calendar.Zone)
		dry, err := app.Dossiers.Anonymise(ctx, asOf, true)
		if err != nil {
			t.Fatal(err)
		}
		if dry.Dossiers == 0 {
			t.Fatal("the dry run found nothing to anonymise: the test would prove nothing")
		}
		if dumpAll(ctx, t, db) != dumpBefore {
			t.Fatal("the dry run changed the database")
		}
		// The values to look for: those of the dossiers to anonymise that
		// no kept dossier and no account shares (the demo's names repeat).
		values := personal(ctx, t, db, asOf)
		if len(values) < 10 {
			t.Fatalf("only %d distinctive values to look for", len(values))
		}

		rep, err := app.Dossiers.Anonymise(ctx, asOf, false)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Dossiers != dry.Dossiers {
			t.Errorf("anonymised %d dossiers, the dry run counted %d", rep.Dossiers, dry.Dossiers)
		}
		if _, err := dossier.CollectBlobs(ctx, db, blobs, time.Now().Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
		if after := figures(); after != before {
			t.Errorf("II.06a of 2022 changed:\nbefore %s\nafter  %s", before, after)
		}
		if got := snapshot(ctx, t, db, `procedure_code IN (SELECT code FROM procedures WHERE retention_years = 0) OR id = `+fmt.Sprint(open)); got != kept {
			t.Error("a dossier of a permanent procedure, or the open one, changed")
		}
		dump := dumpAll(ctx, t, db) + dumpFiles(t, filepath.Join(dir, "files"))
		for _, v := range values {
			if strings.Contains(dump, v) {
				i := strings.Index(dump, v)
				t.Errorf("%q is still stored: …%s…", v, dump[max(0, i-200):min(len(dump), i+len(v)+40)])
			}
		}
		vr, err := app.Audit.Verify(ctx, "", "", map[string]audit.History{"dossier_events": dossier.Events{}})
		if err != nil {
			t.Fatal(err)
		}
		if vr.Broken != nil || vr.Redacted == 0 {
			t.Errorf("audit verify after the run: broken %v, %d redacted", vr.Broken, vr.Redacted)
		}
		again, err := app.Dossiers.Anonymise(ctx, asOf, false)
		if err != nil || again.Dossiers != 0 {
			t.Errorf("a second run anonymised %d (%v), want 0", again.Dossiers, err)
		}
		var runs int
		if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_entries WHERE action = 'retention_run'`).Scan(&runs); err != nil || runs != 2 {
			t.Errorf("retention_run audit entries = %d (%v), want 2", runs, err)
		}
	})
}

// plantFile attaches a stored file naming the applicant to dossier id.
func plantFile(ctx context.Context, t *testing.T, db *store.DB, blobs *blob.Dir, id int64, text string) {
	t.Helper()
	f, err := blobs.TempFile()
	if err != nil {
		t.Fatal(err)
	}
	defer os.Remove(f.Name())
	f.WriteString(text)
	sum := sha256.Sum256([]byte(text))
	if err := blobs.Put(ctx, hex.EncodeToString(sum[:]), f, int64(len(text))); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if _, err := db.ExecContext(ctx, `INSERT INTO dossier_files (dossier_id, component, kind, name, content_type, size, sha256, uploaded_at)
		VALUES (?, 'don', 'applicant', 'don.txt', 'text/plain', ?, ?, 0)`, id, len(text), hex.EncodeToString(sum[:])); err != nil {
		t.Fatal(err)
	}
}

// plantAudit records, as an online act of the applicant does, an entry
// naming them, with their address and a note, anchoring the dossier's
// first applicant event.
func plantAudit(ctx context.Context, t *testing.T, db *store.DB, log *audit.Log, id int64, code, name, phone string) {
	t.Helper()
	// A new history row (the newest, so the log's coverage check, which
	// starts at the first anchored row, finds every later one anchored).
	var at int64
	if err := db.QueryRowContext(ctx, `SELECT MAX(at) FROM dossier_events WHERE dossier_id = ?`, id).Scan(&at); err != nil {
		t.Fatal(err)
	}
	var ev int64
	if err := db.InTx(ctx, func(tx *store.Tx) error {
		return tx.QueryRowContext(ctx, `INSERT INTO dossier_events (dossier_id, at, actor_name, actor_role, action, from_status, to_status,
			from_step, to_step, note) VALUES (?, ?, ?, 'applicant', 'rate', 'delivered', 'delivered', 0, 0, ?) RETURNING id`,
			id, at, name, "Liên hệ "+phone).Scan(&ev)
	}); err != nil {
		t.Fatal(err)
	}
	d, err := dossier.EventDigests(ctx, db, []int64{ev})
	if err != nil {
		t.Fatal(err)
	}
	err = db.InTx(ctx, func(tx *store.Tx) error {
		return log.Record(ctx, tx, audit.Entry{At: time.UnixMilli(at), ActorName: name, ActorRole: dossier.ApplicantRole, Action: "submit",
			Object: "dossier:" + code, Details: `{"note":"Liên hệ ` + phone + `","step":0}`, ClientAddr: "203.0.113.7",
			HistoryTable: "dossier_events", HistoryID: ev, HistoryHash: d[ev]})
	})
	if err != nil {
		t.Fatal(err)
	}
}

// personal returns the names, identity numbers, phones and addresses of
// the dossiers the run as of asOf will anonymise that appear nowhere else
// (no kept dossier's row, no account).
func personal(ctx context.Context, t *testing.T, db *store.DB, asOf time.Time) []string {
	t.Helper()
	rows, err := db.QueryContext(ctx, `SELECT d.id, d.applicant_name, d.applicant_id_number, d.applicant_phone, d.applicant_address, d.closed_at, p.retention_years, d.status
		FROM dossiers d JOIN procedures p ON p.code = d.procedure_code`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	gone, keep := map[string]bool{}, map[string]bool{}
	for rows.Next() {
		var id int64
		var n, idn, ph, addr, status string
		var closed sql.NullInt64
		var years int
		if err := rows.Scan(&id, &n, &idn, &ph, &addr, &closed, &years, &status); err != nil {
			t.Fatal(err)
		}
		to := keep
		if years > 0 && closed.Valid && dossier.State(status).Final() && closed.Int64 < asOf.AddDate(-years, 0, 0).UnixMilli() {
			to = gone
		}
		for _, v := range []string{n, idn, ph, addr} {
			if len(v) >= 6 {
				to[v] = true
			}
		}
	}
	accounts := dumpQuery(ctx, t, db, `SELECT * FROM users`)
	var out []string
	for v := range gone {
		if !keep[v] && !strings.Contains(accounts, v) {
			out = append(out, v)
		}
	}
	return out
}

// snapshot is the rows of dossiers matching where, as text.
func snapshot(ctx context.Context, t *testing.T, db *store.DB, where string) string {
	return dumpQuery(ctx, t, db, `SELECT * FROM dossiers WHERE `+where+` ORDER BY id`)
}

// dumpAll is every row of every table, listed from the engine's catalog.
func dumpAll(ctx context.Context, t *testing.T, db *store.DB) string {
	t.Helper()
	q := `SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`
	if db.Dialect == store.Postgres {
		q = `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name`
	}
	tables, err := store.Strings(ctx, db, q)
	if err != nil {
		t.Fatal(err)
	}
	if len(tables) < 50 {
		t.Fatalf("only %d tables listed", len(tables))
	}
	var b strings.Builder
	for _, name := range tables {
		fmt.Fprintf(&b, "== %s\n%s", name, dumpQuery(ctx, t, db, `SELECT * FROM `+name))
	}
	return b.String()
}

func dumpQuery(ctx context.Context, t *testing.T, db *store.DB, q string) string {
	t.Helper()
	rows, err := db.QueryContext(ctx, q)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		for _, v := range vals {
			switch v := v.(type) {
			case []byte:
				b.Write(v)
			default:
				fmt.Fprint(&b, v)
			}
			b.WriteByte('|')
		}
		b.WriteByte('\n')
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// dumpFiles is the content of every stored file under dir.
func dumpFiles(t *testing.T, dir string) string {
	t.Helper()
	var b bytes.Buffer
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		b.Write(data)
		return err
	})
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	return b.String()
}
