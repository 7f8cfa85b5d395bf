package store

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// The group commit's tests run on a real SQLite file. Each builds one
// batch on purpose: a first call holds the transaction until the others
// are queued behind it, and the batch's time bound is lifted so they all
// join it (the observer records each batch's size to prove they did).

type groupDB struct {
	*DB
	mu      sync.Mutex
	batches []int
}

func openGroupDB(t *testing.T) *groupDB {
	t.Helper()
	ctx := context.Background()
	db, err := Open(ctx, Config{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	g := &groupDB{DB: db}
	db.group.maxSpan = time.Minute
	db.group.batchObserver = func(n int) {
		g.mu.Lock()
		g.batches = append(g.batches, n)
		g.mu.Unlock()
	}
	for _, q := range []string{
		`CREATE TABLE rows (name TEXT PRIMARY KEY)`,
		`CREATE TABLE counter (n INTEGER NOT NULL)`,
		`INSERT INTO counter VALUES (0)`,
		`CREATE TABLE parent (id INTEGER PRIMARY KEY)`,
		`CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER NOT NULL REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED)`,
	} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	return g
}

// hold starts a call that keeps the writer until release is closed, and
// returns once its fn runs (so later calls queue behind it) with the
// channel its InTx answers on.
func (g *groupDB) hold(t *testing.T, release chan struct{}) chan error {
	t.Helper()
	started, done := make(chan struct{}), make(chan error, 1)
	go func() {
		done <- g.InTx(context.Background(), func(tx *Tx) error {
			close(started)
			<-release
			_, err := tx.ExecContext(context.Background(), `INSERT INTO rows VALUES ('holder')`)
			return err
		})
	}()
	<-started
	return done
}

// queue starts fn's InTx on its own goroutine and returns once the call
// waits in the queue, so calls queued one after another run in that order.
func (g *groupDB) queue(t *testing.T, fn func() error) chan error {
	t.Helper()
	before := g.group.waiting()
	done := make(chan error, 1)
	go func() {
		finished := false
		defer func() {
			if !finished {
				done <- errGoexit
			}
		}()
		err := fn()
		finished = true
		done <- err
	}()
	for deadline := time.Now().Add(10 * time.Second); g.group.waiting() == before; {
		if time.Now().After(deadline) {
			t.Fatal("the call never queued")
		}
		time.Sleep(100 * time.Microsecond)
	}
	return done
}

func (g *groupDB) names(t *testing.T) []string {
	t.Helper()
	rows, err := g.QueryContext(context.Background(), `SELECT name FROM rows ORDER BY name`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}

func (g *groupDB) batchSizes() []int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return slices.Clone(g.batches)
}

var (
	errRefused = errors.New("refused by fn")
	errGoexit  = errors.New("the caller's goroutine exited in InTx")
)

func TestGroupCommitFailureRollsBackOnlyItsOwnCall(t *testing.T) {
	g := openGroupDB(t)
	insert := func(ctx context.Context, tx *Tx, name string) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO rows VALUES (?)`, name)
		return err
	}
	calls := []struct {
		name string
		fn   func(ctx context.Context, cancel context.CancelFunc, tx *Tx) error
		// want is the error InTx must answer with (nil: committed); panics
		// and Goexit are checked apart.
		want  func(error) bool
		stays bool
	}{
		{"ok-1", func(ctx context.Context, _ context.CancelFunc, tx *Tx) error { return insert(ctx, tx, "ok-1") }, isNil, true},
		{"error after writing", func(ctx context.Context, _ context.CancelFunc, tx *Tx) error {
			if err := insert(ctx, tx, "refused"); err != nil {
				return err
			}
			return errRefused
		}, is(errRefused), false},
		{"unique violation", func(ctx context.Context, _ context.CancelFunc, tx *Tx) error {
			if err := insert(ctx, tx, "dup-first"); err != nil {
				return err
			}
			return insert(ctx, tx, "ok-1") // written by the first call of the batch, not yet committed
		}, IsUniqueViolation, false},
		{"cancelled in its turn", func(ctx context.Context, cancel context.CancelFunc, tx *Tx) error {
			if err := insert(ctx, tx, "cancelled"); err != nil {
				return err
			}
			cancel()
			return insert(ctx, tx, "cancelled-2")
		}, is(context.Canceled), false},
		{"panic", func(ctx context.Context, _ context.CancelFunc, tx *Tx) error {
			if err := insert(ctx, tx, "panicked"); err != nil {
				return err
			}
			panic("boom")
		}, nil, false},
		{"goexit", func(ctx context.Context, _ context.CancelFunc, tx *Tx) error {
			if err := insert(ctx, tx, "goexit"); err != nil {
				return err
			}
			runtime.Goexit() // as t.Fatal does
			return nil
		}, nil, false},
		{"ok-2", func(ctx context.Context, _ context.CancelFunc, tx *Tx) error { return insert(ctx, tx, "ok-2") }, isNil, true},
	}
	release := make(chan struct{})
	holder := g.hold(t, release)
	var answers []chan error
	panics := make(chan any, 1)
	for _, c := range calls {
		answers = append(answers, g.queue(t, func() (err error) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			defer func() {
				if p := recover(); p != nil {
					panics <- p
					err = errors.New("panicked")
				}
			}()
			err = g.InTx(ctx, func(tx *Tx) error { return c.fn(ctx, cancel, tx) })
			if c.name == "unique violation" {
				// Refused because of the first call's row: once
				// answered, the caller finds that row committed.
				var n int
				if qerr := g.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM rows WHERE name = 'ok-1'`).Scan(&n); qerr != nil || n != 1 {
					t.Errorf("unique violation answered before the row it collided with was committed (count %d, %v)", n, qerr)
				}
			}
			return err
		}))
	}
	close(release)
	if err := <-holder; err != nil {
		t.Fatalf("holder: %v", err)
	}
	for i, c := range calls {
		err := <-answers[i]
		switch {
		case c.name == "panic":
			if p := <-panics; p != "boom" {
				t.Errorf("panic: caller recovered %v, want its own panic", p)
			}
		case c.name == "goexit":
			if err != errGoexit {
				t.Errorf("goexit: InTx returned %v; Goexit must go on up the caller's goroutine", err)
			}
		case !c.want(err):
			t.Errorf("%s: InTx = %v", c.name, err)
		}
	}
	want := []string{"holder", "ok-1", "ok-2"}
	if got := g.names(t); !slices.Equal(got, want) {
		t.Errorf("rows after the batch = %v, want %v (each failed call's writes rolled back, the others kept)", got, want)
	}
	if got := g.batchSizes(); !slices.Equal(got, []int{1 + len(calls)}) {
		t.Errorf("batches = %v, want all %d calls in one", got, 1+len(calls))
	}
}

