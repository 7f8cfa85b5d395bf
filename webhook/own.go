package webhook

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/cursor"
	"github.com/motcua/motcua/event"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/unit"
)

// Subscriptions made and managed through the API (POST /api/v1/webhooks
// and the routes below it) by their owner: a system account (owner_kind
// 'client') or a person (an admin, 'user'). Each sees and touches only
// the subscriptions it made; another's are answered as not existing.

// SecretGrace is how long a rotated-out secret keeps signing beside the
// new one (docs/webhooks.md, "Rotating the secret").
const SecretGrace = 24 * time.Hour

// MaxUnits bounds the units of one subscription.
const MaxUnits = 50

// ReplayBatch bounds the events one replay call looks at.
const ReplayBatch = 500

// Owned is what an owner asks for: a URL, event types and the units
// (codes) whose events (and their units' below) it wants.
type Owned struct {
	URL   string   `json:"url"`
	Types []string `json:"types"`
	Units []string `json:"units"`
}

// ownerOf is the owner a subscription made by a records.
func ownerOf(a *auth.Actor) string {
	if a.Client != nil {
		return "client"
	}
	return "user"
}

// rightFor is the right a must hold at (or above) each unit it subscribes
// for: a system account must read the unit's dossiers, a person manage
// the unit (as on the admin page).
func rightFor(a *auth.Actor) auth.Right {
	if a.Client != nil {
		return auth.ReadDossier
	}
	return auth.ManageUnits
}

var errUnauthorized = problem.New(problem.ErrUnauthorized, "unauthorized")

// CreateOwned subscribes in.URL for a, and returns the subscription with
// its signing secret, shown this once. Every unit must be within a's
// rights (rightFor), checked before anything else is; the URL passes the
// SSRF guard. The subscription is audited (webhook_subscribed).
func (s *Service) CreateOwned(ctx context.Context, a *auth.Actor, in Owned) (Subscription, string, error) {
	if a == nil {
		return Subscription{}, "", errUnauthorized
	}
	if len(in.Units) == 0 || len(in.Units) > MaxUnits {
		return Subscription{}, "", problem.Invalid("units", "webhook_units_invalid", MaxUnits)
	}
	var units []unit.Unit
	for _, code := range in.Units {
		u, err := s.cfg.Units.ByCode(ctx, code)
		if errors.Is(err, problem.ErrNotFound) {
			return Subscription{}, "", problem.Forbidden("webhook_unit")
		} else if err != nil {
			return Subscription{}, "", err
		}
		chain, err := s.cfg.Units.Chain(ctx, s.db, u.ID)
		if err != nil {
			return Subscription{}, "", err
		}
		if !a.Can(rightFor(a), chain) {
			return Subscription{}, "", problem.Forbidden("webhook_unit")
		}
		if !slices.ContainsFunc(units, func(v unit.Unit) bool { return v.ID == u.ID }) {
			units = append(units, u)
		}
	}
	if err := checkTypes(in.Types); err != nil {
		return Subscription{}, "", err
	}
	if err := s.cfg.Guard.CheckURL(ctx, in.URL); err != nil {
		return Subscription{}, "", err
	}
	secret := newSecret()
	now := s.cfg.Now()
	var id int64
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO webhook_subscriptions (url, secret, types, unit_id, owner_kind, owner_id, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, in.URL, secret, strings.Join(in.Types, " "), units[0].ID, ownerOf(a), a.ID, now.UnixMilli()).Scan(&id)
		if err != nil {
			return err
		}
		var codes []string
		for _, u := range units {
			if _, err := tx.ExecContext(ctx, `INSERT INTO webhook_subscription_units (subscription_id, unit_id) VALUES (?, ?)`, id, u.ID); err != nil {
				return err
			}
			codes = append(codes, u.Code)
		}
		return s.audit(ctx, tx, a, units[0].ID, "webhook_subscribed", id, in.URL+" units="+strings.Join(codes, ",")+" types="+strings.Join(in.Types, ","))
	})
	if err != nil {
		return Subscription{}, "", err
	}
	sub, err := s.Own(ctx, a, id)
	return sub, secret, err
}

func checkTypes(types []string) error {
	if len(types) == 0 {
		return problem.Invalid("types", "webhook_types_invalid")
	}
	for _, t := range types {
		if !slices.Contains(Types, t) {
			return problem.Invalid("types", "webhook_types_invalid")
		}
	}
	return nil
}

