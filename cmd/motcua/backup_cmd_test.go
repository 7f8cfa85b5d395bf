package main

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/motcua/motcua/backup"
	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/server"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

// submission is a counter filing the demo's Gia Lâm desk accepts.
var submission = dossier.SubmitInput{Procedure: "2.000884", Unit: demo.GiaLamCode, Delivery: "counter",
	Channel: "counter", Applicant: dossier.Applicant{Name: "Nguyễn Văn An", Phone: "0912345678"},
	Form: map[string]any{"ten_giay_to": "Giấy ủy quyền", "ho_ten_nguoi_ky": "Nguyễn Văn An", "so_dinh_danh": "037085001234",
		"so_nguoi_ky": "1", "hinh_thuc": "Ký"}}

// scanned is a stored file's content (a PDF, as uploads must be).
const scanned = "%PDF-1.4\n% bản chụp giấy khai sinh\n%%EOF\n"

// TestBackupUnderWriteLoad (issue 17): `motcua backup` runs beside 16
// writers submitting dossiers through the wired services; `motcua
// restore` into a new directory passes its checks (integrity, audit
// chains, every count as in the manifest) and the restored installation
// has every dossier acknowledged before the backup started, and the
// stored file.
func TestBackupUnderWriteLoad(t *testing.T) {
	ctx := t.Context()
	data := filepath.Join(t.TempDir(), "data")
	db, err := store.Open(ctx, store.Config{Dir: data})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := prepare(ctx, db); err != nil {
		t.Fatal(err)
	}
	app, err := server.New(ctx, db, server.Config{DataDir: data})
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
	file, err := app.Dossiers.StoreBlob(ctx, strings.NewReader(scanned))
	if err != nil {
		t.Fatal(err)
	}

	var (
		mu      sync.Mutex
		acked   []string
		wg      sync.WaitGroup
		stop    = make(chan struct{})
		ready   = make(chan struct{})
		failure = make(chan error, 16)
	)
	for range 16 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				d, _, err := app.Dossiers.Submit(ctx, desk, submission)
				if err != nil {
					failure <- err
					return
				}
				mu.Lock()
				acked = append(acked, d.Code)
				if len(acked) == 32 {
					close(ready)
				}
				mu.Unlock()
			}
		})
	}
	select {
	case <-ready:
	case err := <-failure:
		t.Fatalf("writer: %v", err)
	}
	mu.Lock()
	before := append([]string(nil), acked...)
	mu.Unlock()
	out := t.TempDir()
	var stdout bytes.Buffer
	err = command(ctx, []string{"backup", "--to", out, "--data", data}, nil, &stdout, io.Discard)
	close(stop)
	wg.Wait()
	if err != nil {
		t.Fatalf("backup: %v", err)
	}
	select {
	case err := <-failure:
		t.Fatalf("writer: %v", err)
	default:
	}
	t.Logf("%d dossiers acknowledged before the backup, %d by the end; %s", len(before), len(acked), stdout.String())
	list, err := backup.List(out)
	if err != nil || len(list) != 1 {
		t.Fatalf("backups in %s: %v %v", out, list, err)
	}

	restored := filepath.Join(t.TempDir(), "restored")
	stdout.Reset()
	if err := command(ctx, []string{"restore", list[0].Path, "--data", restored}, nil, &stdout, io.Discard); err != nil {
		t.Fatalf("restore: %v\n%s", err, stdout.String())
	}
	report := stdout.String()
	for _, want := range []string{"checksums verified", "integrity_check: ok", "audit chain: OK", "restore complete"} {
		if !strings.Contains(report, want) {
			t.Errorf("restore output lacks %q:\n%s", want, report)
		}
	}
	if strings.Contains(report, "MISMATCH") || !regexp.MustCompile(`(?m)^dossiers +\d+ +\d+$`).MatchString(report) {
		t.Errorf("manifest comparison:\n%s", report)
	}

	rdb, err := store.Open(ctx, store.Config{Dir: restored})
	if err != nil {
		t.Fatal(err)
	}
	defer rdb.Close()
	rapp, err := server.New(ctx, rdb, server.Config{DataDir: restored})
	if err != nil {
		t.Fatal(err)
	}
	rdesk, err := rapp.Auth.UserByName(ctx, "gialam.tiepnhan")
	if err != nil {
		t.Fatal(err)
	}
	for _, code := range before {
		if d, err := rapp.Dossiers.Read(ctx, rdesk, code); err != nil || d.Code != code {
			t.Fatalf("dossier %s acknowledged before the backup is not restored: %v", code, err)
		}
	}
	if got, err := os.ReadFile(filepath.Join(restored, "files", file.SHA256[:2], file.SHA256)); err != nil || string(got) != scanned {
		t.Errorf("stored file not restored: %q %v", got, err)
	}
	// The data directory now holds a database: a second restore is refused.
	err = command(ctx, []string{"restore", list[0].Path, "--data", restored}, nil, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Fatalf("restore over the restored directory: %v", err)
	}
}

// TestBackupRestorePostgres: on PostgreSQL `motcua backup` is pg_dump of
// an exported snapshot; `motcua restore --db` fills an empty database
// with pg_restore, verifies the audit chains and compares every count,
// and refuses a database that has tables.
func TestBackupRestorePostgres(t *testing.T) {
	ctx := t.Context()
	src := storetest.NewPostgresDB(t)
	auditWorld(t, store.Config{URL: src}, filepath.Join(t.TempDir(), "serve.log"))
	out := t.TempDir()
	var stdout bytes.Buffer
	if err := command(ctx, []string{"backup", "--to", out, "--db", src, "--data", filepath.Join(t.TempDir(), "none")}, nil, &stdout, io.Discard); err != nil {
		t.Fatalf("backup: %v", err)
	}
	list, err := backup.List(out)
	if err != nil || len(list) != 1 {
		t.Fatalf("backups: %v %v", list, err)
	}
	dst := storetest.NewPostgresDB(t)
	stdout.Reset()
	if err := command(ctx, []string{"restore", list[0].Path, "--db", dst, "--data", filepath.Join(t.TempDir(), "files")}, nil, &stdout, io.Discard); err != nil {
		t.Fatalf("restore: %v\n%s", err, stdout.String())
	}
	report := stdout.String()
	for _, want := range []string{"pg_restore: ok", "audit chain: OK: 4 entries", "restore complete"} {
		if !strings.Contains(report, want) {
			t.Errorf("restore output lacks %q:\n%s", want, report)
		}
	}
	if strings.Contains(report, "MISMATCH") || !regexp.MustCompile(`(?m)^dossiers +1 +1$`).MatchString(report) ||
		!regexp.MustCompile(`(?m)^payments +1 +1$`).MatchString(report) {
		t.Errorf("manifest comparison:\n%s", report)
	}
	err = command(ctx, []string{"restore", list[0].Path, "--db", src}, nil, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "restore into a new, empty database") {
		t.Fatalf("restore over a database with tables: %v", err)
	}
}
