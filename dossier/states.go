// Package dossier owns the one-stop dossier (hồ sơ): its submission, the
// lifecycle of Decree 118/2025 as one explicit state table, deadlines in
// working time, the immutable history, attachments and public tracking.
package dossier

import "github.com/motcua/motcua/msg"

// State is where a dossier is in its lifecycle.
type State string

const (
	// Submitted online or by post, or entered at the counter: awaiting the reception check.
	Submitted State = "submitted"
	// Returned to the applicant for completion at reception (Mẫu 02); not yet received.
	Returned State = "returned"
	// Refused at reception (Mẫu 03). Final.
	Refused State = "refused"
	// Received and being processed at one of the procedure's steps; the clock runs.
	Processing State = "processing"
	// A supplement was requested during processing (Mẫu 02); the clock is paused.
	SupplementRequested State = "supplement_requested"
	// The result is ready for the applicant at the one-stop desk.
	ResultReady State = "result_ready"
	// The result was handed over at the counter or sent by post. Final.
	Delivered State = "delivered"
	// The applicant asked to withdraw; the receiving desk has yet to
	// acknowledge it. Not final: the request is not the withdrawal.
	WithdrawalRequested State = "withdrawal_requested"
	// Withdrawn at the applicant's request, acknowledged by the desk. Final.
	Withdrawn State = "withdrawn"
	// Processing stopped (Mẫu 05). Final.
	Stopped State = "stopped"
	// Received by a desk for another competent unit of the province (phi
	// địa giới) and awaiting its transfer there; the clock runs.
	Transferring State = "transferring"
)

// States lists every state in lifecycle order.
var States = []State{Submitted, Returned, Refused, Processing, SupplementRequested, ResultReady, Delivered, WithdrawalRequested, Withdrawn, Stopped, Transferring}

// Name is the Vietnamese name of a state, from the catalog (package msg),
// for what is Vietnamese only: the API's status_name and the PDF forms.
// Pages name states in their own language with the key "state.<state>".
func (s State) Name() string { return msg.State(string(s)) }

// Final reports whether nothing can happen to the dossier any more.
func (s State) Final() bool {
	return s == Refused || s == Delivered || s == Withdrawn || s == Stopped
}

// Action is something an actor does to a dossier.
type Action string

const (
	Receive           Action = "receive"
	Refuse            Action = "refuse"
	RequestSupplement Action = "request-supplement"
	Supplement        Action = "supplement"
	Forward           Action = "forward"
	SendBack          Action = "send-back"
	Approve           Action = "approve"
	Deliver           Action = "deliver"
	Apologize         Action = "apologize"
	Withdraw          Action = "withdraw"
	// AcknowledgeWithdrawal is the desk's acknowledgement of the applicant's
	// withdrawal request, which withdraws the dossier (with its notice).
	AcknowledgeWithdrawal Action = "acknowledge-withdrawal"
	Stop                  Action = "stop"
	// Lapse closes a dossier returned at reception whose applicant did not
	// complete it within the time limit: it was never received (the
	// system's act, by the supplement sweep).
	Lapse Action = "lapse"
	// PauseClock stops the clock of a dossier in processing for a period the
	// procedure's law excludes (catalog.Pause: financial obligations,
	// public posting, verification…); ResumeClock restarts it. The state stays
	// Processing; ClockAllows says what else may happen meanwhile.
	PauseClock  Action = "pause"
	ResumeClock Action = "resume"
	// Consult sends a coordination request to a partner agency outside
	// the unit tree (cơ quan phối hợp); RecordAnswer records its answer.
	// Neither moves the dossier nor pauses its clock (consult.go).
	Consult      Action = "consult"
	RecordAnswer Action = "record-answer"
	// Transfer hands a dossier received for another unit (phi địa giới)
	// to the competent unit, within the transfer time.
	Transfer Action = "transfer"
)

// Actions lists every action.
var Actions = []Action{Receive, Refuse, RequestSupplement, Supplement, Forward, SendBack, Approve, Deliver, Apologize, Withdraw, AcknowledgeWithdrawal, Stop, Lapse, PauseClock, ResumeClock,
	Consult, RecordAnswer, Transfer}

// Name is the Vietnamese name of an action, from the catalog (see State.Name).
func (a Action) Name() string { return msg.Action(string(a)) }

// In names the action as taken in state from, for the message keys
// "action.<…>" and "office.do.<…>": a refusal in processing is a decision
// not to grant the request ("Từ chối giải quyết"), not a refusal to
// receive the dossier ("Từ chối tiếp nhận", Mẫu 03).
func (a Action) In(from State) string {
	if a == Refuse && from == Processing {
		return "refuse_result"
	}
	return string(a)
}

// Who acts. Officer roles are those of package auth; ApplicantRole is the
// citizen who owns the dossier.
const ApplicantRole = "applicant"

// SystemRole is motcua itself acting on a time limit (the supplement
// sweep, lapse.go); no user holds it.
const SystemRole = "system"

