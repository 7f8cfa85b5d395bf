package webhook

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/payment"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
	"github.com/motcua/motcua/unit"
)

// oneUnit is a unit tree of one unit, id 1, that every actor reaches.
type oneUnit struct{}

func (oneUnit) ByCodeTx(context.Context, *store.Tx, string) (unit.Unit, error) {
	return unit.Unit{ID: 1, Code: "U"}, nil
}
func (oneUnit) ByCode(context.Context, string) (unit.Unit, error) {
	return unit.Unit{ID: 1, Code: "U"}, nil
}
func (oneUnit) Chain(_ context.Context, _ store.Querier, id int64) ([]int64, error) {
	return []int64{id}, nil
}
func (oneUnit) Reach(context.Context, store.Querier, *auth.Actor, auth.Right) ([]int64, error) {
	return []int64{1}, nil
}

// TestFeedNeverFillsAGap: many transactions record events at once, each
// holding its commit back a random while after the event is written (the
// window in which a number taken inside the transaction would be seen out
// of order), while a poller reads the feed by its cursor, and a worker's
// numbering loop races the acts' own numbering. The poller must see ids
// strictly growing, and in the end exactly every event committed: an
// event that became visible below the cursor after the poller had passed
// would be missing from what it saw. Every event has its one delivery.
func TestFeedNeverFillsAGap(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := New(db, Config{Units: oneUnit{}})
		if _, err := db.ExecContext(ctx, `INSERT INTO webhook_subscriptions (url, secret, types, unit_id, owner_kind, owner_id, created_at)
			VALUES ('https://example.com/h', 'whsec_x', 'payment.paid', 1, 'user', 1, 0)`); err != nil {
			t.Fatal(err)
		}
		loopCtx, stopLoop := context.WithCancel(ctx)
		loopDone := make(chan struct{})
		go func() { defer close(loopDone); numberLoop(loopCtx, db, time.Millisecond, nil) }()

		const writers, each = 12, 15
		var wg sync.WaitGroup
		errs := make(chan error, writers)
		for w := range writers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range each {
					ref := fmt.Sprintf("w%02d-%02d", w, i)
					err := db.InTx(ctx, func(tx *store.Tx) error {
						if err := s.OnFeePaid(ctx, tx, payment.FeePaid{Ref: ref, Dossier: "D" + ref, Unit: "U", Amount: 1, At: time.Now()}); err != nil {
							return err
						}
						// After the event's own work, just before COMMIT.
						tx.BeforeCommit(func() error { time.Sleep(time.Duration(rand.IntN(3000)) * time.Microsecond); return nil })
						return nil
					})
					if err != nil {
						errs <- err
						return
					}
				}
			}()
		}
		writing := make(chan struct{})
		go func() { wg.Wait(); close(writing) }()

		var seen []int64
		poll := func() (done bool) {
			cursor := ""
			if len(seen) > 0 {
				cursor = strconv.FormatInt(seen[len(seen)-1], 10)
			}
			p, err := s.Feed(ctx, &auth.Actor{}, cursor, 500)
			if err != nil {
				t.Fatal(err)
			}
			for _, raw := range p.Events {
				var ev Event
				if err := json.Unmarshal(raw, &ev); err != nil {
					t.Fatal(err)
				}
				id, _ := strconv.ParseInt(strings.TrimPrefix(ev.ID, "evt_"), 10, 64)
				if len(seen) > 0 && id <= seen[len(seen)-1] {
					t.Fatalf("the feed served %s after evt_%d", ev.ID, seen[len(seen)-1])
				}
				seen = append(seen, id)
			}
			return len(p.Events) == 0
		}
	reading:
		for {
			select {
			case <-writing:
				break reading
			default:
				poll()
			}
		}
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		stopLoop()
		<-loopDone
		if _, err := Number(ctx, db); err != nil { // whatever an act's own step left
			t.Fatal(err)
		}
		for !poll() {
		}

		var all []int64
		rows, err := db.QueryContext(ctx, `SELECT id FROM webhook_events ORDER BY id`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var id int64
			rows.Scan(&id)
			all = append(all, id)
		}
		rows.Close()
		if len(all) != writers*each || !slices.Equal(seen, all) {
			t.Fatalf("the poller saw %d events, %d committed (%d made): an event appeared behind its cursor", len(seen), len(all), writers*each)
		}
		for i, id := range all {
			if id != int64(i+1) {
				t.Fatalf("ids not 1..%d without a gap: %v", len(all), all)
			}
		}
		var staged, deliveries int
		db.QueryRowContext(ctx, `SELECT COUNT(*) FROM webhook_staged`).Scan(&staged)
		db.QueryRowContext(ctx, `SELECT COUNT(*) FROM webhook_deliveries WHERE status = 'pending'`).Scan(&deliveries)
		if staged != 0 || deliveries != writers*each {
			t.Fatalf("%d events left unnumbered, %d deliveries queued; want 0 and %d", staged, deliveries, writers*each)
		}
	})
}
