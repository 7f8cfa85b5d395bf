package vneidsim

import (
	"context"
	"crypto/rsa"
	"errors"
	"slices"
	"sync"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"

	"github.com/motcua/motcua/vneid"
)

// storage is op.Storage in memory: the provider library asks it for
// clients, keeps authorization requests and codes in it, and asks it
// which claims a person has. Everything protocol (PKCE, code checks,
// token signing, discovery) is the library's.
type storage struct {
	mu       sync.Mutex
	clients  map[string]*client
	people   map[string]Person // by subject
	requests map[string]*authRequest
	codes    map[string]string // code → request id
	tokens   map[string]accessToken
	key      *rsa.PrivateKey
	keyID    string
	seq      int
	// tamperNonce: the ID token carries a nonce other than the client's.
	tamperNonce bool
}

type accessToken struct {
	subject, clientID string
	expires           time.Time
}

var errNotFound = errors.New("vneidsim: not found")

func (s *storage) next(prefix string) string {
	s.seq++
	return prefix + randomID(s.seq)
}

func (s *storage) CreateAuthRequest(_ context.Context, r *oidc.AuthRequest, userID string) (op.AuthRequest, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ar := &authRequest{id: s.next("ar"), req: *r, created: time.Now()}
	if r.CodeChallenge != "" {
		ar.challenge = &oidc.CodeChallenge{Challenge: r.CodeChallenge, Method: r.CodeChallengeMethod}
	}
	s.requests[ar.id] = ar
	return ar.view(s.tamperNonce), nil
}

func (s *storage) AuthRequestByID(_ context.Context, id string) (op.AuthRequest, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ar, ok := s.requests[id]
	if !ok {
		return nil, errNotFound
	}
	return ar.view(s.tamperNonce), nil
}

func (s *storage) AuthRequestByCode(_ context.Context, code string) (op.AuthRequest, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ar, ok := s.requests[s.codes[code]]
	if !ok {
		return nil, errNotFound
	}
	return ar.view(s.tamperNonce), nil
}

func (s *storage) SaveAuthCode(_ context.Context, id, code string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.requests[id]; !ok {
		return errNotFound
	}
	s.codes[code] = id
	return nil
}

// DeleteAuthRequest is called once the code was exchanged: the code goes
// with it, so a replayed code is refused.
func (s *storage) DeleteAuthRequest(_ context.Context, id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.requests, id)
	for c, r := range s.codes {
		if r == id {
			delete(s.codes, c)
		}
	}
	return nil
}

// done marks a request as authenticated by the person with subject.
func (s *storage) done(id, subject string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	ar, ok := s.requests[id]
	if !ok {
		return errNotFound
	}
	if _, ok := s.people[subject]; !ok {
		return errNotFound
	}
	ar.subject, ar.authTime = subject, time.Now()
	return nil
}

func (s *storage) CreateAccessToken(_ context.Context, r op.TokenRequest) (string, time.Time, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id, exp := s.next("at"), time.Now().Add(5*time.Minute)
	cid := ""
	if ar, ok := r.(*authRequestView); ok {
		cid = ar.req.ClientID
	}
	s.tokens[id] = accessToken{subject: r.GetSubject(), clientID: cid, expires: exp}
	return id, exp, nil
}

func (s *storage) CreateAccessAndRefreshTokens(context.Context, op.TokenRequest, string) (string, string, time.Time, error) {
	return "", "", time.Time{}, errors.New("vneidsim: no refresh tokens")
}

func (s *storage) TokenRequestByRefreshToken(context.Context, string) (op.RefreshTokenRequest, error) {
	return nil, op.ErrInvalidRefreshToken
}

func (s *storage) TerminateSession(context.Context, string, string) error { return nil }

func (s *storage) RevokeToken(_ context.Context, token, _, _ string) *oidc.Error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.tokens, token)
	return nil
}

