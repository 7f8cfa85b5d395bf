package auth_test

import (
	"testing"

	"github.com/motcua/motcua/auth"
)

func TestHoldsAt(t *testing.T) {
	a := &auth.Actor{Grants: []auth.Grant{{UnitID: 1, UnitCode: "A", Role: auth.Reception}, {UnitID: 2, UnitCode: "B", Role: auth.Leader}}}
	cases := []struct {
		name  string
		actor *auth.Actor
		unit  int64
		roles []string
		want  bool
	}{
		{"the role held there", a, 1, []string{auth.Reception}, true},
		{"one of several roles", a, 2, []string{auth.Specialist, auth.Leader}, true},
		{"a role held at another unit", a, 1, []string{auth.Leader}, false},
		{"any role there", a, 2, nil, true},
		{"no role there", a, 3, nil, false},
		{"a nil actor", nil, 1, nil, false},
		{"no grants", &auth.Actor{}, 1, []string{auth.Reception}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := c.actor.HoldsAt(c.unit, c.roles...); got != c.want {
				t.Fatalf("HoldsAt(%d, %v) = %v", c.unit, c.roles, got)
			}
			if len(c.roles) == 1 && c.actor != nil {
				if got := c.actor.Has(c.roles[0], c.unit); got != c.want {
					t.Fatalf("Has disagrees: %v", got)
				}
			}
		})
	}
}