func isNil(err error) bool { return err == nil }

func is(target error) func(error) bool {
	return func(err error) bool { return errors.Is(err, target) }
}

// A call whose context ends while it waits gives up its place: its fn
// never runs and the batch goes on without it.
func TestGroupCommitCancelledWhileQueued(t *testing.T) {
	g := openGroupDB(t)
	release := make(chan struct{})
	holder := g.hold(t, release)
	ctx, cancel := context.WithCancel(context.Background())
	ran := make(chan struct{}, 1)
	gone := g.queue(t, func() error {
		return g.InTx(ctx, func(tx *Tx) error {
			ran <- struct{}{}
			return nil
		})
	})
	after := g.queue(t, func() error {
		return g.InTx(context.Background(), func(tx *Tx) error {
			_, err := tx.ExecContext(context.Background(), `INSERT INTO rows VALUES ('after')`)
			return err
		})
	})
	cancel()
	if err := <-gone; !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled caller: InTx = %v, want context.Canceled before its turn", err)
	}
	close(release)
	if err := errors.Join(<-holder, <-after); err != nil {
		t.Fatal(err)
	}
	select {
	case <-ran:
		t.Fatal("the abandoned call's fn ran")
	default:
	}
	if got := g.names(t); !slices.Equal(got, []string{"after", "holder"}) {
		t.Fatalf("rows = %v", got)
	}
	if err := g.InTx(ctx, func(*Tx) error { return nil }); !errors.Is(err, context.Canceled) {
		t.Fatalf("InTx with an ended context = %v", err)
	}
}

