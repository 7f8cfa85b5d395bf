// Package payment owns fees and their online payment: computing a
// dossier's fees from its procedure (fixed, per page with tiers, per copy,
// caps, exempted groups), the fee demand an officer sends the applicant,
// payment through a gateway (VNPAY v2.1.0, the national platform PayGov's
// shape), the gateway's IPN handled idempotently, expiry of abandoned
// orders, the electronic fee receipt (biên lai) and the daily
// reconciliation against the gateway's list. It owns the tables payments,
// payment_events, payment_callbacks and payment_sequences.
//
// Only a verified IPN marks a payment paid: the payer's return from the
// gateway is shown, never trusted, so whichever of the two arrives first
// the payment ends in the same state.
package payment

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"time"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/calendar"
	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/event"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/unit"
)

// Payment is one fee demand of a dossier and, once started, its order at
// the gateway (Ref is the gateway's transaction reference).
type Payment struct {
	Ref           string     `json:"ref"`
	Dossier       string     `json:"dossier"`
	State         State      `json:"state"`
	StateName     string     `json:"state_name"`
	Amount        int64      `json:"amount"`
	AmountWords   string     `json:"amount_in_words"`
	Lines         []FeeLine  `json:"lines"`
	Gateway       string     `json:"gateway,omitempty"`
	PaymentURL    string     `json:"payment_url,omitempty"`
	Payer         string     `json:"payer"`
	Unit          string     `json:"unit"`
	UnitName      string     `json:"unit_name"`
	CreatedAt     time.Time  `json:"created_at"`
	StartedAt     *time.Time `json:"started_at,omitempty"`
	ExpiresAt     *time.Time `json:"expires_at,omitempty"`
	PaidAt        *time.Time `json:"paid_at,omitempty"`
	GatewayTxn    string     `json:"gateway_txn,omitempty"`
	BankCode      string     `json:"bank_code,omitempty"`
	ReceiptNo     string     `json:"receipt_no,omitempty"`
	ReceiptSeries string     `json:"receipt_series,omitempty"`
	History       []Event    `json:"history,omitempty"`

	id, version, requestedBy int64
}

// Event is one immutable history entry of a payment.
type Event struct {
	At     time.Time `json:"at"`
	Actor  string    `json:"actor"`
	Action Action    `json:"action"`
	From   State     `json:"from"`
	To     State     `json:"to"`
	Note   string    `json:"note,omitempty"`
}

// Config tunes the service.
type Config struct {
	// Gateway takes online payments; nil: fees can be asked for and are
	// paid at the desk, nothing goes online.
	Gateway Gateway
	// ExpireAfter is how long an order stays payable (vnp_ExpireDate);
	// default 15 minutes, as VNPAY's examples use.
	ExpireAfter time.Duration
	// OnFeeRequested, when set, runs inside the transaction of an
	// officer's request, to tell the applicant (package notify, kind
	// fee_requested, linking to /ho-so/{code}/thanh-toan). An error rolls
	// the request back.
	OnFeeRequested func(ctx context.Context, tx *store.Tx, d *dossier.Dossier, p *Payment) error
	// Events receives FeePaid for every confirmed payment; nil publishes nothing.
	Events *event.Bus
	Log    *slog.Logger
	Now    func() time.Time
}

// Service runs fees and payments.
type Service struct {
	db       *store.DB
	dossiers *dossier.Service
	units    *unit.Store
	cfg      Config
}

