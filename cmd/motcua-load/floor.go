package main

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/motcua/motcua/store"
)

// floor measures the raw one-row commit rate of the disk under dir: c
// goroutines each running one-row INSERT transactions on a fresh SQLite
// file opened with motcua's own pragmas (store.SQLiteDSN: WAL,
// synchronous=NORMAL, one writer connection, BEGIN IMMEDIATE), n commits
// in all or until maxTime. It is the floor issue 15 puts submissions
// beside, measured in the same run as the HTTP operations so that the
// ratio survives a noisy shared machine.
func floor(cfg config, out io.Writer) (float64, error) {
	ctx := context.Background()
	if err := os.MkdirAll(cfg.floorDir, 0o700); err != nil {
		return 0, err
	}
	path := filepath.Join(cfg.floorDir, "motcua-load-floor.db")
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		os.Remove(p)
	}
	defer func() {
		for _, p := range []string{path, path + "-wal", path + "-shm"} {
			os.Remove(p)
		}
	}()
	db, err := sql.Open("sqlite", store.SQLiteDSN(path, true))
	if err != nil {
		return 0, err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	if _, err := db.ExecContext(ctx, `CREATE TABLE floor (id INTEGER PRIMARY KEY, code TEXT NOT NULL, body TEXT NOT NULL)`); err != nil {
		return 0, err
	}
	// A row about a submission's size.
	body := strings.Repeat("x", 600)
	var next atomic.Int64
	var firstErr atomic.Value
	deadline := time.Now().Add(cfg.maxTime)
	start := time.Now()
	var wg sync.WaitGroup
	for range cfg.c {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(deadline) {
				i := next.Add(1)
				if i > int64(cfg.n) {
					return
				}
				tx, err := db.BeginTx(ctx, nil)
				if err == nil {
					if _, err = tx.ExecContext(ctx, `INSERT INTO floor (id, code, body) VALUES (?, ?, ?)`, i, fmt.Sprint("code-", i), body); err != nil {
						tx.Rollback()
					} else {
						err = tx.Commit()
					}
				}
				if err != nil {
					firstErr.CompareAndSwap(nil, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	el := time.Since(start)
	if err, _ := firstErr.Load().(error); err != nil {
		return 0, fmt.Errorf("floor: %w", err)
	}
	var done int64
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM floor`).Scan(&done); err != nil {
		return 0, err
	}
	rate := float64(done) / el.Seconds()
	fmt.Fprintf(out, "raw floor: %d one-row INSERT commits at %d goroutines on SQLite in %s: %.0f commits/s\n\n", done, cfg.c, cfg.floorDir, rate)
	return rate, nil
}
