// Package webhook tells integrating systems what happened: it owns the
// subscriptions (webhook_subscriptions, and webhook_subscription_units for
// the units of those made through the API, own.go), the events (webhook_events, with a
// public id that only grows, per webhook_sequence; on PostgreSQL staged
// unnumbered in webhook_staged until their act commits, number.go) and
// the outbox of deliveries (webhook_deliveries).
//
// Listeners of dossier.Transitioned and payment.FeePaid write, in the act's
// own transaction, one event row and one delivery per matching subscription
// (its types, its unit or a unit below it). A leased, retried Worker POSTs
// each delivery, signed in the manner of the Standard Webhooks
// specification, a dossier's events to a subscription in order. The same
// events are read by pollers through Feed (GET /api/v1/events). See
// docs/webhooks.md.
package webhook

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/document"
	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/event"
	"github.com/motcua/motcua/payment"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/unit"
)

// Units is what the service reads of the unit tree (*unit.Store).
type Units interface {
	ByCodeTx(ctx context.Context, tx *store.Tx, code string) (unit.Unit, error)
	ByCode(ctx context.Context, code string) (unit.Unit, error)
	Chain(ctx context.Context, q store.Querier, id int64) ([]int64, error)
	Reach(ctx context.Context, q store.Querier, a *auth.Actor, r auth.Right) ([]int64, error)
}

// Config is what the service needs besides the database.
type Config struct {
	Now   func() time.Time
	Units Units
	// Guard decides which addresses a subscription may name; nil: the
	// default guard (no private address allowed).
	Guard *Guard
	// Bus carries the audit rows (event.Security) of the subscriptions
	// made, rotated and stopped through the API.
	Bus *event.Bus
}

// Service keeps subscriptions and events.
type Service struct {
	db  *store.DB
	cfg Config
	// numbering runs the numbering steps of this process's acts, one at
	// a time, each for every act that committed before it (number.go).
	numbering *rounds
}

// New returns the service.
func New(db *store.DB, cfg Config) *Service {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Guard == nil {
		cfg.Guard = &Guard{}
	}
	return &Service{db: db, cfg: cfg, numbering: &rounds{db: db}}
}

// Types are the event types, in the order the docs list them.
var Types = []string{
	"dossier.submitted", "dossier.received", "dossier.step_done", "dossier.sent_back",
	"dossier.supplement_requested", "dossier.supplemented", "dossier.result_ready", "dossier.refused",
	"dossier.delivered", "dossier.withdrawn", "dossier.stopped", "dossier.paused", "dossier.resumed",
	"dossier.consulted", "dossier.answer_recorded", "dossier.transferred", "dossier.apologized",
	"dossier.updated", "payment.paid", "document.issued",
}

// actionTypes maps the lifecycle's actions to event types; an action not
// listed (a new one) is published as dossier.updated.
var actionTypes = map[dossier.Action]string{
	dossier.SubmitAction: "dossier.submitted", dossier.Receive: "dossier.received",
	dossier.Forward: "dossier.step_done", dossier.SendBack: "dossier.sent_back",
	dossier.RequestSupplement: "dossier.supplement_requested", dossier.Supplement: "dossier.supplemented",
	dossier.Approve: "dossier.result_ready", dossier.Refuse: "dossier.refused",
	dossier.Deliver: "dossier.delivered", dossier.Withdraw: "dossier.withdrawn",
	dossier.AcknowledgeWithdrawal: "dossier.withdrawn", dossier.Stop: "dossier.stopped",
	dossier.Lapse: "dossier.stopped", dossier.PauseClock: "dossier.paused", dossier.ResumeClock: "dossier.resumed",
	dossier.Consult: "dossier.consulted", dossier.RecordAnswer: "dossier.answer_recorded",
	dossier.Transfer: "dossier.transferred", dossier.Apologize: "dossier.apologized",
}

// TypeOf is the event type of a lifecycle action.
func TypeOf(a dossier.Action) string {
	if t, ok := actionTypes[a]; ok {
		return t
	}
	return "dossier.updated"
}

// Subscribe registers the listeners on bus.
func (s *Service) Subscribe(bus *event.Bus) {
	event.Subscribe(bus, "webhook.Transitioned", s.OnTransitioned)
	event.Subscribe(bus, "webhook.FeePaid", s.OnFeePaid)
}

