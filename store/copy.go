package store

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// ErrNotPostgres is PgConn's answer on SQLite.
var ErrNotPostgres = errors.New("store: not a PostgreSQL database")

// PgConn runs fn on one pooled PostgreSQL connection as pgx sees it, for
// what database/sql cannot say: COPY, which loads rows several times
// faster than multi-row INSERTs (the bulk loader of `motcua demo bulk`).
// fn must leave the connection as it found it (no open transaction).
func (db *DB) PgConn(ctx context.Context, fn func(*pgx.Conn) error) error {
	if db.Dialect != Postgres {
		return ErrNotPostgres
	}
	c, err := db.w.Conn(ctx)
	if err != nil {
		return err
	}
	defer c.Close()
	return c.Raw(func(dc any) error {
		sc, ok := dc.(*stdlib.Conn)
		if !ok {
			return ErrNotPostgres
		}
		return fn(sc.Conn())
	})
}