// New wires a Service.
func New(db *store.DB, ds *dossier.Service, units *unit.Store, cfg Config) *Service {
	if cfg.ExpireAfter == 0 {
		cfg.ExpireAfter = 15 * time.Minute
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Service{db: db, dossiers: ds, units: units, cfg: cfg}
}

// Online reports whether a gateway is configured.
func (s *Service) Online() bool { return s.cfg.Gateway != nil }

// Gateway returns the configured gateway, or nil.
func (s *Service) Gateway() Gateway { return s.cfg.Gateway }

var (
	errNoPayment   = problem.NotFound("payment_not_found")
	errUnavailable = problem.New(problem.ErrState, "payment_unavailable.unit")
)

func needActor(a *auth.Actor) error {
	if a == nil {
		return problem.New(problem.ErrUnauthorized, "unauthorized")
	}
	return nil
}

const selectPayment = `SELECT id, ref, dossier_code, unit_code, unit_name, state, gateway, amount, lines, payer_name,
	payment_url, COALESCE(requested_by, 0), created_at, started_at, expires_at, paid_at, gateway_txn, bank_code,
	receipt_series, COALESCE(receipt_no, 0), version FROM payments`

func scanPayment(sc interface{ Scan(...any) error }) (*Payment, error) {
	var p Payment
	var lines string
	var created int64
	var started, expires, paid sql.NullInt64
	var receiptNo int64
	err := sc.Scan(&p.id, &p.Ref, &p.Dossier, &p.Unit, &p.UnitName, &p.State, &p.Gateway, &p.Amount, &lines, &p.Payer,
		&p.PaymentURL, &p.requestedBy, &created, &started, &expires, &paid, &p.GatewayTxn, &p.BankCode,
		&p.ReceiptSeries, &receiptNo, &p.version)
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(lines), &p.Lines); err != nil {
		return nil, fmt.Errorf("payment %s: lines: %w", p.Ref, err)
	}
	p.CreatedAt = fromMs(created)
	p.StartedAt, p.ExpiresAt, p.PaidAt = msPtr(started), msPtr(expires), msPtr(paid)
	if receiptNo > 0 {
		p.ReceiptNo = fmt.Sprintf("%07d", receiptNo)
	}
	p.decorate()
	return &p, nil
}

// decorate fills the fields derived from the stored ones.
func (p *Payment) decorate() {
	p.StateName = p.State.Name()
	p.AmountWords = AmountInWords(p.Amount)
	if p.State != Pending {
		p.PaymentURL = "" // an address that can no longer be paid is not handed out
	}
}

func (s *Service) byRef(ctx context.Context, q store.Querier, ref string) (*Payment, error) {
	p, err := scanPayment(q.QueryRowContext(ctx, selectPayment+` WHERE ref = ?`, ref))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errNoPayment
	}
	return p, err
}

