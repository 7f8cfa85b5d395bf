package unit

import (
	"context"
	"slices"

	"github.com/motcua/motcua/auth"
)

// AdministersCitizens reports whether a holds the admin role on an active
// province-level unit. Citizen accounts belong to no unit, so they are
// managed (disabled, enabled, given a new password) from the top of the
// tree only: a commune admin must not be able to lock any citizen of the
// province out.
func (s *Store) AdministersCitizens(ctx context.Context, a *auth.Actor) (bool, error) {
	for _, g := range a.Grants {
		if !slices.Contains(auth.ScopeOf(auth.ManageCitizens).Own, g.Role) {
			continue
		}
		u, err := Get(ctx, s.db, g.UnitID)
		if err != nil {
			return false, err
		}
		if u.Level == Province && u.Active {
			return true, nil
		}
	}
	return false, nil
}
