package document_test

import (
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/motcua/motcua/document"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

// TestRules enumerates the lifecycle table: every row names a known
// state, action and role; no (state, action, role) appears twice; the
// closed states have no way out but revoking an issued document; every
// state but the first of each path (and revocation_requested, which an
// edXML 13 sets, and revoked, which the last 15 sets) is reached by some row; a refused revocation goes back
// to the previous state; Next and Actions read the table and nothing else.
func TestRules(t *testing.T) {
	roles := []string{document.RoleClerk, document.RoleLeader, document.RoleLead, document.RoleSpecialist,
		document.RoleCoordinator, document.RoleDrafter, document.RoleHead}
	seen := map[string]bool{}
	reached := map[document.State]bool{document.StateRegistered: true, document.StateDrafting: true,
		document.StateRevocationRequested: true, document.StateRevoked: true}
	for _, r := range document.Rules {
		key := fmt.Sprint(r.From, "/", r.Action, "/", r.Role)
		if seen[key] {
			t.Errorf("%s twice", key)
		}
		seen[key] = true
		if !slices.Contains(document.States, r.From) || !slices.Contains(document.States, r.To) && r.To != document.StatePrevious {
			t.Errorf("%s: unknown state", key)
		}
		if !slices.Contains(roles, r.Role) {
			t.Errorf("%s: unknown role", key)
		}
		if !r.From.Open() && (r.From != document.StateIssued || r.Action != document.ActionRevoke) {
			t.Errorf("%s: acts on a closed document", key)
		}
		reached[r.To] = true
		to, role, ok := document.Next(r.From, r.Action, []string{r.Role})
		if !ok || to != r.To || role != r.Role {
			t.Errorf("Next(%s) = %s %s %v", key, to, role, ok)
		}
		if !slices.Contains(document.Actions(r.From, []string{r.Role}), r.Action) {
			t.Errorf("Actions(%s, %s) lacks %s", r.From, r.Role, r.Action)
		}
	}
	for _, s := range document.States {
		if !reached[s] {
			t.Errorf("state %s is never reached", s)
		}
	}
	for _, c := range []struct {
		from   document.State
		action document.Action
		roles  []string
	}{
		{document.StateRegistered, document.ActionAssign, []string{document.RoleClerk, document.RoleSpecialist}},
		{document.StateCompleted, document.ActionComplete, roles},
		{document.StateIssued, document.ActionIssue, roles},
		{document.StateDrafting, document.ActionApprove, roles},
		{document.StateRegistered, document.ActionReturn, []string{document.RoleSpecialist, document.RoleLead}},
		{document.StateAssigned, document.ActionReturn, roles},
		{document.StateIssued, document.ActionRevoke, []string{document.RoleDrafter, document.RoleHead}},
		{document.StateRevoking, document.ActionRevoke, roles},
		{document.StateRevoked, document.ActionIssue, roles},
		{document.StateWithdrawn, document.ActionAcceptRevocation, roles},
		{document.StateProcessing, document.ActionAcceptRevocation, roles},
		{document.StateRevocationRequested, document.ActionProcess, roles},
	} {
		if _, _, ok := document.Next(c.from, c.action, c.roles); ok {
			t.Errorf("%s %s by %v allowed", c.from, c.action, c.roles)
		}
	}
	for _, s := range []document.State{document.StateReturned, document.StateWithdrawn, document.StateRevoking, document.StateRevoked} {
		if s.Open() || len(document.Actions(s, roles)) != 0 {
			t.Errorf("%s is not closed and frozen", s)
		}
	}
}

// TestArrivalNumbersConcurrent: clerks registering at once get arrival
// numbers 1…n of the year, none twice, none skipped, on both engines.
func TestArrivalNumbersConcurrent(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db, nil)
		clerk := w.actor(t, "huyen.vanthu")
		const n = 12
		got := make(chan int64, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				d, err := w.docs.RegisterIncoming(t.Context(), clerk, paper(fmt.Sprint(100+i)))
				if err != nil {
					t.Error(err)
					return
				}
				got <- d.ArrivalNumber
			})
		}
		wg.Wait()
		close(got)
		var nums []int64
		for x := range got {
			nums = append(nums, x)
		}
		slices.Sort(nums)
		want := make([]int64, n)
		for i := range want {
			want[i] = int64(i + 1)
		}
		if !slices.Equal(nums, want) {
			t.Fatalf("arrival numbers %v", nums)
		}
	})
}
