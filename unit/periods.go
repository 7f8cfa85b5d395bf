package unit

import "context"

// Period is one row of a unit's history: the unit as it stood from From to
// To, with the code and name its parent had when the period began.
type Period struct {
	Snapshot
	ParentName string
}

// Periods lists a unit's history, newest first: each period with the
// code, name, parent, level, kind and statistical code the unit had, and
// why it began or ended. For the admin's unit page; History is the code
// and name alone.
func (s *Store) Periods(ctx context.Context, unitID int64) ([]Period, error) {
	// The parent as it stood when the period began, else as it is now
	// (a parent whose own history does not reach back that far).
	rows, err := s.db.QueryContext(ctx, `SELECT h.unit_id, h.code, h.name, h.level, h.kind, h.stat_code,
		COALESCE(h.parent_id, 0), h.valid_from, COALESCE(h.valid_to, 0), h.reason,
		COALESCE(ph.code, p.code, ''), COALESCE(ph.name, p.name, '')
		FROM unit_history h
		LEFT JOIN units p ON p.id = h.parent_id
		LEFT JOIN unit_history ph ON ph.id = (SELECT MAX(x.id) FROM unit_history x WHERE x.unit_id = h.parent_id
			AND x.valid_from <= h.valid_from AND (x.valid_to IS NULL OR x.valid_to > h.valid_from))
		WHERE h.unit_id = ? ORDER BY h.valid_from DESC, h.id DESC`, unitID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Period
	for rows.Next() {
		var p Period
		var from, to int64
		if err := rows.Scan(&p.ID, &p.Code, &p.Name, &p.Level, &p.Kind, &p.StatCode, &p.ParentID, &from, &to,
			&p.Reason, &p.ParentCode, &p.ParentName); err != nil {
			return nil, err
		}
		p.From, p.To = msTime(from), msTime(to)
		out = append(out, p)
	}
	return out, rows.Err()
}
