package auth

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/motcua/motcua/event"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/store"
)

// ClientToken is RFC 6749 §4.4: a client authenticates with its id and a
// live secret and gets a short-lived bearer token for the operations it
// asks (scope, space-separated; empty: all of its own). A wrong id or
// secret is invalid_client, a scope beyond the client's invalid_scope.
// Secrets are 256 random bits, so their SHA-256 is kept (like tokens)
// rather than a slow password hash: there is nothing to guess from it.
func (s *Service) ClientToken(ctx context.Context, clientID, secret, scope string) (token string, exp time.Time, ops []string, err error) {
	now := s.cfg.Now()
	var id, uid int64
	var scopes string
	var rate int
	err = s.db.QueryRowContext(ctx, `SELECT c.id, c.user_id, c.scopes, c.rate_per_minute FROM oauth_clients c
		JOIN oauth_client_secrets x ON x.client_id = c.id
		WHERE c.client_id = ? AND x.secret_hash = ? AND c.revoked_at IS NULL AND (x.expires_at IS NULL OR x.expires_at > ?)`,
		clientID, tokenHash(secret), now.UnixMilli()).Scan(&id, &uid, &scopes, &rate)
	if errors.Is(err, sql.ErrNoRows) {
		// Ids no client has share one bucket: else each made-up id would
		// bring ten more tries and ten more audit rows.
		key := clientID
		var n int
		if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM oauth_clients WHERE client_id = ?`, clientID).Scan(&n); err != nil {
			return "", time.Time{}, nil, err
		}
		if n == 0 {
			key = "\x00unknown"
		}
		if ok, wait := s.allowFailure(key); !ok {
			return "", time.Time{}, nil, problem.WithRetry(problem.New(problem.ErrTooMany, "client_rate_limited"), wait)
		}
		if perr := s.db.InTx(ctx, func(tx *store.Tx) error {
			return s.publish(ctx, tx, event.Security{Action: "client_auth_failed", ActorName: clientID, Object: "client:" + clientID})
		}); perr != nil {
			return "", time.Time{}, nil, perr
		}
		return "", time.Time{}, nil, errInvalidClient
	}
	if err != nil {
		return "", time.Time{}, nil, err
	}
	if ok, wait := s.allowClient(clientID, rate); !ok {
		return "", time.Time{}, nil, problem.WithRetry(problem.New(problem.ErrTooMany, "client_rate_limited"), wait)
	}
	own := strings.Fields(scopes)
	ops = own
	if asked := strings.Fields(scope); len(asked) > 0 {
		for _, op := range asked {
			if !slices.Contains(own, op) {
				return "", time.Time{}, nil, problem.Invalid("scope", "invalid_scope")
			}
		}
		ops = asked
	}
	token, exp = clientTokenPrefix+randomText(32), now.Add(ClientTokenTTL)
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO oauth_tokens (token_hash, client_id, scopes, created_at, expires_at) VALUES (?, ?, ?, ?, ?)`,
			tokenHash(token), id, strings.Join(ops, " "), now.UnixMilli(), exp.UnixMilli()); err != nil {
			return err
		}
		return s.publish(ctx, tx, event.Security{ActorID: uid, ActorName: clientID, Action: "client_token_issued",
			Object: "client:" + clientID, Details: "scope=" + strings.Join(ops, " ")})
	})
	if err != nil {
		return "", time.Time{}, nil, err
	}
	return token, exp, ops, nil
}

// IsClientToken reports whether token is a system account's.
func IsClientToken(token string) bool { return strings.HasPrefix(token, clientTokenPrefix) }

// authenticateClient returns the system account behind a live client
// token, counting the request against the client's rate limit.
func (s *Service) authenticateClient(ctx context.Context, token string) (*Actor, error) {
	var id, uid int64
	var clientID, scopes string
	var rate int
	err := s.db.QueryRowContext(ctx, `SELECT c.id, c.user_id, c.client_id, t.scopes, c.rate_per_minute FROM oauth_tokens t
		JOIN oauth_clients c ON c.id = t.client_id
		WHERE t.token_hash = ? AND t.revoked_at IS NULL AND t.expires_at > ? AND c.revoked_at IS NULL`,
		tokenHash(token), s.cfg.Now().UnixMilli()).Scan(&id, &uid, &clientID, &scopes, &rate)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errNoSession
	}
	if err != nil {
		return nil, err
	}
	if ok, wait := s.allowClient(clientID, rate); !ok {
		return nil, problem.WithRetry(problem.New(problem.ErrTooMany, "client_rate_limited"), wait)
	}
	a := &Actor{}
	if err := s.db.QueryRowContext(ctx, `SELECT id, username, full_name, kind FROM users WHERE id = ?`, uid).
		Scan(&a.ID, &a.Username, &a.FullName, &a.Kind); err != nil {
		return nil, err
	}
	rights, err := s.clientRights(ctx, s.db, id)
	if err != nil {
		return nil, err
	}
	a.Client = &ClientAccess{ClientID: clientID, Ops: strings.Fields(scopes), Rights: rights}
	return a, nil
}

