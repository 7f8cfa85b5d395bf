package cluster

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"os"
	"sort"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/motcua/motcua/notify/notifytest"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

// The demo world's accounts and commune (motcua serve --demo prints them).
const (
	demoPassword = "motcua-demo"
	demoCitizen  = "congdan"
	demoOfficer  = "gialam.tiepnhan" // reception at Gia Lâm commune
	demoCommune  = "000.02.37.H40"
)

// TestScaleOut is docs/scale-out.md run for real: the motcua binary,
// three instances on one fresh PostgreSQL database (each its own port and
// --data, one shared --secret-key, the database blob store by default),
// HAProxy in front (round robin, /healthz checks), a write load through
// it — logins, submissions with two uploaded files each, the desk's
// receive, e-mails to the citizen — and, mid-load, m2 killed with SIGKILL
// and m3 stopped with SIGTERM. Each instance sends its e-mail to its own
// SMTP sink, so the sinks tell who sent what. Then:
//
//   - every acknowledged submission (201) is in the database, and every
//     acknowledged file reads back the same through an instance started
//     afterwards on a fresh, empty --data directory;
//   - no e-mail reached the sinks twice (by Message-ID, the outbox row's);
//   - every request that failed was in flight on the killed instance:
//     HAProxy's log names m2 as its server, and it began before the kill;
//   - a session made on one instance works on another, and m3 exited 0.
func TestScaleOut(t *testing.T) {
	if testing.Short() && os.Getenv("CI") != "true" {
		t.Skip("builds motcua and runs three instances behind HAProxy")
	}
	haproxyBin := findTool("haproxy")
	if haproxyBin == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("haproxy is not installed (.ci/run installs it)")
		}
		t.Skip("haproxy is not installed (apt-get install haproxy)")
	}
	dbURL := storetest.NewPostgresDB(t) // skips, or fails under CI, without PostgreSQL
	dir := t.TempDir()
	t0 := time.Now()
	bin := build(t, dir)
	t.Logf("built motcua in %v", time.Since(t0).Round(time.Millisecond))
	key := make([]byte, 32)
	rand.Read(key)
	lbPort := freePort(t)
	sinks := map[string]*notifytest.SMTPServer{}
	args := func(name string) []string {
		sinks[name] = notifytest.NewSMTP(t)
		return []string{"--db", dbURL, "--secret-key", hex.EncodeToString(key), "--demo", "--demo-activity", "0",
			"--smtp-addr", sinks[name].Addr, "--public-url", fmt.Sprintf("http://127.0.0.1:%d", lbPort),
			"--trusted-proxies", "127.0.0.1",
			// More than HAProxy's fall × inter (600 ms): m3's listener
			// stays open until HAProxy has stopped sending to it.
			"--drain", "1500ms"}
	}
	// The first start loads the demo world; the others find it.
	m1 := start(t, bin, dir, "m1", args("m1")...)
	var m2, m3 *instance
	var wg sync.WaitGroup
	wg.Go(func() { m2 = start(t, bin, dir, "m2", args("m2")...) })
	wg.Go(func() { m3 = start(t, bin, dir, "m3", args("m3")...) })
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}
	t.Logf("three instances healthy %v after the build", time.Since(t0).Round(time.Millisecond))
	lb := startHAProxyOn(t, haproxyBin, dir, lbPort, []*instance{m1, m2, m3})
	// A connection per request: a failure is then the answer to that
	// request, never a kept-alive connection closed under the next one.
	c := &client{http: &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}}

	t.Run("a session made on one instance works on another", func(t *testing.T) {
		tok, o := c.login(m1.url(), demoCitizen)
		if o.err != nil {
			t.Fatal(o.err)
		}
		for _, m := range []*instance{m2, m3} {
			var me struct{ Username string }
			if o := c.json(m.url(), "me", "GET", "/api/v1/me", tok, nil, 200, &me); o.err != nil || me.Username != demoCitizen {
				t.Fatalf("m1's session on %s: %v (%q)", m.name, o.err, me.Username)
			}
		}
	})

	// The load: workers file dossiers through HAProxy; m2 is killed once
	// a few submissions are acknowledged, m3 stopped after a few more, and
	// the load ends a few more later (counted, not timed: the machine may
	// be slow; maxLoad bounds it all).
	const workers, step, maxLoad = 6, 6, 75 * time.Second
	began := time.Now()
	var (
		mu    sync.Mutex
		acked []*submitted
	)
	progress := make(chan struct{}, 1000)
	ctx, cancel := context.WithTimeout(t.Context(), maxLoad)
	defer cancel()
	for w := range workers {
		wg.Go(func() {
			var citizen, officer string
			for n := w; ctx.Err() == nil; n += workers {
				if s := c.round(lb.url, n, &citizen, &officer); s != nil {
					mu.Lock()
					acked = append(acked, s)
					mu.Unlock()
					progress <- struct{}{}
				}
			}
		})
	}
	// after waits for step more acknowledged submissions.
	after := func(what string) {
		for range step {
			select {
			case <-progress:
			case <-ctx.Done():
				t.Errorf("the load ended (%v) before %s", maxLoad, what)
				return
			}
		}
	}
	after("m2 was killed")
	// m2 is in flight from the signal to its death: until the process
	// is gone, the kernel still completes connections to its socket.
	killedAt := time.Now()
	if err := m2.stop(syscall.SIGKILL, 5*time.Second); err == nil || err.Error() != "signal: killed" {
		t.Errorf("m2 after SIGKILL: %v", err)
	}
	deadAt := time.Now()
	after("m3 was stopped")
	stopped := make(chan error, 1)
	go func() { stopped <- m3.stop(syscall.SIGTERM, 30*time.Second) }()
	after("the end")
	cancel()
	wg.Wait()
	if err := <-stopped; err != nil {
		t.Errorf("m3 after SIGTERM: %v, want a clean exit", err)
	}
	t.Logf("load: %d requests in %v, %d submissions acknowledged", len(c.reqs), time.Since(began).Round(time.Millisecond), len(acked))
	took := map[string]time.Duration{}
	count := map[string]int{}
	for _, o := range c.reqs {
		took[o.what] += o.end.Sub(o.start)
		count[o.what]++
	}
	for what, d := range took {
		t.Logf("  %-8s %3d, mean %v", what, count[what], (d / time.Duration(count[what])).Round(time.Millisecond))
	}

	t.Run("only requests in flight on the killed instance failed", func(t *testing.T) {
		var failed, inflight int
		for _, o := range c.reqs {
			if o.base != lb.url {
				continue // sent to an instance directly
			}
			l, logged := lb.line(o.id)
			onKilled := logged && l.server == "m2" && o.start.Before(deadAt) && !o.end.Before(killedAt)
			if onKilled {
				inflight++
			}
			if o.err == nil {
				continue
			}
			failed++
			if !onKilled {
				t.Errorf("%s %s failed and was not in flight on the killed m2 (HAProxy: %+v, logged %v; began %v after the kill, which took %v): %v",
					o.id, o.what, l, logged, o.start.Sub(killedAt).Round(time.Millisecond), deadAt.Sub(killedAt).Round(time.Millisecond), o.err)
			}
		}
		t.Logf("%d requests failed; %d were in flight on m2 when it was killed", failed, inflight)
		if failed > inflight {
			t.Errorf("%d failures, more than the %d requests in flight on m2", failed, inflight)
		}
	})

	// An instance started now, on a fresh --data directory, reads every
	// file: none of them is on any instance's disk.
	m4 := start(t, bin, dir, "m4", args("m4")...)
	db, err := store.Open(t.Context(), store.Config{URL: dbURL})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()

	t.Run("every acknowledged submission is kept, its files readable elsewhere", func(t *testing.T) {
		codes, err := store.Strings(t.Context(), db, `SELECT code FROM dossiers`)
		if err != nil {
			t.Fatal(err)
		}
		have := map[string]bool{}
		for _, code := range codes {
			have[code] = true
		}
		tok, o := c.login(m4.url(), demoCitizen)
		if o.err != nil {
			t.Fatal(o.err)
		}
		files := 0
		for _, s := range acked {
			if !have[s.code] {
				t.Errorf("submission %s was acknowledged and is not in the database", s.code)
			}
			for _, f := range s.files {
				var got []byte
				o := c.do(m4.url(), "download", "GET", "/api/v1/dossiers/"+s.code+"/files/"+strconv.FormatInt(f.id, 10), tok, nil, "", 200, &got)
				if o.err != nil || !bytes.Equal(got, f.bytes) {
					t.Errorf("%s file %d through m4: %v (%d bytes, want %d equal)", s.code, f.id, o.err, len(got), len(f.bytes))
				}
				files++
			}
		}
		t.Logf("%d dossiers in the database, %d acknowledged; %d files read back through m4", len(codes), len(acked), files)
	})

	// Each instance numbers its acts' webhook events after their commit;
	// the killed m2's committed, unnumbered ones are numbered by the
	// others' workers (webhook.Number, one instance at a time).
	t.Run("every submission's webhook event numbered once, in one run of ids", func(t *testing.T) {
		var staged, events, submitted, dossiers, codes int
		var last int64
		for range 50 {
			if err := db.QueryRowContext(t.Context(), `SELECT COUNT(*) FROM webhook_staged`).Scan(&staged); err != nil {
				t.Fatal(err)
			}
			if staged == 0 {
				break
			}
			time.Sleep(200 * time.Millisecond)
		}
		err := db.QueryRowContext(t.Context(), `SELECT COUNT(*), COALESCE(MAX(id), 0), COUNT(*) FILTER (WHERE type = 'dossier.submitted'),
			COUNT(DISTINCT dossier_code) FILTER (WHERE type = 'dossier.submitted'), (SELECT COUNT(*) FROM dossiers) FROM webhook_events`).Scan(&events, &last, &submitted, &codes, &dossiers)
		if err != nil {
			t.Fatal(err)
		}
		if staged != 0 || int64(events) != last || submitted != dossiers || codes != dossiers {
			t.Errorf("%d events left unnumbered; %d events, ids up to %d; %d dossier.submitted for %d dossiers (%d distinct)", staged, events, last, submitted, dossiers, codes)
		}
		t.Logf("%d webhook events, %d of them dossier.submitted", events, submitted)
	})

	t.Run("no e-mail sent twice", func(t *testing.T) {
		// Wait for the e-mail outbox to drain, but for rows the killed
		// m2 had leased: they wait for their lease (5 minutes) to end.
		var pending, leased int
		for range 100 {
			now := time.Now().UnixMilli()
			err := db.QueryRowContext(t.Context(), `SELECT
				COUNT(*) FILTER (WHERE locked_until <= ?), COUNT(*) FILTER (WHERE locked_until > ?)
				FROM notify_outbox WHERE channel = 'email' AND status = 'pending'`, now, now).Scan(&pending, &leased)
			if err != nil {
				t.Fatal(err)
			}
			if pending == 0 {
				break
			}
			time.Sleep(200 * time.Millisecond)
		}
		if pending > 0 {
			t.Errorf("%d e-mails still pending and not leased", pending)
		}
		copies := map[string][]string{}
		for name, s := range sinks {
			for _, m := range s.Mails() {
				copies[m.MessageID] = append(copies[m.MessageID], name)
			}
		}
		by := map[string]int{}
		for id, names := range copies {
			sort.Strings(names)
			if len(names) > 1 {
				t.Errorf("e-mail %s sent %d times, by %v", id, len(names), names)
			}
			by[names[0]]++
		}
		t.Logf("%d e-mails, by sender %v; %d still leased by the killed m2", len(copies), by, leased)
		if len(copies) == 0 {
			t.Error("no e-mail reached the sinks")
		}
	})
}
