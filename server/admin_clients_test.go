package server_test

import (
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

var admSecret = regexp.MustCompile(`<code>(mc-[0-9a-f]+)</code></dd>\s*<dt>[^<]+</dt><dd><code id="client-secret">([^<]+)</code>`)

// The connected systems' page: the commune admin adds a client for the
// commune (the secret shown once, not cached), the secret works at the
// token endpoint, a rotation shows a new one while the old still works,
// the district and province admins see the commune's client (the auth
// tests refuse a commune admin the district's), and a revocation ends the
// client's live token.
func TestAdminClientPages(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		b := e.admSignIn(t, "gialam.quantri")
		if status, body := b.get("/quan-tri/he-thong-ket-noi"); status != 200 || !strings.Contains(body, "Hệ thống kết nối") ||
			!strings.Contains(body, `value="webhooks:manage"`) {
			t.Fatalf("page: %d (with the scope webhooks:manage offered)", status)
		}
		status, body := b.post("/quan-tri/he-thong-ket-noi", url.Values{"name": {""}, "unit": {demo.GiaLamCode}, "right": {"dossier.read"}, "scope": {"dossiers:read"}})
		if status != 422 || !strings.Contains(body, `role="alert"`) {
			t.Fatalf("no name: %d", status)
		}
		status, body = b.post("/quan-tri/he-thong-ket-noi", url.Values{"name": {"Phần mềm một cửa cũ"}, "unit": {demo.DistrictCode}, "right": {"dossier.read"}, "scope": {"dossiers:read"}})
		if status != 403 {
			t.Fatalf("a commune admin grants at the district: %d", status)
		}
		status, body = b.post("/quan-tri/he-thong-ket-noi", url.Values{"name": {"Phần mềm một cửa cũ"}, "unit": {demo.GiaLamCode},
			"right": {"dossier.read"}, "scope": {"dossiers:read", "events:read", "webhooks:manage"}, "rate": {"100"}})
		m := admSecret.FindStringSubmatch(body)
		if status != 200 || m == nil {
			t.Fatalf("add: %d %s", status, snippet(body))
		}
		id, secret := m[1], m[2]
		e.tokens[id] = clientToken(t, e, id, secret)
		e.must(e.call(id, "GET", "/api/v1/dossiers", nil, nil), 200)
		e.must(e.call(id, "GET", "/api/v1/webhooks", nil, nil), 200) // webhooks:manage given on the page

		status, body = b.post("/quan-tri/he-thong-ket-noi/"+id+"/khoa-moi", nil)
		m2 := admSecret.FindStringSubmatch(body)
		if status != 200 || m2 == nil || m2[2] == secret || !strings.Contains(body, "khóa cũ còn dùng được") {
			t.Fatalf("rotate: %d %s", status, snippet(body))
		}
		clientToken(t, e, id, secret)
		clientToken(t, e, id, m2[2])

		if _, body := e.admSignIn(t, "huyen.quantri").get("/quan-tri/he-thong-ket-noi"); !strings.Contains(body, id) {
			t.Error("the district admin does not see the commune's client")
		}
		if _, body := e.admSignIn(t, officer(auth.Admin, demo.ProvinceCode)).get("/quan-tri/he-thong-ket-noi"); !strings.Contains(body, id) {
			t.Error("the province admin does not see the commune's client")
		}
		if status, _ := b.post("/quan-tri/he-thong-ket-noi/mc-khong-co/thu-hoi", nil); status != 422 {
			t.Fatalf("revoke an unknown client: %d", status)
		}
		status, body = b.post("/quan-tri/he-thong-ket-noi/"+id+"/thu-hoi", nil)
		if status != 200 || !strings.Contains(body, "Đã thu hồi hệ thống kết nối") {
			t.Fatalf("revoke: %d %s", status, snippet(body))
		}
		e.must(e.call(id, "GET", "/api/v1/dossiers", nil, nil), 401)
	})
}
