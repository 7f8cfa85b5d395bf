package event_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/motcua/motcua/event"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

type created struct{ Code string }
type other struct{}

// Every listener of a type runs in subscription order inside the
// publisher's transaction; a failing listener rolls everything back.
func TestListenersShareTheTransaction(t *testing.T) {
	db := storetest.Open(t, "sqlite")
	ctx := context.Background()
	b := event.New()
	var calls []string
	event.Subscribe(b, "first", func(ctx context.Context, tx *store.Tx, e created) error {
		calls = append(calls, "first:"+e.Code)
		_, err := tx.ExecContext(ctx, `INSERT INTO dossier_sequences (prefix, day, n) VALUES (?, 'd', 1)`, e.Code)
		return err
	})
	event.Subscribe(b, "second", func(ctx context.Context, tx *store.Tx, e created) error {
		calls = append(calls, "second:"+e.Code)
		if e.Code == "bad" {
			return errors.New("refused")
		}
		return nil
	})
	event.Subscribe(b, "other", func(ctx context.Context, tx *store.Tx, e other) error {
		calls = append(calls, "other")
		return nil
	})
	if got := event.Listeners[created](b); !slices.Equal(got, []string{"first", "second"}) {
		t.Fatalf("Listeners = %v", got)
	}
	publish := func(code string) error {
		return db.InTx(ctx, func(tx *store.Tx) error { return event.Publish(ctx, b, tx, created{code}) })
	}
	if err := publish("ok"); err != nil {
		t.Fatal(err)
	}
	err := publish("bad")
	if err == nil || !strings.Contains(err.Error(), "listener second") {
		t.Fatalf("err = %v, want the failing listener named", err)
	}
	if want := []string{"first:ok", "second:ok", "first:bad", "second:bad"}; !slices.Equal(calls, want) {
		t.Fatalf("calls = %v, want %v", calls, want)
	}
	var n int
	db.QueryRowContext(ctx, `SELECT COUNT(*) FROM dossier_sequences`).Scan(&n)
	if n != 1 {
		t.Fatalf("%d rows; the failed publish must roll back its first listener's row", n)
	}
	if err := event.Publish(ctx, (*event.Bus)(nil), nil, created{"x"}); err != nil {
		t.Fatalf("nil bus: %v", err)
	}
}
