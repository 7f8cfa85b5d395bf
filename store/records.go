package store

import (
	"context"
	"strings"
	"time"
)

// Record is one row as column → value, for copies of data handed to a
// person (the citizen's download of their data, Law 91/2025): the modules
// list the columns they hand over in their own SQL, and this turns the rows
// into JSON without a struct per table.
type Record map[string]any

// Records runs query and returns its rows as Records. Text stays text;
// a column named at or ending in _at holding a Unix-millisecond integer
// (the times of every table, docs/architecture.md) becomes an RFC 3339
// time in UTC, and 0 in such a column (a time not yet set) becomes null.
func Records(ctx context.Context, q Querier, query string, args ...any) ([]Record, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	out := []Record{}
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		r := make(Record, len(cols))
		for i, c := range cols {
			v := vals[i]
			if b, ok := v.([]byte); ok {
				v = string(b)
			}
			if c == "at" || strings.HasSuffix(c, "_at") {
				if ms, ok := v.(int64); ok {
					if ms == 0 {
						v = nil
					} else {
						v = time.UnixMilli(ms).UTC().Format(time.RFC3339)
					}
				}
			}
			r[c] = v
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
