package demo

// The engine the generator and Live drive: the real services (dossier,
// payment, postal, rating) on one settable clock, and the simulators that
// ship with motcua — the VNPAY gateway (payment/vnpaysim) and the post
// (postal/postsim) — served on a loopback listener of their own, so an
// online payment goes through the gateway's page, its signed IPN and the
// payment service's verification, and a result by post through the post's
// API and its signed tracking webhooks, exactly as under serve --demo.

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"time"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/calendar"
	"github.com/motcua/motcua/catalog"
	"github.com/motcua/motcua/document"
	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/event"
	"github.com/motcua/motcua/land"
	"github.com/motcua/motcua/payment"
	"github.com/motcua/motcua/payment/vnpaysim"
	"github.com/motcua/motcua/postal"
	"github.com/motcua/motcua/postal/postsim"
	"github.com/motcua/motcua/rating"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/tally"
	"github.com/motcua/motcua/unit"
)

// postSecret signs the simulated post's webhooks to the engine's postal
// service; both ends are in this process, so a fixed key is enough.
const postSecret = "motcua-demo-post"

type engine struct {
	clock    *genClock
	db       *store.DB
	units    *unit.Store
	cat      *catalog.Store
	au       *auth.Service
	cal      *calendar.Calendar
	dossiers *dossier.Service
	docs     *document.Service
	land     *land.Service
	payments *payment.Service
	post     *postal.Service
	ratings  *rating.Service
	vnpay    *vnpaysim.Sim
	postSim  *postsim.Sim

	base   string // http://127.0.0.1:port of the simulators
	client *http.Client
	srv    *http.Server
}

// newEngine wires the services on db with clock and starts the simulators.
// No notifier (the bus carries the tally's listeners and the results
// register's, no more): months of confirmations would fill the outbox
// with messages to demo addresses.
func newEngine(ctx context.Context, db *store.DB, dataDir string, clock *genClock) (*engine, error) {
	e := &engine{clock: clock, db: db}
	e.units = unit.NewStore(db, clock.Now)
	e.cat = catalog.NewStore(db, clock.Now)
	e.au = auth.NewService(db, auth.Config{Params: DemoParams, Now: clock.Now, Units: e.units})
	scal, err := calendar.NewStore(ctx, db, calendar.StoreConfig{Now: clock.Now, Province: e.units})
	if err != nil {
		return nil, err
	}
	e.cal = scal.Current()
	// The tally follows every act, as in the server: reports read it.
	bus := event.New()
	tally.New(db, scal).Subscribe(bus)
	// A result made is an issued document of the unit's outgoing register,
	// through the server's own listener (document.Service.OnTransitioned),
	// in the approval's transaction: generated results are registered as
	// live ones are.
	// A land dossier is checked against the registry and its result
	// changes it, through the server's own listener (land.OnTransitioned).
	e.land = land.New(db, land.Config{Units: e.units, Bus: bus, Now: clock.Now})
	event.Subscribe(bus, "land.Registry", e.land.OnTransitioned)
	e.docs = document.New(db, e.units, document.Config{Now: clock.Now, Bus: bus})
	event.Subscribe(bus, "document.RegisterResult", e.docs.OnTransitioned)
	e.dossiers = dossier.NewService(db, e.units, e.cat, e.au, scal, dossier.Config{FilesDir: filepath.Join(dataDir, "files"),
		Now: clock.Now, Owed: payment.Owed, Events: bus})
	e.ratings = rating.NewService(db, e.dossiers, clock.Now)

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("demo: simulators: %w", err)
	}
	e.base = "http://" + ln.Addr().String()
	// Redirects are the gateway sending the payer back: the payer's browser
	// would follow them to motcua's return page, which changes nothing.
	e.client = &http.Client{Timeout: 30 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	e.vnpay = vnpaysim.New(vnpaysim.Config{TmnCode: vnpaysim.DemoTmnCode, HashSecret: vnpaysim.DemoHashSecret,
		IPNURL: e.base + "/ipn", Now: clock.Now, Log: quiet})
	gw, err := payment.NewVNPay(payment.VNPayConfig{TmnCode: vnpaysim.DemoTmnCode, HashSecret: vnpaysim.DemoHashSecret,
		URL: e.base + "/vnpay/paymentv2/vpcpay.html", Now: clock.Now})
	if err != nil {
		ln.Close()
		return nil, err
	}
	e.payments = payment.New(db, e.dossiers, e.units, payment.Config{Gateway: gw, Now: clock.Now, Log: quiet})
	e.postSim = postsim.New(postsim.Config{Token: "demo", Secret: postSecret, WebhookURL: e.base + "/webhook", Now: clock.Now})
	pc, err := postal.NewClient(postal.ClientConfig{URL: e.base + "/post", Token: "demo"})
	if err != nil {
		ln.Close()
		return nil, err
	}
	e.post = postal.NewService(db, e.dossiers, e.units, postal.Config{Client: pc, WebhookSecret: postSecret, Now: clock.Now, Log: quiet})

	mux := http.NewServeMux()
	mux.Handle("/vnpay/", http.StripPrefix("/vnpay", e.vnpay.Handler()))
	mux.Handle("/post/", http.StripPrefix("/post", e.postSim))
	// motcua's two ends, as server/ wires them: the IPN and the webhook.
	mux.HandleFunc("GET /ipn", func(w http.ResponseWriter, r *http.Request) {
		out := e.payments.HandleCallback(r.Context(), payment.Callback{Query: r.URL.Query(), Remote: r.RemoteAddr})
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(payment.VNPayIPNReply(out))
	})
	mux.HandleFunc("POST /webhook", func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if _, err := e.post.Webhook(r.Context(), body, r.Header.Get(postal.SignatureHeader)); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
		}
	})
	e.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go e.srv.Serve(ln)
	return e, nil
}

