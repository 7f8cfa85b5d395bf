package civil

import (
	"context"

	"github.com/motcua/motcua/event"
	"github.com/motcua/motcua/store"
)

// Seed creates a person's record at unitID, posted there since, with
// their qualifications, as the system's act (the demo worlds, an import
// run from the command line): no actor's rights are checked. It reports
// false and changes nothing when the code or the account has a record.
func (s *Service) Seed(ctx context.Context, unitID int64, p Person, since string, quals []Qualification) (bool, error) {
	if err := p.check(); err != nil {
		return false, err
	}
	added := false
	err := s.cfg.DB.InTx(ctx, func(tx *store.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM civil_people WHERE code = ? OR user_id = ?`, p.Code, p.UserID).Scan(&n); err != nil || n > 0 {
			return err
		}
		id, err := insertPerson(ctx, tx, unitID, p, since, s.cfg.Now().UnixMilli())
		if err != nil {
			return err
		}
		for _, q := range quals {
			if _, err := tx.ExecContext(ctx, `INSERT INTO civil_qualifications (person_id, kind, level, field, institution, year) VALUES (?, ?, ?, ?, ?, ?)`,
				id, q.Kind, q.Level, q.Field, q.Institution, q.Year); err != nil {
				return err
			}
		}
		added = true
		return event.Publish(ctx, s.cfg.Bus, tx, event.Security{At: s.cfg.Now(), UnitID: unitID, Action: "civil_person_created",
			Object: "civil_person:" + p.Code, Details: p.FullName})
	})
	return added, err
}
