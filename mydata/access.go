package mydata

import (
	"context"
	"errors"
	"time"

	"github.com/motcua/motcua/audit"
	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/unit"
)

// Access is one read or change of a citizen's dossier as they read it.
type Access struct {
	At time.Time `json:"at"`
	// Action is the audit log's (dossier_read, file_downloaded,
	// form_printed, a lifecycle action…).
	Action string `json:"action"`
	// Who: the officer's full name, a system account's name, or the
	// citizen themselves (Self).
	Who  string `json:"who"`
	Kind string `json:"kind"` // officer, system, citizen or "" for motcua itself
	Self bool   `json:"self"`
	// Unit is the unit the act was recorded at, when there was one.
	Unit string `json:"unit,omitempty"`
}

// Accesses lists, oldest first, who read or changed the dossier code of
// the citizen a (the audit log's entries for it, at most 1000): only a
// dossier a may read (dossier.Service.Get), so another's is "not found".
func (s *Service) Accesses(ctx context.Context, a *auth.Actor, code string) ([]Access, error) {
	if err := citizen(a); err != nil {
		return nil, err
	}
	d, err := s.cfg.Dossiers.Get(ctx, a, code)
	if err != nil {
		return nil, err
	}
	es, err := s.cfg.Trail.List(ctx, audit.Filter{Object: "dossier:" + d.Code, Limit: 1000})
	if err != nil {
		return nil, err
	}
	var unitIDs []int64
	for _, e := range es {
		if e.UnitID != 0 {
			unitIDs = append(unitIDs, e.UnitID)
		}
	}
	labels, err := unit.Labels(ctx, s.cfg.DB, unitIDs...)
	if err != nil {
		return nil, err
	}
	actors := map[int64]*auth.Actor{}
	out := make([]Access, 0, len(es))
	for _, e := range es {
		x := Access{At: e.At, Action: e.Action, Who: e.ActorName}
		if l, ok := labels[e.UnitID]; ok {
			x.Unit = l.Name
		}
		if e.ActorID != 0 {
			who, seen := actors[e.ActorID]
			if !seen {
				who, err = s.cfg.Accounts.Actor(ctx, e.ActorID)
				if err != nil && !errors.Is(err, problem.ErrNotFound) {
					return nil, err
				}
				actors[e.ActorID] = who
			}
			if who != nil {
				x.Who, x.Kind, x.Self = who.FullName, who.Kind, who.ID == a.ID
			}
		}
		out = append(out, x)
	}
	return out, nil
}
