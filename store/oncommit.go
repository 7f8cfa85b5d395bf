package store

import (
	"context"
	"fmt"
	"slices"
	"sync"
)

// commitHook is work registered with OnCommit.
type commitHook struct {
	name string
	work func(ctx context.Context, tx *Tx) error
}

// commitHooks holds the DB's OnCommit work; the writer reads it at every
// commit, registration happens while wiring.
type commitHooks struct {
	mu    sync.RWMutex
	hooks []commitHook
}

// OnCommit registers work that every write transaction runs once, just
// before its COMMIT, after the transaction's own work: on SQLite once per
// group-commit batch, outside the calls' savepoints. It is for what the
// calls of a batch leave to be done together — the dossiers' full-text
// index, which SQLite's FTS5 writes as a new segment at every savepoint
// when each call writes its own rows (dossier/migrations/017). An error
// fails the whole transaction (every call of the batch), as a failed
// COMMIT does. A second registration under the same name replaces the
// first, so that several services wired on one DB register it once.
func (db *DB) OnCommit(name string, work func(ctx context.Context, tx *Tx) error) {
	db.onCommit.mu.Lock()
	defer db.onCommit.mu.Unlock()
	// A new slice each time: a commit may be reading the old one.
	hooks := slices.Clone(db.onCommit.hooks)
	if i := slices.IndexFunc(hooks, func(h commitHook) bool { return h.name == name }); i >= 0 {
		hooks[i].work = work
	} else {
		hooks = append(hooks, commitHook{name, work})
	}
	db.onCommit.hooks = hooks
}

// runOnCommit runs the OnCommit work in the order registered.
func (db *DB) runOnCommit(ctx context.Context, tx *Tx) error {
	db.onCommit.mu.RLock()
	hooks := db.onCommit.hooks
	db.onCommit.mu.RUnlock()
	for _, h := range hooks {
		if err := h.work(ctx, tx); err != nil {
			return fmt.Errorf("store: before commit, %s: %w", h.name, err)
		}
	}
	return nil
}
