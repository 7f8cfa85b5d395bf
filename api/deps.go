package api

import (
	"context"
	"github.com/motcua/motcua/audit"
	"io"
	"time"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/catalog"
	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/forms"
	"github.com/motcua/motcua/land"
	"github.com/motcua/motcua/mydata"
	"github.com/motcua/motcua/payment"
	"github.com/motcua/motcua/postal"
	"github.com/motcua/motcua/rating"
	"github.com/motcua/motcua/report"
	"github.com/motcua/motcua/unit"
)

// The API depends on these small interfaces rather than on the services
// themselves, so its handlers can be tested against fakes; the services
// satisfy them.

// Auth is the part of the account service (*auth.Service) the API uses.
type Auth interface {
	Authenticate(ctx context.Context, token string) (*auth.Actor, error)
	ChangePassword(ctx context.Context, userID int64, old, password, keep string) error
	Recover(ctx context.Context, token, password string) error
	RequestRecovery(ctx context.Context, login string) error
	Revoke(ctx context.Context, token string) error
	Token(ctx context.Context, username, password, totp string) (token string, expires time.Time, err error)
}

// Units reads the administrative units (*unit.Store).
type Units interface {
	ByCode(ctx context.Context, code string) (unit.Unit, error)
	ByID(ctx context.Context, id int64) (unit.Unit, error)
	List(ctx context.Context) ([]unit.Unit, error)
	TreeAt(ctx context.Context, at time.Time) ([]unit.Snapshot, error)
	// Entitled says whether a holds r at the unit with code (nil) or why not.
	Entitled(ctx context.Context, a *auth.Actor, r auth.Right, code string) error
}

// Catalog reads the procedure catalog (*catalog.Store).
type Catalog interface {
	Edit(ctx context.Context, a *auth.Actor, p catalog.Procedure) (catalog.Procedure, error)
	MayEdit(ctx context.Context, a *auth.Actor, code string) error
	Get(ctx context.Context, code string) (catalog.Procedure, error)
	Search(ctx context.Context, q catalog.Query) ([]catalog.Summary, error)
	SearchPage(ctx context.Context, q catalog.Query, limit int, after string) ([]catalog.Summary, string, error)
	ConfirmFees(ctx context.Context, a *auth.Actor, code string, amounts map[int]int64) (catalog.Procedure, error)
}

// Dossiers is the part of the dossier service (*dossier.Service) the API uses.
type Dossiers interface {
	Act(ctx context.Context, a *auth.Actor, code string, action dossier.Action, in dossier.ActInput) (*dossier.Dossier, error)
	Get(ctx context.Context, a *auth.Actor, code string) (*dossier.Dossier, error)
	List(ctx context.Context, a *auth.Actor, f dossier.Filter) ([]*dossier.Dossier, error)
	Open(ctx context.Context, a *auth.Actor, code string, fileID int64) (*dossier.File, io.ReadSeekCloser, error)
	Pauses(ctx context.Context, a *auth.Actor, code string) ([]dossier.Pause, error)
	Consultations(ctx context.Context, a *auth.Actor, code string) ([]dossier.Consultation, error)
	PartnerAgencyPage(ctx context.Context, a *auth.Actor, province string, all bool, limit int, after string) ([]dossier.PartnerAgency, string, error)
	SavePartnerAgency(ctx context.Context, a *auth.Actor, id int64, in dossier.PartnerAgency) (dossier.PartnerAgency, error)
	// Read is Get for showing the dossier: an officer's read is put on record.
	Read(ctx context.Context, a *auth.Actor, code string) (*dossier.Dossier, error)
	Submit(ctx context.Context, a *auth.Actor, in dossier.SubmitInput) (*dossier.Dossier, bool, error)
	Track(ctx context.Context, code string, proof dossier.TrackProof) (*dossier.Tracking, error)
	Upload(ctx context.Context, a *auth.Actor, code, component, name string, body io.Reader) (*dossier.File, error)
}

// Ratings is the part of the rating service (*rating.Service) the API uses.
type Ratings interface {
	Rate(ctx context.Context, a *auth.Actor, code, score, comment string) (*rating.Rating, error)
}