// Move says what a transition does to the step pointer.
type Move int

const (
	Stay Move = iota
	// Advance goes to the next processing step, or to ResultReady after the last one.
	Advance
	// Back goes to the previous processing step.
	Back
)

// Rule is one row of the lifecycle table: in state From, an actor holding
// Role may take Action, leading to To. OnStep rules also require the
// dossier's current step to belong to that role (a specialist cannot
// approve on the leader's behalf). AtReceiving rules are judged on the
// unit that received the dossier, the rest on the unit now processing it.
type Rule struct {
	From        State
	Action      Action
	Role        string
	To          State
	Move        Move
	OnStep      bool
	AtReceiving bool
	// NeedsNote: the action must carry a written reason (refusals, requests,
	// send-backs, apologies, stops are written acts under Decree 118).
	NeedsNote bool
	// Where limits the rule to dossiers received at their competent unit
	// (Here) or received by another desk for it (Elsewhere, phi địa giới);
	// Anywhere, the default, applies to both.
	Where Where
}

// Where a dossier was received, relative to the unit competent for it.
type Where int

const (
	Anywhere Where = iota
	// Here: the receiving desk's own unit (or its parent) decides.
	Here
	// Elsewhere: another commune of the province decides; the desk
	// receives on its behalf and transfers the dossier (Decree 118/2025).
	Elsewhere
)

