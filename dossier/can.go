package dossier

import (
	"context"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/calendar"
	"github.com/motcua/motcua/catalog"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/store"
)

// CanAct reports whether a may take action on the dossier with code now:
// nil, or the error Act would return before changing anything — the
// dossier hidden from a, a stale version (when version is not 0), an
// action the lifecycle table does not allow in the dossier's state, a
// legal limit reached, a role a lacks for it, a late delivery without an
// apology. Act runs this same check in its transaction; a module that
// prepares an action (a shipment before delivery) asks it first.
// Checks of the action's input (the note, the new date) are Act's.
func (s *Service) CanAct(ctx context.Context, a *auth.Actor, code string, action Action, version int64) error {
	_, _, _, err := s.check(ctx, s.db, a, code, action, version)
	return err
}

// check loads the dossier and finds the lifecycle rule under which a may
// take action now, or returns why not.
func (s *Service) check(ctx context.Context, q store.Querier, a *auth.Actor, code string, action Action, version int64) (*Dossier, catalog.Procedure, *Rule, error) {
	var p catalog.Procedure
	if err := checkRequest(a, action); err != nil {
		return nil, p, nil, err
	}
	d, err := s.load(ctx, q, code)
	if err != nil {
		return nil, p, nil, err
	}
	if ok, err := s.canView(ctx, q, a, d); err != nil {
		return nil, p, nil, err
	} else if !ok {
		return nil, p, nil, errNoDossier // do not reveal that the code exists
	}
	if version != 0 && version != d.Version {
		return nil, p, nil, problem.Conflict("version_conflict")
	}
	rules := RulesFor(d.Status, action)
	if len(rules) == 0 {
		return nil, p, nil, problem.New(problem.ErrState, "invalid_transition", problem.Key("action."+string(action)), problem.Key("state."+string(d.Status)))
	}
	if err := limitReached(d, action); err != nil {
		return nil, p, nil, err
	}
	if p, err = s.catalog.Version(ctx, q, d.Procedure, d.ProcedureVersion); err != nil {
		return nil, p, nil, err
	}
	var rule *Rule
	for i := range rules {
		if allows(a, d, rules[i], p) {
			rule = &rules[i]
			break
		}
	}
	if rule == nil {
		return nil, p, nil, problem.New(problem.ErrNotPermitted, "action_not_permitted", problem.Key("action."+string(action)))
	}
	if action == Deliver && d.DueAt != nil && s.cal.Judge(*d.DueAt, s.cfg.Now()) == calendar.Late && !d.Apologized {
		return nil, p, nil, problem.New(problem.ErrState, "apology_required")
	}
	if action == Deliver && s.cfg.Owed != nil {
		// Fees before the result (Decree 118/2025): paid online or at the desk.
		if owed, err := s.cfg.Owed(ctx, q, d.Code); err != nil {
			return nil, p, nil, err
		} else if owed {
			return nil, p, nil, problem.New(problem.ErrState, "fee_unpaid")
		}
	}
	return d, p, rule, nil
}

// checkRequest refuses what needs no dossier to refuse: no actor, an
// action that does not exist.
func checkRequest(a *auth.Actor, action Action) error {
	if a == nil {
		return problem.New(problem.ErrUnauthorized, "unauthorized")
	}
	if !knownAction(action) {
		return problem.NotFound("unknown_action", string(action))
	}
	return nil
}
