package dossier

import (
	"context"
	"time"
)

// ProcedureCount is how many dossiers one procedure received.
type ProcedureCount struct {
	Procedure string
	Count     int64
}

// Popular lists the procedures with the most dossiers submitted within the
// last period (by the service's clock), most first, ties by code; at most
// limit of them. The portal's "most used procedures" reads it.
func (s *Service) Popular(ctx context.Context, within time.Duration, limit int) ([]ProcedureCount, error) {
	if limit <= 0 || limit > 100 {
		limit = 10
	}
	since := s.cfg.Now().Add(-within).UnixMilli()
	rows, err := s.db.QueryContext(ctx, `SELECT procedure_code, COUNT(*) FROM dossiers WHERE submitted_at >= ?
		GROUP BY procedure_code ORDER BY COUNT(*) DESC, procedure_code LIMIT ?`, since, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []ProcedureCount{}
	for rows.Next() {
		var pc ProcedureCount
		if err := rows.Scan(&pc.Procedure, &pc.Count); err != nil {
			return nil, err
		}
		out = append(out, pc)
	}
	return out, rows.Err()
}
