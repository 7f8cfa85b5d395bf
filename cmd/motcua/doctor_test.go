package main

import (
	"bytes"
	"flag"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/backup"
	"github.com/motcua/motcua/notify/notifytest"
	"github.com/motcua/motcua/scan/scantest"
	"github.com/motcua/motcua/store/storetest"
)

// doctorLines runs `motcua doctor ARGS` and returns its lines by check.
func doctorLines(t *testing.T, args ...string) (map[string]string, string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	err := run(t.Context(), append([]string{"doctor"}, args...), nil, &out, &errb)
	lines := map[string]string{}
	for _, l := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		if f := strings.Fields(l); len(f) >= 2 {
			lines[f[1]] = l
		}
	}
	return lines, out.String(), err
}

// closedPort is a loopback address nothing listens on.
func closedPort(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// demoChecks are the lines doctor prints, every one for --demo.
var demoChecks = []string{"database", "clock", "data", "public-url", "smtp", "clamd", "backup",
	"sms", "vnpay", "postal", "dvcqg", "oidc", "dancu", "land", "csc"}

// TestDoctorDemoFreshDataDir (issue 17: "doctor on a fresh --demo start
// prints all checks green"): before serve --demo first runs on an empty
// data dir, and after it has started there, every line is ✓ and doctor
// succeeds — the parts the demo does not play (a virus scanner, backups
// when --backup-dir is not given) say so in their green line, and a
// --backup-dir serve has not yet filled is green only while the database
// is still empty, for serve takes the first backup at start; once it has,
// the line names that backup.
func TestDoctorDemoFreshDataDir(t *testing.T) {
	data, backups := t.TempDir(), filepath.Join(t.TempDir(), "backups")
	check := func(t *testing.T, args []string, says map[string]string) {
		t.Helper()
		lines, out, err := doctorLines(t, append([]string{"--demo", "--data", data}, args...)...)
		if err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		if len(lines) != len(demoChecks) {
			t.Errorf("%d lines, want %d:\n%s", len(lines), len(demoChecks), out)
		}
		for _, c := range demoChecks {
			if !strings.HasPrefix(lines[c], "✓ ") {
				t.Errorf("%s: %q, want ✓\n%s", c, lines[c], out)
			}
		}
		for c, text := range says {
			if !strings.Contains(lines[c], text) {
				t.Errorf("%s: %q, want it to say %q", c, lines[c], text)
			}
		}
	}
	t.Run("before serve", func(t *testing.T) {
		check(t, nil, map[string]string{"database": "còn trống", "clamd": "Bản demo, --clamd trống", "backup": "Bản demo, --backup-dir trống"})
		check(t, []string{"--backup-dir", backups}, map[string]string{"backup": "serve --demo sao lưu lần đầu ngay khi khởi động"})
	})
	t.Run("after serve --demo started", func(t *testing.T) {
		s := startServe(t, []string{"serve", "--demo", "--demo-activity", "0", "--addr", "127.0.0.1:0", "--data", data, "--backup-dir", backups})
		waitFor(t, "the backup serve takes at start", func() bool {
			list, _ := backup.List(backups)
			return len(list) == 1
		})
		s.stop(t)
		check(t, []string{"--backup-dir", backups}, map[string]string{"database": "đủ", "backup": "Bản sao lưu mới nhất"})
		check(t, nil, map[string]string{"backup": "Bản demo, --backup-dir trống"})
	})
	// Outside the demo, or once the database holds data, a backup
	// directory without a backup is still red.
	empty := t.TempDir()
	for _, args := range [][]string{
		{"--demo", "--data", data, "--backup-dir", empty},
		{"--data", data, "--public-url", "https://motcua.example.vn", "--backup-dir", empty},
	} {
		lines, _, err := doctorLines(t, args...)
		if err == nil || !strings.HasPrefix(lines["backup"], "✗ ") || !strings.HasSuffix(lines["backup"], "[backup_missing]") {
			t.Errorf("doctor %v: %v, backup line %q, want ✗ backup_missing", args, err, lines["backup"])
		}
	}
}

// TestDoctorSMTP: a relay that answers EHLO is green (the repository's
// test SMTP server); a closed port is red and doctor fails.
func TestDoctorSMTP(t *testing.T) {
	relay := notifytest.NewSMTP(t)
	for _, c := range []struct {
		name, addr, want string
		fails            bool
	}{
		{"relay answers", relay.Addr, "✓ smtp ", false},
		{"closed port", closedPort(t), "✗ smtp ", true},
	} {
		t.Run(c.name, func(t *testing.T) {
			lines, out, err := doctorLines(t, "--demo", "--data", t.TempDir(), "--smtp-addr", c.addr)
			if (err != nil) != c.fails {
				t.Fatalf("err %v, want failure %v\n%s", err, c.fails, out)
			}
			if !strings.HasPrefix(strings.Join(strings.Fields(lines["smtp"]), " "), c.want) {
				t.Fatalf("smtp line %q, want %q", lines["smtp"], c.want)
			}
			if c.fails && !strings.Contains(lines["smtp"], "[smtp_unreachable]") {
				t.Errorf("no code: %q", lines["smtp"])
			}
		})
	}
	if len(relay.Mails()) != 0 {
		t.Errorf("doctor sent mail: %v", relay.Mails())
	}
}

// TestDoctorClamd: a real clamd (scantest, with its own tiny database)
// answers PING on its socket and on TCP: green.
func TestDoctorClamd(t *testing.T) {
	clamd := scantest.Start(t)
	for _, addr := range []string{clamd.Unix, clamd.TCP} {
		lines, out, err := doctorLines(t, "--demo", "--data", t.TempDir(), "--clamd", addr)
		if err != nil || !strings.HasPrefix(lines["clamd"], "✓ ") {
			t.Errorf("--clamd %s: %v\n%s", addr, err, out)
		}
	}
}

// TestDoctorDatabase on both engines: an unmigrated database is red
// outside the demo (run motcua migrate), a migrated one green, a server
// that does not answer red.
func TestDoctorDatabase(t *testing.T) {
	sqliteFresh, sqliteMigrated := t.TempDir(), t.TempDir()
	if err := run(t.Context(), []string{"migrate", "--data", sqliteMigrated}, nil, &bytes.Buffer{}, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"sqlite unmigrated", []string{"--data", sqliteFresh}, "[db_pending_migrations]"},
		{"sqlite migrated", []string{"--data", sqliteMigrated}, "[ok]"},
		{"postgres unmigrated", []string{"--db", storetest.NewPostgresDB(t)}, "[db_pending_migrations]"},
		{"postgres migrated", []string{"--db", storetest.MigratedPostgresURL(t)}, "[ok]"},
		{"postgres down", []string{"--db", "postgres://postgres@" + closedPort(t) + "/x?sslmode=disable&connect_timeout=2"}, "[db_unreachable]"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			args := append([]string{"--public-url", "https://motcua.example.vn", "--data", t.TempDir()}, c.args...)
			lines, out, err := doctorLines(t, args...)
			if !strings.HasSuffix(lines["database"], c.want) {
				t.Fatalf("database line %q, want %s\n%s", lines["database"], c.want, out)
			}
			if failed := c.want != "[ok]"; (err != nil) != failed {
				t.Errorf("err %v, want failure %v", err, failed)
			}
			if c.want == "[ok]" && !strings.HasPrefix(lines["clock"], "✓ ") {
				t.Errorf("clock line %q", lines["clock"])
			}
		})
	}
}