// SubscribeDocuments registers the listener of issued documents on bus;
// server/events.go calls it after the audit log's (subscribeDocuments).
func (s *Service) SubscribeDocuments(bus *event.Bus) {
	event.Subscribe(bus, "webhook.DocumentIssued", s.OnDocumentIssued)
}

// Data is an event's content: codes and states, never the applicant's
// name, number or form (an integrator that needs them reads the dossier
// through the API, under its own rights).
type Data struct {
	// Dossier is set on every dossier and payment event, and on a
	// document event when the document is a dossier's result.
	Dossier       string `json:"dossier,omitempty"`
	Procedure     string `json:"procedure,omitempty"`
	Unit          string `json:"unit"`
	ReceivingUnit string `json:"receiving_unit,omitempty"`
	Action        string `json:"action,omitempty"`
	Status        string `json:"status,omitempty"`
	Step          int    `json:"step,omitempty"`
	DueAt         string `json:"due_at,omitempty"`
	Payment       string `json:"payment,omitempty"`
	Amount        int64  `json:"amount,omitempty"`
	// Document is the document of a document.issued event.
	Document *DocumentData `json:"document,omitempty"`
}

// DocumentData is an issued document's registry entry as integrators see
// it: its id (GET /api/v1/documents/{id}), number and symbol, type,
// subject, organ and issued date — never its file.
type DocumentData struct {
	ID           int64  `json:"id"`
	NumberSymbol string `json:"number_symbol"`
	CodeNumber   string `json:"code_number"`
	CodeNotation string `json:"code_notation"`
	Type         string `json:"type"`
	TypeName     string `json:"type_name,omitempty"`
	Subject      string `json:"subject"`
	Organ        string `json:"organ"`
	IssuedDate   string `json:"issued_date"`
}

// Event is one event as delivered and as listed by the feed.
type Event struct {
	ID        string    `json:"id"`
	Type      string    `json:"type"`
	Timestamp time.Time `json:"timestamp"`
	Data      Data      `json:"data"`
}

// EventID is the public id of event n ("evt_<n>"): the webhook-id header.
func EventID(n int64) string { return "evt_" + strconv.FormatInt(n, 10) }

// OnTransitioned records an act on a dossier.
func (s *Service) OnTransitioned(ctx context.Context, tx *store.Tx, e dossier.Transitioned) error {
	d := e.Dossier
	data := Data{Dossier: d.Code, Procedure: d.Procedure, Unit: d.Unit, ReceivingUnit: d.ReceivingUnit,
		Action: string(e.Action), Status: string(d.Status), Step: d.Step}
	if d.DueAt != nil {
		data.DueAt = d.DueAt.UTC().Format(time.RFC3339)
	}
	// The dossier names its units' ids: not looked up by code again.
	return s.recordAt(ctx, tx, TypeOf(e.Action), e.At, data, d.UnitID(), d.ReceivingUnitID())
}

// OnFeePaid records a fee confirmed by a gateway or at the desk.
func (s *Service) OnFeePaid(ctx context.Context, tx *store.Tx, e payment.FeePaid) error {
	return s.record(ctx, tx, "payment.paid", e.At, Data{Dossier: e.Dossier, Unit: e.Unit, Payment: e.Ref, Amount: e.Amount})
}

// OnDocumentIssued records an outgoing document issued (by the clerk, or
// a one-stop result registered in the outgoing register) for the
// subscriptions of its organ and the units above it.
func (s *Service) OnDocumentIssued(ctx context.Context, tx *store.Tx, e document.Issued) error {
	d := e.Document
	return s.record(ctx, tx, "document.issued", e.At, Data{Dossier: d.Dossier, Unit: d.Unit, Action: string(e.Action),
		Status: string(d.State), Document: &DocumentData{ID: d.ID, NumberSymbol: d.NumberSymbol, CodeNumber: d.CodeNumber,
			CodeNotation: d.CodeNotation, Type: d.Type, TypeName: d.TypeName, Subject: d.Subject, Organ: d.Unit, IssuedDate: d.IssuedDate}})
}

// record writes the event and its deliveries in tx.
func (s *Service) record(ctx context.Context, tx *store.Tx, typ string, at time.Time, data Data) error {
	return s.recordAt(ctx, tx, typ, at, data, 0, 0)
}

