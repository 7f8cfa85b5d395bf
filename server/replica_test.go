package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

// TestReplicaTracking (issue 15): motcua serve --db-replica sends public
// tracking to a PostgreSQL streaming replica, here a real one whose replay
// is paused for the whole loop, so everything written meanwhile is on the
// primary alone. A citizen who files a dossier and tracks it at once, in
// the API and on the portal's page, sees it every time: the filing's
// response set the motcua_lsn cookie, and a session whose write the
// replica lacks reads the primary. Another client, with no write behind
// it, is answered by the replica, which has never heard of the dossier;
// after replay resumes it finds it there.
func TestReplicaTracking(t *testing.T) {
	rep := storetest.StartReplica(t)
	u := storetest.MigratedPostgresURL(t)
	pu, _ := url.Parse(u)
	rep.CatchUp(t) // the new database is on the replica before motcua connects to it there
	db, err := store.Open(context.Background(), store.Config{URL: u, Replica: rep.URL(strings.TrimPrefix(pu.Path, "/"))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	e := newEnv(t, db)
	p := e.procedure(interLevel(t).Code)
	token := e.token("congdan")
	rep.CatchUp(t)
	rep.Exec(t, `SELECT pg_wal_replay_pause()`)

	jar, _ := cookiejar.New(nil)
	citizen := &http.Client{Jar: jar}
	other := &http.Client{}
	get := func(c *http.Client, path string) (int, string) {
		t.Helper()
		resp, err := c.Get(e.srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	const rounds = 20
	var codes []dossierView
	for i := range rounds {
		// Three lookups a round; the limiter gives one back every 20 s.
		e.clock.Add(time.Minute)
		body, _ := json.Marshal(submission(p, demo.GiaLamCode))
		req, _ := http.NewRequest("POST", e.srv.URL+"/api/v1/dossiers", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := citizen.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var d dossierView
		json.NewDecoder(resp.Body).Decode(&d)
		resp.Body.Close()
		if resp.StatusCode != 201 || d.TrackToken == "" {
			t.Fatalf("round %d: filing: %d %+v", i, resp.StatusCode, d)
		}
		if !strings.Contains(resp.Header.Get("Set-Cookie"), "motcua_lsn=") {
			t.Fatalf("round %d: the filing's response sets no motcua_lsn cookie: %q", i, resp.Header.Values("Set-Cookie"))
		}
		codes = append(codes, d)
		q := "?token=" + url.QueryEscape(d.TrackToken)
		if status, body := get(citizen, "/api/v1/track/"+d.Code+q); status != 200 || !strings.Contains(body, d.Code) {
			t.Fatalf("round %d: the citizen tracks their new dossier in the API: %d %s", i, status, body)
		}
		if status, body := get(citizen, "/tra-cuu?ma="+d.Code+"&t="+url.QueryEscape(d.TrackToken)); status != 200 || !strings.Contains(body, d.Code) {
			t.Fatalf("round %d: the citizen tracks their new dossier on the portal: %d", i, status)
		}
		if status, body := get(other, "/api/v1/track/"+d.Code+q); status != 404 {
			t.Fatalf("round %d: another client, read from the paused replica: %d %s; want 404 (the replica lacks it)", i, status, body)
		}
	}

	rep.Exec(t, `SELECT pg_wal_replay_resume()`)
	rep.CatchUp(t)
	e.clock.Add(time.Hour)
	for _, d := range codes[:3] {
		if status, body := get(other, "/api/v1/track/"+d.Code+"?token="+url.QueryEscape(d.TrackToken)); status != 200 {
			t.Errorf("another client after replay resumed: %d %s", status, body)
		}
	}
}
