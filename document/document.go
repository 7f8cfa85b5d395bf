// Package document owns document management (quản lý văn bản, Decree
// 30/2020/NĐ-CP): each unit's registers and their yearly numbering,
// incoming documents (registered by the clerk, assigned by the leader to a
// lead unit and coordinating units with a deadline, handled by a
// specialist, completed) and outgoing documents (drafted in versions with
// comments, reviewed by the drafting unit's head, approved and signed by
// the organ's leader, numbered, sealed and issued by the clerk, and
// distributed). Every act appends to the document's trail
// (TraceHeaderList) and publishes a typed event in its transaction.
//
// What an actor may do is one table, Rules, over roles the actor plays on
// the document (rolesOn), each resting on a right of auth.Scopes held at
// the right unit; what an actor may see is canView. docs/documents.md
// describes the tables, states, events, rights and routes.
//
// It owns the tables document_registers, document_sequences, documents,
// document_files, document_assignments, document_coordinators,
// document_trace, document_versions, document_comments,
// document_approvals and document_recipients, the work files (hồ sơ
// công việc) document_work_files and document_work_file_items, and for the
// edXML exchange with other agencies (exchange.go) document_outbox and
// document_exchange_in.
package document

import (
	"context"
	"crypto/x509"
	"errors"
	"log/slog"
	"time"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/calendar"
	"github.com/motcua/motcua/esign/csc"
	"github.com/motcua/motcua/event"
	"github.com/motcua/motcua/sign"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/unit"
)

// Directions.
const (
	In  = "in"  // văn bản đến
	Out = "out" // văn bản đi
)

// Media of an incoming document.
const (
	Paper      = "paper"      // a paper document, registered with its scan
	Electronic = "electronic" // an electronic document, signed
)

// Organ is an agency: its electronic agency code (OrganId, 13 characters,
// Decision 20/2020/QĐ-TTg) and name.
type Organ struct {
	OrganID string `json:"organ_id,omitempty"`
	Name    string `json:"name"`
}

// Signer is the SignerInfo of Appendix VI.
type Signer struct {
	Position string `json:"position,omitempty"`
	FullName string `json:"full_name,omitempty"`
}

