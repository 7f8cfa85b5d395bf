package postal

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/calendar"
	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/store"
)

// Shipment is the order placed with the post for one dossier's result.
type Shipment struct {
	DossierCode   string     `json:"dossier"`
	Reference     string     `json:"reference"`
	ItemCode      string     `json:"item_code,omitempty"`
	Service       string     `json:"service"`
	COD           int64      `json:"cod_amount"`
	ReceiverName  string     `json:"receiver_name"`
	ReceiverPhone string     `json:"receiver_phone"`
	Address       Address    `json:"address"`
	AddressLine   string     `json:"address_line"`
	CreatedBy     string     `json:"created_by"`
	CreatedAt     time.Time  `json:"created_at"`
	HandedOverAt  *time.Time `json:"handed_over_at,omitempty"`
	// Status is the latest event by the time the post gives it (not by
	// arrival), or StatusCreated before any.
	Status     Status    `json:"status"`
	StatusName string    `json:"status_name"`
	StatusAt   time.Time `json:"status_at"`
	Location   string    `json:"location,omitempty"`
	Events     []Event   `json:"events"`

	id        int64
	claimedAt int64
}

// CreateInput is the officer's shipment form.
type CreateInput struct {
	// Version, when set, must be the dossier's version the officer saw.
	Version       int64   `json:"version,omitempty"`
	ReceiverName  string  `json:"receiver_name"`
	ReceiverPhone string  `json:"receiver_phone"`
	Address       Address `json:"address"`
	Service       string  `json:"service"`
	// COD is the amount the postman collects from the receiver (fees not
	// yet paid), in đồng; 0 for none.
	COD int64 `json:"cod_amount"`
}

// claimTTL is how long one request may hold a shipment it is placing; a
// request that died holding it is taken over after this.
const claimTTL = time.Minute

// maxCOD is the largest amount a postman is asked to collect.
const maxCOD = 50_000_000

var phoneRE = regexp.MustCompile(`^(0|\+84)\d{9,10}$`)

const selectShipment = `SELECT id, dossier_code, reference, COALESCE(item_code, ''), service, cod_amount, receiver_name,
	receiver_phone, province_code, commune_code, detail, receiver_address, created_by_name, created_at, claimed_at, handed_over_at
	FROM postal_shipments`

func scanShipment(sc interface{ Scan(...any) error }) (*Shipment, error) {
	var sh Shipment
	var created int64
	var handed sql.NullInt64
	err := sc.Scan(&sh.id, &sh.DossierCode, &sh.Reference, &sh.ItemCode, &sh.Service, &sh.COD, &sh.ReceiverName,
		&sh.ReceiverPhone, &sh.Address.ProvinceCode, &sh.Address.CommuneCode, &sh.Address.Detail, &sh.AddressLine,
		&sh.CreatedBy, &created, &sh.claimedAt, &handed)
	if err != nil {
		return nil, err
	}
	sh.CreatedAt = fromMs(created)
	if handed.Valid {
		t := fromMs(handed.Int64)
		sh.HandedOverAt = &t
	}
	return &sh, nil
}

var errNoShipment = problem.NotFound("shipment_not_found")

// active returns the dossier's shipment that is not cancelled.
func (s *Service) active(ctx context.Context, q store.Querier, code string) (*Shipment, error) {
	sh, err := scanShipment(q.QueryRowContext(ctx, selectShipment+` WHERE dossier_code = ? AND cancelled_at IS NULL`, code))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errNoShipment
	}
	return sh, err
}

