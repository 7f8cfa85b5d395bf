package server_test

import (
	"regexp"
	"slices"
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
//
// It also checks where the rows every submission wants are locked. On
// PostgreSQL a row lock lasts until COMMIT, so: the desk's day counter
// (dossier_sequences) is not taken in the transaction at all (the code is
// numbered before it), and the day's audit chain head (and on SQLite the
// webhook event sequence) is taken by the last statements, with only the
// rows they number after them (store.Tx.BeforeCommit). On SQLite the code is
// numbered inside, which keeps the desk's day gap-free. The budget on
// PostgreSQL was 16 while the counter was in the transaction.
//
// On PostgreSQL the webhook event sequence is not taken in the
// transaction either: the event is staged there without its id, and
// numbered after the commit (webhook.Number, its own short transaction,
// from its advisory lock on), before the request returns. Those
// statements are the numbering's, not the submission's; the budget on
// PostgreSQL was 14 while the sequence and the event were two statements.
func TestSubmissionStatements(t *testing.T) {
	budget := map[store.Dialect]int{store.SQLite: 17, store.Postgres: 13}
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
		var after []string // the numbering's, after COMMIT (PostgreSQL)
		if cut := slices.Index(seen, "SELECT pg_advisory_xact_lock(?)"); cut >= 0 {
			seen, after = seen[:cut], seen[cut:]
		}
		if db.Dialect == store.Postgres {
			if slices.ContainsFunc(seen, func(q string) bool { return strings.Contains(q, "webhook_sequence") }) {
				t.Errorf("the webhook event sequence is taken in the submission's transaction on PostgreSQL")
			}
			if !slices.ContainsFunc(after, func(q string) bool { return strings.Contains(q, "webhook_sequence") }) {
				t.Errorf("the submission's event was not numbered after its commit, before the request returned")
			}
		} else if len(after) > 0 {
			t.Errorf("a numbering step after the commit on %s", db.Dialect)
		}
		// On SQLite what follows the call's RELEASE is its batch's work,
		// run once before COMMIT for all the calls of a batch
		// (store.DB.OnCommit): the search index takes the batch's new
		// dossiers together (dossier/migrations/017, 019). Not the call's, but
		// bounded too.
		batch := []string(nil)
		if i := slices.Index(seen, "RELEASE motcua_call"); i >= 0 {
			seen, batch = seen[:i+1], seen[i+1:]
		}
		indexed := slices.ContainsFunc(batch, func(q string) bool { return strings.HasPrefix(q, "INSERT INTO dossier_words ") })
		if len(batch) > 3 || indexed != (db.Dialect == store.SQLite) {
			t.Errorf("the batch's own statements: %d, the search index among them: %v, want at most 3, the index on SQLite only", len(batch), indexed)
		}
		if n := len(seen); n > budget[db.Dialect] || n == 0 {
			t.Errorf("a submission ran %d statements in its transaction, want 1 to %d", n, budget[db.Dialect])
		}
		counter := slices.IndexFunc(seen, func(q string) bool { return strings.Contains(q, "dossier_sequences") })
		if inside := counter >= 0; inside != (db.Dialect == store.SQLite) {
			t.Errorf("the desk's day counter in the transaction: %v, want %v", inside, db.Dialect == store.SQLite)
		}
		hot := regexp.MustCompile(`\b(audit_heads|webhook_sequence)\b`)
		first := slices.IndexFunc(seen, hot.MatchString)
		if first < 0 || (db.Dialect == store.SQLite) != slices.ContainsFunc(seen[first:], func(q string) bool { return strings.Contains(q, "webhook_sequence") }) {
			t.Fatalf("the audit chain head not taken, or the webhook sequence taken in the transaction on PostgreSQL or not on SQLite")
		}
		// After the first lock: only the chains' own rows, then COMMIT.
		numbered := regexp.MustCompile(`^(INSERT INTO|UPDATE) (audit_heads|audit_entries|webhook_sequence|webhook_events|webhook_deliveries|webhook_staged)\b|^RELEASE `)
		for i, q := range seen[first:] {
			if !numbered.MatchString(q) {
				t.Errorf("statement %d runs while the chain heads are locked (from statement %d): %.100s", first+i+1, first+1, q)
			}
		}
	})
}
