package schema_test

import (
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/motcua/motcua/audit"
	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/payment"
	"github.com/motcua/motcua/schema"
	"github.com/motcua/motcua/server"
	"github.com/motcua/motcua/server/servertest"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

// manifest is what make-fixture.sh measured in the fixture when the
// previous release generated it (testdata/upgrade/*/README.md).
type manifest struct {
	Commit     string
	Migrations map[string]int    // module → migrations applied at that release
	Counts     map[string]int    // table → rows
	States     map[string]int    // dossier status → dossiers
	Dossiers   map[string]string // code → "status step unit version events last-action"
}

// TestUpgradeFromPreviousRelease: every fixture a previous release made
// (a `demo generate` year, on SQLite and, dumped with pg_dump, on
// PostgreSQL) is migrated by this code — the migrations it lacks run,
// then none is pending — and still holds every dossier and event: the
// counts of the manifest, each dossier's latest state. Then the app is
// built on it and served: a citizen's tracking answers for a fixture
// dossier, the officer's list finds it (through the search index a
// later migration built over old rows), and the audit chain, which the
// officer's reads extend, verifies.
func TestUpgradeFromPreviousRelease(t *testing.T) {
	fixtures, err := filepath.Glob("testdata/upgrade/*/manifest.json")
	if err != nil || len(fixtures) == 0 {
		t.Fatalf("no upgrade fixture under testdata/upgrade (%v)", err)
	}
	for _, mf := range fixtures {
		dir := filepath.Dir(mf)
		var m manifest
		b, err := os.ReadFile(mf)
		if err == nil {
			err = json.Unmarshal(b, &m)
		}
		if err != nil || len(m.Dossiers) == 0 || m.Counts["dossiers"] != len(m.Dossiers) {
			t.Fatalf("%s: %v (%d dossiers listed)", mf, err, len(m.Dossiers))
		}
		t.Run(filepath.Base(dir)+"/sqlite", func(t *testing.T) {
			data := t.TempDir()
			gunzip(t, filepath.Join(dir, "motcua.db.gz"), filepath.Join(data, "motcua.db"))
			copyFile(t, filepath.Join(dir, "secret.key"), filepath.Join(data, "secret.key"))
			db, err := store.Open(t.Context(), store.Config{Dir: data})
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			upgrade(t, db, data, m)
		})
		t.Run(filepath.Base(dir)+"/postgres", func(t *testing.T) {
			dump := filepath.Join(dir, "pg.sql.gz")
			if _, err := os.Stat(dump); err != nil {
				t.Fatalf("%s: every fixture has its PostgreSQL dump (make-fixture.sh with MOTCUA_FIXTURE_PG): %v", dir, err)
			}
			psql, err := exec.LookPath("psql")
			if err != nil {
				if testing.Short() && os.Getenv("CI") != "true" {
					t.Skip("psql not installed")
				}
				t.Fatal("psql (Debian's postgresql-client) loads the fixture's dump")
			}
			u := storetest.NewPostgresDB(t)
			sqlFile := filepath.Join(t.TempDir(), "pg.sql")
			gunzip(t, dump, sqlFile)
			// psql wants a libpq URL: pgx's options would be refused.
			if out, err := exec.Command(psql, "-q", "-v", "ON_ERROR_STOP=1", "-d", libpq(u), "-f", sqlFile).CombinedOutput(); err != nil {
				t.Fatalf("psql: %v\n%s", err, out)
			}
			db, err := store.Open(t.Context(), store.Config{URL: u})
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			data := t.TempDir()
			copyFile(t, filepath.Join(dir, "secret.key"), filepath.Join(data, "secret.key"))
			upgrade(t, db, data, m)
		})
	}
}

// upgrade migrates the fixture's database and checks it against m, then serves it.
func upgrade(t *testing.T, db *store.DB, data string, m manifest) {
	ctx := t.Context()
	before := map[string]int{}
	rows, err := db.QueryContext(ctx, `SELECT module, COUNT(*) FROM schema_versions GROUP BY module`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var mod string
		var n int
		if err := rows.Scan(&mod, &n); err != nil {
			t.Fatal(err)
		}
		before[mod] = n
	}
	rows.Close()
	if fmt.Sprint(before) != fmt.Sprint(m.Migrations) {
		t.Fatalf("the fixture's schema_versions %v is not the manifest's %v", before, m.Migrations)
	}
	pending, err := schema.Pending(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	// The fixture must be older than this code, or the test proves nothing.
	want := 0
	for _, mod := range schema.Modules() {
		ms, err := mod.Migrations()
		if err != nil {
			t.Fatal(err)
		}
		want += len(ms) - before[mod.Name]
	}
	if len(pending) != want || want == 0 {
		t.Fatalf("%d migration(s) pending on the fixture, want %d (and some)", len(pending), want)
	}
	if n, err := schema.Migrate(ctx, db); err != nil || n != want {
		t.Fatalf("Migrate ran %d, err %v; want %d", n, err, want)
	}
	if again, err := schema.Pending(ctx, db); err != nil || len(again) != 0 {
		t.Fatalf("after Migrate: %d pending, err %v", len(again), err)
	}

	// Every dossier and event still there, each dossier as it was.
	for table, n := range m.Counts {
		var got int
		if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+table).Scan(&got); err != nil || got != n {
			t.Errorf("%s: %d rows (err %v), the fixture had %d", table, got, err, n)
		}
	}
	states := map[string]int{}
	dossiers := map[string]string{}
	rows, err = db.QueryContext(ctx, `SELECT d.code, d.status, d.step, u.code, d.version,
		(SELECT COUNT(*) FROM dossier_events e WHERE e.dossier_id = d.id),
		(SELECT e.action FROM dossier_events e WHERE e.dossier_id = d.id ORDER BY e.id DESC LIMIT 1)
		FROM dossiers d JOIN units u ON u.id = d.unit_id`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var code, status, unit, last string
		var step, version, events int
		if err := rows.Scan(&code, &status, &step, &unit, &version, &events, &last); err != nil {
			t.Fatal(err)
		}
		states[status]++
		dossiers[code] = fmt.Sprintf("%s %d %s %d %d %s", status, step, unit, version, events, last)
	}
	rows.Close()
	if fmt.Sprint(states) != fmt.Sprint(m.States) {
		t.Errorf("states %v, the fixture had %v", states, m.States)
	}
	changed := 0
	for code, was := range m.Dossiers {
		if now := dossiers[code]; now != was {
			if changed++; changed <= 5 {
				t.Errorf("dossier %s: %q, the fixture had %q", code, now, was)
			}
		}
	}
	if changed > 0 || len(dossiers) != len(m.Dossiers) {
		t.Fatalf("%d of %d dossiers changed; %d now", changed, len(m.Dossiers), len(dossiers))
	}

	serveUpgraded(t, db, data, m)
}

// serveUpgraded builds the app on the upgraded database as serve does and
// reads a fixture dossier as its citizen and as an officer of its unit.
func serveUpgraded(t *testing.T, db *store.DB, data string, m manifest) {
	ctx := t.Context()
	servertest.Prepare(t, db)
	srv, public := servertest.Listen(t)
	app, err := server.New(ctx, db, server.Config{DataDir: data, Log: slog.New(slog.DiscardHandler), PublicURL: public})
	if err != nil {
		t.Fatal(err)
	}
	servertest.Serve(t, srv, app.Handler)

	// A district dossier: its officers are the demo's huyen.* accounts.
	var code, token, applicant string
	if err := db.QueryRowContext(ctx, `SELECT d.code, d.track_token, d.applicant_name FROM dossiers d JOIN units u ON u.id = d.unit_id
		WHERE u.code = ? AND d.status = 'delivered' ORDER BY d.code LIMIT 1`, demo.DistrictCode).Scan(&code, &token, &applicant); err != nil {
		t.Fatal(err)
	}
	get := func(path, bearer string) string {
		t.Helper()
		req, _ := http.NewRequest("GET", srv.URL+path, nil)
		if bearer != "" {
			req.Header.Set("Authorization", "Bearer "+bearer)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 {
			t.Fatalf("GET %s: %d %s", path, resp.StatusCode, b)
		}
		return string(b)
	}
	if body := get("/api/v1/track/"+code+"?token="+token, ""); !strings.Contains(body, `"delivered"`) {
		t.Errorf("tracking %s: %s", code, body)
	}
	if body := get("/tra-cuu/"+code+"?token="+token, ""); !strings.Contains(body, code) {
		t.Errorf("the tracking page of %s lacks it", code)
	}

	resp, err := http.Post(srv.URL+"/api/v1/auth/token", "application/json",
		strings.NewReader(`{"username": "huyen.tiepnhan", "password": "`+demo.Password+`"}`))
	if err != nil {
		t.Fatal(err)
	}
	var tok struct{ Token string }
	json.NewDecoder(resp.Body).Decode(&tok)
	resp.Body.Close()
	if tok.Token == "" {
		t.Fatalf("the fixture's officer could not log in: %d", resp.StatusCode)
	}
	// The applicant's name finds the dossier through the search index
	// that a migration after the fixture's release built over its rows.
	word := strings.Fields(applicant)[len(strings.Fields(applicant))-1]
	if body := get("/api/v1/dossiers?status=delivered&limit=200&q="+url.QueryEscape(word), tok.Token); !strings.Contains(body, code) {
		t.Errorf("the officer's list for %q lacks %s: %.400s", word, code, body)
	}
	if body := get("/api/v1/dossiers/"+code, tok.Token); !strings.Contains(body, applicant) {
		t.Errorf("dossier %s: %.400s", code, body)
	}

	rep, err := audit.New(db).Verify(ctx, "", "", map[string]audit.History{"dossier_events": dossier.Events{}, "payment_events": payment.Events{}})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Broken != nil || rep.Entries == 0 {
		t.Errorf("audit chain after the upgrade: %d entries, broken: %v", rep.Entries, rep.Broken)
	}
	if m.Counts["audit_entries"] > 0 && rep.Entries <= m.Counts["audit_entries"] {
		t.Errorf("%d audit entries verified, the fixture alone had %d", rep.Entries, m.Counts["audit_entries"])
	}
}

func gunzip(t *testing.T, from, to string) {
	t.Helper()
	f, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	w, err := os.OpenFile(to, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(w, zr); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// libpq turns a test database's URL into one psql accepts.
func libpq(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return u
	}
	q := url.Values{}
	if s := p.Query().Get("sslmode"); s != "" {
		q.Set("sslmode", s)
	}
	p.RawQuery = q.Encode()
	return p.String()
}