func newSecret() string {
	var key [24]byte
	rand.Read(key[:])
	return "whsec_" + base64.StdEncoding.EncodeToString(key[:])
}

// audit records a change to subscription sub as an event.Security row in tx.
func (s *Service) audit(ctx context.Context, tx *store.Tx, a *auth.Actor, unitID int64, action string, sub int64, details string) error {
	return event.Publish(ctx, s.cfg.Bus, tx, event.Security{At: s.cfg.Now(), ActorID: a.ID, ActorName: a.Username,
		UnitID: unitID, Action: action, Object: "webhook:" + strconv.FormatInt(sub, 10), Details: details})
}

const ownedColumns = `s.id, s.url, s.types, s.unit_id, s.active, s.created_at, s.old_secret_until,
	(SELECT COUNT(*) FROM webhook_deliveries d WHERE d.subscription_id = s.id AND d.status IN ('pending', 'sending')),
	(SELECT COUNT(*) FROM webhook_deliveries d WHERE d.subscription_id = s.id AND d.status = 'failed'),
	(SELECT COUNT(*) FROM webhook_deliveries d WHERE d.subscription_id = s.id AND d.status = 'sent')`

// ownedKey is where a page of OwnedPage resumes: after subscription ID.
type ownedKey struct {
	ID int64 `json:"id"`
}

// OwnedPage lists a's own subscriptions by id, at most limit after the
// cursor (empty: the first page), and the next page's cursor, empty on
// the last (docs/api.md, Listings).
func (s *Service) OwnedPage(ctx context.Context, a *auth.Actor, limit int, after string) ([]Subscription, string, error) {
	if a == nil {
		return nil, "", errUnauthorized
	}
	var k ownedKey
	if _, err := cursor.Decode(after, &k, func() bool { return k.ID > 0 }); err != nil {
		return nil, "", err
	}
	out, err := s.owned(ctx, `s.owner_kind = ? AND s.owner_id = ? AND s.id > ? ORDER BY s.id LIMIT `+strconv.Itoa(limit+1),
		ownerOf(a), a.ID, k.ID)
	if err != nil || len(out) <= limit {
		return out, "", err
	}
	out = out[:limit]
	return out, cursor.Encode(ownedKey{ID: out[limit-1].ID}), nil
}

// Own is a's subscription id; another owner's is unknown_subscription.
func (s *Service) Own(ctx context.Context, a *auth.Actor, id int64) (Subscription, error) {
	if a == nil {
		return Subscription{}, errUnauthorized
	}
	out, err := s.owned(ctx, `s.owner_kind = ? AND s.owner_id = ? AND s.id = ?`, ownerOf(a), a.ID, id)
	if err != nil {
		return Subscription{}, err
	}
	if len(out) == 0 {
		return Subscription{}, problem.NotFound("unknown_subscription")
	}
	return out[0], nil
}

// owned reads the subscriptions where selects, with their units' codes.
func (s *Service) owned(ctx context.Context, where string, args ...any) ([]Subscription, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+ownedColumns+` FROM webhook_subscriptions s WHERE `+where, args...)
	if err != nil {
		return nil, err
	}
	out := []Subscription{}
	for rows.Next() {
		var sub Subscription
		var types string
		var active, created, graceUntil int64
		if err := rows.Scan(&sub.ID, &sub.URL, &types, &sub.UnitID, &active, &created, &graceUntil, &sub.Pending, &sub.Failed, &sub.Sent); err != nil {
			rows.Close()
			return nil, err
		}
		sub.Types, sub.Active, sub.CreatedAt = strings.Fields(types), active == 1, time.UnixMilli(created).UTC()
		if graceUntil > s.cfg.Now().UnixMilli() {
			t := time.UnixMilli(graceUntil).UTC()
			sub.OldSecretUntil = &t
		}
		out = append(out, sub)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range out {
		ids, err := s.subUnits(ctx, s.db, out[i].ID)
		if err != nil {
			return nil, err
		}
		codes, err := unit.Codes(ctx, s.db, ids)
		if err != nil {
			return nil, err
		}
		for _, id := range ids {
			out[i].Units = append(out[i].Units, codes[id])
		}
		out[i].Unit = codes[out[i].UnitID]
	}
	return out, nil
}