// Document is one incoming or outgoing document with its Appendix VI
// metadata. List fills the summary; Get also the files, trail, versions,
// comments, approvals and recipients.
type Document struct {
	ID        int64  `json:"id"`
	Unit      string `json:"unit"`
	Direction string `json:"direction"`
	Register  string `json:"register"`
	State     State  `json:"state"`
	Version   int64  `json:"version"`
	Medium    string `json:"medium,omitempty"`
	// ArrivalNumber and ArrivalAt: incoming only.
	ArrivalNumber int64     `json:"arrival_number,omitempty"`
	ArrivalAt     time.Time `json:"arrival_at,omitzero"`
	Sender        *Organ    `json:"sender,omitempty"`
	// CodeNumber ("05") and CodeNotation ("QĐ-UBND"); NumberSymbol is
	// both as written, "05/QĐ-UBND". An outgoing document has them once
	// issued.
	CodeNumber   string `json:"code_number,omitempty"`
	CodeNotation string `json:"code_notation,omitempty"`
	NumberSymbol string `json:"number_symbol,omitempty"`
	IssuedDate   string `json:"issued_date,omitempty"`
	Type         string `json:"type"`
	TypeName     string `json:"type_name"`
	Subject      string `json:"subject"`
	// Priority is the urgency (0 normal, 1 urgent, 2 very urgent, 3
	// express); Secrecy 0 none, 1 confidential, 2 secret, 3 top secret.
	Priority    int    `json:"priority"`
	Secrecy     int    `json:"secrecy"`
	PageAmount  int    `json:"page_amount,omitempty"`
	DueDate     string `json:"due_date,omitempty"`
	Signer      Signer `json:"signer,omitzero"`
	Description string `json:"description,omitempty"`
	// Drafter, DraftingUnit and Field: outgoing only.
	Drafter      string `json:"drafter,omitempty"`
	DraftingUnit string `json:"drafting_unit,omitempty"`
	Field        string `json:"field,omitempty"`
	// SignatureStatus is the check of an incoming document's signatures
	// on arrival (SignatureUnsigned, SignatureValid, SignatureInvalid,
	// SignaturePaper); Signatures what sign.Verify found (Get only).
	SignatureStatus string               `json:"signature_status,omitempty"`
	Signatures      []sign.SignatureInfo `json:"signatures,omitempty"`
	// DuplicateOf is the document registered before with the same number,
	// symbol and issuer, when the clerk registered this one anyway.
	DuplicateOf int64       `json:"duplicate_of,omitempty"`
	Assignment  *Assignment `json:"assignment,omitempty"`
	// Deadline is the assignment's deadline, else the due date; Overdue
	// is true when an open document is past it (Vietnam's calendar).
	Deadline    string    `json:"deadline,omitempty"`
	Overdue     bool      `json:"overdue"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
	CompletedAt time.Time `json:"completed_at,omitzero"`
	IssuedAt    time.Time `json:"issued_at,omitzero"`
	// Dossier and ResultFile: an outgoing document that is a one-stop
	// result (OnTransitioned) names its dossier's code and the dossier
	// file of the result (GET /api/v1/dossiers/{code}/files/{id}).
	Dossier    string `json:"dossier,omitempty"`
	ResultFile int64  `json:"result_file,omitempty"`
	// Actions are what the reader may do now.
	Actions    []Action     `json:"actions"`
	Files      []File       `json:"files,omitempty"`
	Trail      []TraceEntry `json:"trail,omitempty"`
	Versions   []Version    `json:"versions,omitempty"`
	Comments   []Comment    `json:"comments,omitempty"`
	Approvals  []Approval   `json:"approvals,omitempty"`
	Recipients []Recipient  `json:"recipients,omitempty"`

	unitID, registerID, drafterID, draftingUnitID int64
	issueYear, issueSeq                           int64
}

// Signature statuses of an incoming document.
const (
	SignatureUnsigned = "unsigned"
	SignatureValid    = "valid"
	SignatureInvalid  = "invalid"
	SignaturePaper    = "paper"
)

// Assignment is the leader's instruction on an incoming document.
type Assignment struct {
	Instruction  string    `json:"instruction"`
	LeadUnit     string    `json:"lead_unit"`
	Coordinators []string  `json:"coordinating_units,omitempty"`
	Deadline     string    `json:"deadline,omitempty"`
	Specialist   string    `json:"specialist,omitempty"`
	By           string    `json:"by"`
	At           time.Time `json:"at"`

	id, leadUnitID, specialistID int64
	coordinatorIDs               []int64
}

// File is one file of a document (its bytes through Service.File).
type File struct {
	ID          int64     `json:"id"`
	Kind        string    `json:"kind"`
	Name        string    `json:"name"`
	ContentType string    `json:"content_type"`
	Size        int64     `json:"size"`
	SHA256      string    `json:"sha256"`
	At          time.Time `json:"at"`
}

// Kinds of file.
const (
	FileOriginal = "original" // an incoming electronic document
	FileScan     = "scan"     // an incoming paper document's scan
	FileDraft    = "draft"    // an outgoing draft version
	FileIssued   = "issued"   // the signed, issued document
	FileFiling   = "filing"   // the filing copy (bản lưu)
)

// TraceEntry is one entry of the trail (TraceHeaderList).
type TraceEntry struct {
	At     time.Time `json:"at"`
	By     string    `json:"by"`
	Role   string    `json:"role"`
	Unit   string    `json:"unit,omitempty"`
	Action Action    `json:"action"`
	From   State     `json:"from,omitempty"`
	To     State     `json:"to"`
	Note   string    `json:"note,omitempty"`
}

// Version is one version of a draft.
type Version struct {
	N      int64     `json:"n"`
	FileID int64     `json:"file_id"`
	Note   string    `json:"note,omitempty"`
	By     string    `json:"by"`
	At     time.Time `json:"at"`
	// Compose is the text of a composed version (its file is the layout's
	// PDF of it); nil for an uploaded file.
	Compose *Compose `json:"compose,omitempty"`
}

// Comment is a comment on a draft (Version 0: on the whole draft).
type Comment struct {
	Version int64     `json:"version"`
	By      string    `json:"by"`
	Body    string    `json:"body"`
	At      time.Time `json:"at"`
}

// Approval is one decision of the approval chain.
type Approval struct {
	Step     string    `json:"step"` // "review" or "approve"
	Version  int64     `json:"version"`
	Decision string    `json:"decision"` // "approved" or "returned"
	By       string    `json:"by"`
	Note     string    `json:"note,omitempty"`
	At       time.Time `json:"at"`
}

// Recipient is one addressee of an issued document: an internal unit
// (Unit, its code) or an external agency (Organ).
type Recipient struct {
	Unit  string `json:"unit,omitempty"`
	Organ Organ  `json:"organ"`
	// Exchange is the edXML sending to an outside agency and the status
	// it reported (exchange.go); nil when nothing was sent.
	Exchange *Exchange `json:"exchange,omitempty"`
}

// Units is what the service needs of the unit tree (*unit.Store).
type Units interface {
	ByCode(ctx context.Context, code string) (unit.Unit, error)
	Chain(ctx context.Context, q store.Querier, id int64) ([]int64, error)
	Reach(ctx context.Context, q store.Querier, a *auth.Actor, r auth.Right) ([]int64, error)
	Codes(ctx context.Context, q store.Querier, ids []int64) (map[int64]string, error)
}

// ErrSealOnly is what Keys.Personal answers in a deployment that signs
// outgoing documents with the organisation's seal alone: the leader's
// approval is then recorded without a personal signature, and the seal
// at issue is the document's only digital signature.
var ErrSealOnly = errors.New("document: the leaders sign no personal signature here (seal only)")

// Keys gives the keys outgoing documents are signed with: the leader's
// own (their token or HSM slot, or a remote signing service wrapped by
// sign.External) and the organisation's seal. Both come from package
// sign, so PKCS#11 (an HSM, SoftHSM in tests) and PKCS#12 both work.
type Keys interface {
	// Personal is the signing key of leader a; an error when a has none
	// (the approval is refused, document_no_key), ErrSealOnly when the
	// deployment seals only (the approval goes on unsigned).
	Personal(ctx context.Context, a *auth.Actor) (*sign.Key, error)
	// Seal is the organisation's key of the unit with id unitID.
	Seal(ctx context.Context, unitID int64) (*sign.Key, error)
}

// Config is what a Service is built from.
type Config struct {
	Now func() time.Time
	// Bus receives the documents' events (Registered, Assigned, Issued…)
	// in their transactions; nil publishes nothing.
	Bus *event.Bus
	// Trust is the trust list incoming signatures are verified against;
	// nil checks integrity only (trust is not judged).
	Trust *x509.CertPool
	// Keys signs outgoing documents: the leader's signature when they
	// approve, the seal at issue. Nil: outgoing documents are approved
	// and issued without digital signatures (paper).
	Keys Keys
	// TSA time-stamps the signatures (PAdES B-T) when set.
	TSA *sign.TSA
	// Font and BoldFont are the TrueType fonts of the signatures'
	// appearance (Liberation Serif); nil writes without diacritics.
	Font, BoldFont []byte
	// Images gives the leader's signature image and the seal image (PNG);
	// nil signs without images.
	Images Images
	// MaxFileBytes bounds a file; zero is 20 MiB.
	MaxFileBytes int64
	// Exchange is the edXML directory (exchange.go); empty: documents
	// go to outside agencies by other means.
	Exchange ExchangeConfig
	// CSC is the leaders' remote signing service (remote.go): a leader
	// without a key of their own (Keys.Personal) but with a credential
	// there signs their approval through it, with an OTP. Nil: none.
	CSC *csc.Client
	// CSCUserID is a leader's user ID at the service; nil: the username.
	CSCUserID func(a *auth.Actor) string
	// OTPGate limits the OTPs sent; nil: one a minute per credential,
	// counted by this service alone (server.New shares esign's).
	OTPGate *csc.OTPGate
	// Log receives what the signing service did when it failed; nil:
	// slog.Default().
	Log *slog.Logger
}

// Images gives the signature appearances' images; a nil image with a
// nil error signs without one (the seal then in its text form).
type Images interface {
	SignatureImage(ctx context.Context, a *auth.Actor) ([]byte, error)
	SealImage(ctx context.Context, unitID int64) ([]byte, error)
}

// Service keeps the documents.
type Service struct {
	db    *store.DB
	units Units
	cfg   Config
}

// New returns a Service.
func New(db *store.DB, units Units, cfg Config) *Service {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.MaxFileBytes == 0 {
		cfg.MaxFileBytes = 20 << 20
	}
	if cfg.CSCUserID == nil {
		cfg.CSCUserID = func(a *auth.Actor) string { return a.Username }
	}
	if cfg.OTPGate == nil {
		cfg.OTPGate = &csc.OTPGate{Now: cfg.Now}
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	return &Service{db: db, units: units, cfg: cfg}
}

func fromMs(ms int64) time.Time { return time.UnixMilli(ms).In(calendar.Zone) }

// today is the date of now in Vietnam, YYYY-MM-DD.
func today(now time.Time) string { return now.In(calendar.Zone).Format(time.DateOnly) }
