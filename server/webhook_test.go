package server_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/server"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
	"github.com/motcua/motcua/webhook"
)

// Webhooks end to end: an admin subscribes a receiver (a real HTTP
// server) on the admin page; every act on a dossier is an event and a
// delivery written in the act's transaction; a worker sends them. The
// receiver checks every signature with its own HMAC, not motcua's code.

// otherCommune is a commune of the demo district beside Gia Lâm.
const otherCommune = "000.03.07.H40"

// receiver is an integrator's endpoint: it keeps each delivery it
// accepted, refuses everything while down, and may linger before
// answering (so a kill lands between "it has it" and "motcua knows").
type receiver struct {
	t      testing.TB
	mu     sync.Mutex
	secret string
	down   bool
	linger time.Duration
	got    []arrival
	bad    []string
	srv    *httptest.Server
	// refused counts the requests answered 503 while down.
	refused int
}

type arrival struct {
	ID, Type, Dossier string
	N                 int64
	// Document is a document.issued event's document.
	Document *webhook.DocumentData
}

func newReceiver(t testing.TB) *receiver {
	r := &receiver{t: t}
	r.srv = httptest.NewServer(http.HandlerFunc(r.serve))
	t.Cleanup(r.srv.Close)
	return r
}

// verify is the receiver's own check of a Standard Webhooks signature.
func verify(secret string, h http.Header, body []byte) error {
	id, ts, sig := h.Get("webhook-id"), h.Get("webhook-timestamp"), h.Get("webhook-signature")
	if id == "" || ts == "" || sig == "" {
		return fmt.Errorf("headers missing: %v", h)
	}
	if _, err := strconv.ParseInt(ts, 10, 64); err != nil {
		return fmt.Errorf("timestamp %q", ts)
	}
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, "whsec_"))
	if err != nil {
		return err
	}
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(id + "." + ts + "." + string(body)))
	want := base64.StdEncoding.EncodeToString(mac.Sum(nil))
	for _, s := range strings.Fields(sig) {
		v, b64, _ := strings.Cut(s, ",")
		if v == "v1" && hmac.Equal([]byte(b64), []byte(want)) {
			return nil
		}
	}
	return fmt.Errorf("no valid signature in %q", sig)
}

func (r *receiver) serve(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	r.mu.Lock()
	if r.down {
		r.refused++
		r.mu.Unlock()
		http.Error(w, "down", http.StatusServiceUnavailable)
		return
	}
	if err := verify(r.secret, req.Header, body); err != nil {
		r.bad = append(r.bad, err.Error())
		r.mu.Unlock()
		http.Error(w, "bad signature", http.StatusBadRequest)
		return
	}
	var ev webhook.Event
	json.Unmarshal(body, &ev)
	n, _ := strconv.ParseInt(strings.TrimPrefix(ev.ID, "evt_"), 10, 64)
	if ev.ID != req.Header.Get("webhook-id") {
		r.bad = append(r.bad, "body id "+ev.ID+" ≠ header "+req.Header.Get("webhook-id"))
	}
	r.got = append(r.got, arrival{ID: ev.ID, Type: ev.Type, Dossier: ev.Data.Dossier, N: n, Document: ev.Data.Document})
	linger := r.linger
	r.mu.Unlock()
	time.Sleep(linger)
	w.WriteHeader(http.StatusNoContent)
}

func (r *receiver) arrivals() []arrival {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.t.Helper()
	if len(r.bad) > 0 {
		r.t.Fatalf("the receiver refused deliveries: %v", r.bad)
	}
	return append([]arrival(nil), r.got...)
}

func (r *receiver) set(f func(r *receiver)) { r.mu.Lock(); f(r); r.mu.Unlock() }

// of returns code's arrivals, in the order they came.
func (r *receiver) of(code string) []arrival {
	var out []arrival
	for _, a := range r.arrivals() {
		if a.Dossier == code {
			out = append(out, a)
		}
	}
	return out
}

func newWebhookEnv(t *testing.T, db *store.DB) *env {
	return newEnvWith(t, db, func(c *server.Config) { c.Webhooks = server.WebhooksConfig{AllowHosts: []string{"127.0.0.1"}} })
}

var secretRe = regexp.MustCompile(`<code>(whsec_[A-Za-z0-9+/=]+)</code>`)