// ofDossiers returns the payments of the dossiers with codes, oldest first.
func (s *Service) ofDossiers(ctx context.Context, q store.Querier, codes ...string) ([]*Payment, error) {
	if len(codes) == 0 {
		return nil, nil
	}
	args := make([]any, len(codes))
	ph := make([]byte, 0, 2*len(codes))
	for i, c := range codes {
		args[i] = c
		if i > 0 {
			ph = append(ph, ',')
		}
		ph = append(ph, '?')
	}
	rows, err := q.QueryContext(ctx, selectPayment+` WHERE dossier_code IN (`+string(ph)+`) ORDER BY id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*Payment
	for rows.Next() {
		p, err := scanPayment(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

func (s *Service) history(ctx context.Context, id int64) ([]Event, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT at, actor_name, action, from_state, to_state, note
		FROM payment_events WHERE payment_id = ? ORDER BY id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Event
	for rows.Next() {
		var e Event
		var at int64
		if err := rows.Scan(&at, &e.Actor, &e.Action, &e.From, &e.To, &e.Note); err != nil {
			return nil, err
		}
		e.At = fromMs(at)
		out = append(out, e)
	}
	return out, rows.Err()
}

// actorRef is who an event records, and the unit they acted at (0 for
// the gateway or the system, or when the caller did not say).
type actorRef struct {
	id   int64
	name string
	unit int64
}

// refOf is the signed-in actor as an event records them.
func refOf(a *auth.Actor) actorRef { return actorRef{id: a.ID, name: a.FullName} }

// refAt is a acting on d's fee, at d's receiving unit (which collects it).
func refAt(a *auth.Actor, d *dossier.Dossier) actorRef {
	return actorRef{id: a.ID, name: a.FullName, unit: d.ReceivingUnitID()}
}

var systemRef = actorRef{name: "Hệ thống"}

// atUnit is by (the gateway, the system) acting at p's collecting unit, so
// the audit entry is in that unit's log; a unit whose code changed since
// the fee was asked leaves it at no unit.
func (s *Service) atUnit(ctx context.Context, tx *store.Tx, by actorRef, p *Payment) actorRef {
	if s.units == nil {
		return by
	}
	if u, err := s.units.ByCodeTx(ctx, tx, p.Unit); err == nil {
		by.unit = u.ID
	}
	return by
}

// change moves p from its state by action, guarded by the version read
// (the loser of a race changes nothing and gets false), sets cols, and
// appends the event. It is the only writer of a payment's state.
func change(ctx context.Context, tx *store.Tx, bus *event.Bus, p *Payment, action Action, by actorRef, now time.Time, note string, cols map[string]any) (bool, error) {
	to, ok := Next(p.State, action)
	if !ok {
		return false, nil
	}
	q := `UPDATE payments SET state = ?, version = version + 1, updated_at = ?`
	args := []any{string(to), now.UnixMilli()}
	for _, c := range slices.Sorted(maps.Keys(cols)) {
		q += ", " + c + " = ?"
		args = append(args, cols[c])
	}
	args = append(args, p.id, p.version)
	res, err := tx.ExecContext(ctx, q+` WHERE id = ? AND version = ?`, args...)
	if err != nil {
		return false, fmt.Errorf("payment %s: %s: %w", p.Ref, action, err)
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return false, err
	}
	if err := appendEvent(ctx, tx, bus, p.id, p.Ref, now, by, action, p.State, to, note); err != nil {
		return false, err
	}
	p.State, p.version = to, p.version+1
	return true, nil
}

// appendEvent appends a history row and publishes it as event.Security
// ("payment_" and the state reached: payment_requested, payment_pending,
// payment_paid, payment_failed, payment_expired, payment_refunded) with
// the row's digest, so the audit log anchors every payment_events row
// (see history.go).
func appendEvent(ctx context.Context, tx *store.Tx, bus *event.Bus, id int64, ref string, at time.Time, by actorRef, action Action, from, to State, note string) error {
	var actor any
	if by.id != 0 {
		actor = by.id
	}
	var eid int64
	err := tx.QueryRowContext(ctx, `INSERT INTO payment_events (payment_id, at, actor_id, actor_name, action, from_state, to_state, note)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, id, at.UnixMilli(), actor, by.name, string(action), string(from), string(to), note).Scan(&eid)
	if err != nil {
		return err
	}
	digests, err := EventDigests(ctx, tx, []int64{eid})
	if err != nil {
		return err
	}
	details, _ := json.Marshal(map[string]string{"from": string(from), "to": string(to), "note": note})
	return event.Publish(ctx, bus, tx, event.Security{At: at, ActorID: by.id, ActorName: by.name, UnitID: by.unit,
		Action: "payment_" + string(to), Object: "payment:" + ref, Details: string(details),
		HistoryTable: "payment_events", HistoryID: eid, HistoryHash: digests[eid]})
}

// nextSeq takes the next number of a counter; the upsert is atomic on both engines.
func nextSeq(ctx context.Context, tx *store.Tx, series, period string) (int64, error) {
	var n int64
	err := tx.QueryRowContext(ctx, `INSERT INTO payment_sequences (series, period, n) VALUES (?, ?, 1)
		ON CONFLICT (series, period) DO UPDATE SET n = payment_sequences.n + 1 RETURNING n`, series, period).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("payment: sequence %s/%s: %w", series, period, err)
	}
	return n, nil
}

// newRef allocates a payment reference, MC<yymmdd><5 digits>: letters
// and digits only, as every gateway accepts in a transaction reference.
func (s *Service) newRef(ctx context.Context, tx *store.Tx) (string, error) {
	day := s.cfg.Now().In(calendar.Zone).Format("060102")
	n, err := nextSeq(ctx, tx, "ref", day)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("MC%s%05d", day, n), nil
}

func fromMs(ms int64) time.Time { return time.UnixMilli(ms).In(calendar.Zone) }

func msPtr(v sql.NullInt64) *time.Time {
	if !v.Valid {
		return nil
	}
	t := fromMs(v.Int64)
	return &t
}
