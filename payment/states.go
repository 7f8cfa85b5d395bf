package payment

import "github.com/motcua/motcua/msg"

// State is where a payment is. Payments have their own small state
// machine, apart from the dossier lifecycle: paying a fee never moves a
// dossier, and a dossier's state never moves a payment.
type State string

const (
	// None is the state before a payment exists (the From of creations).
	None State = ""
	// Requested: an officer asked for the fee; the applicant has not gone to the gateway yet.
	Requested State = "requested"
	// Pending: an order was sent to the gateway; waiting for its IPN.
	Pending State = "pending"
	// Paid: the gateway confirmed the payment by a verified IPN; a receipt exists.
	Paid State = "paid"
	// Failed: the gateway reported the payment failed or cancelled.
	Failed State = "failed"
	// Expired: the order's vnp_ExpireDate passed without an IPN.
	Expired State = "expired"
	// Refunded: the fee was paid back (recorded by an officer; the money
	// moves outside motcua).
	Refunded State = "refunded"
)

// States lists every state.
var States = []State{Requested, Pending, Paid, Failed, Expired, Refunded}

// Name is the Vietnamese name of a state, from the catalog (package msg,
// "payment.state.<state>").
func (s State) Name() string { return msg.Name("payment.state.", string(s)) }

// Open reports whether a payment in state s still asks the applicant for
// money: nothing paid yet, and the fee not withdrawn.
func (s State) Open() bool {
	return s == Requested || s == Pending || s == Failed || s == Expired
}

// Action is what changes a payment's state.
type Action string

const (
	// Request: an officer asks for the fee (or amends a request not yet started).
	Request Action = "request"
	// Start: the payer goes to the gateway with a new order.
	Start Action = "start"
	// Confirm: a verified IPN says the payment succeeded.
	Confirm Action = "confirm"
	// Fail: a verified IPN says it failed or was cancelled.
	Fail Action = "fail"
	// Expire: the order's expiry passed with no IPN (the sweep, or a read).
	Expire Action = "expire"
	// Refund: an officer records that the fee was paid back.
	Refund Action = "refund"
	// Desk: the receiving desk records the fee paid in cash or by POS card
	// at the counter, with the number of its receipt slip.
	Desk Action = "desk"
)

// Who takes an action.
const (
	ByOfficer = "officer"
	ByPayer   = "payer"
	ByGateway = "gateway"
	BySystem  = "system"
)

// Transition is one row of the payment state machine.
type Transition struct {
	From   State
	Action Action
	To     State
	By     string
}

// Transitions is the whole payment state machine; nothing else changes a
// payment's state.
var Transitions = []Transition{
	{From: None, Action: Request, To: Requested, By: ByOfficer},
	{From: Requested, Action: Request, To: Requested, By: ByOfficer}, // amend before the payer starts
	{From: Requested, Action: Start, To: Pending, By: ByPayer},
	// A fixed fee known from the procedure at submission, or a retry after
	// a failed or expired order: a new payment goes straight to the gateway.
	{From: None, Action: Start, To: Pending, By: ByPayer},
	{From: Pending, Action: Confirm, To: Paid, By: ByGateway},
	{From: Pending, Action: Fail, To: Failed, By: ByGateway},
	{From: Pending, Action: Expire, To: Expired, By: BySystem},
	// The gateway's word on money beats motcua's clock: a success that
	// arrives just after the order expired here is still money received.
	{From: Expired, Action: Confirm, To: Paid, By: ByGateway},
	{From: Paid, Action: Refund, To: Refunded, By: ByOfficer},
	// Paid at the counter: a demand nobody took online, or whose online
	// order failed or expired. Not while an order is live at the gateway,
	// or the fee could be taken twice.
	{From: Requested, Action: Desk, To: Paid, By: ByOfficer},
	{From: Failed, Action: Desk, To: Paid, By: ByOfficer},
	{From: Expired, Action: Desk, To: Paid, By: ByOfficer},
}

// Next returns the state action leads to from from, if the table allows it.
func Next(from State, a Action) (State, bool) {
	for _, t := range Transitions {
		if t.From == from && t.Action == a {
			return t.To, true
		}
	}
	return "", false
}
