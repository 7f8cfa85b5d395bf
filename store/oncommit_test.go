package store

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
)

// TestOnCommitOncePerBatch: the OnCommit work runs once for a batch of
// calls, after all of them, in the same transaction: it sees every kept
// call's rows and none of a refused call's, and what it writes commits
// with them. When it fails, every call of the batch fails and nothing of
// the batch is kept; the next batch works again.
func TestOnCommitOncePerBatch(t *testing.T) {
	g := openGroupDB(t)
	ctx := context.Background()
	if _, err := g.ExecContext(ctx, `CREATE TABLE seen (batch INTEGER NOT NULL, names TEXT NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	var runs int
	fail := false
	g.OnCommit("test.seen", func(ctx context.Context, tx *Tx) error {
		runs++
		if fail {
			return errors.New("refused at commit")
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO seen (batch, names) SELECT ?, COALESCE(group_concat(name, ','), '') FROM (SELECT name FROM rows ORDER BY name)`, runs)
		return err
	})
	batch := func(names ...string) []error {
		release := make(chan struct{})
		holder := g.hold(t, release)
		var answers []chan error
		for _, n := range names {
			answers = append(answers, g.queue(t, func() error {
				return g.InTx(ctx, func(tx *Tx) error {
					if _, err := tx.ExecContext(ctx, `INSERT INTO rows VALUES (?)`, n); err != nil {
						return err
					}
					if strings.HasPrefix(n, "refused") {
						return errRefused
					}
					return nil
				})
			}))
		}
		close(release)
		var errs []error
		for _, ch := range append([]chan error{holder}, answers...) {
			errs = append(errs, <-ch)
		}
		return errs
	}

	errs := batch("a", "refused-b", "c")
	if errs[0] != nil || errs[1] != nil || !errors.Is(errs[2], errRefused) || errs[3] != nil {
		t.Fatalf("answers %v", errs)
	}
	if runs != 1 {
		t.Fatalf("the work ran %d times for one batch", runs)
	}
	seen, err := Strings(ctx, g, `SELECT names FROM seen`)
	if err != nil || !slices.Equal(seen, []string{"a,c,holder"}) {
		t.Fatalf("the work saw %v (%v), want every kept call's row after the last call", seen, err)
	}

	fail = true
	if _, err := g.ExecContext(ctx, `DELETE FROM rows WHERE name = 'holder'`); err != nil { // the next batch's holder writes it again
		t.Fatal(err)
	}
	for i, err := range batch("d", "e") {
		if err == nil || !strings.Contains(err.Error(), "refused at commit") {
			t.Errorf("call %d: %v, want the work's failure", i, err)
		}
	}
	if got := g.names(t); !slices.Equal(got, []string{"a", "c"}) {
		t.Fatalf("rows after the work failed: %v", got)
	}
	fail = false
	if err := g.InTx(ctx, func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO rows VALUES ('next')`)
		return err
	}); err != nil {
		t.Fatalf("the batch after: %v", err)
	}
	if seen, _ := Strings(ctx, g, `SELECT names FROM seen ORDER BY batch`); len(seen) != 2 || seen[1] != "a,c,next" {
		t.Fatalf("seen %v", seen)
	}
}
