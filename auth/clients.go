package auth

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/motcua/motcua/event"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/throttle"
)

// System accounts are OAuth2 clients (RFC 6749 §4.4, client credentials)
// of the systems a province connects through its integration platform.
// Each acts as a users row of kind "system" holding no role, so every act
// it makes has an actor like a person's; its rights are held at units
// (ClientRight) and read by Actor.Can and Actor.Reach, so every scope
// check that applies to an officer applies to it. Its operations (Ops)
// say which API routes it may reach at all (the API checks them).
//
// Security events (Object "client:<client_id>"):
//
//	client_created, client_rotated, client_revoked   by an admin or the command line
//	client_token_issued                              by the client itself
//	client_auth_failed                               a token request with a wrong secret

// Operation scopes a client may be given.
const (
	OpDossiersRead  = "dossiers:read"
	OpDossiersWrite = "dossiers:write"
	OpPaymentsRead  = "payments:read"
	OpPaymentsWrite = "payments:write"
	OpEventsRead    = "events:read"
	OpReportsRead   = "reports:read"
	// OpWebhooksManage: subscribe webhooks and manage the client's own
	// subscriptions (POST/GET /api/v1/webhooks…), for the units where it
	// reads dossiers.
	OpWebhooksManage = "webhooks:manage"
	// OpDocumentsRead lists and reads documents (GET /api/v1/documents…)
	// of the units where the client holds document.read; OpDocumentsWrite
	// registers incoming documents where it holds document.register (the
	// document system or the LGSP delivering what arrived). The
	// documents' other acts need a role a client never holds.
	OpDocumentsRead  = "documents:read"
	OpDocumentsWrite = "documents:write"
)

// ClientOps lists the operation scopes, in display order.
var ClientOps = []string{OpDossiersRead, OpDossiersWrite, OpPaymentsRead, OpPaymentsWrite, OpEventsRead, OpReportsRead, OpWebhooksManage,
	OpDocumentsRead, OpDocumentsWrite}

// ClientRights are the rights a system account may hold: reading and
// filing dossiers, reading reports, reading documents and registering
// incoming ones. Managing accounts, units, procedures or the calendar,
// and the documents' lifecycle (assigning, drafting, approving,
// issuing), stay with people.
var ClientRights = []Right{ReadDossier, FileDossier, ReadReports, ReadDocument, RegisterDocument}

// ClientTokenTTL is how long a client's access token lives: short, since
// a client asks for a new one whenever it needs.
const ClientTokenTTL = 15 * time.Minute

// ClientGrace is how long a rotated-out secret keeps working, so the
// integrating system can switch to the new one without downtime.
const ClientGrace = 24 * time.Hour

// clientTokenPrefix marks client tokens so Authenticate looks in the
// right table; people's tokens never start with it (base64url has no '.').
const clientTokenPrefix = "mct."

// ClientRight is a right held at a unit and, with Below, at the units under it.
type ClientRight struct {
	UnitID   int64  `json:"-"`
	UnitCode string `json:"unit"`
	Right    Right  `json:"right"`
	Below    bool   `json:"below,omitempty"`
}

// ClientAccess is what makes an Actor a system account.
type ClientAccess struct {
	ClientID string        `json:"client_id"`
	Ops      []string      `json:"scopes"`
	Rights   []ClientRight `json:"rights"`
}

// Allows reports whether the client's token may call operation op.
func (c *ClientAccess) Allows(op string) bool { return c != nil && slices.Contains(c.Ops, op) }

// Client is a system account as listed.
type Client struct {
	ClientID      string
	Name          string
	Ops           []string
	Rights        []ClientRight
	RatePerMinute int
	CreatedAt     time.Time
	Revoked       bool
	// Secrets is how many secrets work now (2 during a rotation's grace).
	Secrets int
}

// NewClient is what adding a client needs.
type NewClient struct {
	Name          string
	Ops           []string
	Rights        []ClientRight
	RatePerMinute int // 0: 600
}

var (
	errInvalidClient  = problem.New(problem.ErrUnauthorized, "invalid_client")
	errClientNotFound = problem.NotFound("client_not_found")
)