// Create places the dossier's result with the post and hands it over: the
// officer's deliver action runs once the post has answered with an item
// code (see the package comment for the order of effects). Only an
// officer who may deliver the dossier now may create its shipment.
func (s *Service) Create(ctx context.Context, a *auth.Actor, code string, in CreateInput) (*Shipment, error) {
	// Whether a may see the dossier comes first: the answer must not
	// differ between a hidden dossier and a missing connection.
	d, err := s.dossiers.Get(ctx, a, code)
	if err != nil {
		return nil, err
	}
	if s.cfg.Client == nil {
		return nil, problem.New(problem.ErrState, "postal_not_connected")
	}
	if d.Delivery != "post" {
		return nil, problem.New(problem.ErrState, "not_by_post")
	}
	existing, err := s.active(ctx, s.db, d.Code)
	if err != nil && !errors.Is(err, problem.ErrNotFound) {
		return nil, err
	}
	if existing != nil && (existing.HandedOverAt != nil || d.Status == dossier.Delivered) {
		return nil, problem.Conflict("shipment_exists", existing.ItemCode)
	}
	// The shipment hands the result over: place it only if delivery would be accepted now.
	if err := s.dossiers.CanAct(ctx, a, d.Code, dossier.Deliver, in.Version); err != nil {
		return nil, shipmentRefused(err)
	}
	sh := existing
	if sh == nil {
		if sh, err = s.reserve(ctx, a, d, in); err != nil {
			return nil, err
		}
	} else if err := s.claim(ctx, sh); err != nil {
		return nil, err
	}
	if sh.ItemCode == "" {
		if err := s.order(ctx, d, sh); err != nil {
			s.release(ctx, sh)
			s.cfg.Log.WarnContext(ctx, "postal: order not placed", "reference", sh.Reference, "err", err)
			return nil, err
		}
	}
	note := "Gửi kết quả qua bưu chính công ích, số hiệu bưu gửi " + sh.ItemCode + "."
	delivered, err := s.dossiers.Act(ctx, a, d.Code, dossier.Deliver, dossier.ActInput{Version: in.Version, Note: note})
	if err != nil {
		var pe *problem.Error
		if errors.As(err, &pe) && pe.Kind != nil {
			s.abandon(ctx, sh)
		} else {
			s.release(ctx, sh)
		}
		return nil, err
	}
	now := s.cfg.Now()
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE postal_shipments SET handed_over_at = ?, claimed_at = 0 WHERE id = ?`, now.UnixMilli(), sh.id); err != nil {
			return err
		}
		if s.cfg.Notifier == nil {
			return nil
		}
		return s.cfg.Notifier.ResultPosted(ctx, tx, delivered, sh.Reference, Carrier, sh.ItemCode)
	})
	if err != nil {
		// The dossier is delivered and the item is with the post; only the
		// notice is lost. Say so in the log rather than fail the hand-over.
		s.cfg.Log.ErrorContext(ctx, "postal: hand-over recorded without notice", "dossier", d.Code, "item", sh.ItemCode, "err", err)
	}
	return s.Shipment(ctx, a, d.Code)
}

// shipmentRefused gives dossier.CanAct's refusal of the delivery the
// shipment's own sentence (a variant of the same code, but for the state:
// "result not ready"); the rule is the lifecycle's.
func shipmentRefused(err error) error {
	var pe *problem.Error
	if !errors.As(err, &pe) {
		return err
	}
	switch pe.Code {
	case "invalid_transition":
		return problem.New(problem.ErrState, "result_not_ready.shipment")
	case "action_not_permitted":
		return problem.New(problem.ErrNotPermitted, "action_not_permitted.shipment")
	case "apology_required":
		return problem.New(problem.ErrState, "apology_required.shipment")
	}
	return err
}

// reserve checks the form and records the shipment before the post is
// asked, so its order code exists before the order does.
func (s *Service) reserve(ctx context.Context, a *auth.Actor, d *dossier.Dossier, in CreateInput) (*Shipment, error) {
	in.ReceiverName = strings.Join(strings.Fields(in.ReceiverName), " ")
	in.ReceiverPhone = strings.ReplaceAll(strings.TrimSpace(in.ReceiverPhone), " ", "")
	if in.Service == "" {
		in.Service = ServiceExpress
	}
	switch {
	case in.ReceiverName == "" || utf8.RuneCountInString(in.ReceiverName) > 200:
		return nil, problem.Invalid("receiver_name", "receiver_name_required")
	case !phoneRE.MatchString(in.ReceiverPhone):
		return nil, problem.Invalid("receiver_phone", "invalid_phone.receiver")
	case !slices.Contains(Services, in.Service):
		return nil, problem.Invalid("service", "invalid_service")
	case in.COD < 0 || in.COD > maxCOD:
		return nil, problem.Invalid("cod_amount", "invalid_cod")
	}
	addr, err := s.Check(ctx, in.Address)
	if err != nil {
		return nil, err
	}
	now := s.cfg.Now().UnixMilli()
	sh := &Shipment{DossierCode: d.Code, Service: in.Service, COD: in.COD, ReceiverName: in.ReceiverName, ReceiverPhone: in.ReceiverPhone,
		Address: addr, AddressLine: addr.Line(), CreatedBy: a.FullName, claimedAt: now}
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		// The order code needs the row's id; a placeholder keeps it unique until then.
		err := tx.QueryRowContext(ctx, `INSERT INTO postal_shipments (dossier_code, reference, service, cod_amount, receiver_name,
			receiver_phone, province_code, commune_code, detail, receiver_address, created_by, created_by_name, created_at, claimed_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			d.Code, fmt.Sprintf("pending-%s-%d", d.Code, now), sh.Service, sh.COD, sh.ReceiverName, sh.ReceiverPhone,
			addr.ProvinceCode, addr.CommuneCode, addr.Detail, sh.AddressLine, a.ID, a.FullName, now, now).Scan(&sh.id)
		if err != nil {
			return err
		}
		sh.Reference = fmt.Sprintf("MC-%s-%d", d.Code, sh.id)
		_, err = tx.ExecContext(ctx, `UPDATE postal_shipments SET reference = ? WHERE id = ?`, sh.Reference, sh.id)
		return err
	})
	if store.IsUniqueViolation(err) {
		return nil, problem.Conflict("shipment_in_progress")
	}
	return sh, err
}

