package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"strconv"
)

// Netstrings builds the unambiguous encoding (len ":" bytes "," per field)
// that a history row's digest is taken over (dossier_events and
// payment_events rows anchored in the audit log).
type Netstrings []byte

// Put appends s.
func (b *Netstrings) Put(s string) {
	*b = strconv.AppendInt(*b, int64(len(s)), 10)
	*b = append(*b, ':')
	*b = append(*b, s...)
	*b = append(*b, ',')
}

// Num appends n in decimal.
func (b *Netstrings) Num(n int64) { b.Put(strconv.FormatInt(n, 10)) }

// Null appends n in decimal, or the empty string when it is NULL.
func (b *Netstrings) Null(n sql.NullInt64) {
	if n.Valid {
		b.Num(n.Int64)
		return
	}
	b.Put("")
}

// Digest is the lowercase hex SHA-256 of the encoding.
func (b Netstrings) Digest() string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// Int64s runs a query whose rows are one integer each and returns them.
func Int64s(ctx context.Context, q Querier, query string, args ...any) ([]int64, error) {
	return column[int64](ctx, q, query, args...)
}

// Strings runs a query whose rows are one text each and returns them.
func Strings(ctx context.Context, q Querier, query string, args ...any) ([]string, error) {
	return column[string](ctx, q, query, args...)
}

func column[T any](ctx context.Context, q Querier, query string, args ...any) ([]T, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		var v T
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}
