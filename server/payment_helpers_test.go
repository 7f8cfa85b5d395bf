package server_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/event"
	"github.com/motcua/motcua/payment"
	"github.com/motcua/motcua/payment/vnpaysim"
	"github.com/motcua/motcua/server"
	"github.com/motcua/motcua/server/servertest"
	"github.com/motcua/motcua/store"
)

// The test terminal at the simulated VNPAY.
const (
	testTmn    = "MOTCUAT1"
	testSecret = "TESTSECRETFORTHEVNPAYSIMULATOR01"
)

// payEnv is motcua with the VNPAY simulator as a separate server, as
// VNPAY is: the payer's browser goes there and back, and the simulator
// calls motcua's IPN address over real HTTP.
type payEnv struct {
	*env
	sim *vnpaysim.Sim
	gw  *httptest.Server
	// paid counts the payment.FeePaid events published, by reference.
	paid *sync.Map
}

func newPayEnv(t *testing.T, db *store.DB) *payEnv {
	t.Helper()
	ctx := context.Background()
	c := &clock{t: time.Date(2026, 3, 2, 8, 0, 0, 0, ict)}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	sim := vnpaysim.New(vnpaysim.Config{TmnCode: testTmn, HashSecret: testSecret, Now: c.Now, Log: quiet})
	gw := httptest.NewServer(sim.Handler())
	t.Cleanup(gw.Close)
	servertest.Prepare(t, db)
	srv, public := servertest.Listen(t)
	app, err := server.New(ctx, db, server.Config{DataDir: t.TempDir(), Log: quiet, AuthParams: testParams, Now: c.Now, PublicURL: public,
		Payment: server.PaymentConfig{VNPay: payment.VNPayConfig{TmnCode: testTmn, HashSecret: testSecret,
			URL: gw.URL + "/paymentv2/vpcpay.html"}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := demo.Load(ctx, db, app.Units, app.Auth); err != nil {
		t.Fatal(err)
	}
	// Subscribed before the server starts, as wiring would.
	paid := &sync.Map{}
	event.Subscribe(app.Events, "test", func(ctx context.Context, tx *store.Tx, e payment.FeePaid) error {
		n, _ := paid.LoadOrStore(e.Ref, new(atomic.Int64))
		n.(*atomic.Int64).Add(1)
		return nil
	})
	servertest.Serve(t, srv, app.Handler)
	sim.SetIPNURL(srv.URL + "/api/v1/payments/vnpay/ipn")
	return &payEnv{env: &env{t: t, app: app, srv: srv, clock: c, tokens: map[string]string{}}, sim: sim, gw: gw, paid: paid}
}

// paymentView is the part of the API's payment the tests read.
type paymentView struct {
	Ref, Dossier, State, Gateway string
	Amount                       int64
	PaymentURL                   string `json:"payment_url"`
	GatewayTxn                   string `json:"gateway_txn"`
	ReceiptNo                    string `json:"receipt_no"`
	ReceiptSeries                string `json:"receipt_series"`
	Lines                        []payment.FeeLine
	History                      []struct{ Action, From, To string }
}

func (e *payEnv) payment(ref string) paymentView {
	e.t.Helper()
	var p paymentView
	e.must(e.call("congdan", "GET", "/api/v1/payments/"+ref, nil, &p), 200)
	return p
}

// start is the citizen starting to pay over the API.
func (e *payEnv) start(code string) paymentView {
	e.t.Helper()
	var p paymentView
	e.must(e.call("congdan", "POST", "/api/v1/dossiers/"+code+"/payments", nil, &p), 201)
	if p.State != "pending" || !strings.HasPrefix(p.PaymentURL, e.gw.URL+"/paymentv2/vpcpay.html?") {
		e.t.Fatalf("started: %+v", p)
	}
	return p
}

// payAtGateway is the payer at the simulator: the payment page, then
// "Thanh toán" (pay) or "Hủy". It returns where the gateway sends the
// payer back, without following it.
func (e *payEnv) payAtGateway(payURL string, pay bool) *url.URL {
	e.t.Helper()
	resp, err := http.Get(payURL)
	if err != nil {
		e.t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), "Thanh toán") {
		e.t.Fatalf("gateway page: %d %s", resp.StatusCode, body)
	}
	ref := regexp.MustCompile(`name="ref" value="([^"]+)"`).FindStringSubmatch(string(body))[1]
	action := "cancel"
	if pay {
		action = "pay"
	}
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err = noRedirect.PostForm(e.gw.URL+"/paymentv2/pay", url.Values{"ref": {ref}, "action": {action}})
	if err != nil {
		e.t.Fatal(err)
	}
	resp.Body.Close()
	back, err := url.Parse(resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusSeeOther || err != nil || !strings.HasPrefix(back.String(), e.srv.URL+"/thanh-toan/ket-qua?") {
		e.t.Fatalf("gateway answered %d to %s", resp.StatusCode, back)
	}
	return back
}

// ipn calls motcua's IPN address with q as VNPAY would and returns RspCode.
func (e *payEnv) ipn(q url.Values) string {
	e.t.Helper()
	resp, err := http.Get(e.srv.URL + "/api/v1/payments/vnpay/ipn?" + q.Encode())
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	var reply payment.VNPayReply
	if err := json.NewDecoder(resp.Body).Decode(&reply); err != nil || resp.StatusCode != 200 {
		e.t.Fatalf("IPN answered %d: %v", resp.StatusCode, err)
	}
	if want := payment.VNPayIPNReply(outcomeOf(reply.RspCode)); want != reply {
		e.t.Errorf("reply %+v does not use VNPAY's wording %+v", reply, want)
	}
	return reply.RspCode
}

func outcomeOf(code string) payment.Outcome {
	for _, o := range []payment.Outcome{payment.Confirmed, payment.OrderNotFound, payment.AlreadyConfirmed, payment.InvalidAmount,
		payment.InvalidSignature} {
		if payment.VNPayIPNReply(o).RspCode == code {
			return o
		}
	}
	return payment.UnknownError
}

// with returns a copy of q changed by kv (key, value; value "" deletes).
func with(q url.Values, kv ...string) url.Values {
	out := url.Values{}
	for k, v := range q {
		out[k] = append([]string(nil), v...)
	}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == "" {
			out.Del(kv[i])
		} else {
			out.Set(kv[i], kv[i+1])
		}
	}
	return out
}

// count counts rows of a payment table (for "nothing changed").
func (e *payEnv) count(table, ref string) int {
	e.t.Helper()
	q := map[string]string{
		"payment_events":    `SELECT COUNT(*) FROM payment_events v JOIN payments p ON p.id = v.payment_id WHERE p.ref = ?`,
		"payment_callbacks": `SELECT COUNT(*) FROM payment_callbacks WHERE ref = ?`,
	}[table]
	var n int
	if err := e.app.DB.QueryRowContext(context.Background(), q, ref).Scan(&n); err != nil {
		e.t.Fatal(err)
	}
	return n
}

// receivedDossier is a dossier the citizen filed and Gia Lâm's desk received.
func (e *payEnv) receivedDossier(procedure string) string {
	e.t.Helper()
	d := e.submit(procedure, demo.GiaLamCode)
	e.mustAct("gialam.tiepnhan", d.Code, "receive", nil)
	return d.Code
}
