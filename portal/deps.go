package portal

import (
	"context"
	"io"
	"net/url"
	"time"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/catalog"
	"github.com/motcua/motcua/dancu"
	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/land"
	"github.com/motcua/motcua/mydata"
	"github.com/motcua/motcua/notify"
	"github.com/motcua/motcua/payment"
	"github.com/motcua/motcua/postal"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/rating"
	"github.com/motcua/motcua/unit"
)

// The portal depends on these small interfaces rather than on the services
// themselves, so its handlers can be tested against fakes; the services
// satisfy them.

// Dossiers is the part of the dossier service (*dossier.Service) the portal uses.
type Dossiers interface {
	Act(ctx context.Context, a *auth.Actor, code string, action dossier.Action, in dossier.ActInput) (*dossier.Dossier, error)
	CreateDraft(ctx context.Context, a *auth.Actor, procedure string, data dossier.DraftData) (*dossier.Draft, error)
	DeleteDraft(ctx context.Context, a *auth.Actor, id int64) error
	Drafts(ctx context.Context, a *auth.Actor) ([]*dossier.Draft, error)
	Get(ctx context.Context, a *auth.Actor, code string) (*dossier.Dossier, error)
	GetDraft(ctx context.Context, a *auth.Actor, id int64) (*dossier.Draft, error)
	LatestDraft(ctx context.Context, a *auth.Actor, procedure string) (*dossier.Draft, error)
	List(ctx context.Context, a *auth.Actor, f dossier.Filter) ([]*dossier.Dossier, error)
	MaxFileBytes() int64
	Open(ctx context.Context, a *auth.Actor, code string, fileID int64) (*dossier.File, io.ReadSeekCloser, error)
	OpenBlob(ctx context.Context, sum string) (io.ReadSeekCloser, error)
	Popular(ctx context.Context, within time.Duration, limit int) ([]dossier.ProcedureCount, error)
	SaveDraft(ctx context.Context, a *auth.Actor, d *dossier.Draft) error
	StoreBlob(ctx context.Context, r io.Reader) (*dossier.File, error)
	SubmitDraft(ctx context.Context, a *auth.Actor, id int64) (*dossier.Dossier, bool, error)
	Track(ctx context.Context, code string, proof dossier.TrackProof) (*dossier.Tracking, error)
	Upload(ctx context.Context, a *auth.Actor, code, component, name string, body io.Reader) (*dossier.File, error)
}

// Catalog reads the procedure catalog (*catalog.Store).
type Catalog interface {
	Get(ctx context.Context, code string) (catalog.Procedure, error)
	Search(ctx context.Context, q catalog.Query) ([]catalog.Summary, error)
	// Upcoming is the version scheduled to come into force next, if any.
	Upcoming(ctx context.Context, code string) (catalog.Procedure, bool, error)
}

// Units reads the administrative units (*unit.Store).
type Units interface {
	ByCode(ctx context.Context, code string) (unit.Unit, error)
	List(ctx context.Context) ([]unit.Unit, error)
}

// Ratings is the part of the rating service (*rating.Service) the portal uses.
type Ratings interface {
	Get(ctx context.Context, a *auth.Actor, code string) (*rating.Rating, error)
	Rate(ctx context.Context, a *auth.Actor, code, score, comment string) (*rating.Rating, error)
	RatedBy(ctx context.Context, a *auth.Actor) (map[string]bool, error)
}

// Notify is the part of the notification service (*notify.Service) the portal uses.
type Notify interface {
	MarkRead(ctx context.Context, userID int64) error
	Notices(ctx context.Context, userID int64, limit int) ([]notify.Notice, int, error)
	Prefs(ctx context.Context, userID int64) (notify.Prefs, error)
	SetPrefs(ctx context.Context, userID int64, p notify.Prefs) error
}

// Postal is the part of the postal service (*postal.Service) the portal uses.
type Postal interface {
	AddressOf(ctx context.Context, d *dossier.Dossier) (postal.Address, error)
	Areas(ctx context.Context) ([]postal.Province, error)
	Check(ctx context.Context, a postal.Address) (postal.Address, error)
	DraftAddress(ctx context.Context, draftID int64) (postal.Address, error)
	Guess(ctx context.Context, text string) (postal.Address, error)
	Problems(ctx context.Context, a postal.Address) (postal.Address, map[string]*problem.Error, error)
	SaveDraftAddress(ctx context.Context, draftID int64, a postal.Address) error
	SetAddress(ctx context.Context, a *auth.Actor, code string, addr postal.Address) (postal.Address, error)
	ShipmentOf(ctx context.Context, d *dossier.Dossier) (*postal.Shipment, error)
	Track(ctx context.Context, code string) (*postal.Public, error)
}

// ESign gives the link to a dossier's signed e-result (package esign),
// empty when there is none.
type ESign interface {
	Links(ctx context.Context, a *auth.Actor, d *dossier.Dossier) (sign, download string)
}

// Payments is the part of the payment service (*payment.Service) the portal uses.
type Payments interface {
	Fees(ctx context.Context, a *auth.Actor, code string) (*payment.Fees, error)
	Gateway() payment.Gateway
	Owed(ctx context.Context, codes []string) (map[string]*payment.Payment, error)
	Receipt(ctx context.Context, a *auth.Actor, code, ref string) (*payment.Receipt, error)
	Return(ctx context.Context, q url.Values) (*payment.Returned, error)
	Start(ctx context.Context, a *auth.Actor, code string, in payment.StartInput) (p *payment.Payment, created bool, err error)
}

// Population is the population database's once-only data (*dancu.Service).
type Population interface {
	Enabled() bool
	Lookup(ctx context.Context, a *auth.Actor, r dancu.Request) (*dancu.Person, error)
	About(ctx context.Context, a *auth.Actor) ([]dancu.Record, error)
}

// MyData answers the citizen's rights over their personal data
// (*mydata.Service): the download, the consents, who read their dossiers.
type MyData interface {
	Export(ctx context.Context, a *auth.Actor, w io.Writer) error
	Consents(ctx context.Context, a *auth.Actor) ([]mydata.Consent, error)
	Withdraw(ctx context.Context, a *auth.Actor, purpose string, id int64) error
	Give(ctx context.Context, a *auth.Actor, purpose string) error
	Accesses(ctx context.Context, a *auth.Actor, code string) ([]mydata.Access, error)
}

// Land is the land registry's lookups for a citizen (*land.Service): their
// parcels, and a parcel by number or serial only when it is theirs.
type Land interface {
	Held(ctx context.Context, a *auth.Actor) ([]*land.Parcel, error)
	Parcel(ctx context.Context, a *auth.Actor, commune, sheet, number string) (*land.Parcel, error)
	Certified(ctx context.Context, a *auth.Actor, serial string) (*land.Parcel, error)
	// RecordsOf is the commune whose registry a unit files in (a service
	// centre's commune).
	RecordsOf(ctx context.Context, unitCode string) (string, error)
}
