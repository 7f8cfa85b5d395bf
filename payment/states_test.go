package payment_test

import (
	"testing"

	"github.com/motcua/motcua/payment"
)

// TestStateMachine reads the payment table as the rules it must keep.
func TestStateMachine(t *testing.T) {
	seen := map[[2]string]bool{}
	for _, tr := range payment.Transitions {
		key := [2]string{string(tr.From), string(tr.Action)}
		if seen[key] {
			t.Errorf("two rows for %q in %q: the machine must be deterministic", tr.Action, tr.From)
		}
		seen[key] = true
		// Money online is paid only on the gateway's verified IPN; money
		// at the counter only by the desk's record of it (issue 10).
		if tr.To == payment.Paid && tr.By != payment.ByGateway && (tr.Action != payment.Desk || tr.By != payment.ByOfficer) {
			t.Errorf("%v: only the gateway's verified IPN or the desk's record marks a payment paid", tr)
		}
		if tr.Action == payment.Desk && tr.From == payment.Pending {
			t.Errorf("%v: an order live at the gateway cannot also be paid at the desk", tr)
		}
		if tr.To == payment.None {
			t.Errorf("%v: nothing returns to None", tr)
		}
	}
	// Every state is reachable from None.
	reached := map[payment.State]bool{payment.None: true}
	for changed := true; changed; {
		changed = false
		for _, tr := range payment.Transitions {
			if reached[tr.From] && !reached[tr.To] {
				reached[tr.To], changed = true, true
			}
		}
	}
	for _, s := range payment.States {
		if !reached[s] {
			t.Errorf("state %s cannot be reached", s)
		}
		if s.Name() == string(s) {
			t.Errorf("state %s has no Vietnamese name", s)
		}
	}
	// What the issue names, read off the table.
	cases := []struct {
		from   payment.State
		action payment.Action
		to     payment.State
		ok     bool
	}{
		{payment.None, payment.Request, payment.Requested, true},
		{payment.Requested, payment.Start, payment.Pending, true},
		{payment.Pending, payment.Confirm, payment.Paid, true},
		{payment.Pending, payment.Fail, payment.Failed, true},
		{payment.Pending, payment.Expire, payment.Expired, true},
		{payment.Paid, payment.Refund, payment.Refunded, true},
		{payment.Paid, payment.Confirm, "", false},      // a replayed success changes nothing
		{payment.Paid, payment.Fail, "", false},         // a failure after the success changes nothing
		{payment.Failed, payment.Confirm, "", false},    // one order has one result
		{payment.Requested, payment.Confirm, "", false}, // no order went out
		{payment.Expired, payment.Fail, "", false},
		{payment.Refunded, payment.Refund, "", false},
	}
	for _, c := range cases {
		to, ok := payment.Next(c.from, c.action)
		if ok != c.ok || to != c.to {
			t.Errorf("%q %s: %q %v, want %q %v", c.from, c.action, to, ok, c.to, c.ok)
		}
	}
}