// Reports reads the cross-module tallies (*report.Reader) the API shows.
type Reports interface {
	RatingTallies(ctx context.Context, by string) ([]report.Tally, error)
	II06a(ctx context.Context, q report.II06aQuery, judge report.Judge) (*report.II06a, error)
	Scorecard(ctx context.Context, unitCode string, from, to time.Time, cal report.WorkCalendar) (report.Scorecard, error)
	ScoreDossiers(ctx context.Context, unitCode string, from, to time.Time, key string, cal report.WorkCalendar, f report.ScoreFilter) (report.ScoreDossierPage, error)
	Processing(ctx context.Context, unitCode string, from, to time.Time, cal report.WorkCalendar) (report.Processing, error)
	// Documents is the documents report (report/documents.go).
	Documents(ctx context.Context, rootID int64, p report.Period, now time.Time) (*report.DocumentsReport, error)
	// The open data's reads (api/open.go).
	ScopeAt(ctx context.Context, code string, at time.Time) (report.Scope, error)
	Trend(ctx context.Context, sc report.Scope, from, to time.Time, judge report.Judge) ([]report.Month, error)
	ByChild(ctx context.Context, sc report.Scope, from, to time.Time, judge report.Judge) ([]report.Count, error)
	Satisfaction(ctx context.Context, sc report.Scope, from, to time.Time) (report.Tally, error)
}

// Forms renders dossier documents as PDF (*forms.Service).
type Forms interface {
	Book(ctx context.Context, a *auth.Actor, code string, from, to time.Time, base string) (*forms.Document, error)
	Dossier(ctx context.Context, a *auth.Actor, code, form, base string) (*forms.Document, error)
	Result(ctx context.Context, a *auth.Actor, code, base string) (*forms.Document, error)
}

// Postal is the part of the postal service (*postal.Service) the API uses.
type Postal interface {
	Address(ctx context.Context, a *auth.Actor, code string) (postal.Address, error)
	Areas(ctx context.Context) ([]postal.Province, error)
	Create(ctx context.Context, a *auth.Actor, code string, in postal.CreateInput) (*postal.Shipment, error)
	Refresh(ctx context.Context, a *auth.Actor, code string) (*postal.Shipment, error)
	SetAddress(ctx context.Context, a *auth.Actor, code string, addr postal.Address) (postal.Address, error)
	Shipment(ctx context.Context, a *auth.Actor, code string) (*postal.Shipment, error)
	Track(ctx context.Context, code string) (*postal.Public, error)
	Webhook(ctx context.Context, body []byte, signature string) (postal.Receipt, error)
}

// Payments is the part of the payment service (*payment.Service) the API uses.
type Payments interface {
	Fees(ctx context.Context, a *auth.Actor, code string) (*payment.Fees, error)
	Gateway() payment.Gateway
	Get(ctx context.Context, a *auth.Actor, ref string) (*payment.Payment, error)
	HandleCallback(ctx context.Context, c payment.Callback) payment.Outcome
	Refund(ctx context.Context, a *auth.Actor, ref, note string) (*payment.Payment, error)
	PayAtDesk(ctx context.Context, a *auth.Actor, ref string, in payment.DeskInput) (*payment.Payment, error)
	Request(ctx context.Context, a *auth.Actor, code string, in payment.RequestInput) (*payment.Payment, error)
	Start(ctx context.Context, a *auth.Actor, code string, in payment.StartInput) (p *payment.Payment, created bool, err error)
}

// Audit reads the audit log within a supervisor's units (*audit.Log).
type Audit interface {
	Search(ctx context.Context, a *auth.Actor, q audit.Query) (*audit.Page, error)
}

// MyData answers a citizen's rights over their personal data
// (*mydata.Service).
type MyData interface {
	Export(ctx context.Context, a *auth.Actor, w io.Writer) error
	// Archive writes the archive copy of one dossier for an officer.
	Archive(ctx context.Context, a *auth.Actor, code string, w io.Writer) error
	Consents(ctx context.Context, a *auth.Actor) ([]mydata.Consent, error)
	Withdraw(ctx context.Context, a *auth.Actor, purpose string, id int64) error
	Accesses(ctx context.Context, a *auth.Actor, code string) ([]mydata.Access, error)
}

// Land reads the land registry (*land.Service): a parcel as a may see it
// (docs/land.md), described with its history, and a citizen's parcels.
type Land interface {
	Parcel(ctx context.Context, a *auth.Actor, commune, sheet, number string) (*land.Parcel, error)
	Certified(ctx context.Context, a *auth.Actor, serial string) (*land.Parcel, error)
	Describe(ctx context.Context, a *auth.Actor, p *land.Parcel) (*land.Lookup, error)
	Mine(ctx context.Context, a *auth.Actor) (*land.Holdings, error)
}
