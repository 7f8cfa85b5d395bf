package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
)

// ErrNotSQLite is the answer of the SQLite-only helpers on PostgreSQL.
var ErrNotSQLite = errors.New("store: not a SQLite database")

// Inventory is what a database holds, seen in one snapshot: the
// migrations applied ("module/NNN", sorted) and each table's rows. A
// backup records it and a restore compares against it (package backup).
type Inventory struct {
	Migrations []string         `json:"migrations"`
	Counts     map[string]int64 `json:"counts"`
}

// Inventory reads the database's inventory in one read-only transaction,
// so the counts agree with each other while writers go on.
func (db *DB) Inventory(ctx context.Context) (Inventory, error) {
	opts := &sql.TxOptions{ReadOnly: true}
	if db.Dialect == Postgres {
		opts.Isolation = sql.LevelRepeatableRead
	}
	// On SQLite a read transaction on a pooled connection is a WAL
	// snapshot; the writer is not held up.
	tx, err := db.r.BeginTx(ctx, opts)
	if err != nil {
		return Inventory{}, err
	}
	defer tx.Rollback()
	return db.inventory(ctx, tx)
}

// ExportSnapshot holds a PostgreSQL snapshot open (a repeatable-read
// transaction), exports it, and runs fn with its name while it lasts —
// `pg_dump --snapshot` then dumps exactly what the returned inventory
// counted.
func (db *DB) ExportSnapshot(ctx context.Context, fn func(snapshot string) error) (Inventory, error) {
	if db.Dialect != Postgres {
		return Inventory{}, ErrNotPostgres
	}
	tx, err := db.w.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
	if err != nil {
		return Inventory{}, err
	}
	defer tx.Rollback()
	var id string
	if err := tx.QueryRowContext(ctx, `SELECT pg_export_snapshot()`).Scan(&id); err != nil {
		return Inventory{}, fmt.Errorf("store: export snapshot: %w", err)
	}
	inv, err := db.inventory(ctx, tx)
	if err != nil {
		return inv, err
	}
	return inv, fn(id)
}

// Tables lists the database's tables (its own bookkeeping, such as
// schema_versions, included), sorted.
func (db *DB) Tables(ctx context.Context) ([]string, error) {
	return db.tables(ctx, db.r)
}

type querier interface {
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row
}

func (db *DB) tables(ctx context.Context, q querier) ([]string, error) {
	list := `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`
	if db.Dialect == Postgres {
		list = `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`
	}
	out, err := texts(q.QueryContext(ctx, list))
	sort.Strings(out)
	return out, err
}

// texts reads a query's one text column.
func texts(rows *sql.Rows, err error) ([]string, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

func (db *DB) inventory(ctx context.Context, q querier) (Inventory, error) {
	inv := Inventory{Counts: map[string]int64{}}
	tables, err := db.tables(ctx, q)
	if err != nil {
		return inv, err
	}
	for _, t := range tables {
		var n int64
		// The name comes from the catalog just read, quoted as an identifier.
		if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM "`+t+`"`).Scan(&n); err != nil {
			return inv, fmt.Errorf("store: count %s: %w", t, err)
		}
		inv.Counts[t] = n
		if t != "schema_versions" {
			continue
		}
		rows, err := q.QueryContext(ctx, `SELECT module, version FROM schema_versions ORDER BY module, version`)
		if err != nil {
			return inv, err
		}
		for rows.Next() {
			var m string
			var v int
			if err := rows.Scan(&m, &v); err != nil {
				rows.Close()
				return inv, err
			}
			inv.Migrations = append(inv.Migrations, m+"/"+fmt.Sprintf("%03d", v))
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return inv, err
		}
	}
	return inv, nil
}

// VacuumInto writes a consistent copy of the SQLite database to path
// (which must not exist), compacted, while writers go on: VACUUM INTO
// reads one snapshot on a reader connection.
func (db *DB) VacuumInto(ctx context.Context, path string) error {
	if db.Dialect != SQLite {
		return ErrNotSQLite
	}
	// A pooled reader is query_only, which VACUUM INTO respects even
	// though it writes another file: lift it on this one connection.
	c, err := db.r.Conn(ctx)
	if err != nil {
		return err
	}
	defer c.Close()
	if _, err := c.ExecContext(ctx, `PRAGMA query_only = 0`); err != nil {
		return err
	}
	defer c.ExecContext(context.WithoutCancel(ctx), `PRAGMA query_only = 1`)
	if _, err := c.ExecContext(ctx, `VACUUM INTO ?`, path); err != nil {
		return fmt.Errorf("store: vacuum into %s: %w", path, err)
	}
	return nil
}

// IntegrityCheck runs SQLite's PRAGMA integrity_check and returns its
// complaints (none: the file is sound).
func (db *DB) IntegrityCheck(ctx context.Context) ([]string, error) {
	if db.Dialect != SQLite {
		return nil, ErrNotSQLite
	}
	res, err := texts(db.r.QueryContext(ctx, `PRAGMA integrity_check`))
	if len(res) == 1 && res[0] == "ok" {
		return nil, err
	}
	return res, err
}

// TryLock runs fn unless another instance holds the lock named key, and
// says whether it ran. On PostgreSQL it is a session advisory lock (the
// migrations' kind, held by one connection for fn's length; a killed
// instance's lock goes with its connection); SQLite's instances share one
// machine and one process, so fn just runs.
func (db *DB) TryLock(ctx context.Context, key int64, fn func(context.Context) error) (bool, error) {
	if db.Dialect != Postgres {
		return true, fn(ctx)
	}
	c, err := db.w.Conn(ctx)
	if err != nil {
		return false, err
	}
	defer c.Close()
	var got bool
	if err := c.QueryRowContext(ctx, `SELECT pg_try_advisory_lock($1)`, key).Scan(&got); err != nil {
		return false, err
	}
	if !got {
		return false, nil
	}
	defer c.ExecContext(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, key)
	return true, fn(ctx)
}
