// Package killtest is the harness of the tests that kill a process with
// SIGKILL mid-work (tally's generator, dvcqg's and webhook's outbox
// workers) and then check what the database kept: the test binary runs
// itself again as the child, on a database of each engine, and the
// parent kills it once it is midway.
package killtest

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

// Run is a kill test. In the child — the test binary run again by Start,
// env set — it calls child with env's value and returns. Otherwise, unless
// under -short off CI, it calls parent once per engine, each a subtest with
// an empty database of its own (the PostgreSQL one skips, or fails under
// CI=true, as storetest's does when the server does not answer), in
// parallel with the package's other parallel tests.
func Run(t *testing.T, env string, child func(value string), parent func(t *testing.T, e Engine)) {
	t.Helper()
	if v := os.Getenv(env); v != "" {
		child(v)
		return
	}
	// -short leaves out the slow proofs on a developer's machine; CI runs them always.
	if testing.Short() && os.Getenv("CI") != "true" {
		t.Skip("kills a child process mid-work")
	}
	t.Parallel()
	test := t.Name()
	for _, name := range []string{"sqlite", "postgres"} {
		t.Run(name, func(t *testing.T) {
			e := Engine{Name: name, Config: store.Config{Dir: t.TempDir()}, test: test, env: env}
			e.DSN = "dir:" + e.Config.Dir
			if name == "postgres" {
				e.Config = store.Config{URL: storetest.NewPostgresDB(t)}
				e.DSN = e.Config.URL
			}
			parent(t, e)
		})
	}
}

// Engine is one fresh, empty database: Config opens it in the parent,
// DSN names it to the child ("dir:<SQLite directory>" or a PostgreSQL URL).
type Engine struct {
	Name      string
	Config    store.Config
	DSN       string
	test, env string
}

// Open opens the engine's database in the parent, closed when the test
// ends.
func (e Engine) Open(t *testing.T) *store.DB {
	t.Helper()
	db, err := store.Open(t.Context(), e.Config)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// configOf is the store configuration a DSN from Engine names.
func configOf(dsn string) store.Config {
	if dir, ok := strings.CutPrefix(dsn, "dir:"); ok {
		return store.Config{Dir: dir}
	}
	return store.Config{URL: dsn}
}

// OpenChild opens, in the child, the database a DSN names; a child has no
// test to fail, so it panics.
func OpenChild(ctx context.Context, dsn string) *store.DB {
	db, err := store.Open(ctx, configOf(dsn))
	if err != nil {
		panic(err)
	}
	return db
}

// Child is the test binary running one test again as the child, told
// what to do by an environment variable.
type Child struct {
	cmd *exec.Cmd
	out string
}

// Start runs the kill test again in a child process, with Run's env set
// to value: the child's work, told what to do (which database, where to
// send).
func (e Engine) Start(t *testing.T, value string) *Child {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^"+e.test+"$")
	cmd.Env = append(os.Environ(), e.env+"="+value)
	out, err := os.CreateTemp(t.TempDir(), "child")
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return &Child{cmd: cmd, out: out.Name()}
}

// KillWhen asks midway every poll until it holds or within has passed,
// then kills the child with SIGKILL, wherever it is, and waits for it to
// be gone. It reports whether midway held.
func (c *Child) KillWhen(t *testing.T, within, poll time.Duration, midway func() bool) bool {
	t.Helper()
	deadline := time.Now().Add(within)
	ok := midway()
	for !ok && time.Now().Before(deadline) {
		time.Sleep(poll)
		ok = midway()
	}
	c.Kill(t)
	return ok
}

// Kill kills the child with SIGKILL and waits for it to be gone.
func (c *Child) Kill(t *testing.T) {
	t.Helper()
	if err := c.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	c.cmd.Wait()
}

// Output is what the child printed, for a failure's message.
func (c *Child) Output() string {
	b, _ := os.ReadFile(c.out)
	return string(b)
}
