package document

// State is where a document is in its path.
type State string

// Incoming documents: registered by the clerk, assigned by the leader to
// a lead unit, handed by the lead unit to a specialist (processing),
// completed.
const (
	StateRegistered State = "registered"
	StateAssigned   State = "assigned"
	StateProcessing State = "processing"
	StateCompleted  State = "completed"
	// StateReturned: the clerk or leader sent it back to its sender
	// (edXML status 02) instead of handling it.
	StateReturned State = "returned"
	// StateRevocationRequested: its sender asked by edXML (status 13) to
	// take it back; the clerk or leader accepts or refuses.
	StateRevocationRequested State = "revocation_requested"
	// StateWithdrawn: the revocation was accepted (status 15); the
	// trail stays, the files' content is deleted.
	StateWithdrawn State = "withdrawn"
	// StateReplaced: its sender replaced it by another document (edXML
	// BussinessDocType 3) — incoming — or this organ issued a document
	// replacing it — outgoing. Readable, closed; the replacing document
	// names it (Document.Replaces).
	StateReplaced State = "replaced"
)

// Outgoing documents: drafted, reviewed by the drafting unit's head,
// approved (and, when keys are configured, signed) by the organ's leader,
// issued by the clerk with its number and the organisation's seal.
const (
	StateDrafting  State = "drafting"
	StateReviewing State = "reviewing"
	StateApproving State = "approving"
	StateApproved  State = "approved"
	StateIssued    State = "issued"
	// StateRevoking: the issuer asked its outside recipients to give it
	// back (status 13); frozen until they answer.
	StateRevoking State = "revoking"
	// StateRevoked: every outside recipient accepted (status 15); still
	// readable, frozen.
	StateRevoked State = "revoked"
)

// StatePrevious in a rule's To means the state the document was in
// before the current one (a refused revocation goes back to where the
// document was when the request came).
const StatePrevious State = "previous"

// Action is something done to a document.
type Action string

const (
	ActionRegister         Action = "register"
	ActionAssign           Action = "assign"
	ActionAssignSpecialist Action = "assign_specialist"
	ActionProcess          Action = "process"
	ActionComplete         Action = "complete"
	ActionDraft            Action = "draft"
	ActionAddVersion       Action = "add_version"
	ActionComment          Action = "comment"
	ActionSubmit           Action = "submit"
	ActionApprove          Action = "approve"
	ActionReturn           Action = "return"
	ActionIssue            Action = "issue"
	ActionRevoke           Action = "revoke"
	ActionAcceptRevocation Action = "accept_revocation"
	ActionRefuseRevocation Action = "refuse_revocation"
	// ActionUpdate: the issuer sends a correction of an issued document
	// (metadata, a new file) to its outside recipients (BussinessDocType
	// 2); at the receiver, the sender's correction applied to its copy.
	ActionUpdate Action = "update"
	// ActionReplace: an issued document replaced by a newer one (issuing
	// the replacement, or BussinessDocType 3 at the receiver).
	ActionReplace Action = "replace"
	// ActionRequestRevocation: the sender's 13 arriving at the receiver.
	ActionRequestRevocation Action = "request_revocation"
	// ActionRevocationAccepted: the last outside recipient answered 15.
	ActionRevocationAccepted Action = "revocation_accepted"
	// ActionRevocationRefused: an outside recipient answered 16.
	ActionRevocationRefused Action = "revocation_refused"
)

// Roles an actor plays on one document, derived from their grants and the
// document (rolesOn): not auth roles, though each rests on one.
const (
	// RoleClerk: clerk (văn thư) of the document's organ — document.register
	// at its unit for incoming, document.issue for outgoing.
	RoleClerk = "clerk"
	// RoleLeader: leader of the document's organ (document.assign /
	// document.approve at its unit).
	RoleLeader = "leader"
	// RoleLead: leader of the lead unit of the current assignment
	// (document.assign there).
	RoleLead = "lead"
	// RoleSpecialist: the specialist the lead unit named.
	RoleSpecialist = "specialist"
	// RoleCoordinator: a specialist or leader of a coordinating unit
	// (document.draft or document.assign there); its clerk only reads.
	RoleCoordinator = "coordinator"
	// RoleDrafter: the officer who created the draft, while they hold
	// document.draft at the drafting unit.
	RoleDrafter = "drafter"
	// RoleHead: the drafting unit's leader (document.approve there), who
	// reviews a draft before the organ's leader.
	RoleHead = "head"
)

// Roles of the moves the system makes itself, caused by another agency's
// message or by another act; rolesOn never gives them to an actor, so
// Actions never offers these rows to an officer. RoleSender (the agency
// that sent an incoming document, revoke.go) and RoleRecipient (an outside
// recipient of an outgoing one, exchange_receive.go) are the others.
const (
	// RoleSystem: the consequence of another act of this organ (issuing
	// a replacement replaces the document it names).
	RoleSystem = "system"
)

// Rule is one row of the lifecycle: in state From, an actor playing Role
// may do Action, and the document goes to To.
type Rule struct {
	From   State
	Action Action
	Role   string
	To     State
}