// recordAt is record with the ids of the holding and the receiving unit
// given when the caller has them (0: looked up by data's codes), so a
// dossier's act asks nothing of units but their chain in its transaction.
func (s *Service) recordAt(ctx context.Context, tx *store.Tx, typ string, at time.Time, data Data, heldID, receivingID int64) error {
	var held, receiving unit.Unit
	var err error
	if held.ID = heldID; heldID == 0 {
		if held, err = s.cfg.Units.ByCodeTx(ctx, tx, data.Unit); err != nil {
			return err
		}
	}
	receiving = held
	if receivingID != 0 {
		receiving.ID = receivingID
	} else if data.ReceivingUnit != "" && data.ReceivingUnit != data.Unit {
		if receiving, err = s.cfg.Units.ByCodeTx(ctx, tx, data.ReceivingUnit); err != nil {
			return err
		}
	}
	// The worker delivers the events of one key in order: a dossier's,
	// or an issued document's that belongs to no dossier.
	key := data.Dossier
	if key == "" && data.Document != nil {
		key = "document:" + strconv.FormatInt(data.Document.ID, 10)
	}
	subs, err := s.subscribers(ctx, tx, typ, held.ID, receiving.ID)
	if err != nil {
		return err
	}
	now := s.cfg.Now().UnixMilli()
	if s.db.Dialect == store.Postgres {
		// Numbered after the commit (number.go): no act holds the one
		// sequence row through its COMMIT, which queued every act of
		// the system behind the one before (issue 15). Staged just before
		// COMMIT, so the staged order is near the commit order.
		tx.BeforeCommit(func() error { return s.stage(ctx, tx, typ, key, held.ID, receiving.ID, at, data, subs, now) })
		// The act has committed whatever this says: an event left
		// unnumbered here is the Worker's (numberLoop).
		tx.AfterCommit(func() { s.numbering.after(ctx) })
		return nil
	}
	// SQLite, one writer: the event's number comes from the one sequence
	// row, whose lock orders the events by commit, at no cost (the group
	// commit's COMMIT is shared). It is taken just before COMMIT
	// (store.Tx.BeforeCommit), with the event and its deliveries.
	tx.BeforeCommit(func() error {
		var id int64
		if err := tx.QueryRowContext(ctx, `UPDATE webhook_sequence SET last_id = last_id + 1 WHERE name = 'events' RETURNING last_id`).Scan(&id); err != nil {
			return err
		}
		body, err := eventBody(id, typ, at, data)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO webhook_events (id, type, dossier_code, unit_id, receiving_unit_id, at, payload)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, id, typ, key, held.ID, receiving.ID, at.UnixMilli(), string(body)); err != nil {
			return err
		}
		for _, sub := range subs {
			if _, err := tx.ExecContext(ctx, `INSERT INTO webhook_deliveries (subscription_id, event_id, dossier_code, status, next_attempt_at, created_at)
				VALUES (?, ?, ?, 'pending', ?, ?)`, sub, id, key, now, now); err != nil {
				return err
			}
		}
		return nil
	})
	return nil
}

