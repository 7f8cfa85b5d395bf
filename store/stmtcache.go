package store

import (
	"context"
	"database/sql"
	"sync"
)

// stmtCache keeps one prepared statement per (pool, query text). It is
// bounded: queries built with a variable shape (IN lists, search terms)
// stop being cached once the cache is full, and simply run unprepared.
//
// Preparing needs a connection. SQLite's writer pool has exactly one, which
// a transaction holds, so a statement first seen inside a transaction is
// only noted there and prepared after the transaction ends (flush). The
// mutex is never held while preparing, for the same reason.
type stmtCache struct {
	mu      sync.Mutex
	stmts   map[*sql.DB]map[string]*sql.Stmt
	pending map[string]bool // writer queries seen inside transactions
	n       int
}

const maxCachedStmts = 512

func newStmtCache() *stmtCache {
	return &stmtCache{stmts: map[*sql.DB]map[string]*sql.Stmt{}, pending: map[string]bool{}}
}

func (c *stmtCache) lookup(pool *sql.DB, q string) (*sql.Stmt, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	st, ok := c.stmts[pool][q]
	return st, ok || c.n >= maxCachedStmts
}

// get returns a prepared statement for q on pool, or nil when caching is
// off (PostgreSQL), the cache is full, or preparing fails (the caller then
// runs q directly and gets the real error).
func (c *stmtCache) get(ctx context.Context, pool *sql.DB, q string) *sql.Stmt {
	if c == nil {
		return nil
	}
	if st, done := c.lookup(pool, q); done {
		return st
	}
	st, err := pool.PrepareContext(ctx, q)
	if err != nil {
		return nil
	}
	return c.put(pool, q, st)
}

// inTx returns the cached statement for a query run inside a transaction
// on the writer, or nil after noting it for flush.
func (c *stmtCache) inTx(pool *sql.DB, q string) *sql.Stmt {
	if c == nil {
		return nil
	}
	st, done := c.lookup(pool, q)
	if !done {
		c.mu.Lock()
		if len(c.pending) < maxCachedStmts {
			c.pending[q] = true
		}
		c.mu.Unlock()
	}
	return st
}

// flush prepares the statements noted inside transactions.
func (c *stmtCache) flush(ctx context.Context, pool *sql.DB) {
	if c == nil {
		return
	}
	c.mu.Lock()
	var qs []string
	for q := range c.pending {
		qs = append(qs, q)
	}
	clear(c.pending)
	c.mu.Unlock()
	for _, q := range qs {
		c.get(ctx, pool, q)
	}
}

func (c *stmtCache) put(pool *sql.DB, q string, st *sql.Stmt) *sql.Stmt {
	c.mu.Lock()
	defer c.mu.Unlock()
	if old, ok := c.stmts[pool][q]; ok {
		st.Close() // another goroutine prepared it meanwhile
		return old
	}
	if c.n >= maxCachedStmts {
		st.Close()
		return nil
	}
	m := c.stmts[pool]
	if m == nil {
		m = map[string]*sql.Stmt{}
		c.stmts[pool] = m
	}
	m[q] = st
	c.n++
	return st
}

func (c *stmtCache) close() {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, m := range c.stmts {
		for _, st := range m {
			st.Close()
		}
	}
	c.stmts = map[*sql.DB]map[string]*sql.Stmt{}
}
