package server_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/motcua/motcua/audit"
	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
	"github.com/motcua/motcua/webhook"
)

// capture is a receiver that keeps every request as it came, so a test
// can verify each signature with whichever secret it likes.
type capture struct {
	mu   sync.Mutex
	reqs []captured
	srv  *httptest.Server
}

type captured struct {
	h    http.Header
	body []byte
}

func newCapture(t *testing.T) *capture {
	c := &capture{}
	c.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		c.mu.Lock()
		c.reqs = append(c.reqs, captured{r.Header.Clone(), b})
		c.mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(c.srv.Close)
	return c
}

// since returns the requests after the first n.
func (c *capture) since(n int) []captured {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]captured(nil), c.reqs[n:]...)
}

func (c *capture) count() int { c.mu.Lock(); defer c.mu.Unlock(); return len(c.reqs) }

type hookView struct {
	ID             int64
	URL            string
	Types, Units   []string
	Active         bool
	Secret         string
	OldSecretUntil *time.Time `json:"old_secret_until"`
}

// TestWebhooksAPI: a system account subscribes through the API for the
// commune where it reads dossiers and for no other; it sees, rotates,
// replays and deletes only its own subscriptions (another client's are
// 404); an admin subscribes where it manages the unit; the SSRF guard
// holds; each change is in the audit log; the list pages by the listing
// convention.
func TestWebhooksAPI(t *testing.T) {
	t.Parallel()
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newWebhookEnv(t, db)
		c1, s1 := addClient(t, e, demo.GiaLamCode, 1000, auth.OpWebhooksManage, auth.OpEventsRead)
		c2, s2 := addClient(t, e, otherCommune, 1000, auth.OpWebhooksManage)
		c3, s3 := addClient(t, e, demo.GiaLamCode, 1000, auth.OpEventsRead) // no webhooks:manage
		e.tokens[c1], e.tokens[c2], e.tokens[c3] = clientToken(t, e, c1, s1), clientToken(t, e, c2, s2), clientToken(t, e, c3, s3)
		rc := newCapture(t)
		body := func(units ...string) map[string]any {
			return map[string]any{"url": rc.srv.URL + "/hook", "types": []string{"dossier.received"}, "units": units}
		}

		e.newOfficer("giathuy.quantri", auth.Admin, otherCommune)
		var h hookView
		e.must(e.call(c1, "POST", "/api/v1/webhooks", body(demo.GiaLamCode), &h), 201)
		if h.ID == 0 || !strings.HasPrefix(h.Secret, "whsec_") || !h.Active || !slices.Equal(h.Units, []string{demo.GiaLamCode}) {
			t.Fatalf("subscribed: %+v", h)
		}
		for _, c := range []struct {
			name, user string
			in         map[string]any
			status     int
			code       string
		}{
			{"another commune", c1, body(otherCommune), 403, "webhook_unit"},
			{"its commune and another", c1, body(demo.GiaLamCode, otherCommune), 403, "webhook_unit"},
			{"the district above it", c1, body(demo.DistrictCode), 403, "webhook_unit"},
			{"an unknown unit", c1, body("000.99.99.H99"), 403, "webhook_unit"},
			{"no unit", c1, body(), 422, "webhook_units_invalid"},
			{"no webhooks:manage", c3, body(demo.GiaLamCode), 403, "client_scope"},
			{"C2's client at C1", c2, body(demo.GiaLamCode), 403, "webhook_unit"},
			{"a private address", c1, map[string]any{"url": "https://10.1.2.3/hook", "types": []string{"dossier.received"}, "units": []string{demo.GiaLamCode}}, 422, "webhook_url_private"},
			{"an unknown type", c1, map[string]any{"url": rc.srv.URL, "types": []string{"dossier.exploded"}, "units": []string{demo.GiaLamCode}}, 422, "webhook_types_invalid"},
			{"an admin of another commune", "giathuy.quantri", body(demo.GiaLamCode), 403, "webhook_unit"},
			{"a citizen", "congdan", body(demo.GiaLamCode), 403, "webhook_unit"},
		} {
			// A refusal's code is "forbidden"; its message tells which.
			code, says := c.code, ""
			switch c.code {
			case "webhook_unit":
				code, says = "forbidden", "đăng ký cho các đơn vị"
			case "client_scope":
				code, says = "forbidden", "webhooks:manage"
			}
			if r := e.call(c.user, "POST", "/api/v1/webhooks", c.in, nil); r.status != c.status || r.errCode() != code || !strings.Contains(string(r.body), says) {
				t.Errorf("%s: %d %s, want %d %s", c.name, r.status, r.body, c.status, c.code)
			}
		}
		// An admin of Gia Lâm subscribes through the API too, as a person.
		var ha hookView
		e.must(e.call("gialam.quantri", "POST", "/api/v1/webhooks", body(demo.GiaLamCode), &ha), 201)

		// Each owner sees its own only; another's is as if it did not exist.
		id := strconv.FormatInt(h.ID, 10)
		ownIDs := func(user string) []string {
			return e.walkPages(listWalk{user: user, path: "/api/v1/webhooks", items: "webhooks", key: "id"}, 1)
		}
		if got := ownIDs(c1); !slices.Equal(got, []string{id}) {
			t.Errorf("C1's client lists %v, want [%s]", got, id)
		}
		if got := ownIDs("gialam.quantri"); !slices.Equal(got, []string{strconv.FormatInt(ha.ID, 10)}) {
			t.Errorf("the admin lists %v, want only its own %d", got, ha.ID)
		}
		if got := ownIDs(c2); len(got) != 0 {
			t.Errorf("C2's client lists %v", got)
		}
		for _, c := range []struct{ method, path string }{
			{"GET", ""}, {"DELETE", ""}, {"POST", "/rotate-secret"},
		} {
			for _, who := range []string{c2, "gialam.quantri"} {
				if r := e.call(who, c.method, "/api/v1/webhooks/"+id+c.path, nil, nil); r.status != 404 || r.errCode() != "unknown_subscription" {
					t.Errorf("%s %s by %s: %d %s, want 404", c.method, c.path, who, r.status, r.body)
				}
			}
		}
		if r := e.call(c2, "POST", "/api/v1/webhooks/"+id+"/replay", map[string]any{"from": "evt_1"}, nil); r.status != 404 {
			t.Errorf("C2 replays C1's: %d %s", r.status, r.body)
		}

		// Deliveries, then a rotation: during its grace each delivery is
		// signed with both secrets, each verifying alone.
		w := e.hookWorker("api", "127.0.0.1")
		d := e.submit(certify, demo.GiaLamCode)
		e.mustAct("gialam.tiepnhan", d.Code, "receive", nil)
		e.deliver(w, 10*time.Second)
		got := rc.since(0)
		if len(got) != 2 { // C1's client and the admin both subscribed dossier.received
			t.Fatalf("%d deliveries, want 2", len(got))
		}
		oldSecret := h.Secret
		var rot struct {
			Secret         string
			OldSecretUntil time.Time `json:"old_secret_until"`
		}
		e.must(e.call(c1, "POST", "/api/v1/webhooks/"+id+"/rotate-secret", nil, &rot), 200)
		if rot.Secret == oldSecret || !strings.HasPrefix(rot.Secret, "whsec_") || !rot.OldSecretUntil.Equal(e.clock.Now().Add(24*time.Hour)) {
			t.Fatalf("rotated: %+v (now %v)", rot, e.clock.Now())
		}
		var now hookView
		e.must(e.call(c1, "GET", "/api/v1/webhooks/"+id, nil, &now), 200)
		if now.OldSecretUntil == nil || now.Secret != "" {
			t.Errorf("after rotation: %+v (grace shown, secret never)", now)
		}
		ofC1 := func(reqs []captured) []captured {
			t.Helper()
			var out []captured
			for _, r := range reqs {
				if verify(oldSecret, r.h, r.body) == nil || verify(rot.Secret, r.h, r.body) == nil {
					out = append(out, r)
				}
			}
			return out
		}
		n := rc.count()
		d2 := e.submit(certify, demo.GiaLamCode)
		e.mustAct("gialam.tiepnhan", d2.Code, "receive", nil)
		e.deliver(w, 10*time.Second)
		during := ofC1(rc.since(n))
		if len(during) != 1 {
			t.Fatalf("%d deliveries to C1's subscription in the grace, want 1", len(during))
		}
		for _, r := range during {
			if err := verify(oldSecret, r.h, r.body); err != nil {
				t.Errorf("in the grace, the old secret alone: %v", err)
			}
			if err := verify(rot.Secret, r.h, r.body); err != nil {
				t.Errorf("in the grace, the new secret alone: %v", err)
			}
			if sigs := strings.Fields(r.h.Get("webhook-signature")); len(sigs) != 2 {
				t.Errorf("in the grace, signatures %v, want two", sigs)
			}
		}
		// After the grace only the new secret signs.
		e.advance(24*time.Hour + time.Minute)
		e.tokens[c1] = clientToken(t, e, c1, s1)
		w = e.hookWorker("after-grace", "127.0.0.1")
		n = rc.count()
		d3 := e.submit(certify, demo.GiaLamCode)
		e.mustAct("gialam.tiepnhan", d3.Code, "receive", nil)
		e.deliver(w, 10*time.Second)
		after := ofC1(rc.since(n))
		if len(after) != 1 {
			t.Fatalf("%d deliveries to C1's subscription after the grace, want 1", len(after))
		}
		if err := verify(rot.Secret, after[0].h, after[0].body); err != nil {
			t.Errorf("after the grace, the new secret: %v", err)
		}
		if err := verify(oldSecret, after[0].h, after[0].body); err == nil {
			t.Errorf("after the grace, the old secret still verifies")
		}
		var later hookView
		e.must(e.call(c1, "GET", "/api/v1/webhooks/"+id, nil, &later), 200)
		if later.OldSecretUntil != nil {
			t.Errorf("after the grace the subscription shows a grace until %v", later.OldSecretUntil)
		}

		// Replay from the first event: its three receipts again, same ids.
		var rp struct {
			Queued int
			Next   string
		}
		e.must(e.call(c1, "POST", "/api/v1/webhooks/"+id+"/replay", map[string]any{"from": "evt_1"}, &rp), 202)
		if rp.Queued != 3 || rp.Next != "" {
			t.Errorf("replay from evt_1: %+v, want 3 queued", rp)
		}
		n = rc.count()
		e.deliver(w, 10*time.Second)
		var ids []string
		for _, r := range ofC1(rc.since(n)) {
			ids = append(ids, r.h.Get("webhook-id"))
		}
		var want []string
		for _, r := range ofC1(rc.since(0)[:n]) {
			if !slices.Contains(want, r.h.Get("webhook-id")) {
				want = append(want, r.h.Get("webhook-id"))
			}
		}
		slices.Sort(ids)
		slices.Sort(want)
		if len(want) != 3 || !slices.Equal(ids, want) {
			t.Errorf("replayed %v, want the three receipts %v again", ids, want)
		}
		for _, bad := range []string{"", "evt_x", "-3"} {
			if r := e.call(c1, "POST", "/api/v1/webhooks/"+id+"/replay", map[string]any{"from": bad}, nil); r.status != 422 || r.errCode() != "invalid_event_id" {
				t.Errorf("replay from %q: %d %s", bad, r.status, r.body)
			}
		}

		// Deleting stops it: listed inactive, nothing more sent, no rotation.
		e.must(e.call(c1, "DELETE", "/api/v1/webhooks/"+id, nil, nil), 204)
		var stopped hookView
		e.must(e.call(c1, "GET", "/api/v1/webhooks/"+id, nil, &stopped), 200)
		if stopped.Active {
			t.Errorf("deleted, still active")
		}
		if r := e.call(c1, "POST", "/api/v1/webhooks/"+id+"/rotate-secret", nil, nil); r.status != 409 || r.errCode() != "subscription_stopped" {
			t.Errorf("rotate a stopped one: %d %s", r.status, r.body)
		}

		// The audit log has the subscription, the rotation and the stop,
		// the client as their actor.
		for _, action := range []string{"webhook_subscribed", "webhook_secret_rotated", "webhook_stopped"} {
			var p audit.Page
			e.must(e.call("huyen.giamsat", "GET", "/api/v1/audit?action="+action, nil, &p), 200)
			found := false
			for _, en := range p.Entries {
				found = found || en.Object == "webhook:"+id
			}
			if !found {
				t.Errorf("no %s row for webhook:%s in %+v", action, id, p.Entries)
			}
		}
	})
}

// TestWebhooksAPIPages: a client's own subscriptions page by id.
func TestWebhooksAPIPages(t *testing.T) {
	t.Parallel()
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newWebhookEnv(t, db)
		c1, s1 := addClient(t, e, demo.GiaLamCode, 1000, auth.OpWebhooksManage)
		e.tokens[c1] = clientToken(t, e, c1, s1)
		for range 4 {
			e.must(e.call(c1, "POST", "/api/v1/webhooks", map[string]any{"url": "http://127.0.0.1:9/hook", "types": webhook.Types, "units": []string{demo.GiaLamCode}}, nil), 201)
		}
		e.checkWalk(listWalk{user: c1, path: "/api/v1/webhooks", items: "webhooks", key: "id"}, 4)
	})
}