func randomText(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func (s *Service) checkNewClient(nc *NewClient) error {
	nc.Name = strings.TrimSpace(nc.Name)
	if nc.Name == "" || len(nc.Name) > 200 {
		return problem.Invalid("name", "invalid_client_name")
	}
	if len(nc.Ops) == 0 {
		return problem.Invalid("scopes", "invalid_scope")
	}
	for _, op := range nc.Ops {
		if !slices.Contains(ClientOps, op) {
			return problem.Invalid("scopes", "invalid_scope")
		}
	}
	if len(nc.Rights) == 0 {
		return problem.Invalid("rights", "invalid_client_right")
	}
	for _, r := range nc.Rights {
		if !slices.Contains(ClientRights, r.Right) || r.UnitID == 0 {
			return problem.Invalid("rights", "invalid_client_right")
		}
	}
	if nc.RatePerMinute == 0 {
		nc.RatePerMinute = 600
	}
	if nc.RatePerMinute < 1 || nc.RatePerMinute > 100_000 {
		return problem.Invalid("rate", "invalid_client_rate")
	}
	return nil
}

// addClient creates the client, its account and first secret, published as
// by's act (nil: the command line). The secret is returned once.
func (s *Service) addClient(ctx context.Context, by *Actor, nc NewClient) (clientID, secret string, err error) {
	if err := s.checkNewClient(&nc); err != nil {
		return "", "", err
	}
	var raw [8]byte
	rand.Read(raw[:])
	clientID, secret = "mc-"+hex.EncodeToString(raw[:]), randomText(32)
	now := s.cfg.Now().UnixMilli()
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		var uid int64
		// password_hash "!" matches no password: the account cannot log in.
		if err := tx.QueryRowContext(ctx, `INSERT INTO users (username, full_name, kind, password_hash, created_at)
			VALUES (?, ?, 'system', '!', ?) RETURNING id`, clientID, nc.Name, now).Scan(&uid); err != nil {
			return err
		}
		var byID int64
		if by != nil {
			byID = by.ID
		}
		var id int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO oauth_clients (client_id, user_id, name, scopes, rate_per_minute, created_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, clientID, uid, nc.Name, strings.Join(nc.Ops, " "), nc.RatePerMinute, byID, now).Scan(&id); err != nil {
			return err
		}
		for _, r := range nc.Rights {
			if _, err := tx.ExecContext(ctx, `INSERT INTO oauth_client_rights (client_id, unit_id, right_name, below) VALUES (?, ?, ?, ?)`,
				id, r.UnitID, string(r.Right), boolInt(r.Below)); err != nil && !store.IsUniqueViolation(err) {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO oauth_client_secrets (secret_hash, client_id, created_at) VALUES (?, ?, ?)`,
			tokenHash(secret), id, now); err != nil {
			return err
		}
		return s.publish(ctx, tx, byClientAdmin(by, nc.Rights[0].UnitID, "client_created", clientID, "scopes="+strings.Join(nc.Ops, " ")))
	})
	return clientID, secret, err
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func byClientAdmin(a *Actor, unitID int64, action, clientID, details string) event.Security {
	e := event.Security{UnitID: unitID, Action: action, Object: "client:" + clientID, Details: details}
	if a != nil {
		e.ActorID, e.ActorName, e.ActorRole = a.ID, a.Username, Admin
	}
	return e
}

// rotate makes a new secret; the ones working now keep working for grace.
func (s *Service) rotate(ctx context.Context, by *Actor, c Client, grace time.Duration) (string, error) {
	secret := randomText(32)
	now := s.cfg.Now()
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		id, err := s.clientRow(ctx, tx, c.ClientID)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE oauth_client_secrets SET expires_at = ? WHERE client_id = ? AND (expires_at IS NULL OR expires_at > ?)`,
			now.Add(grace).UnixMilli(), id, now.Add(grace).UnixMilli()); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO oauth_client_secrets (secret_hash, client_id, created_at) VALUES (?, ?, ?)`,
			tokenHash(secret), id, now.UnixMilli()); err != nil {
			return err
		}
		return s.publish(ctx, tx, byClientAdmin(by, firstUnit(c), "client_rotated", c.ClientID, "grace="+grace.String()))
	})
	return secret, err
}

// revoke ends the client and every token it holds at once.
func (s *Service) revoke(ctx context.Context, by *Actor, c Client) error {
	now := s.cfg.Now().UnixMilli()
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		id, err := s.clientRow(ctx, tx, c.ClientID)
		if err != nil {
			return err
		}
		for _, q := range []string{
			`UPDATE oauth_clients SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL`,
			`UPDATE oauth_tokens SET revoked_at = ? WHERE client_id = ? AND revoked_at IS NULL`,
			`UPDATE oauth_client_secrets SET expires_at = ? WHERE client_id = ? AND (expires_at IS NULL OR expires_at > ?)`,
		} {
			args := []any{now, id}
			if strings.Count(q, "?") == 3 {
				args = append(args, now)
			}
			if _, err := tx.ExecContext(ctx, q, args...); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET disabled = 1 WHERE username = ? AND kind = 'system'`, c.ClientID); err != nil {
			return err
		}
		return s.publish(ctx, tx, byClientAdmin(by, firstUnit(c), "client_revoked", c.ClientID, ""))
	})
}

