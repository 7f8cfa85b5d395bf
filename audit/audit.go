// Package audit keeps the audit log: who did what to which object, when,
// at which unit, from which address, one append-only row per
// security-relevant act (tables audit_entries and audit_heads). A row is
// written by a listener inside the transaction of the act it records (see
// Subscribe), so the log has a row exactly when the act happened. Rows are
// never updated or deleted.
//
// Every row is a link of a hash chain of its day (chain.go: the lanes, the
// canonical encoding, the serialization of appends, the heads written to
// the log output); `motcua audit verify` walks the chains (Verify). History rows of
// other modules — dossier_events, payment_events — are anchored: the row
// of the change carries their digest, so an edited history row is found
// too. Supervisors read the log of their units and the units below them
// (Search: GET /api/v1/audit, /quan-tri/nhat-ky).
//
// Actions (the Action column), by who publishes them:
//
//   - dossier.Transitioned (package dossier), one row per lifecycle step,
//     anchoring its dossier_events row: submit, receive, refuse,
//     request-supplement, supplement, forward, send-back, approve, stop,
//     withdraw, apologize, deliver (dossier.Actions).
//   - Officers' reads of personal data (package dossier, RecordRead; a
//     citizen's reads of their own dossier are not recorded):
//     dossier_read (the dossier's page, receipt or JSON), file_downloaded,
//     form_printed (a form or the result document),
//     tracking_book_printed (a unit's register, object "unit:<code>").
//   - Results signed in the application (package esign): result_signed,
//     in the approval's transaction, with the file's SHA-256, the
//     leader's and the seal's certificate names and the PAdES level.
//     An officer's download of the e-result is a file_downloaded read.
//   - Outgoing documents signed by the leader who approves them
//     (package document, remote.go): document_signed, in the approval's
//     transaction, with the file's SHA-256, the leader's certificate and
//     how (via own_key: their token; csc: the remote signing service),
//     beside document_approve; document_sign_refused when the signing
//     service refused the OTP (reason wrong_otp) or the leader's
//     certificate there is not trusted (untrusted_certificate), the
//     draft unchanged, with the credential.
//   - Payments (package payment), one row per payment_events row,
//     anchoring it: payment_requested, payment_pending (sent to the
//     gateway), payment_paid, payment_failed, payment_expired,
//     payment_refunded.
//   - Accounts and sign-in (package auth): login, login_failed,
//     token_issued, token_revoked, role_granted, role_revoked,
//     password_changed, password_reset, password_recovery_requested,
//     account_created, account_disabled, account_enabled, totp_enabled,
//     totp_disabled, totp_policy_changed; through VNeID (package auth,
//     identity.go): login with details "vneid", identity_linked,
//     account_created with details "vneid", login_failed with object
//     "sso:vneid" and the refusal's code as details. System accounts
//     (auth, clients.go; object "client:<client_id>"): client_created,
//     client_rotated, client_revoked (by an admin or the command line),
//     client_token_issued (by the client), client_auth_failed; what a
//     client then does is recorded like an officer's, the client its actor.
//   - The edXML exchange (package document): edxml_auth_failed, a
//     refused SystemId/SecretKey at POST /edxml/v1/messages, actor
//     "edxml:<SystemId>", object "edxml_system:<SystemId>" (at most ten
//     a minute per SystemId; more are answered 429 unrecorded).
//   - The land registry (package land): land_imported (object
//     "land:import", details the count and who), land_split_measured
//     (object the dossier, details the parcel), land_mortgage_registered
//     and land_mortgage_released (object the parcel). The registry's
//     changes made by a dossier's result are in that result's row.
//   - Once-only data (package dancu): population_lookup, object the draft
//     or dossier, details the purpose and the outcome.
//   - A citizen's download of their personal data (package mydata):
//     personal_data_exported, object "user:<username>", details the
//     counts of dossiers and files.
//   - Digitisation and the personal data store (package sohoa):
//     paper_digitised (a component's code given at the desk) and
//     paper_reused (a stored paper attached to a dossier, from the API,
//     the store page or a filed draft), object "paper:<code>", details
//     the dossier and component. A result's code is given in the
//     approval's transaction, whose row records it. An officer's search
//     of the papers with a text: papers_searched, object
//     "search:digitised", details the text and the count found.
//   - Organisation and catalog: unit changes by an administrator
//     (package unit: unit_created, department_added, unit_renamed,
//     unit_merged, unit_supplement_days), reorganisation plans (package
//     reorg: reorg_applied, reorg_scheduled, reorg_reverted),
//     procedure_version (package catalog), announcement_added and
//     announcement_withdrawn (package calendar), partner_agency_saved
//     (package dossier: the province's registry of partner agencies),
//     civil_person_created, civil_person_updated, civil_person_moved,
//     civil_qualification_added, civil_cycle_opened and
//     civil_evaluation_self_assess, civil_evaluation_review,
//     civil_evaluation_decide (package civil: the civil service registry
//     and the officers' yearly evaluation).
//   - Officers' reads of the civil service registry (package civil,
//     read.go; through the API and the pages; an officer's read of their
//     own record or evaluation is not recorded): civil_people_read (a
//     unit's records, object "unit:<code>", details the count),
//     civil_person_read (one record, object "civil_person:<code>"),
//     civil_cycle_read (a cycle's evaluations, object "civil_cycle:<id>",
//     or one evaluation's page, "civil_evaluation:<id>"),
//     civil_registry_exported (the CSV or JSON export, object
//     "unit:<code>", details the format, year and count).
//   - Officers' reads of a land parcel, which names its users and their
//     ID numbers (package land, RecordRead; its page and the API's
//     lookups; a citizen's read of their own parcel is not recorded):
//     land_parcel_read, object "land_parcel:<commune>/<sheet>/<number>",
//     the unit the commune's.
//
// A module that publishes a new event.Security action adds it here.
package audit

