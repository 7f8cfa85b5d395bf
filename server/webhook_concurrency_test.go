package server_test

import (
	"fmt"
	"sync"
	"testing"

	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

// Acts on different dossiers racing each other all succeed: every act
// takes its dossier's row, then (the webhook listener runs last) the one
// event sequence row, so no two acts wait on each other's locks in
// opposite order (no PostgreSQL deadlock), and the feed lists their
// events once each, numbers strictly growing.
func TestWebhookSequenceConcurrentActs(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		const n = 8
		codes := make([]string, n)
		for i := range codes {
			codes[i] = e.submit("1.013978", demo.GiaLamCode).Code
		}
		who := "gialam.tiepnhan"
		e.token(who)
		status := make([]int, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, r := e.act(who, codes[i], "receive", nil)
				status[i] = r.status
			}()
		}
		wg.Wait()
		for i, s := range status {
			if s != 200 {
				t.Fatalf("receive %s: %d (all: %v)", codes[i], s, status)
			}
		}
		var page struct {
			Events []struct {
				ID   string `json:"id"`
				Type string `json:"type"`
			} `json:"events"`
		}
		e.must(e.call(who, "GET", "/api/v1/events?limit=500", nil, &page), 200)
		received, last := 0, 0
		for _, ev := range page.Events {
			var id int
			if _, err := fmtSscan(ev.ID, &id); err != nil || id <= last {
				t.Fatalf("event ids not growing: %v", page.Events)
			}
			last = id
			if ev.Type == "dossier.received" {
				received++
			}
		}
		if received != n {
			t.Fatalf("%d dossier.received events, want %d: %v", received, n, page.Events)
		}
	})
}

func fmtSscan(id string, n *int) (int, error) { return fmt.Sscanf(id, "evt_%d", n) }