// TestDoctorChecks: each check's verdicts, on the doctor itself with a
// chosen clock (backup age, clock skew).
func TestDoctorChecks(t *testing.T) {
	now := time.Now()
	backups := t.TempDir()
	old := t.TempDir()
	for dir, age := range map[string]time.Duration{backups: 3 * time.Hour, old: 72 * time.Hour} {
		name := "motcua-" + now.Add(-age).UTC().Format("20060102-150405") + ".tar.gz"
		if err := os.WriteFile(filepath.Join(dir, name), []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
		// Not a backup's name: ignored, however new.
		os.WriteFile(filepath.Join(dir, "motcua-latest.tar.gz"), nil, 0o600)
	}
	// A file where the data dir's parent should be: unwritable even to root.
	notDir := filepath.Join(t.TempDir(), "file")
	os.WriteFile(notDir, nil, 0o600)
	cases := []struct {
		name  string
		args  []string
		skew  time.Duration
		check string
		want  string // the line's code
	}{
		{"backup recent", []string{"--backup-dir", backups}, 0, "backup", "ok"},
		{"backup too old", []string{"--backup-dir", old}, 0, "backup", "backup_too_old"},
		{"backup none", []string{"--backup-dir", t.TempDir()}, 0, "backup", "backup_missing"},
		{"backup dir missing", []string{"--backup-dir", filepath.Join(old, "nope")}, 0, "backup", "backup_dir_unreadable"},
		{"backup unset", nil, 0, "backup", "backup_not_configured"},
		{"clock skewed", nil, time.Minute, "clock", "clock_skew"},
		{"clock fine", nil, 0, "clock", "ok"},
		{"public url http", []string{"--public-url", "http://motcua.example.vn"}, 0, "public-url", "public_url_not_https"},
		{"public url missing", []string{"--public-url", ""}, 0, "public-url", "public_url_missing"},
		{"public url https", nil, 0, "public-url", "ok"},
		{"vnpay half", []string{"--vnpay-url", "https://pay.example.vn", "--vnpay-tmn-code", "T"}, 0, "vnpay", "vnpay_incomplete"},
		{"vnpay whole", []string{"--vnpay-url", "https://pay.example.vn", "--vnpay-tmn-code", "T", "--vnpay-hash-secret", "S"}, 0, "vnpay", "ok"},
		{"vnpay none", nil, 0, "vnpay", "vnpay_not_configured"},
		{"oidc half", []string{"--oidc-issuer", "https://sso.example.vn"}, 0, "oidc", "oidc_incomplete"},
		{"postal half", []string{"--postal-url", "https://post.example.vn", "--postal-token", "t"}, 0, "postal", "postal_incomplete"},
		{"dancu half", []string{"--dancu-token", "t"}, 0, "dancu", "dancu_incomplete"},
		{"dvcqg whole", []string{"--dvcqg-url", "https://dvc.example.vn", "--dvcqg-token", "t"}, 0, "dvcqg", "ok"},
		{"csc half", []string{"--csc-url", "https://rs.example.vn/csc/v2"}, 0, "csc", "csc_incomplete"},
		{"clamd closed", []string{"--clamd", closedPort(t)}, 0, "clamd", "clamd_unreachable"},
		{"clamd malformed", []string{"--clamd", "nowhere"}, 0, "clamd", "clamd_invalid"},
		{"data dir unwritable", []string{"--data", filepath.Join(notDir, "data")}, 0, "data", "data_dir_unwritable"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fs := flag.NewFlagSet("doctor", flag.ContinueOnError)
			var sf serveFlags
			sf.register(fs)
			args := append([]string{"--data", t.TempDir(), "--public-url", "https://motcua.example.vn"}, c.args...)
			if err := fs.Parse(args); err != nil {
				t.Fatal(err)
			}
			d := doctor{sf: &sf, now: func() time.Time { return time.Now().Add(-c.skew) }}
			for _, f := range d.run(t.Context()) {
				if f.check == c.check {
					if f.code != c.want {
						t.Errorf("%s: %s %s %q, want %s", c.check, f.status.mark(), f.code, f.text, c.want)
					}
					if (f.status == pass) != (c.want == "ok") {
						t.Errorf("%s: status %s for %s", c.check, f.status.mark(), f.code)
					}
					return
				}
			}
			t.Fatalf("no %s line", c.check)
		})
	}
}