// Rules is the whole lifecycle of both directions; CanAct is the check
// behind every act. Registering (incoming) and drafting (outgoing) create
// the document and have no row: their rights are checked by RegisterIncoming and
// CreateDraft (document.register, document.draft at the unit).
var Rules = []Rule{
	// Incoming (Arts. 20–24): the leader records the instruction, the lead
	// and coordinating units and the deadline; may reassign until done.
	{StateRegistered, ActionAssign, RoleLeader, StateAssigned},
	{StateAssigned, ActionAssign, RoleLeader, StateAssigned},
	{StateProcessing, ActionAssign, RoleLeader, StateAssigned},
	{StateAssigned, ActionAssignSpecialist, RoleLead, StateProcessing},
	{StateProcessing, ActionAssignSpecialist, RoleLead, StateProcessing},
	{StateProcessing, ActionProcess, RoleSpecialist, StateProcessing},
	{StateProcessing, ActionProcess, RoleCoordinator, StateProcessing},
	{StateProcessing, ActionComplete, RoleSpecialist, StateCompleted},
	{StateProcessing, ActionComplete, RoleLead, StateCompleted},
	// A registered document may go back to its sender with the reason
	// (02 when it came by edXML); accepting it (03) is the first assign.
	{StateRegistered, ActionReturn, RoleClerk, StateReturned},
	{StateRegistered, ActionReturn, RoleLeader, StateReturned},
	// The sender asked for it back (13, recorded by ReceiveStatus); a
	// copy already withdrawn or replaced stays as it is. A returned copy
	// is asked too: its content is still here, and unanswered the sender
	// would stay revoking for ever.
	{StateRegistered, ActionRequestRevocation, RoleSender, StateRevocationRequested},
	{StateReturned, ActionRequestRevocation, RoleSender, StateRevocationRequested},
	{StateAssigned, ActionRequestRevocation, RoleSender, StateRevocationRequested},
	{StateProcessing, ActionRequestRevocation, RoleSender, StateRevocationRequested},
	{StateCompleted, ActionRequestRevocation, RoleSender, StateRevocationRequested},
	{StateRevocationRequested, ActionAcceptRevocation, RoleClerk, StateWithdrawn},
	{StateRevocationRequested, ActionAcceptRevocation, RoleLeader, StateWithdrawn},
	{StateRevocationRequested, ActionRefuseRevocation, RoleClerk, StatePrevious},
	{StateRevocationRequested, ActionRefuseRevocation, RoleLeader, StatePrevious},
	// The sender corrected it (BussinessDocType 2): new metadata and file,
	// the state kept. Not while a revocation is pending or once closed.
	{StateRegistered, ActionUpdate, RoleSender, StateRegistered},
	{StateAssigned, ActionUpdate, RoleSender, StateAssigned},
	{StateProcessing, ActionUpdate, RoleSender, StateProcessing},
	{StateCompleted, ActionUpdate, RoleSender, StateCompleted},
	// The sender replaced it by a new document (BussinessDocType 3, which
	// arrives as a new registered document linked to this one).
	{StateRegistered, ActionReplace, RoleSender, StateReplaced},
	{StateAssigned, ActionReplace, RoleSender, StateReplaced},
	{StateProcessing, ActionReplace, RoleSender, StateReplaced},
	{StateCompleted, ActionReplace, RoleSender, StateReplaced},
	{StateRevocationRequested, ActionReplace, RoleSender, StateReplaced},

	// Outgoing: versions and comments while drafting; the chain drafter →
	// head of the drafting unit → leader of the organ; either may return
	// the draft; the clerk numbers, seals and issues.
	{StateDrafting, ActionAddVersion, RoleDrafter, StateDrafting},
	{StateDrafting, ActionComment, RoleDrafter, StateDrafting},
	{StateReviewing, ActionComment, RoleHead, StateReviewing},
	{StateApproving, ActionComment, RoleLeader, StateApproving},
	{StateDrafting, ActionSubmit, RoleDrafter, StateReviewing},
	{StateReviewing, ActionApprove, RoleHead, StateApproving},
	{StateReviewing, ActionReturn, RoleHead, StateDrafting},
	{StateApproving, ActionApprove, RoleLeader, StateApproved},
	{StateApproving, ActionReturn, RoleLeader, StateDrafting},
	{StateApproved, ActionIssue, RoleClerk, StateIssued},
	// Taking an issued document back from its outside recipients (13);
	// it goes to revoked when all of them accepted (15, ReceiveStatus).
	{StateIssued, ActionRevoke, RoleClerk, StateRevoking},
	{StateIssued, ActionRevoke, RoleLeader, StateRevoking},
	// Every outside recipient accepted (15): revoked. One refused (16):
	// back to issued, the refusal and its reason on the recipient and in
	// the trail; the clerk or leader may ask again (revoke) or replace it.
	{StateRevoking, ActionRevocationAccepted, RoleRecipient, StateRevoked},
	{StateRevoking, ActionRevocationRefused, RoleRecipient, StateIssued},
	// Issuing a document that replaces this one (BussinessDocType 3).
	{StateIssued, ActionReplace, RoleSystem, StateReplaced},
}

// Next returns the state after action by one of roles in state from, and
// the role the rule matched; ok is false when no rule allows it.
func Next(from State, action Action, roles []string) (to State, role string, ok bool) {
	for _, r := range Rules {
		if r.From != from || r.Action != action {
			continue
		}
		for _, x := range roles {
			if x == r.Role {
				return r.To, r.Role, true
			}
		}
	}
	return "", "", false
}

// Actions lists what roles may do in state, each once, in table order.
func Actions(state State, roles []string) []Action {
	var out []Action
	seen := map[Action]bool{}
	for _, r := range Rules {
		if r.From != state || seen[r.Action] {
			continue
		}
		for _, x := range roles {
			if x == r.Role {
				seen[r.Action] = true
				out = append(out, r.Action)
				break
			}
		}
	}
	return out
}

// Open reports whether a document is still being worked on.
func (s State) Open() bool {
	switch s {
	case StateCompleted, StateIssued, StateReturned, StateWithdrawn, StateRevoking, StateRevoked, StateReplaced:
		return false
	}
	return true
}
