package auth

import "context"

// Holders lists the active users holding role at one unit, by full name
// then username: the officers a step asking for that role can be handed to.
func (s *Service) Holders(ctx context.Context, unitID int64, role string) ([]User, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT u.id, u.username, u.full_name FROM users u JOIN user_roles r ON r.user_id = u.id
		WHERE r.unit_id = ? AND r.role = ? AND u.disabled = 0 ORDER BY u.full_name, u.username`, unitID, role)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []User
	for rows.Next() {
		var u User
		if err := rows.Scan(&u.ID, &u.Username, &u.FullName); err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}
