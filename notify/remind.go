package notify

import (
	"context"
	"fmt"
	"time"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/store"
)

// dueSoon is how little working time left makes a dossier "due soon":
// less than one working day (the dashboard's "day" band).
const dueSoon = 8 * time.Hour

// horizon bounds the dossiers Remind looks at: one working day never
// spans more calendar days than this, even across Tết.
const horizon = 14 * 24 * time.Hour

type openDossier struct {
	code, procedure  string
	version, step    int
	status, unitName string
	unitID, assignee int64
	due              time.Time
}

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
	rows, err := s.db.QueryContext(ctx, `SELECT d.code, d.procedure_code, d.procedure_version, d.status, d.step, d.unit_id,
		COALESCE(d.assignee_id, 0), d.due_at, u.name
		FROM dossiers d JOIN units u ON u.id = d.unit_id
		WHERE d.status IN ('processing', 'result_ready') AND d.paused_at IS NULL AND d.due_at IS NOT NULL AND d.due_at < ?
		ORDER BY d.due_at, d.id`, now.Add(horizon).UnixMilli())
	if err != nil {
		return 0, err
	}
	var open []openDossier
	for rows.Next() {
		var o openDossier
		var due int64
		if err := rows.Scan(&o.code, &o.procedure, &o.version, &o.status, &o.step, &o.unitID, &o.assignee, &due, &o.unitName); err != nil {
			rows.Close()
			return 0, err
		}
		o.due = fromMs(due)
		open = append(open, o)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	n := 0
	for _, o := range open {
		kind := Overdue
		if now.Before(o.due) {
			if s.cal.WorkingBetween(now, o.due) >= dueSoon {
				continue
			}
			kind = DueSoon
		}
		sent, err := s.remindOne(ctx, o, kind)
		if err != nil {
			return n, fmt.Errorf("notify: remind %s: %w", o.code, err)
		}
		n += sent
	}
	return n, nil
}

func (s *Service) remindOne(ctx context.Context, o openDossier, kind Kind) (int, error) {
	key := fmt.Sprintf("%s/due%d", o.code, o.due.UnixMilli())
	// Already reminded: a cheap read instead of a write transaction every run.
	var done int
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM notify_outbox WHERE dossier_id = (SELECT id FROM dossiers WHERE code = ?)
		AND kind = ? AND dedupe_key LIKE ?`, o.code, string(kind), string(kind)+"/"+key+"/%").Scan(&done); err != nil {
		return 0, err
	}
	if done > 0 {
		return 0, nil
	}
	p, err := s.catalog.Version(ctx, s.db, o.procedure, o.version)
	if err != nil {
		return 0, err
	}
	role := auth.Reception
	if o.status == "processing" && o.step < len(p.Steps) {
		role = p.Steps[o.step].Role
	}
	to := []int64{o.assignee}
	if o.assignee == 0 {
		if to, err = holders(ctx, s.db, o.unitID, role); err != nil {
			return 0, err
		}
	}
	due := o.due
	data := Data{Code: o.code, Procedure: p.Name, Unit: o.unitName, Due: &due}
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		for _, uid := range to {
			err := s.Send(ctx, tx, Notification{Kind: kind, To: Recipient{UserID: uid}, Dossier: o.code,
				Key: key, Data: data})
			if err != nil {
				return err
			}
		}
		return nil
	})
	return len(to), err
}

// holders lists the active officers holding role on the unit.
func holders(ctx context.Context, q store.Querier, unitID int64, role string) ([]int64, error) {
	rows, err := q.QueryContext(ctx, `SELECT r.user_id FROM user_roles r JOIN users u ON u.id = r.user_id
		WHERE r.unit_id = ? AND r.role = ? AND u.disabled = 0 ORDER BY r.user_id`, unitID, role)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}
