// Package postal owns the return of results by public postal service
// (bưu chính công ích, Decision 45/2016/QĐ-TTg): the applicant's postal
// address chosen from the province and commune lists, shipments placed
// with the post through its API (Client; package postsim stands in for it
// in tests and the demo), and the tracking events the post sends back to
// a signed webhook.
//
// # Who delivers the dossier
//
// The lifecycle table gives the deliver action to the reception officer of
// the receiving unit and to nobody else. Postal delivery keeps it that way:
// the officer's creation of a shipment is the hand-over. Create places the
// order with the post and then runs dossier.Deliver as that officer, with
// the note "Gửi kết quả qua bưu chính công ích, số hiệu bưu gửi …", so the
// dossier is delivered when the result leaves the one-stop desk in the
// post's hands — the moment the desk's responsibility for returning it
// ends and the time the post takes stops counting against the processing
// deadline [M: Decision 45/2016, to confirm against the current text].
// Everything the post reports afterwards (accepted, in transit, out for
// delivery, delivered, failed, returned) is tracking information shown on
// the dossier and tracking pages; it never changes the dossier's state.
// There is no system actor and no hidden transition: a failed or returned
// item is for the desk to follow up by phone, not for a webhook to undo.
// A late result still needs its apology (Mẫu 04) first: Create refuses
// before contacting the post, and Deliver enforces it again.
//
// # Order of effects
//
// Placing an order (the post) and delivering the dossier (our database)
// cannot share a transaction. Create therefore first records the shipment
// with its own order code (a repeated order code is the same order at the
// post), then asks the post, then runs Deliver. If Deliver is refused, the
// order is cancelled at the post and the shipment row marked cancelled. If
// anything fails in between, the row stays and a later attempt resumes
// it with the same order code, so the post never sees two orders.
package postal

import (
	"context"
	"log/slog"
	"time"

	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/unit"
)

// Status is where a shipment is, as motcua shows it.
type Status string

const (
	StatusCreated        Status = "created"          // ordered, awaiting collection at the desk
	StatusAccepted       Status = "accepted"         // collected by the post (chấp nhận gửi)
	StatusInTransit      Status = "in_transit"       // between post offices
	StatusOutForDelivery Status = "out_for_delivery" // with the postman
	StatusDelivered      Status = "delivered"        // phát thành công
	StatusFailed         Status = "failed"           // a delivery attempt failed
	StatusReturned       Status = "returned"         // returned to the sender (chuyển hoàn)
	StatusCancelled      Status = "cancelled"        // the order was cancelled
	StatusOther          Status = "other"            // a code this version does not know
)

// Statuses lists every status, in the usual order of a shipment's life.
var Statuses = []Status{StatusCreated, StatusAccepted, StatusInTransit, StatusOutForDelivery,
	StatusDelivered, StatusFailed, StatusReturned, StatusCancelled, StatusOther}

// Name is the Vietnamese name of a status (pages translate by key).
func (s Status) Name() string {
	switch s {
	case StatusCreated:
		return "Đã tạo vận đơn, chờ bưu điện nhận"
	case StatusAccepted:
		return "Bưu điện đã nhận gửi"
	case StatusInTransit:
		return "Đang vận chuyển"
	case StatusOutForDelivery:
		return "Đang phát"
	case StatusDelivered:
		return "Phát thành công"
	case StatusFailed:
		return "Phát không thành công"
	case StatusReturned:
		return "Đã chuyển hoàn"
	case StatusCancelled:
		return "Đã hủy"
	}
	return "Cập nhật khác"
}

// rank breaks ties between events reported at the same time: the one
// further along wins.
func (s Status) rank() int {
	switch s {
	case StatusAccepted:
		return 1
	case StatusInTransit:
		return 2
	case StatusOutForDelivery:
		return 3
	case StatusFailed:
		return 4
	case StatusDelivered, StatusReturned:
		return 5
	case StatusCancelled:
		return 6
	}
	return 0
}

// Service choices for the officer; the post's codes are in wireServices.
const (
	ServiceExpress  = "express"  // chuyển phát nhanh
	ServiceStandard = "standard" // bưu kiện thường
)

// Services lists the service choices, the default first.
var Services = []string{ServiceExpress, ServiceStandard}

// ItemName is what the label says the item contains.
const ItemName = "Kết quả giải quyết TTHC"

// Carrier is the post's name as the applicant is told it.
const Carrier = "Bưu điện Việt Nam (VNPost)"

// Notifier tells the applicant their result left by post (package notify).
type Notifier interface {
	// ResultPosted writes the notice inside tx; ref identifies the shipment.
	ResultPosted(ctx context.Context, tx *store.Tx, d *dossier.Dossier, ref, carrier, tracking string) error
}

// Config tunes the service.
type Config struct {
	// Client reaches the post's API; nil means no postal connection is
	// configured: shipments cannot be created and pages say so.
	Client *Client
	// WebhookSecret is the HMAC key shared with the post. Empty: every
	// webhook is refused (nothing can be verified).
	WebhookSecret string
	// Notifier, when set, is called in the transaction that completes a
	// hand-over to the post ("kết quả đã được gửi qua bưu chính").
	Notifier Notifier
	Now      func() time.Time
	Log      *slog.Logger
}

// Service is postal delivery: addresses, shipments, tracking.
type Service struct {
	db       *store.DB
	dossiers *dossier.Service
	units    *unit.Store
	cfg      Config
}

// NewService wires a Service.
func NewService(db *store.DB, ds *dossier.Service, units *unit.Store, cfg Config) *Service {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	return &Service{db: db, dossiers: ds, units: units, cfg: cfg}
}

// Connected reports whether a postal API is configured.
func (s *Service) Connected() bool { return s.cfg.Client != nil }
