// Package sohoa owns the digitisation of dossiers and results (số hóa,
// Circular 01/2023/TT-VPCP) and each citizen's personal data store (kho
// dữ liệu cá nhân) built from them.
//
// At reception the officer digitises each paper component of a dossier:
// its scan is a file of the dossier (package dossier keeps the file and its
// blob); Digitise gives it a digitisation code. When a dossier's result is
// made, the listener OnTransitioned gives each result file a result code:
// that file is the result's electronic copy (its signature is package
// sign's). Both kinds are papers (sohoa_papers), held in the store of the
// dossier's applicant, searchable by officers in scope and by the holder,
// and reusable: AttachFromStore attaches the same blob to a new dossier's
// component instead of an upload and logs the reuse (sohoa_reuses).
//
// It owns the tables sohoa_papers, sohoa_reuses, sohoa_sequences and
// sohoa_draft_picks; the
// dossier module's tables are reached only through its methods.
package sohoa

import (
	"context"
	"time"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/calendar"
	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/event"
	"github.com/motcua/motcua/store"
)

// Kinds of paper.
const (
	Component = "component" // a dossier component digitised at reception
	Result    = "result"    // a result's electronic copy
)

// Paper is one digitised paper or result.
type Paper struct {
	Code          string `json:"code"`
	Kind          string `json:"kind"`
	Dossier       string `json:"dossier"`
	Procedure     string `json:"procedure"`
	ProcedureName string `json:"procedure_name"`
	// Component is the procedure's component key, "result" for a result.
	Component   string `json:"component"`
	FileID      int64  `json:"file_id"`
	Name        string `json:"name"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
	SHA256      string `json:"sha256"`
	// Unit is the code of the unit that digitised it or issued the result.
	Unit string `json:"unit"`
	// HolderName and HolderIDNumber are the applicant's, whose store holds it.
	HolderName     string    `json:"holder_name"`
	HolderIDNumber string    `json:"holder_id_number,omitempty"`
	By             string    `json:"by"`
	At             time.Time `json:"at"`
	// Reuses are the times it was attached to another dossier (Store and
	// Search fill them; empty when never reused).
	Reuses []Reuse `json:"reuses,omitempty"`

	id, unitID, holderID int64
}

// Reuse is one use of a paper in another dossier instead of an upload.
type Reuse struct {
	Paper     string    `json:"paper"`
	Dossier   string    `json:"dossier"`
	Component string    `json:"component"`
	FileID    int64     `json:"file_id"`
	By        string    `json:"by"`
	At        time.Time `json:"at"`
}

// Dossiers is what sohoa needs of the dossier service (*dossier.Service):
// reading a dossier as the actor may, and attaching a stored blob to a
// dossier's component with the dossier's own rules, in sohoa's transaction.
type Dossiers interface {
	Get(ctx context.Context, a *auth.Actor, code string) (*dossier.Dossier, error)
	AttachStoredIn(ctx context.Context, tx *store.Tx, a *auth.Actor, code string, f dossier.File) (*dossier.File, error)
}

// Units says which units an officer's right reaches (*unit.Store).
type Units interface {
	Reach(ctx context.Context, q store.Querier, a *auth.Actor, r auth.Right) ([]int64, error)
}

// Config is what a Service is built from.
type Config struct {
	Now func() time.Time
	// Bus receives the audit rows (event.Security) of digitisations and
	// reuses, in their transactions; nil publishes nothing.
	Bus *event.Bus
	// Accounts reads the account that filed a dossier online, with the
	// identity VNeID verified for it (*auth.Service); nil trusts no
	// online filer's ID number (see applicantHolds).
	Accounts Accounts
}

// Accounts reads an account (*auth.Service).
type Accounts interface {
	Actor(ctx context.Context, userID int64) (*auth.Actor, error)
}

// Service digitises papers and keeps the personal data store.
type Service struct {
	db       *store.DB
	dossiers Dossiers
	units    Units
	cfg      Config
}

// New returns a Service.
func New(db *store.DB, ds Dossiers, units Units, cfg Config) *Service {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Service{db: db, dossiers: ds, units: units, cfg: cfg}
}

func fromMs(ms int64) time.Time { return time.UnixMilli(ms).In(calendar.Zone) }

// verifiedIDNumber is the ID number the national SSO (VNeID) verified for
// citizen a, "" when it never did. With it, a's store also holds the
// papers of dossiers filed for that ID number at the counter; an ID
// number typed at sign-up proves nothing, so it never opens a store.
func verifiedIDNumber(a *auth.Actor) string {
	if a == nil || !a.IsCitizen() || a.Verified == nil {
		return ""
	}
	return a.Verified.IDNumber
}
