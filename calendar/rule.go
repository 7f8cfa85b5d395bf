package calendar

import (
	"context"
	"database/sql"
	"errors"
	"strconv"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/event"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/store"
)

// The lateness rule is kept with the calendar because it is read where
// the calendar is — from memory, inside dossier write transactions — and
// one deployment serves one province tree, as its announcements do: the
// rule in force is the one last set for a province.

// dueEndOfDay reads the rule in force.
func dueEndOfDay(ctx context.Context, q store.Querier) (bool, error) {
	var on int
	err := q.QueryRowContext(ctx, `SELECT due_end_of_day FROM calendar_lateness_rules ORDER BY changed_at DESC, province_id LIMIT 1`).Scan(&on)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return on == 1, err
}

// DueEndOfDay reports the rule in force (see Calendar.DueMoment); it reads memory only.
func (s *Store) DueEndOfDay() bool { return s.Current().DueEndOfDay() }

// SetDueEndOfDay sets province's lateness rule and puts it in force at
// once: on, a deadline ends at the end of its last working day; off, at
// its minute. Only a province admin (auth.Announce at the province) may;
// the change is audited as event.Security "lateness_rule_changed".
func (s *Store) SetDueEndOfDay(ctx context.Context, a *auth.Actor, province int64, on bool) error {
	if err := s.mayAnnounce(ctx, a); err != nil {
		return err
	}
	if !a.Can(auth.Announce, []int64{province}) {
		return problem.Forbidden("province_admin_only")
	}
	v := 0
	if on {
		v = 1
	}
	return s.change(ctx, func(tx *store.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM calendar_lateness_rules WHERE province_id = ?`, province); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO calendar_lateness_rules (province_id, due_end_of_day, changed_by, changed_at) VALUES (?, ?, ?, ?)`,
			province, v, a.ID, s.cfg.Now().UnixMilli()); err != nil {
			return err
		}
		rule := "minute"
		if on {
			rule = "end_of_day"
		}
		return event.Publish(ctx, s.cfg.Bus, tx, event.Security{At: s.cfg.Now(), ActorID: a.ID, ActorName: a.Username,
			ActorRole: auth.Admin, UnitID: province, Action: "lateness_rule_changed", Object: "province:" + strconv.FormatInt(province, 10),
			Details: `{"due":"` + rule + `"}`})
	})
}
