package office

import (
	"context"
	"io"
	"time"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/catalog"
	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/forms"
	"github.com/motcua/motcua/notify"
	"github.com/motcua/motcua/payment"
	"github.com/motcua/motcua/postal"
	"github.com/motcua/motcua/unit"
)

// The back office depends on these small interfaces rather than on the
// services themselves, so its handlers can be tested against fakes; the
// services satisfy them.

// ESign gives a dossier's in-app signing links (package esign): the
// approve-and-sign page, the signed e-result; empty when there is none.
type ESign interface {
	Links(ctx context.Context, a *auth.Actor, d *dossier.Dossier) (sign, download string)
}

// Dossiers is the part of the dossier service (*dossier.Service) the back office uses.
type Dossiers interface {
	Act(ctx context.Context, a *auth.Actor, code string, action dossier.Action, in dossier.ActInput) (*dossier.Dossier, error)
	Assignees(ctx context.Context, d *dossier.Dossier, action dossier.Action) ([]dossier.Candidate, error)
	BandEdges() dossier.BandEdges
	Deadline(d *dossier.Dossier) dossier.Deadline
	Find(ctx context.Context, m dossier.Match, limit int) ([]*dossier.Dossier, int, error)
	Get(ctx context.Context, a *auth.Actor, code string) (*dossier.Dossier, error)
	List(ctx context.Context, a *auth.Actor, f dossier.Filter) ([]*dossier.Dossier, error)
	Open(ctx context.Context, a *auth.Actor, code string, fileID int64) (*dossier.File, io.ReadSeekCloser, error)
	OpenSteps(ctx context.Context, units []int64) ([]dossier.StepAt, error)
	Pauses(ctx context.Context, a *auth.Actor, code string) ([]dossier.Pause, error)
	PartnerAgencies(ctx context.Context, a *auth.Actor, province string, all bool) ([]dossier.PartnerAgency, error)
	ProcedureFor(ctx context.Context, d *dossier.Dossier) (catalog.Procedure, error)
	// Read is Get for showing the dossier: the officer's read is put on record.
	Read(ctx context.Context, a *auth.Actor, code string) (*dossier.Dossier, error)
	ReceiveChecked(ctx context.Context, a *auth.Actor, code string, in dossier.ActInput, paper []string) (*dossier.Dossier, error)
	Submit(ctx context.Context, a *auth.Actor, in dossier.SubmitInput) (*dossier.Dossier, bool, error)
	Tally(ctx context.Context, sc dossier.Scope, ranges []dossier.DueRange) (map[dossier.State]int64, []int64, error)
	Upload(ctx context.Context, a *auth.Actor, code, component, name string, body io.Reader) (*dossier.File, error)
}

// Catalog reads the procedure catalog (*catalog.Store).
type Catalog interface {
	Get(ctx context.Context, code string) (catalog.Procedure, error)
	Search(ctx context.Context, q catalog.Query) ([]catalog.Summary, error)
}

// Units reads the administrative units (*unit.Store).
type Units interface {
	ByCode(ctx context.Context, code string) (unit.Unit, error)
	List(ctx context.Context) ([]unit.Unit, error)
}

// Forms renders dossier documents as PDF (*forms.Service).
type Forms interface {
	Book(ctx context.Context, a *auth.Actor, code string, from, to time.Time, base string) (*forms.Document, error)
	Dossier(ctx context.Context, a *auth.Actor, code, form, base string) (*forms.Document, error)
	Result(ctx context.Context, a *auth.Actor, code, base string) (*forms.Document, error)
}

// Notify is the part of the notification service (*notify.Service) the back office uses.
type Notify interface {
	Failures(ctx context.Context, unitIDs []int64, limit int) ([]notify.Failure, error)
	MarkRead(ctx context.Context, userID int64) error
	Notices(ctx context.Context, userID int64, limit int) ([]notify.Notice, int, error)
}

// Postal is the part of the postal service (*postal.Service) the back office uses.
type Postal interface {
	AddressOf(ctx context.Context, d *dossier.Dossier) (postal.Address, error)
	Areas(ctx context.Context) ([]postal.Province, error)
	Connected() bool
	Create(ctx context.Context, a *auth.Actor, code string, in postal.CreateInput) (*postal.Shipment, error)
	Guess(ctx context.Context, text string) (postal.Address, error)
	Refresh(ctx context.Context, a *auth.Actor, code string) (*postal.Shipment, error)
	ShipmentOf(ctx context.Context, d *dossier.Dossier) (*postal.Shipment, error)
}

// Payments is the part of the payment service (*payment.Service) the back office uses.
type Payments interface {
	Fees(ctx context.Context, a *auth.Actor, code string) (*payment.Fees, error)
	Refund(ctx context.Context, a *auth.Actor, ref, note string) (*payment.Payment, error)
	PayAtDesk(ctx context.Context, a *auth.Actor, ref string, in payment.DeskInput) (*payment.Payment, error)
	Request(ctx context.Context, a *auth.Actor, code string, in payment.RequestInput) (*payment.Payment, error)
}