// subUnits is every unit subscription sub covers: its first and those of
// webhook_subscription_units.
func (s *Service) subUnits(ctx context.Context, q store.Querier, sub int64) ([]int64, error) {
	rows, err := q.QueryContext(ctx, `SELECT unit_id FROM webhook_subscriptions WHERE id = ?
		UNION SELECT unit_id FROM webhook_subscription_units WHERE subscription_id = ?`, sub, sub)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	slices.Sort(out)
	return out, rows.Err()
}

// ownedInRights is a's subscription id, active, if a still holds its
// right at every unit it covers (a right taken away since stops a
// rotation or a replay, not the reading or the stopping of it).
func (s *Service) ownedInRights(ctx context.Context, a *auth.Actor, id int64) (Subscription, error) {
	sub, err := s.Own(ctx, a, id)
	if err != nil {
		return sub, err
	}
	if !sub.Active {
		return sub, problem.Conflict("subscription_stopped")
	}
	ids, err := s.subUnits(ctx, s.db, id)
	if err != nil {
		return sub, err
	}
	for _, u := range ids {
		chain, err := s.cfg.Units.Chain(ctx, s.db, u)
		if err != nil {
			return sub, err
		}
		if !a.Can(rightFor(a), chain) {
			return sub, problem.Forbidden("webhook_unit")
		}
	}
	return sub, nil
}

// StopOwned stops a's subscription id (as Stop does) and audits it
// (webhook_stopped). Stopping a stopped one changes nothing.
func (s *Service) StopOwned(ctx context.Context, a *auth.Actor, id int64) error {
	sub, err := s.Own(ctx, a, id)
	if err != nil || !sub.Active {
		return err
	}
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		if err := stop(ctx, tx, id); err != nil {
			return err
		}
		return s.audit(ctx, tx, a, sub.UnitID, "webhook_stopped", id, sub.URL)
	})
}

// RotateSecret gives a's subscription id a new secret, returned this once.
// Until the returned time (SecretGrace) deliveries carry two signatures,
// one with each secret, so a receiver still verifying with the old one
// loses nothing while it switches; then only the new one signs. A second
// rotation within the grace drops the oldest secret at once. Audited
// (webhook_secret_rotated).
func (s *Service) RotateSecret(ctx context.Context, a *auth.Actor, id int64) (string, time.Time, error) {
	sub, err := s.ownedInRights(ctx, a, id)
	if err != nil {
		return "", time.Time{}, err
	}
	secret, until := newSecret(), s.cfg.Now().Add(SecretGrace)
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE webhook_subscriptions SET old_secret = secret, old_secret_until = ?, secret = ? WHERE id = ?`,
			until.UnixMilli(), secret, id); err != nil {
			return err
		}
		return s.audit(ctx, tx, a, sub.UnitID, "webhook_secret_rotated", id, "grace until "+until.UTC().Format(time.RFC3339))
	})
	return secret, until.UTC(), err
}

// ReplayFrom queues again, for a's subscription id, the events from event
// number from on that are of its types and in its units (as Replay does
// for one), at most ReplayBatch events looked at. It returns how many
// were queued and, when the batch ended before the newest event, the
// number to continue from (0: done).
func (s *Service) ReplayFrom(ctx context.Context, a *auth.Actor, id, from int64) (queued int, next int64, err error) {
	sub, err := s.ownedInRights(ctx, a, id)
	if err != nil {
		return 0, 0, err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT id, type FROM webhook_events WHERE id >= ? ORDER BY id LIMIT `+strconv.Itoa(ReplayBatch+1), from)
	if err != nil {
		return 0, 0, err
	}
	var ids []int64
	for seen := 0; rows.Next(); seen++ {
		var ev int64
		var typ string
		if err := rows.Scan(&ev, &typ); err != nil {
			rows.Close()
			return 0, 0, err
		}
		if seen == ReplayBatch {
			next = ev
			break
		}
		if slices.Contains(sub.Types, typ) {
			ids = append(ids, ev)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, 0, err
	}
	for _, ev := range ids {
		switch err := s.replay(ctx, id, ev); {
		case err == nil:
			queued++
		case errors.Is(err, problem.ErrNotFound): // outside its units
		default:
			return queued, 0, fmt.Errorf("webhook: replay %d to %d: %w", ev, id, err)
		}
	}
	return queued, next, nil
}

// secrets reads a subscription's signing secrets for a delivery at now:
// its secret and, within the grace of a rotation, the one before.
func secrets(secret, old string, oldUntil int64, now time.Time) []string {
	if old != "" && now.UnixMilli() < oldUntil {
		return []string{secret, old}
	}
	return []string{secret}
}
