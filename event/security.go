package event

import "time"

// Security is a security-relevant act that changes nothing another module
// reacts to but that the audit log must show: a login or a failed one, a
// token issued or revoked, a role granted, a password changed, an account
// disabled, a procedure version published, an announcement made or
// withdrawn, a refund, an officer reading a dossier's personal data. The
// module that performs the act publishes it in the act's transaction (for
// a read, a transaction opened for the purpose); the audit module records
// it. It lives here, not in package audit, so publishers do not depend on
// their listener.
type Security struct {
	At time.Time
	// ActorID is the account that acted, 0 for the system, the command
	// line or an unauthenticated client; ActorName its username (for a
	// failed login, the username that was tried).
	ActorID   int64
	ActorName string
	// ActorRole is the role the actor acted in, when one applies.
	ActorRole string
	// UnitID is the unit the act concerns, 0 when none.
	UnitID int64
	// Action is a stable snake_case name ("login_failed", "role_granted",
	// "dossier_read"…), listed in the audit package's documentation.
	Action string
	// Object is what was acted on, as kind:key ("user:an.nguyen",
	// "dossier:000.00.07.H40-260302-0001", "procedure:1.001234").
	Object string
	// Details is short text or JSON the action adds; never a password,
	// token or secret.
	Details string
	// ClientAddr is the request's address; when empty the audit listener
	// takes it from the context (package clientip).
	ClientAddr string
	// HistoryTable, HistoryID and HistoryHash name a history row the act
	// appended in the publisher's own table (payment_events) and its
	// digest, which the audit log anchors so an edit of it is found.
	HistoryTable string
	HistoryID    int64
	HistoryHash  string
}