// subscribers are the active subscriptions to typ made at the unit held
// or receiving, or at one above either.
func (s *Service) subscribers(ctx context.Context, tx *store.Tx, typ string, held, receiving int64) ([]int64, error) {
	var scope []int64
	for _, u := range slices.Compact([]int64{held, receiving}) {
		chain, err := s.cfg.Units.Chain(ctx, tx, u)
		if err != nil {
			return nil, err
		}
		scope = append(scope, chain...)
	}
	slices.Sort(scope)
	scope = slices.Compact(scope)
	args := make([]any, len(scope))
	for i, u := range scope {
		args[i] = u
	}
	// A subscription made through the API may cover several units
	// (webhook_subscription_units).
	in := store.Placeholders(len(scope))
	rows, err := tx.QueryContext(ctx, `SELECT id, types FROM webhook_subscriptions WHERE active = 1 AND (unit_id IN (`+in+`)
		OR id IN (SELECT subscription_id FROM webhook_subscription_units WHERE unit_id IN (`+in+`))) ORDER BY id`, append(args, args...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var subs []int64
	for rows.Next() {
		var sub int64
		var types string
		if err := rows.Scan(&sub, &types); err != nil {
			return nil, err
		}
		if slices.Contains(strings.Fields(types), typ) {
			subs = append(subs, sub)
		}
	}
	return subs, rows.Err()
}

// Subscription is one integrator's subscription, without its secret.
type Subscription struct {
	ID    int64    `json:"id"`
	URL   string   `json:"url"`
	Types []string `json:"types"`
	// Unit is the unit's code (set by Create); UnitID its id.
	Unit      string    `json:"unit,omitempty"`
	UnitID    int64     `json:"-"`
	Active    bool      `json:"active"`
	CreatedAt time.Time `json:"created_at"`
	// Units are the codes of every unit it covers (the API's; the admin
	// page's subscriptions have Unit only).
	Units []string `json:"units,omitempty"`
	// OldSecretUntil: a rotated-out secret signs beside the new one until
	// then (RotateSecret); absent outside a rotation's grace.
	OldSecretUntil *time.Time `json:"old_secret_until,omitempty"`
	// Pending, Failed and Sent count its deliveries.
	Pending int `json:"pending"`
	Failed  int `json:"failed"`
	Sent    int `json:"sent"`
}

// NewSubscription is what an owner asks for.
type NewSubscription struct {
	URL   string
	Types []string
	Unit  string
}

// Create adds a subscription for a's unit (a must manage it) and returns
// it with its signing secret, which is shown this once.
func (s *Service) Create(ctx context.Context, a *auth.Actor, in NewSubscription) (Subscription, string, error) {
	u, err := s.managed(ctx, a, in.Unit)
	if err != nil {
		return Subscription{}, "", err
	}
	if err := s.cfg.Guard.CheckURL(ctx, in.URL); err != nil {
		return Subscription{}, "", err
	}
	if len(in.Types) == 0 {
		return Subscription{}, "", problem.Invalid("types", "webhook_types_invalid")
	}
	for _, t := range in.Types {
		if !slices.Contains(Types, t) {
			return Subscription{}, "", problem.Invalid("types", "webhook_types_invalid")
		}
	}
	secret := newSecret()
	now := s.cfg.Now()
	var id int64
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		return tx.QueryRowContext(ctx, `INSERT INTO webhook_subscriptions (url, secret, types, unit_id, owner_kind, owner_id, created_at)
			VALUES (?, ?, ?, ?, 'user', ?, ?) RETURNING id`, in.URL, secret, strings.Join(in.Types, " "), u.ID, a.ID, now.UnixMilli()).Scan(&id)
	})
	if err != nil {
		return Subscription{}, "", err
	}
	return Subscription{ID: id, URL: in.URL, Types: in.Types, Unit: u.Code, UnitID: u.ID, Active: true, CreatedAt: now}, secret, nil
}

// managed is the unit code names if a manages it.
func (s *Service) managed(ctx context.Context, a *auth.Actor, code string) (unit.Unit, error) {
	u, err := s.cfg.Units.ByCode(ctx, code)
	if err != nil {
		return unit.Unit{}, err
	}
	chain, err := s.cfg.Units.Chain(ctx, s.db, u.ID)
	if err != nil {
		return unit.Unit{}, err
	}
	if !a.Can(auth.ManageUnits, chain) {
		return unit.Unit{}, problem.Forbidden("not_your_unit")
	}
	return u, nil
}

// reach is the units whose events a may see: those where it reads
// dossiers or manages the unit.
func (s *Service) reach(ctx context.Context, a *auth.Actor) ([]any, error) {
	var out []any
	seen := map[int64]bool{}
	for _, r := range []auth.Right{auth.ReadDossier, auth.ManageUnits} {
		ids, err := s.cfg.Units.Reach(ctx, s.db, a, r)
		if err != nil {
			return nil, err
		}
		for _, id := range ids {
			if !seen[id] {
				seen[id] = true
				out = append(out, id)
			}
		}
	}
	return out, nil
}

var errNoSub = problem.NotFound("unknown_subscription")

// subscription reads subscription id if a manages its unit.
func (s *Service) subscription(ctx context.Context, a *auth.Actor, id int64) (int64, error) {
	var unitID int64
	err := s.db.QueryRowContext(ctx, `SELECT unit_id FROM webhook_subscriptions WHERE id = ?`, id).Scan(&unitID)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, errNoSub
	}
	if err != nil {
		return 0, err
	}
	chain, err := s.cfg.Units.Chain(ctx, s.db, unitID)
	if err != nil {
		return 0, err
	}
	if !a.Can(auth.ManageUnits, chain) {
		return 0, errNoSub // another unit's: as if it did not exist
	}
	return unitID, nil
}