// subscribe adds a subscription on the admin page as admin, for unit, and
// returns its id; the receiver gets the secret the page showed once.
func (e *env) subscribe(t *testing.T, admin, unitCode string, r *receiver, types ...string) int64 {
	t.Helper()
	if len(types) == 0 {
		types = webhook.Types
	}
	b := e.admSignIn(t, admin)
	b.get("/quan-tri/webhook")
	status, body := b.post("/quan-tri/webhook", url.Values{"url": {r.srv.URL + "/hook"}, "unit": {unitCode}, "type": types})
	m := secretRe.FindStringSubmatch(html.UnescapeString(body))
	if status != 200 || m == nil {
		t.Fatalf("subscribe: %d %s", status, body)
	}
	r.set(func(r *receiver) { r.secret = m[1] })
	a, err := e.app.Auth.UserByName(t.Context(), admin)
	if err != nil {
		t.Fatal(err)
	}
	subs, err := e.app.Webhooks.Subscriptions(t.Context(), a)
	if err != nil || len(subs) == 0 {
		t.Fatalf("subscriptions: %v %v", subs, err)
	}
	return subs[len(subs)-1].ID
}

// hookWorker is a sender with test timings. Its clock is the test clock
// moving on with the real one, so the rows' times (the test clock's) and
// the day of retries stay consistent.
func (e *env) hookWorker(id string, allow ...string) *webhook.Worker {
	start, base := time.Now(), e.clock.Now()
	return webhook.NewWorker(e.app.DB, webhook.WorkerConfig{ID: id, Guard: &webhook.Guard{Allow: allow},
		Backoff: 10 * time.Millisecond, MaxBackoff: 100 * time.Millisecond, SendTimeout: 2 * time.Second,
		Now: func() time.Time { return base.Add(time.Since(start)) }, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
}

// deliver runs w until nothing is left to send, or fails after a while.
func (e *env) deliver(w *webhook.Worker, within time.Duration) {
	e.t.Helper()
	ctx := context.Background()
	deadline := time.Now().Add(within)
	for {
		if _, err := w.RunOnce(ctx); err != nil {
			e.t.Fatal(err)
		}
		n, err := e.app.Webhooks.Unsent(ctx)
		if err != nil {
			e.t.Fatal(err)
		}
		if n == 0 {
			return
		}
		if time.Now().After(deadline) {
			c, _ := e.app.Webhooks.Counts(ctx)
			e.t.Fatalf("%d deliveries left after %v: %v", n, within, c)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// lifeOf takes a dossier of an inter-level procedure from submission to
// delivery at Gia Lâm and returns its code and the event types its acts
// make, in order.
func (e *env) lifeOf() (string, []string) {
	pr := interLevel(e.t)
	d := e.submit(pr.Code, demo.GiaLamCode)
	want := []string{"dossier.submitted"}
	e.advance(time.Hour)
	d = e.mustAct("gialam.tiepnhan", d.Code, "receive", nil)
	want = append(want, "dossier.received")
	for d.Status == "processing" {
		approve := d.StepRole == "leader"
		e.advance(30 * time.Minute)
		d = e.mustAct(officer(d.StepRole, d.Unit), d.Code, map[bool]string{true: "approve", false: "forward"}[approve], nil)
		want = append(want, map[bool]string{true: "dossier.result_ready", false: "dossier.step_done"}[approve])
	}
	e.mustAct("gialam.tiepnhan", d.Code, "deliver", nil)
	return d.Code, append(want, "dossier.delivered")
}

// inOrder checks that code's events arrived once each, numbers growing,
// with the types want.
func inOrder(t testing.TB, got []arrival, want []string) {
	t.Helper()
	var types []string
	for i, a := range got {
		if i > 0 && a.N <= got[i-1].N {
			t.Fatalf("events out of order or repeated: %v", got)
		}
		types = append(types, a.Type)
	}
	if strings.Join(types, " ") != strings.Join(want, " ") {
		t.Fatalf("events %v, want %v", types, want)
	}
}

func TestWebhooks(t *testing.T) {
	t.Parallel()
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newWebhookEnv(t, db)
		ctx := t.Context()
		here, there := newReceiver(t), newReceiver(t)
		sub := e.subscribe(t, "gialam.quantri", demo.GiaLamCode, here)
		e.newOfficer("c2.quantri", auth.Admin, otherCommune)
		e.subscribe(t, "c2.quantri", otherCommune, there)

		// One dossier's whole life, the receiver down for the first part.
		here.set(func(r *receiver) { r.down = true })
		code, want := e.lifeOf()
		w := e.hookWorker("w1", "127.0.0.1")
		for range 5 {
			if _, err := w.RunOnce(ctx); err != nil {
				t.Fatal(err)
			}
			time.Sleep(120 * time.Millisecond) // past the longest backoff
		}
		var refused int
		here.set(func(r *receiver) { refused, r.down = r.refused, false })
		// Down, each attempt is the dossier's first event only: the later
		// ones wait for it.
		if refused < 3 || len(here.arrivals()) != 0 {
			t.Fatalf("while down: %d refused, %d kept", refused, len(here.arrivals()))
		}
		e.deliver(w, 30*time.Second)
		inOrder(t, here.of(code), want)
		if got := there.arrivals(); len(got) != 0 {
			t.Fatalf("the other commune's subscription received Gia Lâm's events: %v", got)
		}

		// The feed: the same events, by pages, for Gia Lâm's reception;
		// none for the other commune's officers; nothing without a token.
		var feed []arrival
		after := ""
		for pages := 0; ; pages++ {
			var p struct {
				Events []webhook.Event `json:"events"`
				Next   string          `json:"next"`
			}
			e.must(e.call("gialam.tiepnhan", "GET", "/api/v1/events?limit=2&after="+after, nil, &p), 200)
			for _, ev := range p.Events {
				n, _ := strconv.ParseInt(strings.TrimPrefix(ev.ID, "evt_"), 10, 64)
				feed = append(feed, arrival{ID: ev.ID, Type: ev.Type, Dossier: ev.Data.Dossier, N: n})
			}
			if p.Next == "" {
				break
			}
			if pages > 20 {
				t.Fatal("the feed does not end")
			}
			after = p.Next
		}
		inOrder(t, feed, want)
		if fmt.Sprint(feed) != fmt.Sprint(here.of(code)) {
			t.Fatalf("feed %v, webhooks %v", feed, here.of(code))
		}
		e.newOfficer("c2.tiepnhan", auth.Reception, otherCommune)
		var other struct{ Events []json.RawMessage }
		e.must(e.call("c2.tiepnhan", "GET", "/api/v1/events", nil, &other), 200)
		if len(other.Events) != 0 {
			t.Fatalf("another commune's officer reads Gia Lâm's events: %s", other.Events)
		}
		e.must(e.call("", "GET", "/api/v1/events", nil, nil), 401)
		e.must(e.call("gialam.tiepnhan", "GET", "/api/v1/events?after=x", nil, nil), 422)

		// A dossier of the other commune goes to its subscription only.
		pr := interLevel(t)
		d2 := e.submit(pr.Code, otherCommune)
		e.deliver(w, 10*time.Second)
		if got := there.of(d2.Code); len(got) != 1 || got[0].Type != "dossier.submitted" {
			t.Fatalf("the other commune's receiver got %v", there.arrivals())
		}
		if got := here.of(d2.Code); len(got) != 0 {
			t.Fatalf("Gia Lâm's receiver got the other commune's dossier: %v", got)
		}

		// Replay from the admin page: an event sent again, same id; another
		// commune's admin cannot.
		first := here.of(code)[0]
		c2 := e.admSignIn(t, "c2.quantri")
		c2.get("/quan-tri/webhook")
		if status, _ := c2.post(fmt.Sprintf("/quan-tri/webhook/%d/gui-lai", sub), url.Values{"event": {first.ID}}); status != 404 {
			t.Fatalf("another commune's admin replays: %d", status)
		}
		b := e.admSignIn(t, "gialam.quantri")
		if status, body := b.get(fmt.Sprintf("/quan-tri/webhook?sub=%d", sub)); status != 200 || !strings.Contains(body, code) {
			t.Fatalf("deliveries page: %d", status)
		}
		if status, body := b.post(fmt.Sprintf("/quan-tri/webhook/%d/gui-lai", sub), url.Values{"event": {first.ID}}); status != 200 || !strings.Contains(body, "gửi lại") {
			t.Fatalf("replay: %d %s", status, body)
		}
		e.deliver(w, 10*time.Second)
		got := here.of(code)
		if last := got[len(got)-1]; last.ID != first.ID || len(got) != len(want)+1 {
			t.Fatalf("after the replay: %v", got)
		}

		// Send-time check: the address allowed when subscribing is refused
		// by a sender whose operator no longer allows it (a name that now
		// resolves inside is refused the same way, on the address dialled).
		e.advance(time.Hour)
		e.mustAct("gialam.tiepnhan", e.submit(pr.Code, demo.GiaLamCode).Code, "receive", nil)
		strict := e.hookWorker("strict")
		before := len(here.arrivals())
		for range 3 {
			if _, err := strict.RunOnce(ctx); err != nil {
				t.Fatal(err)
			}
			time.Sleep(120 * time.Millisecond)
		}
		if len(here.arrivals()) != before {
			t.Fatal("a sender not allowing loopback delivered to it")
		}
		var lastErr string
		db.QueryRowContext(ctx, `SELECT last_error FROM webhook_deliveries WHERE status = 'pending' AND last_error <> '' LIMIT 1`).Scan(&lastErr)
		if !strings.Contains(lastErr, "address refused") {
			t.Fatalf("last error %q", lastErr)
		}
		e.deliver(e.hookWorker("w2", "127.0.0.1"), 10*time.Second)

		// Stopping: only the unit's admins may; then nothing more is queued
		// for it and it cannot be replayed.
		path := fmt.Sprintf("/quan-tri/webhook/%d/ngung", sub)
		if status, _ := c2.post(path, nil); status != 404 {
			t.Fatalf("another commune's admin stops the subscription: %d", status)
		}
		b.get("/quan-tri/webhook")
		if status, body := b.post(path, nil); status != 200 || !strings.Contains(body, "Đã ngừng") {
			t.Fatalf("stop: %d", status)
		}
		var queued int
		db.QueryRowContext(ctx, `SELECT COUNT(*) FROM webhook_deliveries WHERE subscription_id = ?`, sub).Scan(&queued)
		e.submit(pr.Code, demo.GiaLamCode)
		var later int
		db.QueryRowContext(ctx, `SELECT COUNT(*) FROM webhook_deliveries WHERE subscription_id = ?`, sub).Scan(&later)
		if later != queued {
			t.Fatalf("a stopped subscription got %d new deliveries", later-queued)
		}
		if status, _ := b.post(fmt.Sprintf("/quan-tri/webhook/%d/gui-lai", sub), url.Values{"event": {first.ID}}); status != 409 {
			t.Fatalf("replay on a stopped subscription: %d", status)
		}
	})
}

// TestWebhookSubscribeRefusals: the addresses a subscription may not
// name, and the units an admin may not subscribe to.
func TestWebhookSubscribeRefusals(t *testing.T) {
	t.Parallel()
	e := newEnv(t, storetest.Open(t, "sqlite"))
	b := e.admSignIn(t, "gialam.quantri")
	b.get("/quan-tri/webhook")
	for _, c := range []struct{ url, unit, code string }{
		{"http://example.com/hook", demo.GiaLamCode, "webhook_url_scheme"},
		{"ftp://example.com/hook", demo.GiaLamCode, "webhook_url_scheme"},
		{"http://127.0.0.1:9/hook", demo.GiaLamCode, "webhook_url_private"}, // loopback, not allowlisted
		{"https://10.1.2.3/hook", demo.GiaLamCode, "webhook_url_private"},
		{"https://169.254.169.254/latest/meta-data", demo.GiaLamCode, "webhook_url_private"},
		{"https://[::1]/hook", demo.GiaLamCode, "webhook_url_private"},
		{"https://100.64.0.1/hook", demo.GiaLamCode, "webhook_url_private"},
		{"https://localhost/hook", demo.GiaLamCode, "webhook_url_private"},
		{"https://1.1.1.1/hook", demo.DistrictCode, "forbidden"},
	} {
		status, body := b.post("/quan-tri/webhook", url.Values{"url": {c.url}, "unit": {c.unit}, "type": {"dossier.received"}})
		if c.code == "forbidden" {
			if status != 403 {
				t.Errorf("%s at the district by a commune admin: %d", c.url, status)
			}
			continue
		}
		if status != 422 || strings.Contains(body, "whsec_") {
			t.Errorf("%s: %d, want 422 %s", c.url, status, c.code)
		}
	}
	if n, _ := e.app.Webhooks.Counts(t.Context()); len(n) != 0 {
		t.Fatalf("deliveries %v", n)
	}
}

// TestWebhookFeePaid: a fee paid at the gateway is an event of its
// dossier (payment.paid), after the dossier's own, in the feed.
func TestWebhookFeePaid(t *testing.T) {
	t.Parallel()
	e := newPayEnv(t, storetest.Open(t, "sqlite"))
	code := e.receivedDossier("2.000884")
	p := e.start(code)
	e.payAtGateway(p.PaymentURL, true)
	if e.payment(p.Ref).State != "paid" {
		t.Fatalf("payment %+v", e.payment(p.Ref))
	}
	var page struct{ Events []webhook.Event }
	e.must(e.call("gialam.tiepnhan", "GET", "/api/v1/events", nil, &page), 200)
	var types []string
	for _, ev := range page.Events {
		if ev.Data.Dossier == code {
			types = append(types, ev.Type)
			if ev.Type == "payment.paid" && (ev.Data.Payment != p.Ref || ev.Data.Amount != 10000 || ev.Data.Unit != demo.GiaLamCode) {
				t.Fatalf("payment event %+v", ev)
			}
		}
	}
	if strings.Join(types, " ") != "dossier.submitted dossier.received payment.paid" {
		t.Fatalf("events %v", types)
	}
}
