package server_test

import (
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

// A system account's token is for the API only: set as the session
// cookie it opens no back-office page (whose routes the client gate does
// not guard), so a token scoped to events:read cannot read a dossier on
// the web with the account's unit rights.
func TestClientTokenNotASessionCookie(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		d := e.submit("1.013978", demo.GiaLamCode)
		id, secret := addClient(t, e, demo.GiaLamCode, 0, auth.OpEventsRead, auth.OpDossiersRead)
		tok := clientToken(t, e, id, secret)
		cj, _ := cookiejar.New(nil)
		u, _ := url.Parse(e.srv.URL)
		cj.SetCookies(u, []*http.Cookie{{Name: "motcua_session", Value: tok, Path: "/"}})
		b := &officeBrowser{t: t, e: e, user: id, jar: cj, c: &http.Client{Jar: cj}}
		for _, path := range []string{"/can-bo/ho-so/" + d.Code, "/can-bo", "/quan-tri"} {
			status, body, final := b.get(path)
			if status != 200 || !strings.HasPrefix(final, "/dang-nhap") || strings.Contains(body, "Tiếp nhận hồ sơ") {
				t.Errorf("%s with a client token as cookie: %d at %s", path, status, final)
			}
		}
	})
}