// claim takes over a shipment whose placing request is over (or died):
// only one request at a time places an order or delivers.
func (s *Service) claim(ctx context.Context, sh *Shipment) error {
	now := s.cfg.Now().UnixMilli()
	res, err := s.db.ExecContext(ctx, `UPDATE postal_shipments SET claimed_at = ? WHERE id = ? AND claimed_at = ? AND claimed_at < ?`,
		now, sh.id, sh.claimedAt, now-claimTTL.Milliseconds())
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n != 1 {
		return problem.Conflict("shipment_in_progress")
	}
	sh.claimedAt = now
	return nil
}

// release lets another attempt resume the shipment at once.
func (s *Service) release(ctx context.Context, sh *Shipment) {
	if _, err := s.db.ExecContext(ctx, `UPDATE postal_shipments SET claimed_at = 0 WHERE id = ?`, sh.id); err != nil {
		s.cfg.Log.ErrorContext(ctx, "postal: release shipment", "reference", sh.Reference, "err", err)
	}
}

// order asks the post for the item and records its code.
func (s *Service) order(ctx context.Context, d *dossier.Dossier, sh *Shipment) error {
	sender, err := s.sender(ctx, d)
	if err != nil {
		return err
	}
	reply, err := s.cfg.Client.Create(ctx, WireOrder{
		OrderCode: sh.Reference, ServiceCode: wireServices[sh.Service],
		SenderName: sender.name, SenderAddress: sender.line,
		ReceiverName: sh.ReceiverName, ReceiverPhone: sh.ReceiverPhone, ReceiverAddress: sh.AddressLine,
		ReceiverProvince: sh.Address.Province, ReceiverDistrict: sh.Address.District, ReceiverCommune: sh.Address.Commune,
		ReceiverProvinceID: sh.Address.ProvinceCode, ReceiverCommuneID: sh.Address.CommuneCode,
		ItemName: ItemName + " — hồ sơ " + d.Code, CODAmount: sh.COD, WeightGram: 200, IsAdministrativeDoc: true,
	})
	if err != nil {
		return err
	}
	if !ValidS10(reply.ItemCode) {
		return fmt.Errorf("%w (order %s: item code %q fails the S10 check)", errUnavailable, sh.Reference, reply.ItemCode)
	}
	if _, err := s.db.ExecContext(ctx, `UPDATE postal_shipments SET item_code = ? WHERE id = ?`, reply.ItemCode, sh.id); err != nil {
		return err
	}
	sh.ItemCode = reply.ItemCode
	return nil
}

// abandon cancels an order whose hand-over the lifecycle refused (a late
// result without apology, a colleague's concurrent action…).
func (s *Service) abandon(ctx context.Context, sh *Shipment) {
	if err := s.cfg.Client.Cancel(ctx, sh.ItemCode); err != nil {
		s.cfg.Log.ErrorContext(ctx, "postal: cancel at the post failed; cancel it by hand", "item", sh.ItemCode, "reference", sh.Reference, "err", err)
	}
	if _, err := s.db.ExecContext(ctx, `UPDATE postal_shipments SET cancelled_at = ?, claimed_at = 0 WHERE id = ?`, s.cfg.Now().UnixMilli(), sh.id); err != nil {
		s.cfg.Log.ErrorContext(ctx, "postal: mark shipment cancelled", "reference", sh.Reference, "err", err)
	}
}

type senderInfo struct{ name, line string }

// sender is the receiving unit (whose desk hands the result over) and the
// place it is in: "UBND xã Gia Lâm", "xã Gia Lâm, huyện Nho Quan, tỉnh Ninh Bình".
func (s *Service) sender(ctx context.Context, d *dossier.Dossier) (senderInfo, error) {
	u, err := s.units.ByCode(ctx, d.ReceivingUnit)
	if err != nil {
		return senderInfo{}, err
	}
	chain, err := s.units.Ancestors(ctx, s.db, u.ID)
	if err != nil {
		return senderInfo{}, err
	}
	var places []string
	for _, c := range chain {
		places = append(places, placeName(c))
	}
	return senderInfo{name: u.Name, line: strings.Join(places, ", ")}, nil
}

// Shipment returns the dossier's shipment with its events, to whoever may
// see the dossier.
func (s *Service) Shipment(ctx context.Context, a *auth.Actor, code string) (*Shipment, error) {
	d, err := s.dossiers.Get(ctx, a, code)
	if err != nil {
		return nil, err
	}
	return s.ShipmentOf(ctx, d)
}

// ShipmentOf is Shipment for a dossier the caller already holds: one
// dossier.Service returned to the actor, so whether they may see it is settled.
func (s *Service) ShipmentOf(ctx context.Context, d *dossier.Dossier) (*Shipment, error) {
	sh, err := s.active(ctx, s.db, d.Code)
	if err != nil {
		return nil, err
	}
	if sh.Address, err = s.named(ctx, sh.Address); err != nil {
		return nil, err
	}
	return sh, s.withEvents(ctx, sh)
}

// fromMs reads a stored time as Vietnam time, as the rest of motcua shows it.
func fromMs(ms int64) time.Time { return time.UnixMilli(ms).In(calendar.Zone) }
