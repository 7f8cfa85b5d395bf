package main

import (
	"bytes"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/audit"
	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/payment"
	"github.com/motcua/motcua/server"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

// auditWorld fills the database at cfg with a dossier submitted, received
// and charged a fee through the wired app, then read by the desk, writes the day's chain head to
// the log output at logPath as serve does the day after, and returns the
// audit entries of the dossier and of its payment.
func auditWorld(t *testing.T, cfg store.Config, logPath string) (dossierRows, paymentRows []audit.Entry) {
	t.Helper()
	ctx := t.Context()
	db, err := store.Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := prepare(ctx, db); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	app, err := server.New(ctx, db, server.Config{DataDir: t.TempDir(), Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := demo.Load(ctx, db, app.Units, app.Auth); err != nil {
		t.Fatal(err)
	}
	desk, err := app.Auth.UserByName(ctx, "gialam.tiepnhan")
	if err != nil {
		t.Fatal(err)
	}
	d, _, err := app.Dossiers.Submit(ctx, desk, dossier.SubmitInput{Procedure: "2.000884", Unit: demo.GiaLamCode, Delivery: "counter",
		Channel: "counter", Applicant: dossier.Applicant{Name: "Nguyễn Văn An", Phone: "0912345678"},
		Form: map[string]any{"ten_giay_to": "Giấy ủy quyền", "ho_ten_nguoi_ky": "Nguyễn Văn An", "so_dinh_danh": "037085001234",
			"so_nguoi_ky": "1", "hinh_thuc": "Ký"}})
	if err != nil {
		t.Fatal(err)
	}
	p, err := app.Payments.Request(ctx, desk, d.Code, payment.RequestInput{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := app.Dossiers.Act(ctx, desk, d.Code, dossier.Receive, dossier.ActInput{}); err != nil {
		t.Fatal(err)
	}
	if _, err := app.Dossiers.Read(ctx, desk, d.Code); err != nil { // the day's last entry anchors no history
		t.Fatal(err)
	}
	if dossierRows, err = app.Audit.List(ctx, audit.Filter{Object: "dossier:" + d.Code}); err != nil || len(dossierRows) != 3 {
		t.Fatalf("dossier entries: %+v %v", dossierRows, err)
	}
	if paymentRows, err = app.Audit.List(ctx, audit.Filter{Object: "payment:" + p.Ref}); err != nil || len(paymentRows) != 1 ||
		paymentRows[0].Action != "payment_requested" || paymentRows[0].HistoryTable != "payment_events" {
		t.Fatalf("payment entries: %+v %v", paymentRows, err)
	}
	out, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	if hs, err := app.Audit.AnnounceHeads(ctx, slog.New(slog.NewTextHandler(out, nil)), now.AddDate(0, 0, 1)); err != nil || len(hs) != 1 {
		t.Fatalf("announce: %+v %v", hs, err)
	}
	return dossierRows, paymentRows
}

func auditVerify(t *testing.T, flags ...string) (string, error) {
	var out bytes.Buffer
	err := run(t.Context(), append([]string{"audit", "verify"}, flags...), strings.NewReader(""), &out, &out)
	return out.String(), err
}

// An entry edited with the sqlite3 shell is named by `motcua audit verify`,
// which then fails (finding 10 of issue 8: an audit trail no one can
// quietly edit).
func TestAuditVerifySQLiteShell(t *testing.T) {
	sqlite3 := needSQLite3(t)
	dir := t.TempDir()
	logPath := filepath.Join(t.TempDir(), "serve.log")
	rows, _ := auditWorld(t, store.Config{Dir: dir}, logPath)
	out, err := auditVerify(t, "--data", dir, "--heads", logPath)
	if err != nil || !strings.Contains(out, "2026-12-07") || !strings.Contains(out, "OK:") {
		t.Fatalf("intact log: %v\n%s", err, out)
	}
	shell := func(sql string) {
		if b, err := exec.Command(sqlite3, filepath.Join(dir, "motcua.db"), sql).CombinedOutput(); err != nil {
			t.Fatalf("sqlite3: %v %s", err, b)
		}
	}
	shell(fmt.Sprintf(`UPDATE audit_entries SET actor_name = 'Người khác' WHERE id = %d`, rows[1].ID))
	out, err = auditVerify(t, "--data", dir)
	want := fmt.Sprintf("audit entry %d ", rows[1].ID)
	if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(out, "BROKEN: "+want) {
		t.Fatalf("edited entry: %v\n%s", err, out)
	}
	// A range that ends before the edited day does not see it.
	if _, err := auditVerify(t, "--data", dir, "--to", "2026-12-06"); err != nil {
		t.Fatalf("range before the edit: %v", err)
	}
	if _, err := auditVerify(t, "--data", dir, "--from", "7.12.2026"); err == nil || !strings.Contains(err.Error(), "YYYY-MM-DD") {
		t.Fatalf("bad day: %v", err)
	}
}

// Deleting the day's last entry and setting the database's head to match
// leaves a consistent chain; the head serve wrote to its log output finds
// it.
func TestAuditVerifyAgainstLoggedHeads(t *testing.T) {
	sqlite3 := needSQLite3(t)
	dir := t.TempDir()
	logPath := filepath.Join(t.TempDir(), "serve.log")
	auditWorld(t, store.Config{Dir: dir}, logPath)
	if b, err := exec.Command(sqlite3, filepath.Join(dir, "motcua.db"), `
		DELETE FROM audit_entries WHERE id = (SELECT MAX(id) FROM audit_entries);
		UPDATE audit_heads SET n = n - 1, head = (SELECT hash FROM audit_entries WHERE day = audit_heads.day ORDER BY seq DESC LIMIT 1);`).CombinedOutput(); err != nil {
		t.Fatalf("sqlite3: %v %s", err, b)
	}
	if out, err := auditVerify(t, "--data", dir); err != nil {
		t.Fatalf("without the log the forgery is consistent, yet: %v\n%s", err, out)
	}
	out, err := auditVerify(t, "--data", dir, "--heads", logPath)
	if err == nil || !strings.Contains(out, "BROKEN: audit chain of 2026-12-07") || !strings.Contains(out, "the log output recorded") {
		t.Fatalf("against the logged head: %v\n%s", err, out)
	}
}

// On PostgreSQL, a payment_events row edited with psql is found through
// the audit entry that anchors it.
func TestAuditVerifyPostgresPsql(t *testing.T) {
	psql, err := exec.LookPath("psql")
	if err != nil {
		if ciRequired() {
			t.Fatal("psql is required in CI")
		}
		t.Skip("psql not installed")
	}
	url := storetest.NewPostgresDB(t)
	_, pay := auditWorld(t, store.Config{URL: url}, filepath.Join(t.TempDir(), "serve.log"))
	if out, err := auditVerify(t, "--db", url); err != nil {
		t.Fatalf("intact log: %v\n%s", err, out)
	}
	if b, err := exec.Command(psql, url, "-v", "ON_ERROR_STOP=1", "-c",
		fmt.Sprintf(`UPDATE payment_events SET note = 'sửa lén' WHERE id = %d`, pay[0].HistoryID)).CombinedOutput(); err != nil {
		t.Fatalf("psql: %v %s", err, b)
	}
	out, err := auditVerify(t, "--db", url)
	if err == nil || !strings.Contains(out, fmt.Sprintf("audit entry %d ", pay[0].ID)) || !strings.Contains(out, "payment_events row") {
		t.Fatalf("edited payment history: %v\n%s", err, out)
	}
}

func ciRequired() bool { return os.Getenv("CI") == "true" }

// needSQLite3 returns the sqlite3 shell's path; without it the test is
// skipped, except in CI, where it fails (.ci/run installs it).
func needSQLite3(t *testing.T) string {
	t.Helper()
	sqlite3, err := exec.LookPath("sqlite3")
	if err != nil {
		if ciRequired() {
			t.Fatal("sqlite3 is required in CI (Debian package sqlite3)")
		}
		t.Skip("sqlite3 not installed")
	}
	return sqlite3
}
