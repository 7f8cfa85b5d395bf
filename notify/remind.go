package notify

import (
	"context"
	"fmt"
	"time"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/unit"
)

// dueSoon is how little working time left makes a dossier "due soon":
// less than one working day (the dashboard's "day" band).
const dueSoon = 8 * time.Hour

// horizon bounds the dossiers Remind looks at: one working day never
// spans more calendar days than this, even across Tết.
const horizon = 14 * 24 * time.Hour

// Remind writes "due soon" and "overdue" notices for open dossiers whose
// clock runs (a paused one waits for the citizen): to the assignee, or
// else to every officer holding the current step's role on the unit that
// holds the dossier (the one-stop desk once the result is ready). Each
// is written once per dossier, kind, due date and officer (the dedupe
// key), however often Remind runs and on however many instances; a new
// due date (an apology) earns new reminders. It returns how many
// officers it reminded in this run.
func (s *Service) Remind(ctx context.Context) (int, error) {
	now := s.cfg.Now()
	open, err := dossier.DueBefore(ctx, s.db, now.Add(horizon))
	if err != nil {
		return 0, err
	}
	n := 0
	for _, o := range open {
		kind := Overdue
		if now.Before(o.Due) {
			if s.cal.WorkingBetween(now, o.Due) >= dueSoon {
				continue
			}
			kind = DueSoon
		}
		sent, err := s.remindOne(ctx, o, kind)
		if err != nil {
			return n, fmt.Errorf("notify: remind %s: %w", o.Code, err)
		}
		n += sent
	}
	return n, nil
}

func (s *Service) remindOne(ctx context.Context, o dossier.Running, kind Kind) (int, error) {
	key := fmt.Sprintf("%s/due%d", o.Code, o.Due.UnixMilli())
	// Already reminded: a cheap read instead of a write transaction every run.
	var done int
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM notify_outbox WHERE dossier_id = ?
		AND kind = ? AND dedupe_key LIKE ?`, o.ID, string(kind), string(kind)+"/"+key+"/%").Scan(&done); err != nil {
		return 0, err
	}
	if done > 0 {
		return 0, nil
	}
	p, err := s.catalog.Version(ctx, s.db, o.Procedure, o.Version)
	if err != nil {
		return 0, err
	}
	role := auth.Reception
	if o.Status == dossier.Processing && o.Step < len(p.Steps) {
		role = p.Steps[o.Step].Role
	}
	to := []int64{o.Assignee}
	if o.Assignee == 0 {
		if to, err = auth.Holders(ctx, s.db, o.UnitID, role); err != nil {
			return 0, err
		}
	}
	u, err := unit.Get(ctx, s.db, o.UnitID)
	if err != nil {
		return 0, err
	}
	due := o.Due
	data := Data{Code: o.Code, Procedure: p.Name, Unit: u.Name, Due: &due}
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		for _, uid := range to {
			err := s.Send(ctx, tx, Notification{Kind: kind, To: Recipient{UserID: uid}, Dossier: o.Code,
				Key: key, Data: data})
			if err != nil {
				return err
			}
		}
		return nil
	})
	return len(to), err
}
