package catalog

import (
	"context"
	"encoding/json"
	"time"
)

// VersionInfo describes one stored version of a procedure.
type VersionInfo struct {
	Version   int
	Name      string
	CreatedAt time.Time
	// CreatedBy is the id of the admin who published it, 0 for the shipped catalog.
	CreatedBy int64
}

// Versions lists every version of a procedure, newest first. An unknown
// code is ErrNotFound.
func (s *Store) Versions(ctx context.Context, code string) ([]VersionInfo, error) {
	if _, err := s.Get(ctx, code); err != nil {
		return nil, err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT version, body, created_at, COALESCE(created_by, 0)
		FROM procedure_versions WHERE code = ? ORDER BY version DESC`, code)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []VersionInfo
	for rows.Next() {
		var v VersionInfo
		var body string
		var at int64
		if err := rows.Scan(&v.Version, &body, &at, &v.CreatedBy); err != nil {
			return nil, err
		}
		var head struct{ Name string }
		if err := json.Unmarshal([]byte(body), &head); err != nil {
			return nil, err
		}
		v.Name, v.CreatedAt = head.Name, time.UnixMilli(at)
		out = append(out, v)
	}
	return out, rows.Err()
}
