package server_test

import (
	"strings"
	"sync"
	"testing"

	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

// TestSubmissionStatements counts the statements a citizen's submission
// runs in its write transaction. On SQLite every one of them holds the
// one writer that all submissions queue for, so their number is issue
// 15's budget (BENCHMARKS.md, "Submission path"): a listener that adds a
// statement to every submission should be a decision, not an accident.
// The group commit's SAVEPOINT and RELEASE are counted on SQLite.
func TestSubmissionStatements(t *testing.T) {
	budget := map[store.Dialect]int{store.SQLite: 17, store.Postgres: 16}
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		// Birth registration, as the benchmarks submit: the first
		// procedure with a district step (interLevel) is now a land one,
		// whose precondition reads the registry too.
		p := e.procedure("1.001193")
		body := submission(p, demo.GiaLamCode)
		e.token("congdan")
		e.must(e.call("congdan", "POST", "/api/v1/dossiers", body, nil), 201) // a first one prepares the statements
		var mu sync.Mutex
		var seen []string
		db.ObserveTxStatements(func(q string) {
			mu.Lock()
			seen = append(seen, strings.Join(strings.Fields(q), " "))
			mu.Unlock()
		})
		e.must(e.call("congdan", "POST", "/api/v1/dossiers", body, nil), 201)
		db.ObserveTxStatements(nil)
		mu.Lock()
		defer mu.Unlock()
		for i, q := range seen {
			t.Logf("%2d %.150s", i+1, q)
		}
		if n := len(seen); n > budget[db.Dialect] || n == 0 {
			t.Errorf("a submission ran %d statements in its transaction, want 1 to %d", n, budget[db.Dialect])
		}
	})
}