import (
	"context"
	"strings"
	"time"

	"github.com/motcua/motcua/store"
)

// Entry is one row of the audit log.
type Entry struct {
	// ID orders the log; it is assigned by Record.
	ID        int64     `json:"id"`
	At        time.Time `json:"at"`
	ActorID   int64     `json:"actor_id"`
	ActorName string    `json:"actor_name"`
	// ActorRole is the role the actor acted in (auth roles, "applicant").
	ActorRole string `json:"actor_role"`
	// UnitID is the unit the action was taken at, 0 when none.
	UnitID int64  `json:"unit_id"`
	Action string `json:"action"`
	// Object is what was acted on, as kind:key ("dossier:<code>").
	Object string `json:"object"`
	From   string `json:"from,omitempty"`
	To     string `json:"to,omitempty"`
	// Details is free text (JSON for dossier transitions) the action adds.
	Details string `json:"details,omitempty"`
	// ClientAddr is the address the request came from, when known.
	ClientAddr string `json:"client_addr,omitempty"`
	// HistoryTable, HistoryID and HistoryHash name the history row of
	// another module this entry anchors (dossier_events, payment_events)
	// and its digest when the change was made.
	HistoryTable string `json:"history_table,omitempty"`
	HistoryID    int64  `json:"history_id,omitempty"`
	HistoryHash  string `json:"history_hash,omitempty"`
	// Day, Lane and Seq place the entry in its hash chain (chain.go: a
	// day has up to Lanes chains on PostgreSQL, one on SQLite); PrevHash
	// is the hash of the entry before it in that chain (empty for the
	// chain's first), Hash its own. Record sets all five.
	Day      string `json:"day"`
	Lane     int    `json:"lane"`
	Seq      int64  `json:"seq"`
	PrevHash string `json:"prev_hash"`
	Hash     string `json:"hash"`
	// RedactedBy is the entry that removed this one's personal data
	// (Redact), 0 for an entry as written. Outside the hash.
	RedactedBy int64 `json:"redacted_by,omitempty"`
}

// Log reads and writes the audit log.
type Log struct {
	db *store.DB
	// takeHead is the upsert that locks the head of the transaction's
	// lane (takeHeadSQL).
	takeHead string
}

// New returns the log stored in db.
func New(db *store.DB) *Log { return &Log{db: db, takeHead: takeHeadSQL(laneExpr(db.Dialect))} }

// Filter selects entries; zero fields select all.
type Filter struct {
	Object  string
	ActorID int64
	UnitID  int64
	// Since and Until bound At: Since ≤ At < Until.
	Since, Until time.Time
	// AfterID pages forward: only entries with a larger ID.
	AfterID int64
	// Limit caps the result (default 100, at most 1000).
	Limit int
}

// List returns the entries f selects, oldest first (in ID order).
func (l *Log) List(ctx context.Context, f Filter) ([]Entry, error) {
	var conds []string
	var args []any
	add := func(cond string, v any) {
		conds = append(conds, cond)
		args = append(args, v)
	}
	if f.Object != "" {
		add("object = ?", f.Object)
	}
	if f.ActorID != 0 {
		add("actor_id = ?", f.ActorID)
	}
	if f.UnitID != 0 {
		add("unit_id = ?", f.UnitID)
	}
	if !f.Since.IsZero() {
		add("at >= ?", f.Since.UnixMilli())
	}
	if !f.Until.IsZero() {
		add("at < ?", f.Until.UnixMilli())
	}
	if f.AfterID != 0 {
		add("id > ?", f.AfterID)
	}
	if f.Limit <= 0 {
		f.Limit = 100
	}
	where := ""
	if len(conds) > 0 {
		where = " WHERE " + strings.Join(conds, " AND ")
	}
	rows, err := l.db.QueryContext(ctx, selectEntry+where+` ORDER BY id LIMIT ?`, append(args, min(f.Limit, 1000))...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Entry{}
	for rows.Next() {
		e, err := scanEntry(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}
