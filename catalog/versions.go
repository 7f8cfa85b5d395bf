package catalog

import (
	"context"
	"encoding/json"
	"time"

	"github.com/motcua/motcua/problem"
)

// VersionInfo describes one stored version of a procedure.
type VersionInfo struct {
	Version   int
	Name      string
	CreatedAt time.Time
	// CreatedBy is the id of the admin who published it, 0 for the shipped catalog.
	CreatedBy int64
	// EffectiveFrom and EffectiveTo are the version's days in force
	// (YYYY-MM-DD; EffectiveTo empty: until the next version).
	EffectiveFrom, EffectiveTo string
	// Fees are confirmed in this version (FeeConfirmation), or "" by whom.
	FeesConfirmedBy string
}

// Versions lists every version of a procedure, newest first. An unknown
// code is ErrNotFound.
func (s *Store) Versions(ctx context.Context, code string) ([]VersionInfo, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT version, body, created_at, COALESCE(created_by, 0), effective_from
		FROM procedure_versions WHERE code = ? ORDER BY version DESC`, code)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []VersionInfo
	for rows.Next() {
		var v VersionInfo
		var body string
		var at, from int64
		if err := rows.Scan(&v.Version, &body, &at, &v.CreatedBy, &from); err != nil {
			return nil, err
		}
		var head struct {
			Name            string
			EffectiveFrom   string           `json:"effective_from"`
			EffectiveTo     string           `json:"effective_to"`
			FeeConfirmation *FeeConfirmation `json:"fee_confirmation"`
		}
		if err := json.Unmarshal([]byte(body), &head); err != nil {
			return nil, err
		}
		v.Name, v.CreatedAt = head.Name, time.UnixMilli(at)
		v.EffectiveFrom, v.EffectiveTo = head.EffectiveFrom, head.EffectiveTo
		if v.EffectiveFrom == "" {
			v.EffectiveFrom = Today(time.UnixMilli(from))
		}
		if head.FeeConfirmation != nil {
			v.FeesConfirmedBy = head.FeeConfirmation.By
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, problem.NotFound("procedure_not_found", code)
	}
	return out, nil
}