func (e *engine) close() { e.srv.Close() }

// payOnline is the applicant paying the fee at the gateway: the order is
// started, the gateway's page opened, and the payer's choice posted; the
// simulator's IPN reaches the payment service before the payer is sent
// back. cancel: the payer cancels at the gateway (the payment fails).
func (e *engine) payOnline(ctx context.Context, a *auth.Actor, code string, cancel bool) error {
	p, _, err := e.payments.Start(ctx, a, code, payment.StartInput{ReturnURL: e.base + "/ve", IPAddr: "127.0.0.1", Locale: "vn"})
	if err != nil {
		return fmt.Errorf("start: %w", err)
	}
	resp, err := e.client.Get(p.PaymentURL)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("gateway page: %s", resp.Status)
	}
	choice := "pay"
	if cancel {
		choice = "cancel"
	}
	resp, err = e.client.PostForm(e.base+"/vnpay/paymentv2/pay", url.Values{"ref": {p.Ref}, "action": {choice}})
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		return fmt.Errorf("gateway: %s", resp.Status)
	}
	got, err := e.payments.Get(ctx, a, p.Ref)
	if err != nil {
		return err
	}
	if want := map[bool]payment.State{false: payment.Paid, true: payment.Failed}[cancel]; got.State != want {
		return fmt.Errorf("payment %s is %s after the gateway, want %s", p.Ref, got.State, want)
	}
	return nil
}

// payAtDesk is the applicant paying the owed fee at the counter.
func (e *engine) payAtDesk(ctx context.Context, desk *auth.Actor, code string, pos bool, receipt string) error {
	f, err := e.payments.Fees(ctx, desk, code)
	if err != nil {
		return err
	}
	if f.Owed == nil {
		return nil // paid online meanwhile
	}
	in := payment.DeskInput{Method: payment.Cash, ReceiptNo: receipt}
	if pos {
		in.Method = payment.POS
	}
	_, err = e.payments.PayAtDesk(ctx, desk, f.Owed.Ref, in)
	return err
}

// ship hands the result to the post: the post's API gives the item code,
// and the hand-over is the dossier's delivery.
func (e *engine) ship(ctx context.Context, desk *auth.Actor, code string, app dossier.Applicant, addr postal.Address) (string, error) {
	sh, err := e.post.Create(ctx, desk, code, postal.CreateInput{ReceiverName: app.Name, ReceiverPhone: app.Phone, Address: addr, Service: "standard"})
	if err != nil {
		return "", err
	}
	return sh.ItemCode, nil
}

// track moves a shipment n statuses on at the post, each a webhook.
func (e *engine) track(ctx context.Context, item string, n int) error {
	for range n {
		if _, err := e.postSim.Advance(ctx, item); err != nil {
			if strings.Contains(err.Error(), "goes no further") {
				return nil
			}
			return err
		}
	}
	return nil
}