func (s *storage) GetRefreshTokenInfo(context.Context, string, string) (string, string, error) {
	return "", "", op.ErrInvalidRefreshToken
}

func (s *storage) SigningKey(context.Context) (op.SigningKey, error) {
	return signingKey{id: s.keyID, key: s.key}, nil
}

func (s *storage) SignatureAlgorithms(context.Context) ([]jose.SignatureAlgorithm, error) {
	return []jose.SignatureAlgorithm{jose.RS256}, nil
}

func (s *storage) KeySet(context.Context) ([]op.Key, error) {
	return []op.Key{publicKey{id: s.keyID, key: &s.key.PublicKey}}, nil
}

func (s *storage) GetClientByClientID(_ context.Context, id string) (op.Client, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.clients[id]
	if !ok {
		return nil, errNotFound
	}
	return c, nil
}

func (s *storage) AuthorizeClientIDSecret(_ context.Context, id, secret string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.clients[id]
	if !ok || c.secret != secret {
		return errors.New("vneidsim: wrong client credentials")
	}
	return nil
}

func (s *storage) SetUserinfoFromScopes(context.Context, *oidc.UserInfo, string, string, []string) error {
	return nil
}

// SetUserinfoFromRequest fills the ID token: the library passes only the
// scopes whose claims belong there (without an access token's "profile").
func (s *storage) SetUserinfoFromRequest(_ context.Context, ui *oidc.UserInfo, r op.IDTokenRequest, scopes []string) error {
	return s.userinfo(ui, r.GetSubject(), scopes)
}

// SetUserinfoFromToken answers the UserInfo endpoint.
func (s *storage) SetUserinfoFromToken(_ context.Context, ui *oidc.UserInfo, tokenID, subject, _ string) error {
	s.mu.Lock()
	t, ok := s.tokens[tokenID]
	s.mu.Unlock()
	if !ok || time.Now().After(t.expires) {
		return errors.New("vneidsim: token expired")
	}
	return s.userinfo(ui, t.subject, vneid.Scopes())
}

func (s *storage) userinfo(ui *oidc.UserInfo, subject string, scopes []string) error {
	s.mu.Lock()
	p, ok := s.people[subject]
	s.mu.Unlock()
	if !ok {
		return errNotFound
	}
	ui.Subject = subject
	if slices.Contains(scopes, oidc.ScopeProfile) {
		ui.Name, ui.Birthdate = p.Name, p.BirthDate
	}
	if slices.Contains(scopes, vneid.ScopeCitizen) {
		ui.AppendClaims(vneid.ClaimIDNumber, p.IDNumber)
	}
	return nil
}

func (s *storage) SetIntrospectionFromToken(context.Context, *oidc.IntrospectionResponse, string, string, string) error {
	return errors.New("vneidsim: no introspection")
}

func (s *storage) GetPrivateClaimsFromScopes(context.Context, string, string, []string) (map[string]any, error) {
	return nil, nil
}

func (s *storage) GetKeyByIDAndClientID(context.Context, string, string) (*jose.JSONWebKey, error) {
	return nil, errors.New("vneidsim: no JWT profile")
}

func (s *storage) ValidateJWTProfileScopes(context.Context, string, []string) ([]string, error) {
	return nil, errors.New("vneidsim: no JWT profile")
}

func (s *storage) Health(context.Context) error { return nil }

type signingKey struct {
	id  string
	key *rsa.PrivateKey
}

func (k signingKey) SignatureAlgorithm() jose.SignatureAlgorithm { return jose.RS256 }
func (k signingKey) Key() any                                    { return k.key }
func (k signingKey) ID() string                                  { return k.id }

type publicKey struct {
	id  string
	key *rsa.PublicKey
}

func (k publicKey) ID() string                         { return k.id }
func (k publicKey) Algorithm() jose.SignatureAlgorithm { return jose.RS256 }
func (k publicKey) Use() string                        { return "sig" }
func (k publicKey) Key() any                           { return k.key }