// A COMMIT that fails (here a deferred foreign key, checked only at
// COMMIT) fails every call of the batch, and none of their rows exists;
// the next batch works.
func TestGroupCommitCommitFailureFailsTheWholeBatch(t *testing.T) {
	g := openGroupDB(t)
	ctx := context.Background()
	release := make(chan struct{})
	holder := g.hold(t, release)
	var answers []chan error
	for i, q := range []string{
		`INSERT INTO rows VALUES ('a')`,
		`INSERT INTO child VALUES (1, 99)`, // no parent 99: legal until COMMIT
		`INSERT INTO rows VALUES ('b')`,
	} {
		answers = append(answers, g.queue(t, func() error {
			return g.InTx(ctx, func(tx *Tx) error {
				_, err := tx.ExecContext(ctx, q)
				return err
			})
		}))
		_ = i
	}
	close(release)
	for i, ch := range append([]chan error{holder}, answers...) {
		if err := <-ch; err == nil || !strings.Contains(err.Error(), "store: commit") || !strings.Contains(err.Error(), "FOREIGN KEY") {
			t.Errorf("call %d: InTx = %v, want the COMMIT's foreign key failure", i, err)
		}
	}
	if got := g.names(t); len(got) != 0 {
		t.Fatalf("rows after a failed COMMIT: %v", got)
	}
	if err := g.InTx(ctx, func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO rows VALUES ('next')`)
		return err
	}); err != nil {
		t.Fatalf("the batch after a failed COMMIT: %v", err)
	}
	if got := g.names(t); !slices.Equal(got, []string{"next"}) {
		t.Fatalf("rows = %v", got)
	}
}

// Calls of a batch run in arrival order and each sees the writes of those
// before it; nobody outside sees any of them before the COMMIT, and each
// caller sees its own once InTx has returned.
func TestGroupCommitOrderAndVisibility(t *testing.T) {
	g := openGroupDB(t)
	ctx := context.Background()
	release := make(chan struct{})
	holder := g.hold(t, release)
	const n = 8
	seen := make([]int, n)
	outside := make([]int, n)
	var answers []chan error
	for i := range n {
		answers = append(answers, g.queue(t, func() error {
			err := g.InTx(ctx, func(tx *Tx) error {
				if err := tx.QueryRowContext(ctx, `SELECT n FROM counter`).Scan(&seen[i]); err != nil {
					return err
				}
				if _, err := tx.ExecContext(ctx, `UPDATE counter SET n = n + 1`); err != nil {
					return err
				}
				// The read pool reads the last commit, from before the batch.
				return g.QueryRowContext(ctx, `SELECT n FROM counter`).Scan(&outside[i])
			})
			if err != nil {
				return err
			}
			var after int
			if err := g.QueryRowContext(ctx, `SELECT n FROM counter`).Scan(&after); err != nil {
				return err
			}
			if after < seen[i]+1 {
				return fmt.Errorf("after InTx the reader sees %d, before its own write", after)
			}
			return nil
		}))
	}
	close(release)
	if err := <-holder; err != nil {
		t.Fatal(err)
	}
	for i, ch := range answers {
		if err := <-ch; err != nil {
			t.Fatalf("call %d: %v", i, err)
		}
	}
	for i := range n {
		if seen[i] != i || outside[i] != 0 {
			t.Errorf("call %d saw counter %d in the batch and %d outside it; want %d and 0", i, seen[i], outside[i], i)
		}
	}
	if got := g.batchSizes(); !slices.Equal(got, []int{1 + n}) {
		t.Errorf("batches = %v, want one of %d", got, 1+n)
	}
}

// Many callers at once, some failing: exactly the successful ones' rows
// exist, whatever batches the schedule made. With the default bounds.
func TestGroupCommitConcurrentCallers(t *testing.T) {
	g := openGroupDB(t)
	g.group.maxSpan = maxBatchSpan
	ctx := context.Background()
	const workers, each = 16, 40
	var wg sync.WaitGroup
	errs := make(chan error, workers*each)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				name := fmt.Sprintf("w%02d-%03d", w, i)
				err := g.InTx(ctx, func(tx *Tx) error {
					if _, err := tx.ExecContext(ctx, `INSERT INTO rows VALUES (?)`, name); err != nil {
						return err
					}
					if i%3 == 0 {
						return errRefused
					}
					return nil
				})
				if (i%3 == 0) != errors.Is(err, errRefused) || (i%3 != 0 && err != nil) {
					errs <- fmt.Errorf("%s: %v", name, err)
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	var want []string
	for w := range workers {
		for i := range each {
			if i%3 != 0 {
				want = append(want, fmt.Sprintf("w%02d-%03d", w, i))
			}
		}
	}
	if got := g.names(t); !slices.Equal(got, want) {
		t.Fatalf("%d rows, want %d: exactly the successful calls'", len(got), len(want))
	}
	total := 0
	for _, n := range g.batchSizes() {
		if n > maxBatchCalls {
			t.Errorf("a batch of %d calls, over the bound %d", n, maxBatchCalls)
		}
		total += n
	}
	if total != workers*each {
		t.Errorf("batches ran %d calls, want %d", total, workers*each)
	}
}

// Close lets queued calls finish, then refuses new ones.
func TestGroupCommitClose(t *testing.T) {
	g := openGroupDB(t)
	release := make(chan struct{})
	holder := g.hold(t, release)
	queued := g.queue(t, func() error {
		return g.InTx(context.Background(), func(tx *Tx) error {
			_, err := tx.ExecContext(context.Background(), `INSERT INTO rows VALUES ('queued')`)
			return err
		})
	})
	closed := make(chan struct{})
	go func() { g.group.close(); close(closed) }()
	for !g.closing() {
		time.Sleep(100 * time.Microsecond)
	}
	if err := g.InTx(context.Background(), func(*Tx) error { return nil }); !errors.Is(err, ErrClosed) {
		t.Fatalf("InTx while closing = %v, want ErrClosed", err)
	}
	close(release)
	if err := errors.Join(<-holder, <-queued); err != nil {
		t.Fatal(err)
	}
	<-closed
	if got := g.names(t); !slices.Equal(got, []string{"holder", "queued"}) {
		t.Fatalf("rows = %v", got)
	}
}

func (g *groupDB) closing() bool {
	g.group.mu.Lock()
	defer g.group.mu.Unlock()
	return g.group.closed
}

// A call made with InTxAlone reads through the pool what it then writes
// in tx (a tally rebuilt from the history): it must start after the
// batch before it has committed, and no call may join its transaction.
// Grouped with the call before it, it would read the pool without that
// call's row while its tx holds it.
func TestGroupCommitAloneCallSeesEveryEarlierCommit(t *testing.T) {
	g := openGroupDB(t)
	ctx := context.Background()
	insert := func(name string) func() error {
		return func() error {
			return g.InTx(ctx, func(tx *Tx) error {
				_, err := tx.ExecContext(ctx, `INSERT INTO rows VALUES (?)`, name)
				return err
			})
		}
	}
	release := make(chan struct{})
	holder := g.hold(t, release)
	before := g.queue(t, insert("a"))
	var inPool, inTx int
	alone := g.queue(t, func() error {
		return g.InTxAlone(ctx, func(tx *Tx) error {
			if err := g.QueryRowContext(ctx, `SELECT COUNT(*) FROM rows`).Scan(&inPool); err != nil {
				return err
			}
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM rows`).Scan(&inTx); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO rows VALUES ('alone')`)
			return err
		})
	})
	after := g.queue(t, insert("b"))
	close(release)
	for i, ch := range []chan error{holder, before, alone, after} {
		if err := <-ch; err != nil {
			t.Fatalf("call %d: %v", i, err)
		}
	}
	if inPool != 2 || inTx != 2 {
		t.Errorf("the lone call counted %d rows through the pool and %d in its tx; want 2 and 2 (holder, a)", inPool, inTx)
	}
	if got := g.batchSizes(); !slices.Equal(got, []int{2, 1, 1}) {
		t.Errorf("batches = %v, want [2 1 1]: the lone call in a batch of its own", got)
	}
	if got := g.names(t); !slices.Equal(got, []string{"a", "alone", "b", "holder"}) {
		t.Errorf("rows = %v", got)
	}
}

// A statement after which SQLite rolls back the whole transaction (here
// INSERT OR ROLLBACK on a taken key) in one call's turn undoes the calls
// before it too: all of them are answered with an error, whether the
// failing fn returns its error or swallows it, and the calls queued after
// it run in the next batch.
func TestGroupCommitTransactionLostInALaterTurn(t *testing.T) {
	for _, swallow := range []bool{false, true} {
		t.Run(fmt.Sprintf("swallowed=%v", swallow), func(t *testing.T) {
			g := openGroupDB(t)
			ctx := context.Background()
			insert := func(q, name string) func() error {
				return func() error {
					return g.InTx(ctx, func(tx *Tx) error {
						_, err := tx.ExecContext(ctx, q, name)
						if swallow && strings.Contains(q, "ROLLBACK") {
							return nil
						}
						return err
					})
				}
			}
			release := make(chan struct{})
			holder := g.hold(t, release)
			a := g.queue(t, insert(`INSERT INTO rows VALUES (?)`, "a"))
			b := g.queue(t, insert(`INSERT OR ROLLBACK INTO rows VALUES (?)`, "a"))
			c := g.queue(t, insert(`INSERT INTO rows VALUES (?)`, "c"))
			close(release)
			for i, ch := range []chan error{holder, a, b} {
				if err := <-ch; err == nil {
					t.Errorf("call %d: InTx = nil, want the lost transaction", i)
				}
			}
			if err := <-c; err != nil {
				t.Errorf("the call after: %v", err)
			}
			if got := g.names(t); !slices.Equal(got, []string{"c"}) {
				t.Errorf("rows = %v, want [c]", got)
			}
		})
	}
}

// The writer's statement journal is in memory for the group's small calls
// (a third of a submission's time went to writing it to a temporary file:
// BENCHMARKS.md) and in a file for a call alone, which may change millions
// of rows; a call after the lone one is back in memory.
func TestGroupCommitStatementJournal(t *testing.T) {
	g := openGroupDB(t)
	ctx := context.Background()
	tempStore := func(i int, alone bool) int {
		t.Helper()
		in := g.InTx
		if alone {
			in = g.InTxAlone
		}
		var v int
		if err := in(ctx, func(tx *Tx) error {
			// A PRAGMA's value is fixed when it is prepared, and
			// statements are cached by their text: each its own.
			return tx.QueryRowContext(ctx, fmt.Sprintf(`PRAGMA temp_store /* %d */`, i)).Scan(&v)
		}); err != nil {
			t.Fatal(err)
		}
		return v
	}
	const file, memory = 1, 2
	for i, c := range []struct {
		alone bool
		want  int
	}{{false, memory}, {true, file}, {false, memory}, {true, file}} {
		if got := tempStore(i, c.alone); got != c.want {
			t.Errorf("call %d (alone %v): temp_store = %d, want %d", i, c.alone, got, c.want)
		}
	}
}