// Rules is the whole lifecycle. Nothing else in motcua changes a dossier's state.
var Rules = []Rule{
	{From: Submitted, Action: Receive, Role: "reception", To: Processing, AtReceiving: true, Where: Here},
	{From: Submitted, Action: Refuse, Role: "reception", To: Refused, AtReceiving: true, NeedsNote: true},
	{From: Submitted, Action: RequestSupplement, Role: "reception", To: Returned, AtReceiving: true, NeedsNote: true},
	// The applicant's withdrawal is a request the receiving desk acknowledges
	// (issue 10); the desk's own withdraw records a request made to it in
	// person or in writing, so it is the acknowledgement itself.
	{From: Submitted, Action: Withdraw, Role: ApplicantRole, To: WithdrawalRequested},
	{From: Submitted, Action: Withdraw, Role: "reception", To: Withdrawn, AtReceiving: true, NeedsNote: true},

	{From: Returned, Action: Supplement, Role: ApplicantRole, To: Submitted},
	{From: Returned, Action: Supplement, Role: "reception", To: Submitted, AtReceiving: true},
	{From: Returned, Action: Withdraw, Role: ApplicantRole, To: WithdrawalRequested},
	{From: Returned, Action: Withdraw, Role: "reception", To: Withdrawn, AtReceiving: true, NeedsNote: true},

	{From: Processing, Action: Forward, Role: "specialist", To: Processing, Move: Advance, OnStep: true},
	{From: Processing, Action: Forward, Role: "clerk", To: Processing, Move: Advance, OnStep: true},
	{From: Processing, Action: Forward, Role: "reception", To: Processing, Move: Advance, OnStep: true},
	{From: Processing, Action: Approve, Role: "leader", To: Processing, Move: Advance, OnStep: true},
	{From: Processing, Action: SendBack, Role: "leader", To: Processing, Move: Back, OnStep: true, NeedsNote: true},
	{From: Processing, Action: SendBack, Role: "specialist", To: Processing, Move: Back, OnStep: true, NeedsNote: true},
	{From: Processing, Action: RequestSupplement, Role: "specialist", To: SupplementRequested, OnStep: true, NeedsNote: true},
	{From: Processing, Action: Apologize, Role: "leader", To: Processing, NeedsNote: true},
	// Refusal during processing: the dossier does not qualify, and the
	// written refusal with reasons is its result — counted as resolved,
	// returned to the one-stop desk and delivered like any result. It is
	// not a stop (Mẫu 05), which ends processing without a result.
	{From: Processing, Action: Refuse, Role: "leader", To: ResultReady, NeedsNote: true},
	{From: Processing, Action: Stop, Role: "leader", To: Stopped, NeedsNote: true},
	{From: Processing, Action: Withdraw, Role: ApplicantRole, To: WithdrawalRequested},
	{From: Processing, Action: Withdraw, Role: "reception", To: Withdrawn, AtReceiving: true, NeedsNote: true},

	{From: SupplementRequested, Action: Supplement, Role: ApplicantRole, To: Processing},
	{From: SupplementRequested, Action: Supplement, Role: "reception", To: Processing, AtReceiving: true},
	{From: SupplementRequested, Action: Apologize, Role: "leader", To: SupplementRequested, NeedsNote: true},
	{From: SupplementRequested, Action: Stop, Role: "leader", To: Stopped, NeedsNote: true},
	{From: SupplementRequested, Action: Withdraw, Role: ApplicantRole, To: WithdrawalRequested},
	{From: SupplementRequested, Action: Withdraw, Role: "reception", To: Withdrawn, AtReceiving: true, NeedsNote: true},

	{From: WithdrawalRequested, Action: AcknowledgeWithdrawal, Role: "reception", To: Withdrawn, AtReceiving: true},

	{From: ResultReady, Action: Deliver, Role: "reception", To: Delivered, AtReceiving: true},
	{From: ResultReady, Action: Apologize, Role: "reception", To: ResultReady, AtReceiving: true, NeedsNote: true},

	// Past the time limit to supplement (issue 10; see lapse.go): a request
	// during processing stops the dossier with its notice (Mẫu 05); a
	// dossier returned at reception was never received, so it closes as not
	// received.
	{From: SupplementRequested, Action: Stop, Role: SystemRole, To: Stopped, NeedsNote: true},
	{From: Returned, Action: Lapse, Role: SystemRole, To: Refused, NeedsNote: true},
	// Clock pauses besides the supplement (regulations §8, items 7 and 9):
	// the officer holding the current step stops and restarts the clock,
	// each with a written note; the dossier stays in processing.
	{From: Processing, Action: PauseClock, Role: "specialist", To: Processing, OnStep: true, NeedsNote: true},
	{From: Processing, Action: PauseClock, Role: "leader", To: Processing, OnStep: true, NeedsNote: true},
	{From: Processing, Action: PauseClock, Role: "clerk", To: Processing, OnStep: true, NeedsNote: true},
	{From: Processing, Action: PauseClock, Role: "reception", To: Processing, OnStep: true, NeedsNote: true},
	{From: Processing, Action: ResumeClock, Role: "specialist", To: Processing, OnStep: true, NeedsNote: true},
	{From: Processing, Action: ResumeClock, Role: "leader", To: Processing, OnStep: true, NeedsNote: true},
	{From: Processing, Action: ResumeClock, Role: "clerk", To: Processing, OnStep: true, NeedsNote: true},
	{From: Processing, Action: ResumeClock, Role: "reception", To: Processing, OnStep: true, NeedsNote: true},
	// Coordination with a partner agency (issue 10): the holder of the
	// current step asks (the note is what is asked) and records the answer
	// (the note is the answer); the dossier stays where it is.
	{From: Processing, Action: Consult, Role: "specialist", To: Processing, OnStep: true, NeedsNote: true},
	{From: Processing, Action: Consult, Role: "clerk", To: Processing, OnStep: true, NeedsNote: true},
	{From: Processing, Action: Consult, Role: "leader", To: Processing, OnStep: true, NeedsNote: true},
	{From: Processing, Action: RecordAnswer, Role: "specialist", To: Processing, OnStep: true, NeedsNote: true},
	{From: Processing, Action: RecordAnswer, Role: "clerk", To: Processing, OnStep: true, NeedsNote: true},
	{From: Processing, Action: RecordAnswer, Role: "leader", To: Processing, OnStep: true, NeedsNote: true},
	// Reception regardless of administrative boundaries (phi địa giới,
	// Decree 118/2025/NĐ-CP): the desk receives for the competent commune,
	// the appointment counting the transfer time, then transfers the
	// dossier, which the competent unit processes as its own. The desk
	// stays the applicant's contact: supplements and withdrawals go
	// through it as for any dossier it received.
	{From: Submitted, Action: Receive, Role: "reception", To: Transferring, AtReceiving: true, Where: Elsewhere},
	{From: Transferring, Action: Transfer, Role: "reception", To: Processing, AtReceiving: true, Where: Elsewhere},
	{From: Transferring, Action: Withdraw, Role: ApplicantRole, To: WithdrawalRequested},
	{From: Transferring, Action: Withdraw, Role: "reception", To: Withdrawn, AtReceiving: true, NeedsNote: true},
}

// WhilePaused are the only actions of the Processing rows that apply while
// an officer's pause holds the clock: the work waits for the excluded
// period to end (ResumeClock, which records its end) before the dossier moves
// on, but the leader may still stop it and the applicant withdraw it, which
// end the pause with the dossier. A partner agency may be asked, and its
// answer recorded, while the clock waits (the tax office's notice is what
// starts a financial-obligation pause). PauseClock applies only while the
// clock runs.
var WhilePaused = []Action{ResumeClock, Stop, Withdraw, Consult, RecordAnswer}

// ClockAllows reports whether action a applies given the clock of a
// dossier in state st: paused (paused is true) or running. Only Processing
// has an officer's pause; the supplement pause is its own state.
func ClockAllows(st State, paused bool, a Action) bool {
	if st != Processing {
		return true
	}
	if !paused {
		return a != ResumeClock
	}
	for _, x := range WhilePaused {
		if x == a {
			return true
		}
	}
	return false
}

// RulesFor returns the rules for an action in a state.
func RulesFor(from State, a Action) []Rule {
	var out []Rule
	for _, r := range Rules {
		if r.From == from && r.Action == a {
			out = append(out, r)
		}
	}
	return out
}
