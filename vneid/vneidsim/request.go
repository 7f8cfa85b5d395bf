package vneidsim

import (
	"crypto/rand"
	"encoding/hex"
	"strconv"
	"time"

	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
)

// authRequest is one sign-in in progress; subject is set when the person
// picked on the simulator's page.
type authRequest struct {
	id        string
	req       oidc.AuthRequest
	challenge *oidc.CodeChallenge
	created   time.Time
	subject   string
	authTime  time.Time
}

// view is a copy the library may read without the storage's lock; with
// tamper its nonce is not the client's.
func (a *authRequest) view(tamper bool) *authRequestView {
	v := &authRequestView{authRequest: *a}
	if tamper {
		v.req.Nonce = "tampered-" + v.req.Nonce
	}
	return v
}

type authRequestView struct{ authRequest }

var _ op.AuthRequest = (*authRequestView)(nil)

func (a *authRequestView) GetID() string                         { return a.id }
func (a *authRequestView) GetACR() string                        { return "" }
func (a *authRequestView) GetAMR() []string                      { return []string{"pwd"} }
func (a *authRequestView) GetAudience() []string                 { return []string{a.req.ClientID} }
func (a *authRequestView) GetAuthTime() time.Time                { return a.authTime }
func (a *authRequestView) GetClientID() string                   { return a.req.ClientID }
func (a *authRequestView) GetCodeChallenge() *oidc.CodeChallenge { return a.challenge }
func (a *authRequestView) GetNonce() string                      { return a.req.Nonce }
func (a *authRequestView) GetRedirectURI() string                { return a.req.RedirectURI }
func (a *authRequestView) GetResponseType() oidc.ResponseType    { return a.req.ResponseType }
func (a *authRequestView) GetResponseMode() oidc.ResponseMode    { return a.req.ResponseMode }
func (a *authRequestView) GetScopes() []string                   { return a.req.Scopes }
func (a *authRequestView) GetState() string                      { return a.req.State }
func (a *authRequestView) GetSubject() string                    { return a.subject }
func (a *authRequestView) Done() bool                            { return a.subject != "" }

// client is a relying party registered with the simulator.
type client struct {
	id, secret string
	redirects  []string
	loginURL   func(string) string
}

var _ op.Client = (*client)(nil)

func (c *client) GetID() string                       { return c.id }
func (c *client) RedirectURIs() []string              { return c.redirects }
func (c *client) PostLogoutRedirectURIs() []string    { return nil }
func (c *client) ApplicationType() op.ApplicationType { return op.ApplicationTypeWeb }
func (c *client) AuthMethod() oidc.AuthMethod         { return oidc.AuthMethodBasic }
func (c *client) ResponseTypes() []oidc.ResponseType {
	return []oidc.ResponseType{oidc.ResponseTypeCode}
}
func (c *client) GrantTypes() []oidc.GrantType        { return []oidc.GrantType{oidc.GrantTypeCode} }
func (c *client) LoginURL(id string) string           { return c.loginURL(id) }
func (c *client) AccessTokenType() op.AccessTokenType { return op.AccessTokenTypeBearer }
func (c *client) IDTokenLifetime() time.Duration      { return 5 * time.Minute }

// DevMode lets the demo's plain-http redirect URIs through.
func (c *client) DevMode() bool { return true }
func (c *client) RestrictAdditionalIdTokenScopes() func([]string) []string {
	return func(s []string) []string { return s }
}
func (c *client) RestrictAdditionalAccessTokenScopes() func([]string) []string {
	return func(s []string) []string { return s }
}
func (c *client) IsScopeAllowed(string) bool { return false }

// IDTokenUserinfoClaimsAssertion false: the profile claims (name, date of
// birth) come from UserInfo, as many national providers do; the ID
// number's scope is custom and stays in the ID token.
func (c *client) IDTokenUserinfoClaimsAssertion() bool { return false }
func (c *client) ClockSkew() time.Duration             { return 0 }

func randomID(seq int) string {
	var b [12]byte
	rand.Read(b[:])
	return strconv.Itoa(seq) + "-" + hex.EncodeToString(b[:])
}
