package document

import (
	"encoding/json"
	"strconv"
	"time"

	"github.com/motcua/motcua/event"
)

// Act is what every event of a document carries: the document after the
// act (codes filled, as the actor sees it), who acted in which role, from
// which state, with which note, and the trail entry it appended.
type Act struct {
	Document  Document
	Action    Action
	From      State
	Role      string
	ActorID   int64
	ActorName string
	// UnitID is the document's organ (its register's unit).
	UnitID  int64
	Note    string
	At      time.Time
	TraceID int64
}

// Security is the act as an audit row (event.Security): the audit log
// records every document event through it (server/events.go).
func (a Act) Security() event.Security {
	details, _ := json.Marshal(struct {
		From   State  `json:"from,omitempty"`
		To     State  `json:"to"`
		Number string `json:"number,omitempty"`
		Note   string `json:"note,omitempty"`
	}{a.From, a.Document.State, a.Document.NumberSymbol, a.Note})
	return event.Security{At: a.At, ActorID: a.ActorID, ActorName: a.ActorName, ActorRole: a.Role, UnitID: a.UnitID,
		Action: "document_" + string(a.Action), Object: "document:" + strconv.FormatInt(a.Document.ID, 10), Details: string(details)}
}

// The events, one type per act, each published in the act's transaction.
type (
	// Registered: an incoming document entered the incoming register.
	Registered struct{ Act }
	// Assigned: the leader assigned an incoming document (or reassigned it).
	Assigned struct{ Act }
	// SpecialistAssigned: the lead unit named the specialist.
	SpecialistAssigned struct{ Act }
	// Processed: a progress note on an incoming document.
	Processed struct{ Act }
	// Completed: an incoming document was dealt with.
	Completed struct{ Act }
	// Drafted: an outgoing draft was created, or got a new version or a comment.
	Drafted struct{ Act }
	// Submitted: a draft went to review.
	Submitted struct{ Act }
	// Approved: the head reviewed or the leader approved (and signed) a draft.
	Approved struct{ Act }
	// Returned: a reviewer or the leader sent a draft back to its drafter,
	// or the clerk or leader a registered incoming document to its sender.
	Returned struct{ Act }
	// Revoked: the issuer asked its outside recipients to give an issued
	// document back (state revoking).
	Revoked struct{ Act }
	// RevocationAccepted: an incoming document was given back to its
	// sender (state withdrawn, files emptied).
	RevocationAccepted struct{ Act }
	// RevocationRefused: its sender's request was refused.
	RevocationRefused struct{ Act }
	// Issued: an outgoing document was numbered, sealed and issued; its
	// recipients are in Document.Recipients. The listeners of later work
	// (the edXML exchange, the work files) start from it.
	Issued struct{ Act }
)

// Auditable is every document event: the audit listener takes any of them.
type Auditable interface{ Security() event.Security }
