package server_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/motcua/motcua/schema"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

// TestPgBouncerTransactionPooling (issue 15): motcua behind PgBouncer in
// transaction mode, where a server connection belongs to a client for one
// transaction only, so nothing may rely on a session's state. Through
// PgBouncer (4 server connections for motcua's 20): every migration on an
// empty database, the demo world, two dossiers filed, received, processed
// by each step's officer and delivered, their tracking read from eight
// clients at once, and the national portal's outbox sent by two workers
// claiming at once (FOR UPDATE SKIP LOCKED), each call once, in order.
// The URL says default_query_exec_mode=cache_describe: pgx's default
// named prepared statements need PgBouncer ≥ 1.21 (docs/scale-out.md).
func TestPgBouncerTransactionPooling(t *testing.T) {
	direct, _ := url.Parse(storetest.NewPostgresDB(t))
	via := storetest.PgBouncer(t, strings.TrimPrefix(direct.Path, "/")) + "&default_query_exec_mode=cache_describe"
	ctx := context.Background()
	db, err := store.Open(ctx, store.Config{URL: via})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	n, err := schema.Migrate(ctx, db)
	if err != nil {
		t.Fatalf("migrations through PgBouncer: %v", err)
	}
	if pending, err := schema.Pending(ctx, db); err != nil || len(pending) != 0 || n == 0 {
		t.Fatalf("migrations through PgBouncer: %d ran, %d pending, err %v", n, len(pending), err)
	}
	p := newPortalEnv(t, db)
	a, wantA := p.processed()
	b, wantB := p.processed()

	// Reads from many clients at once share PgBouncer's few connections.
	da, db2 := p.get("congdan", a), p.get("congdan", b)
	if da.TrackToken == "" || db2.TrackToken == "" {
		t.Fatal("the applicant's view has no tracking token")
	}
	var wg sync.WaitGroup
	errs := make(chan string, 16)
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			d := map[bool]dossierView{true: da, false: db2}[i%2 == 0]
			resp, err := http.Get(p.srv.URL + "/api/v1/track/" + d.Code + "?token=" + url.QueryEscape(d.TrackToken))
			if err != nil || resp.StatusCode != 200 {
				errs <- d.Code
			}
			if err == nil {
				resp.Body.Close()
			}
		}()
	}
	wg.Wait()
	close(errs)
	for code := range errs {
		t.Errorf("tracking %s through PgBouncer failed", code)
	}

	w1, w2 := p.worker("w1"), p.worker("w2")
	done := make(chan struct{})
	go func() {
		defer close(done)
		for range 100 {
			if _, err := w2.RunOnce(context.Background()); err != nil {
				return
			}
			time.Sleep(5 * time.Millisecond)
		}
	}()
	p.sync(w1, 30*time.Second)
	<-done
	p.inOrder(a, wantA)
	p.inOrder(b, wantB)
}