func firstUnit(c Client) int64 {
	if len(c.Rights) > 0 {
		return c.Rights[0].UnitID
	}
	return 0
}

func (s *Service) clientRow(ctx context.Context, q store.Querier, clientID string) (int64, error) {
	var id int64
	err := q.QueryRowContext(ctx, `SELECT id FROM oauth_clients WHERE client_id = ? AND revoked_at IS NULL`, clientID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, errClientNotFound
	}
	return id, err
}

// clients lists every client, newest first, with its rights and live secrets.
func (s *Service) clients(ctx context.Context) ([]Client, error) {
	now := s.cfg.Now().UnixMilli()
	rows, err := s.db.QueryContext(ctx, `SELECT c.id, c.client_id, c.name, c.scopes, c.rate_per_minute, c.created_at, c.revoked_at IS NOT NULL,
		(SELECT COUNT(*) FROM oauth_client_secrets x WHERE x.client_id = c.id AND (x.expires_at IS NULL OR x.expires_at > ?))
		FROM oauth_clients c ORDER BY c.created_at DESC, c.id DESC`, now)
	if err != nil {
		return nil, err
	}
	var out []Client
	var ids []int64
	for rows.Next() {
		var c Client
		var id, at int64
		var scopes string
		if err := rows.Scan(&id, &c.ClientID, &c.Name, &scopes, &c.RatePerMinute, &at, &c.Revoked, &c.Secrets); err != nil {
			rows.Close()
			return nil, err
		}
		c.Ops, c.CreatedAt = strings.Fields(scopes), time.UnixMilli(at).UTC()
		out, ids = append(out, c), append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range out {
		if out[i].Rights, err = s.clientRights(ctx, s.db, ids[i]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (s *Service) clientRights(ctx context.Context, q store.Querier, id int64) ([]ClientRight, error) {
	rows, err := q.QueryContext(ctx, `SELECT unit_id, right_name, below FROM oauth_client_rights WHERE client_id = ? ORDER BY unit_id, right_name`, id)
	if err != nil {
		return nil, err
	}
	var out []ClientRight
	var ids []int64
	for rows.Next() {
		var r ClientRight
		var below int64
		if err := rows.Scan(&r.UnitID, &r.Right, &below); err != nil {
			rows.Close()
			return nil, err
		}
		r.Below = below == 1
		out, ids = append(out, r), append(ids, r.UnitID)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(out) == 0 {
		return out, err
	}
	if s.cfg.Units == nil {
		return nil, errors.New("auth: Config.Units is not set")
	}
	codes, err := s.cfg.Units.Codes(ctx, q, ids)
	if err != nil {
		return nil, err
	}
	for i := range out {
		out[i].UnitCode = codes[out[i].UnitID]
	}
	return out, nil
}

// clientLimits keeps one token bucket per client, sized by its rate (so
// the map grows only with real clients), and one bounded limiter for
// failed token requests by client id, whatever id is tried.
type clientLimits struct {
	mu    sync.Mutex
	by    map[string]*throttle.Limiter
	fails *throttle.Limiter
}

// allowFailure slows a client id's failed token requests (10 a minute),
// which also bounds the audit rows they write.
func (s *Service) allowFailure(clientID string) (bool, time.Duration) {
	s.limits.mu.Lock()
	if s.limits.fails == nil {
		s.limits.fails = throttle.New(throttle.Config{Burst: 10, Per: 6 * time.Second, Now: s.cfg.Now})
	}
	l := s.limits.fails
	s.limits.mu.Unlock()
	return l.Allow(clientID)
}

func (s *Service) allowClient(clientID string, perMinute int) (bool, time.Duration) {
	s.limits.mu.Lock()
	key := clientID + "/" + strconv.Itoa(perMinute)
	l := s.limits.by[key]
	if l == nil {
		if s.limits.by == nil {
			s.limits.by = map[string]*throttle.Limiter{}
		}
		l = throttle.New(throttle.Config{Burst: perMinute, Per: time.Minute / time.Duration(perMinute), Now: s.cfg.Now, MaxKeys: 1})
		s.limits.by[key] = l
	}
	s.limits.mu.Unlock()
	return l.Allow(clientID)
}
