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
// the calendar is — from memory, inside dossier write transactions. The
// calendar is the deployment's, as its announcements are, and a
// deployment serves one province: the top of its unit tree
// (Province.Provinces). The rule in force is that province's; a rule for
// any other province is refused rather than stored to no effect. A tree
// with several top provinces (a national deployment) has no province
// rule and counts to the minute until calendars are kept per province.

// dueEndOfDay reads province's rule; 0 (no province served) is the default.
func dueEndOfDay(ctx context.Context, q store.Querier, province int64) (bool, error) {
	if province == 0 {
		return false, nil
	}
	var on int
	err := q.QueryRowContext(ctx, `SELECT due_end_of_day FROM calendar_lateness_rules WHERE province_id = ?`, province).Scan(&on)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return on == 1, err
}

// DueEndOfDay reports the rule in force (see Calendar.DueMoment); it reads memory only.
func (s *Store) DueEndOfDay() bool { return s.Current().DueEndOfDay() }

// Served is the id of the province whose rule is in force, 0 for none;
// it reads memory only.
func (s *Store) Served() int64 { return s.province.Load() }

// served asks the unit tree which province the deployment serves: the
// only top province, or 0 when there is none or several.
func (s *Store) served(ctx context.Context) (int64, error) {
	if s.cfg.Province == nil {
		return 0, nil
	}
	ids, err := s.cfg.Province.Provinces(ctx)
	if err != nil || len(ids) != 1 {
		return 0, err
	}
	return ids[0], nil
}

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
	served, err := s.served(ctx)
	if err != nil {
		return err
	}
	if province != served {
		// Stored, it would change nothing: the calendar counts with the
		// served province's rule only.
		return problem.New(problem.ErrState, "province_not_served")
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
