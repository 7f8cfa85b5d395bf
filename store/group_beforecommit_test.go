package store

import (
	"context"
	"errors"
	"slices"
	"testing"
)

// In a group commit, a call's BeforeCommit work is the call's: it runs
// at the end of the call's own turn, inside its savepoint, so a later
// call sees it and a failure in it rolls back that call alone; the work
// of a call whose fn failed never runs, and none leaks into the next call.
func TestGroupCommitBeforeCommitStaysWithItsCall(t *testing.T) {
	g := openGroupDB(t)
	ctx := context.Background()
	insert := func(tx *Tx, name string) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO rows VALUES (?)`, name)
		return err
	}
	var order []string
	var sawA int
	calls := []func(tx *Tx) error{
		func(tx *Tx) error { // a: its work runs in its turn, before b's fn
			tx.BeforeCommit(func() error { order = append(order, "a work"); return insert(tx, "a-late") })
			order = append(order, "a fn")
			return insert(tx, "a")
		},
		func(tx *Tx) error { // b: sees a's work; its own fails
			order = append(order, "b fn")
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM rows WHERE name = 'a-late'`).Scan(&sawA); err != nil {
				return err
			}
			tx.BeforeCommit(func() error {
				order = append(order, "b work")
				if err := insert(tx, "b-late"); err != nil {
					return err
				}
				return errRefused
			})
			return insert(tx, "b")
		},
		func(tx *Tx) error { // c: fn fails, its work never runs
			tx.BeforeCommit(func() error { order = append(order, "c work"); return insert(tx, "c-late") })
			order = append(order, "c fn")
			return errRefused
		},
		func(tx *Tx) error { // d: runs only its own work
			tx.BeforeCommit(func() error { order = append(order, "d work"); return insert(tx, "d-late") })
			order = append(order, "d fn")
			return insert(tx, "d")
		},
	}
	release := make(chan struct{})
	holder := g.hold(t, release)
	var answers []chan error
	for _, fn := range calls {
		answers = append(answers, g.queue(t, func() error { return g.InTx(ctx, fn) }))
	}
	close(release)
	if err := <-holder; err != nil {
		t.Fatal(err)
	}
	for i, want := range []error{nil, errRefused, errRefused, nil} {
		if err := <-answers[i]; !errors.Is(err, want) || (want == nil && err != nil) {
			t.Errorf("call %c: InTx = %v, want %v", 'a'+i, err, want)
		}
	}
	if want := []string{"a fn", "a work", "b fn", "b work", "c fn", "d fn", "d work"}; !slices.Equal(order, want) {
		t.Errorf("ran %v, want %v", order, want)
	}
	if sawA != 1 {
		t.Errorf("the next call saw a's work %d times, want 1", sawA)
	}
	if got, want := g.names(t), []string{"a", "a-late", "d", "d-late", "holder"}; !slices.Equal(got, want) {
		t.Errorf("rows = %v, want %v", got, want)
	}
	if got := g.batchSizes(); !slices.Equal(got, []int{1 + len(calls)}) {
		t.Errorf("batches = %v, want all in one", got)
	}
}
