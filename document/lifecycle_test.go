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
// state, action and role; no (state, action, role) appears twice; an
// officer has no way out of a closed state but revoking, updating an
// issued document; the moves of the system's own roles (an outside
// agency's message, a replacement's issue) are never offered to an
// officer; every state but the first of each path is reached by some
// row; a refused revocation goes back to the previous state at the
// receiver and to issued at the sender; Next and Actions read the table
// and nothing else.
func TestRules(t *testing.T) {
	roles := []string{document.RoleClerk, document.RoleLeader, document.RoleLead, document.RoleSpecialist,
		document.RoleCoordinator, document.RoleDrafter, document.RoleHead}
	system := []string{document.RoleSender, document.RoleRecipient, document.RoleSystem}
	seen := map[string]bool{}
	reached := map[document.State]bool{document.StateRegistered: true, document.StateDrafting: true}
	for _, r := range document.Rules {
		key := fmt.Sprint(r.From, "/", r.Action, "/", r.Role)
		if seen[key] {
			t.Errorf("%s twice", key)
		}
		seen[key] = true
		if !slices.Contains(document.States, r.From) || !slices.Contains(document.States, r.To) && r.To != document.StatePrevious {
			t.Errorf("%s: unknown state", key)
		}
		if !slices.Contains(roles, r.Role) && !slices.Contains(system, r.Role) {
			t.Errorf("%s: unknown role", key)
		}
		if !r.From.Open() && slices.Contains(roles, r.Role) &&
			(r.From != document.StateIssued || r.Action != document.ActionRevoke && r.Action != document.ActionUpdate) {
			t.Errorf("%s: an officer acts on a closed document", key)
		}
		if slices.Contains(system, r.Role) && slices.Contains(document.Actions(r.From, roles), r.Action) &&
			!slices.ContainsFunc(document.Rules, func(o document.Rule) bool {
				return o.From == r.From && o.Action == r.Action && slices.Contains(roles, o.Role)
			}) {
			t.Errorf("%s: offered to an officer", key)
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
		// The exchange's moves are the system's: no officer makes them.
		{document.StateRevoking, document.ActionRevocationRefused, roles},
		{document.StateRevoking, document.ActionRevocationAccepted, roles},
		{document.StateIssued, document.ActionReplace, roles},
		{document.StateRegistered, document.ActionRequestRevocation, roles},
		{document.StateRegistered, document.ActionUpdate, roles},
		// A returned, withdrawn or replaced copy takes no more messages.
		{document.StateReturned, document.ActionUpdate, system},
		{document.StateWithdrawn, document.ActionReplace, system},
		{document.StateReplaced, document.ActionRequestRevocation, system},
		{document.StateRevocationRequested, document.ActionRequestRevocation, system},
	} {
		if _, _, ok := document.Next(c.from, c.action, c.roles); ok {
			t.Errorf("%s %s by %v allowed", c.from, c.action, c.roles)
		}
	}
	for _, s := range []document.State{document.StateReturned, document.StateWithdrawn, document.StateRevoking, document.StateRevoked, document.StateReplaced} {
		if s.Open() || len(document.Actions(s, roles)) != 0 {
			t.Errorf("%s is not closed and frozen", s)
		}
	}
	// A refused revocation: the sender's document is issued again, and
	// its clerk may ask again.
	if to, _, _ := document.Next(document.StateRevoking, document.ActionRevocationRefused, []string{document.RoleRecipient}); to != document.StateIssued {
		t.Errorf("after a 16 the sender's document is %s", to)
	}
	if got := document.Actions(document.StateIssued, []string{document.RoleClerk}); !slices.Equal(got, []document.Action{document.ActionRevoke}) {
		t.Errorf("an issued document offers its clerk %v", got)
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