// The command line manages clients as the operator (no actor, no scope).

// AddClientAsOperator adds a client; the secret is returned once.
func (s *Service) AddClientAsOperator(ctx context.Context, nc NewClient) (clientID, secret string, err error) {
	return s.addClient(ctx, nil, nc)
}

// RotateClientAsOperator makes a new secret; the old works for grace.
func (s *Service) RotateClientAsOperator(ctx context.Context, clientID string, grace time.Duration) (string, error) {
	c, err := s.client(ctx, clientID)
	if err != nil {
		return "", err
	}
	return s.rotate(ctx, nil, c, grace)
}

// RevokeClientAsOperator ends a client and its tokens.
func (s *Service) RevokeClientAsOperator(ctx context.Context, clientID string) error {
	c, err := s.client(ctx, clientID)
	if err != nil {
		return err
	}
	return s.revoke(ctx, nil, c)
}

// ClientsAsOperator lists every client.
func (s *Service) ClientsAsOperator(ctx context.Context) ([]Client, error) { return s.clients(ctx) }

func (s *Service) client(ctx context.Context, clientID string) (Client, error) {
	all, err := s.clients(ctx)
	if err != nil {
		return Client{}, err
	}
	for _, c := range all {
		if c.ClientID == strings.TrimSpace(clientID) && !c.Revoked {
			return c, nil
		}
	}
	return Client{}, errClientNotFound
}

// Admins manage the clients whose every right lies at units they
// administer (account.manage), like officers' accounts.

// Clients lists the clients a may manage.
func (ad *Accounts) Clients(ctx context.Context, a *Actor) ([]Client, error) {
	ids, err := ad.scope(ctx, a)
	if err != nil {
		return nil, err
	}
	all, err := ad.s.clients(ctx)
	if err != nil {
		return nil, err
	}
	var out []Client
	for _, c := range all {
		if inAll(c.Rights, ids) {
			out = append(out, c)
		}
	}
	return out, nil
}

func inAll(rs []ClientRight, ids []int64) bool {
	for _, r := range rs {
		if !slices.Contains(ids, r.UnitID) {
			return false
		}
	}
	return len(rs) > 0
}

// AddClient adds a client whose rights all lie in a's scope.
func (ad *Accounts) AddClient(ctx context.Context, a *Actor, nc NewClient) (clientID, secret string, err error) {
	ids, err := ad.scope(ctx, a)
	if err != nil {
		return "", "", err
	}
	if !inAll(nc.Rights, ids) && len(nc.Rights) > 0 {
		return "", "", errNotYourUnit
	}
	return ad.s.addClient(ctx, a, nc)
}

func (ad *Accounts) managedClient(ctx context.Context, a *Actor, clientID string) (Client, error) {
	all, err := ad.Clients(ctx, a)
	if err != nil {
		return Client{}, err
	}
	for _, c := range all {
		if c.ClientID == strings.TrimSpace(clientID) && !c.Revoked {
			return c, nil
		}
	}
	return Client{}, errClientNotFound
}

// RotateClient makes a new secret; the old keeps working for ClientGrace.
func (ad *Accounts) RotateClient(ctx context.Context, a *Actor, clientID string) (string, error) {
	c, err := ad.managedClient(ctx, a, clientID)
	if err != nil {
		return "", err
	}
	return ad.s.rotate(ctx, a, c, ClientGrace)
}

// RevokeClient ends a client and its live tokens.
func (ad *Accounts) RevokeClient(ctx context.Context, a *Actor, clientID string) error {
	c, err := ad.managedClient(ctx, a, clientID)
	if err != nil {
		return err
	}
	return ad.s.revoke(ctx, a, c)
}
