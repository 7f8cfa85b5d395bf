package dossier

import (
	"fmt"
	"testing"

	"github.com/motcua/motcua/auth"
)

// TestLifecycleTable checks the table's shape: every state and action it
// names exists, final states are dead ends, every state is reachable from
// submission, and every role in it is a real one.
func TestLifecycleTable(t *testing.T) {
	known := map[State]bool{}
	for _, s := range States {
		known[s] = true
	}
	used := map[Action]bool{}
	for _, r := range Rules {
		if !known[r.From] || !known[r.To] {
			t.Errorf("rule %+v names an unknown state", r)
		}
		if r.From.Final() {
			t.Errorf("final state %s has an outgoing rule %+v", r.From, r)
		}
		if r.Role != ApplicantRole && r.Role != SystemRole && !auth.ValidRole(r.Role) {
			t.Errorf("rule %+v names unknown role %q", r, r.Role)
		}
		if r.OnStep && r.AtReceiving {
			t.Errorf("rule %+v is both on-step and at-receiving", r)
		}
		used[r.Action] = true
	}
	for _, a := range Actions {
		if !used[a] {
			t.Errorf("action %s has no rule", a)
		}
		if a.Name() == string(a) {
			t.Errorf("action %s has no Vietnamese name", a)
		}
	}
	reached := map[State]bool{Submitted: true}
	for changed := true; changed; {
		changed = false
		for _, r := range Rules {
			if !reached[r.From] {
				continue
			}
			if !reached[r.To] {
				reached[r.To], changed = true, true
			}
			// Advancing past the last step leads to ResultReady.
			if r.Move == Advance && !reached[ResultReady] {
				reached[ResultReady], changed = true, true
			}
		}
	}
	for _, s := range States {
		if !reached[s] {
			t.Errorf("state %s is unreachable from submission", s)
		}
		if s.Name() == string(s) {
			t.Errorf("state %s has no Vietnamese name", s)
		}
	}
	// No two rules for the same (state, action, role, where): the table is a function.
	seen := map[[4]string]bool{}
	for _, r := range Rules {
		k := [4]string{string(r.From), string(r.Action), r.Role, fmt.Sprint(r.Where)}
		if seen[k] {
			t.Errorf("duplicate rule %v", k)
		}
		seen[k] = true
	}
}

func TestMaskName(t *testing.T) {
	for in, want := range map[string]string{
		"Nguyễn Văn An":     "Nguyễn V. A.",
		"  Đặng   Thị  Ánh": "Đặng T. Á.",
		"Lan":               "L***",
		"":                  "",
	} {
		if got := MaskName(in); got != want {
			t.Errorf("MaskName(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestLifecycleDecree118Rows pins the rows issue 10 adds to the table;
// each was missing (or different) on the old code.
func TestLifecycleDecree118Rows(t *testing.T) {
	for _, c := range []struct {
		from   State
		action Action
		role   string
		to     State
		note   bool
	}{
		// Refusal during processing is a result, not a stop.
		{Processing, Refuse, "leader", ResultReady, true},
		// The applicant's withdrawal is a request the desk acknowledges.
		{Submitted, Withdraw, ApplicantRole, WithdrawalRequested, false},
		{Processing, Withdraw, ApplicantRole, WithdrawalRequested, false},
		{SupplementRequested, Withdraw, ApplicantRole, WithdrawalRequested, false},
		{WithdrawalRequested, AcknowledgeWithdrawal, "reception", Withdrawn, false},
	} {
		var got *Rule
		for _, r := range RulesFor(c.from, c.action) {
			if r.Role == c.role {
				got = &r
			}
		}
		if got == nil || got.To != c.to || got.NeedsNote != c.note {
			t.Errorf("%s %s by %s: rule %+v, want to %s (note required: %v)", c.from, c.action, c.role, got, c.to, c.note)
		}
	}
}
