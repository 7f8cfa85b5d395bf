package postal

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/problem"
)

// Event is one tracking event as the post reported it.
type Event struct {
	Status Status    `json:"status"`
	Name   string    `json:"status_name"`
	At     time.Time `json:"at"`
	// ProviderStatus is the post's own code, kept for audit and for codes
	// this version does not know (StatusOther).
	ProviderStatus string `json:"provider_status"`
	ProviderName   string `json:"provider_name,omitempty"`
	Location       string `json:"location,omitempty"`
	Note           string `json:"note,omitempty"`
}

// after orders events for "latest": by the post's time, then by how far
// along the status is, then by arrival.
func after(a Event, aID int64, b Event, bID int64) bool {
	if !a.At.Equal(b.At) {
		return a.At.After(b.At)
	}
	if a.Status.rank() != b.Status.rank() {
		return a.Status.rank() > b.Status.rank()
	}
	return aID > bID
}

// withEvents loads a shipment's events in the post's time order and sets
// its current status to the latest of them.
func (s *Service) withEvents(ctx context.Context, sh *Shipment) error {
	rows, err := s.db.QueryContext(ctx, `SELECT id, status, provider_status, provider_name, at, location, note
		FROM postal_events WHERE shipment_id = ? ORDER BY at, id`, sh.id)
	if err != nil {
		return err
	}
	defer rows.Close()
	sh.Events = []Event{}
	sh.Status, sh.StatusAt = StatusCreated, sh.CreatedAt
	var latest int64
	var latestEv Event
	for rows.Next() {
		var e Event
		var id, at int64
		if err := rows.Scan(&id, &e.Status, &e.ProviderStatus, &e.ProviderName, &at, &e.Location, &e.Note); err != nil {
			return err
		}
		e.At, e.Name = fromMs(at), e.Status.Name()
		sh.Events = append(sh.Events, e)
		if latest == 0 || after(e, id, latestEv, latest) {
			latest, latestEv = id, e
		}
	}
	if latest != 0 {
		sh.Status, sh.StatusAt, sh.Location = latestEv.Status, latestEv.At, latestEv.Location
	}
	sh.StatusName = sh.Status.Name()
	return rows.Err()
}

// Receipt is the webhook's answer.
type Receipt struct {
	ItemCode string `json:"item_code"`
	Status   Status `json:"status"`
	// Duplicate: the event was already recorded (a replay); nothing changed.
	Duplicate bool `json:"duplicate"`
}

// MaxWebhookBody caps what the webhook reads.
const MaxWebhookBody = 64 << 10

var errBadSignature = problem.New(problem.ErrUnauthorized, "invalid_signature")

// Webhook records one tracking event the post pushed: the body must carry
// a valid signature (else nothing is read further); an event already
// recorded is absorbed; events may arrive in any order, since the current
// status is always the latest by the post's own time.
func (s *Service) Webhook(ctx context.Context, body []byte, signature string) (Receipt, error) {
	if !verify([]byte(s.cfg.WebhookSecret), body, signature) {
		return Receipt{}, errBadSignature
	}
	var ev WireEvent
	if err := json.Unmarshal(body, &ev); err != nil {
		return Receipt{}, problem.Invalid("body", "invalid_json.webhook")
	}
	return s.record(ctx, ev)
}

// record stores one event of the post; replays are absorbed by the
// event's unique key.
func (s *Service) record(ctx context.Context, ev WireEvent) (Receipt, error) {
	ev.ItemCode = strings.TrimSpace(ev.ItemCode)
	switch {
	case ev.ItemCode == "" && ev.OrderCode == "":
		return Receipt{}, problem.Invalid("ItemCode", "item_code_required")
	case ev.StatusCode == "":
		return Receipt{}, problem.Invalid("StatusCode", "status_required")
	case ev.StatusTime.IsZero():
		return Receipt{}, problem.Invalid("StatusDate", "status_time_required")
	}
	// By item code, or by our order code for an event that overtook the
	// reply carrying the item code.
	var id int64
	var item string
	err := s.db.QueryRowContext(ctx, `SELECT id, COALESCE(item_code, '') FROM postal_shipments
		WHERE item_code = ? OR reference = ? ORDER BY id DESC LIMIT 1`, ev.ItemCode, ev.OrderCode).Scan(&id, &item)
	if errors.Is(err, sql.ErrNoRows) {
		return Receipt{}, problem.NotFound("shipment_not_found.item")
	}
	if err != nil {
		return Receipt{}, err
	}
	if item == "" {
		item = ev.ItemCode
	}
	key := "id:" + ev.EventID
	if ev.EventID == "" {
		key = "k:" + item + "|" + ev.StatusCode + "|" + ev.StatusTime.UTC().Format(time.RFC3339Nano)
	}
	st := statusOf(ev.StatusCode)
	res, err := s.db.ExecContext(ctx, `INSERT INTO postal_events (shipment_id, event_key, status, provider_status, provider_name, at,
		location, note, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (event_key) DO NOTHING`,
		id, clip(key, 300), string(st), clip(ev.StatusCode, 60), clip(ev.StatusName, 200), ev.StatusTime.UnixMilli(),
		clip(ev.Location, 200), clip(ev.Note, 500), s.cfg.Now().UnixMilli())
	if err != nil {
		return Receipt{}, err
	}
	n, err := res.RowsAffected()
	return Receipt{ItemCode: item, Status: st, Duplicate: n == 0}, err
}

func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}

// Refresh asks the post for every event of the dossier's shipment and
// records those the webhook missed. For officers who may see the dossier.
func (s *Service) Refresh(ctx context.Context, a *auth.Actor, code string) (*Shipment, error) {
	if a == nil || a.IsCitizen() {
		return nil, problem.Forbidden("postal_events")
	}
	// Whether a may see the dossier comes first (scope before state).
	if _, err := s.dossiers.Get(ctx, a, code); err != nil {
		return nil, err
	}
	if s.cfg.Client == nil {
		return nil, problem.New(problem.ErrState, "postal_not_connected.events")
	}
	sh, err := s.Shipment(ctx, a, code)
	if err != nil {
		return nil, err
	}
	if sh.ItemCode == "" {
		return sh, nil
	}
	st, err := s.cfg.Client.Status(ctx, sh.ItemCode)
	if err != nil {
		s.cfg.Log.WarnContext(ctx, "postal: status not read", "item", sh.ItemCode, "err", err)
		return nil, err
	}
	for _, ev := range st.Events {
		ev.ItemCode = sh.ItemCode
		if _, err := s.record(ctx, ev); err != nil {
			return nil, err
		}
	}
	return s.Shipment(ctx, a, code)
}

// Public is what the public tracking page shows of a shipment: the item
// code and where it is, never the receiver or the address.
type Public struct {
	ItemCode   string    `json:"item_code"`
	Status     Status    `json:"status"`
	StatusName string    `json:"status_name"`
	At         time.Time `json:"at"`
}

// Track returns the public view of the shipment of the dossier with code,
// once it has been handed over to the post.
func (s *Service) Track(ctx context.Context, code string) (*Public, error) {
	code = strings.ToUpper(strings.TrimSpace(code))
	sh, err := s.active(ctx, s.db, code)
	if err != nil {
		return nil, err
	}
	if sh.HandedOverAt == nil || sh.ItemCode == "" {
		return nil, errNoShipment
	}
	if err := s.withEvents(ctx, sh); err != nil {
		return nil, err
	}
	return &Public{ItemCode: sh.ItemCode, Status: sh.Status, StatusName: sh.StatusName, At: sh.StatusAt}, nil
}
