package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/postal"
	"github.com/motcua/motcua/postal/postsim"
	"github.com/motcua/motcua/server"
	"github.com/motcua/motcua/server/servertest"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

// Results by post, end to end over real HTTP: motcua calls the simulated
// post's API to place the order, the simulated post calls motcua's webhook
// with each tracking event, signed.

const postalSecret = "bi-mat-webhook-thu-nghiem"

// newPostalEnv is newEnv with a simulated post; postURL "" leaves motcua
// without a postal connection.
func newPostalEnv(t *testing.T, db *store.DB, connected bool) (*env, *postsim.Sim) {
	t.Helper()
	ctx := context.Background()
	c := &clock{t: time.Date(2026, 3, 2, 8, 0, 0, 0, ict)}
	site := httptest.NewUnstartedServer(nil) // its address is known before motcua is built
	sim := postsim.New(postsim.Config{Token: "token-buu-dien", Secret: postalSecret,
		WebhookURL: "http://" + site.Listener.Addr().String() + "/api/v1/postal/webhook", Now: c.Now})
	post := httptest.NewServer(sim)
	t.Cleanup(post.Close)
	cfg := server.Config{DataDir: t.TempDir(), Log: slog.New(slog.NewTextHandler(io.Discard, nil)), AuthParams: testParams, Now: c.Now,
		PublicURL: "http://" + site.Listener.Addr().String()}
	if connected {
		cfg.Postal = server.PostalConfig{URL: post.URL, Token: "token-buu-dien", WebhookSecret: postalSecret}
	}
	servertest.Prepare(t, db)
	app, err := server.New(ctx, db, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := demo.Load(ctx, db, app.Units, app.Auth); err != nil {
		t.Fatal(err)
	}
	site.Config.Handler = app.Handler
	site.Start()
	t.Cleanup(site.Close)
	return &env{t: t, app: app, srv: site, clock: c, tokens: map[string]string{}}, sim
}

// submitByPost files a dossier at Gia Lâm whose result goes by post, with
// its postal address chosen by the citizen, and processes it to the result.
func (e *env) submitByPost(t *testing.T) dossierView {
	t.Helper()
	p := interLevel(t)
	sub := submission(p, demo.GiaLamCode)
	sub["delivery"] = "post"
	var d dossierView
	e.must(e.call("congdan", "POST", "/api/v1/dossiers", sub, &d), 201)
	for _, c := range p.Components {
		if c.Required {
			e.upload("congdan", d.Code, c.Key, "scan.pdf", samplePDF)
		}
	}
	var addr struct{ Line string }
	e.must(e.call("congdan", "PUT", "/api/v1/dossiers/"+d.Code+"/postal-address",
		map[string]string{"province": demo.ProvinceCode, "commune": demo.GiaLamCode, "detail": "Thôn Tân Lập"}, &addr), 200)
	if addr.Line != "Thôn Tân Lập, xã Gia Lâm, huyện Nho Quan, tỉnh Ninh Bình" {
		t.Fatalf("address line %q", addr.Line)
	}
	e.mustAct("gialam.tiepnhan", d.Code, "receive", nil)
	return e.processToResult(d.Code)
}

// webhook posts a body to the webhook as the post would, with signature sig.
func (e *env) webhook(body []byte, sig string) reply {
	e.t.Helper()
	req, _ := http.NewRequest("POST", e.srv.URL+"/api/v1/postal/webhook", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if sig != "" {
		req.Header.Set(postal.SignatureHeader, sig)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return reply{resp.StatusCode, b, resp.Header}
}

func signed(t *testing.T, ev postal.WireEvent) ([]byte, string) {
	b, err := json.Marshal(ev)
	if err != nil {
		t.Fatal(err)
	}
	return b, postal.Sign([]byte(postalSecret), b)
}

// shipmentView is the part of the API's shipment the tests read.
type shipmentView struct {
	ItemCode    string `json:"item_code"`
	Status      string
	AddressLine string `json:"address_line"`
	Events      []struct {
		Status string
		At     time.Time
	}
}

func (e *env) shipment(user, code string) shipmentView {
	e.t.Helper()
	var sh shipmentView
	e.must(e.call(user, "GET", "/api/v1/dossiers/"+code+"/shipment", nil, &sh), 200)
	return sh
}

var itemCodeRE = regexp.MustCompile(`\b[A-Z]{2}\d{9}VN\b`)

func TestResultByPost(t *testing.T) {
	t.Parallel()
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		t.Run("a shipment with tracking updates", func(t *testing.T) { testShipmentTracked(t, db) })
		t.Run("refused before the post is asked", func(t *testing.T) {
			testShipmentRefused(t, storetest.Open(t, db.Dialect.String()))
		})
		t.Run("a missed webhook is fetched from the post", func(t *testing.T) {
			testShipmentRefresh(t, storetest.Open(t, db.Dialect.String()))
		})
		t.Run("the wizard's postal address", func(t *testing.T) {
			testWizardPostalAddress(t, storetest.Open(t, db.Dialect.String()))
		})
	})
}

func testShipmentTracked(t *testing.T, db *store.DB) {
	e, sim := newPostalEnv(t, db, true)
	ctx := t.Context()
	d := e.submitByPost(t)

	// The reception officer's dossier page offers the shipment form, prefilled.
	officer := e.officeLogin("gialam.tiepnhan")
	status, page, _ := officer.get("/can-bo/ho-so/" + d.Code)
	for _, want := range []string{`action="/can-bo/ho-so/` + d.Code + `/van-don"`, `id="ship-name" name="receiver_name" value="Nguyễn Văn An"`,
		`value="0912345678"`, `<option value="` + demo.GiaLamCode + `" selected>Xã Gia Lâm</option>`,
		`<option value="` + demo.ProvinceCode + `" selected>Tỉnh Ninh Bình</option>`, `id="ship-detail" name="detail" value="Thôn Tân Lập"`} {
		if status != 200 || !strings.Contains(page, want) {
			t.Fatalf("shipment form lacks %s (status %d)", want, status)
		}
	}
	m := versionRE.FindStringSubmatch(page)
	// A phone the postman cannot call: the form comes back with the error at the phone, nothing typed lost, nothing ordered.
	status, page, _ = officer.post("/can-bo/ho-so/"+d.Code+"/van-don", url.Values{"version": {m[1]}, "receiver_name": {"Nguyễn Thị Bình"},
		"receiver_phone": {"0912"}, "province": {demo.ProvinceCode}, "commune": {demo.GiaLamCode}, "detail": {"Xóm Chùa"}, "service": {"standard"}})
	if status != 422 || !strings.Contains(page, `id="ship-phone" name="receiver_phone" type="tel" inputmode="tel" value="0912" required maxlength="12" autocomplete="off" aria-invalid="true"`) ||
		!strings.Contains(page, "bưu điện cần số này để phát") || !strings.Contains(page, `value="Nguyễn Thị Bình"`) || !strings.Contains(page, `value="Xóm Chùa"`) ||
		!strings.Contains(page, `<option value="standard" selected>`) || len(sim.Shipments()) != 0 {
		t.Fatalf("shipment form with a bad phone: %d, %d orders", status, len(sim.Shipments()))
	}
	status, page, final := officer.post("/can-bo/ho-so/"+d.Code+"/van-don", url.Values{"version": {m[1]}, "receiver_name": {"Nguyễn Văn An"},
		"receiver_phone": {"0912345678"}, "province": {demo.ProvinceCode}, "commune": {demo.GiaLamCode}, "detail": {"Thôn Tân Lập"},
		"service": {"express"}, "cod_amount": {""}})
	item := itemCodeRE.FindString(page)
	if status != 200 || !strings.Contains(final, "van-don=tao") || item == "" || !postal.ValidS10(item) {
		t.Fatalf("create shipment: %d at %s, item %q", status, final, item)
	}
	if !strings.Contains(page, "Đã tạo vận đơn "+item) {
		t.Error("no notice of the created shipment")
	}
	// Creating the shipment was the hand-over: delivered, with the item code in the history.
	got := e.get("gialam.tiepnhan", d.Code)
	last := got.History[len(got.History)-1]
	if got.Status != "delivered" || last.Action != "deliver" || !strings.Contains(last.Note, item) {
		t.Fatalf("after the hand-over: %s, last %+v", got.Status, last)
	}
	orders := sim.Shipments()
	if len(orders) != 1 || orders[0].ItemCode != item || orders[0].Order.ReceiverAddress != "Thôn Tân Lập, xã Gia Lâm, huyện Nho Quan, tỉnh Ninh Bình" ||
		orders[0].Order.SenderName != "UBND xã Gia Lâm" || !strings.HasPrefix(orders[0].Order.ItemName, postal.ItemName) {
		t.Fatalf("the order at the post: %+v", orders)
	}
	// The applicant is told, with the item code (package notify's outbox).
	var notices int
	if err := e.app.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM notify_outbox o JOIN users u ON u.id = o.user_id
		WHERE u.username = 'congdan' AND o.channel = 'inapp' AND o.kind = 'result_posted'`).Scan(&notices); err != nil || notices != 1 {
		t.Fatalf("result-posted notices: %d, %v", notices, err)
	}
	// It carries the item code and the rating link; no "delivered, please
	// rate" notice goes out while the result is still with the post.
	var noticeBody, link string
	if err := e.app.DB.QueryRowContext(ctx, `SELECT o.body, o.link FROM notify_outbox o JOIN users u ON u.id = o.user_id
		WHERE u.username = 'congdan' AND o.channel = 'inapp' AND o.kind = 'result_posted'`).Scan(&noticeBody, &link); err != nil ||
		!strings.Contains(noticeBody, item) || !strings.HasSuffix(link, "/ho-so/"+d.Code+"/danh-gia") {
		t.Fatalf("result-posted notice: body %q link %q (%v)", noticeBody, link, err)
	}
	if err := e.app.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM notify_outbox WHERE kind = 'delivered' AND dossier_id = (SELECT id FROM dossiers WHERE code = ?)`, d.Code).Scan(&notices); err != nil || notices != 0 {
		t.Fatalf("%d delivered notices for a posted result (%v)", notices, err)
	}
	if r := e.call("gialam.tiepnhan", "POST", "/api/v1/dossiers/"+d.Code+"/shipment", map[string]any{}, nil); r.status != 409 || r.errCode() != "shipment_exists" {
		t.Fatalf("a second shipment: %d %s", r.status, r.body)
	}

	// The post reports: accepted, in transit, each shown on the dossier page.
	step := func(want string) {
		t.Helper()
		e.clock.Add(time.Hour)
		if _, err := sim.Advance(ctx, item); err != nil {
			t.Fatal(err)
		}
		if _, page, _ := officer.get("/can-bo/ho-so/" + d.Code); !strings.Contains(page, want) {
			t.Fatalf("dossier page does not show %q", want)
		}
	}
	step("Bưu điện đã nhận gửi")
	step("Đang vận chuyển")

	// A replayed event is absorbed.
	transit := sim.Shipments()[0].Events[2]
	body, sig := signed(t, transit)
	var rc postal.Receipt
	if r := e.webhook(body, sig); r.status != 200 || json.Unmarshal(r.body, &rc) != nil || !rc.Duplicate {
		t.Fatalf("replay: %d %s", r.status, r.body)
	}
	// "Out for delivery" is held up in the post's system and arrives after "delivered".
	e.clock.Add(time.Hour)
	late, err := sim.Record(item, "OUT_FOR_DELIVERY", e.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	e.clock.Add(time.Hour)
	if _, err := sim.Emit(ctx, item, "DELIVERED", e.clock.Now()); err != nil {
		t.Fatal(err)
	}
	if err := sim.Send(ctx, late); err != nil {
		t.Fatal(err)
	}
	sh := e.shipment("congdan", d.Code)
	if sh.Status != "delivered" || len(sh.Events) != 4 || sh.Events[2].Status != "out_for_delivery" || sh.Events[3].Status != "delivered" {
		t.Fatalf("after the late event: %+v", sh)
	}

	// Forged events change nothing: a wrong signature, none at all.
	failed := late
	failed.EventID, failed.StatusCode, failed.StatusTime = "forged-1", "RETURNED", e.clock.Now().Add(time.Hour)
	forged, _ := json.Marshal(failed)
	for _, sig := range []string{postal.Sign([]byte("not-the-secret"), forged), ""} {
		if r := e.webhook(forged, sig); r.status != 401 || r.errCode() != "invalid_signature" {
			t.Fatalf("forged webhook: %d %s", r.status, r.body)
		}
	}
	_, goodSig := signed(t, transit)
	if r := e.webhook(forged, goodSig); r.status != 401 {
		t.Fatalf("a signature of another body: %d", r.status)
	}
	unknown := late
	unknown.EventID, unknown.ItemCode, unknown.OrderCode = "x-1", "EE000000000VN", "none"
	if b, s := signed(t, unknown); e.webhook(b, s).status != 404 {
		t.Fatal("an event of an unknown item was not refused")
	}
	if sh := e.shipment("gialam.tiepnhan", d.Code); sh.Status != "delivered" || len(sh.Events) != 4 {
		t.Fatalf("after forged events: %+v", sh)
	}

	// Where it shows: the dossier page, the citizen's page, the public tracking page (no address there).
	_, page, _ = officer.get("/can-bo/ho-so/" + d.Code)
	for _, want := range []string{item, "Phát thành công", "Đang phát", "Thôn Tân Lập, xã Gia Lâm", "0912345678"} {
		if !strings.Contains(page, want) {
			t.Errorf("office dossier page lacks %q", want)
		}
	}
	if strings.Contains(page, `action="/can-bo/ho-so/`+d.Code+`/van-don"`) {
		t.Error("the shipment form is still offered after the hand-over")
	}
	english := e.officeLogin("gialam.tiepnhan", "en")
	if _, page, _ := english.get("/can-bo/ho-so/" + d.Code); !strings.Contains(page, "Result by post") || !strings.Contains(page, "Item status</dt><dd>Delivered") ||
		regexp.MustCompile(`[>"](office\.postal|postal\.status)\.[a-z_.]+[<"]`).MatchString(page) {
		t.Error("the English dossier page lacks its postal section or shows raw keys")
	}
	citizen := e.portalVisitor(t, "")
	citizen.login("congdan")
	p := citizen.get("/ho-so/" + d.Code)
	for _, want := range []string{item, "Phát thành công", "Thôn Tân Lập, xã Gia Lâm, huyện Nho Quan, tỉnh Ninh Bình"} {
		if !p.has(want) {
			t.Errorf("citizen's dossier page lacks %q", want)
		}
	}
	p.wellFormed(t, "vi")
	public := e.portalVisitor(t, "")
	p = public.get("/tra-cuu?ma=" + d.Code + "&sdt=5678")
	if p.status != 200 || !p.has(item) || !p.has("Phát thành công") {
		t.Fatalf("public tracking page: %d, item shown %v", p.status, p.has(item))
	}
	for _, private := range []string{"Tân Lập", "0912345678", "Nguyễn Văn An"} {
		if p.has(private) {
			t.Errorf("public tracking page shows %q", private)
		}
	}
	p.wellFormed(t, "vi")
	var pub map[string]any
	e.must(e.call("", "GET", "/api/v1/track/"+d.Code+"/shipment", nil, nil), 404) // the code alone: issue 8, finding 6
	e.must(e.call("", "GET", "/api/v1/track/"+d.Code+"/shipment?phone_last4=5678", nil, &pub), 200)
	if pub["item_code"] != item || pub["status"] != "delivered" || len(pub) != 4 {
		t.Fatalf("public shipment API: %v", pub)
	}
}

func testShipmentRefused(t *testing.T, db *store.DB) {
	e, sim := newPostalEnv(t, db, true)
	d := e.submitByPost(t)
	body := func(commune string) map[string]any {
		return map[string]any{"receiver_name": "Nguyễn Văn An", "receiver_phone": "0912345678",
			"address": map[string]string{"province": demo.ProvinceCode, "commune": commune, "detail": "Thôn Tân Lập"}}
	}
	create := func(user, code string) reply {
		return e.call(user, "POST", "/api/v1/dossiers/"+code+"/shipment", body(demo.GiaLamCode), nil)
	}
	cases := []struct {
		name, user string
		body       map[string]any
		status     int
		err        string
	}{
		{"the specialist may not deliver", "gialam.chuyenvien", body(demo.GiaLamCode), 422, "action_not_permitted"},
		{"nor may the applicant", "congdan", body(demo.GiaLamCode), 422, "action_not_permitted"},
		{"a district is not a commune", "gialam.tiepnhan", body(demo.DistrictCode), 422, "invalid_commune"},
		{"no phone for the postman", "gialam.tiepnhan", map[string]any{"receiver_name": "A", "receiver_phone": "12"}, 422, "invalid_phone"},
		{"a service the post does not offer", "gialam.tiepnhan", map[string]any{"receiver_name": "A", "receiver_phone": "0912345678", "service": "drone"}, 422, "invalid_service"},
	}
	for _, c := range cases {
		r := e.call(c.user, "POST", "/api/v1/dossiers/"+d.Code+"/shipment", c.body, nil)
		if r.status != c.status || r.errCode() != c.err {
			t.Errorf("%s: %d %s", c.name, r.status, r.body)
		}
	}
	// A dossier returned at the counter has no shipment.
	counter := e.submit(interLevel(t).Code, demo.GiaLamCode)
	e.mustAct("gialam.tiepnhan", counter.Code, "receive", nil)
	e.processToResult(counter.Code)
	if r := create("gialam.tiepnhan", counter.Code); r.status != 409 || r.errCode() != "not_by_post" {
		t.Fatalf("shipment of a counter dossier: %d %s", r.status, r.body)
	}
	// Late: the apology comes first, and the post is not asked before it.
	e.advance(60 * 24 * time.Hour)
	if r := create("gialam.tiepnhan", d.Code); r.status != 409 || r.errCode() != "apology_required" {
		t.Fatalf("late shipment without apology: %d %s", r.status, r.body)
	}
	if n := len(sim.Shipments()); n != 0 {
		t.Fatalf("%d orders placed with the post by refused attempts", n)
	}
	e.mustAct("gialam.tiepnhan", d.Code, "apologize", map[string]any{"note": "Chậm do xác minh", "new_due": e.workingLater(16 * time.Hour)})
	e.must(create("gialam.tiepnhan", d.Code), 201)
	if got := e.get("congdan", d.Code); got.Status != "delivered" {
		t.Fatalf("after apology and shipment: %s", got.Status)
	}
}

func testShipmentRefresh(t *testing.T, db *store.DB) {
	e, sim := newPostalEnv(t, db, true)
	d := e.submitByPost(t)
	var sh shipmentView
	e.must(e.call("gialam.tiepnhan", "POST", "/api/v1/dossiers/"+d.Code+"/shipment", map[string]any{"receiver_name": "Nguyễn Văn An",
		"receiver_phone": "0912345678", "address": map[string]string{"province": demo.ProvinceCode, "commune": demo.GiaLamCode, "detail": "Thôn Tân Lập"}}, &sh), 201)
	// The post records the collection, but its webhook never arrives.
	e.clock.Add(time.Hour)
	if _, err := sim.Record(sh.ItemCode, "ACCEPTED", e.clock.Now()); err != nil {
		t.Fatal(err)
	}
	if got := e.shipment("gialam.tiepnhan", d.Code); got.Status != "created" {
		t.Fatalf("before the refresh: %s", got.Status)
	}
	officer := e.officeLogin("gialam.tiepnhan")
	status, page, _ := officer.post("/can-bo/ho-so/"+d.Code+"/van-don/cap-nhat", url.Values{})
	if status != 200 || !strings.Contains(page, "Đã cập nhật trạng thái từ bưu điện.") || !strings.Contains(page, "Bưu điện đã nhận gửi") {
		t.Fatalf("refresh: %d", status)
	}
	if r := e.call("congdan", "POST", "/api/v1/dossiers/"+d.Code+"/shipment/refresh", nil, nil); r.status != 403 {
		t.Fatalf("a citizen refreshing: %d", r.status)
	}
}

func testWizardPostalAddress(t *testing.T, db *store.DB) {
	e, _ := newPostalEnv(t, db, true)
	b := e.portalVisitor(t, "")
	b.login("congdan")
	// The account's address preselects its commune.
	p := b.get("/nop-ho-so/" + signatureProc)
	if !p.has(`<option value="`+demo.GiaLamCode+`" selected>Xã Gia Lâm</option>`) || !p.has(`id="postal-detail" name="postal_detail" value="Thôn Tân Lập"`) {
		t.Fatalf("step 1's postal address is not prefilled\n%s", mainOf(p.body))
	}
	base := []string{"unit", demo.GiaLamCode, "name", "Nguyễn Văn An", "phone", "0912345678", "address", "", "delivery", "post"}
	// A commune without its province: the problem shows at the field; nothing typed is lost.
	p = b.post("/nop-ho-so/"+signatureProc, p.formWith(t, append(base, "postal_province", "", "postal_commune", "000.05.07.H40", "postal_detail", "Xóm 3")...))
	if p.status != 422 || !p.has(`id="e-postal-province"`) || !p.has(`<option value="000.05.07.H40" selected>`) || !p.has(`value="Xóm 3"`) {
		t.Fatalf("province missing: %d\n%s", p.status, mainOf(p.body))
	}
	p = b.post(p.action(t, "/nguoi-nop"), p.formWith(t, append(base, "postal_province", demo.ProvinceCode, "postal_commune", "000.05.07.H40", "postal_detail", "Xóm 3")...))
	if !strings.HasSuffix(p.url.Path, "/to-khai") {
		t.Fatalf("step 1 → %d at %s\n%s", p.status, p.url, mainOf(p.body))
	}
	draft := strings.TrimSuffix(p.url.Path, "/to-khai")
	good := url.Values{"ten_giay_to": {"Giấy ủy quyền"}, "ho_ten_nguoi_ky": {"Nguyễn Văn An"}, "so_dinh_danh": {"037085001234"},
		"so_nguoi_ky": {"1"}, "hinh_thuc": {"Ký"}, "csrf": {p.csrf(t)}}
	p = b.post(draft+"/to-khai", good)
	for _, c := range []string{"giay_to_tuy_than", "giay_to_can_ky"} {
		p = b.upload(p.action(t, "/tai-lieu/"+c+"?"), c+".pdf", samplePDF)
	}
	p = b.post(draft+"/tai-lieu", p.formWith(t))
	p = b.post(p.action(t, "/nop"), p.formWith(t))
	code := regexp.MustCompile(`/ho-so/([^/]+)/bien-nhan`).FindStringSubmatch(p.url.Path)
	if code == nil {
		t.Fatalf("submission ended at %s\n%s", p.url, mainOf(p.body))
	}
	var addr struct {
		Commune, Detail, Line string
	}
	e.must(e.call("congdan", "GET", "/api/v1/dossiers/"+code[1]+"/postal-address", nil, &addr), 200)
	want := "Xóm 3, xã Gia Tường, huyện Nho Quan, tỉnh Ninh Bình"
	if addr.Commune != "000.05.07.H40" || addr.Line != want {
		t.Fatalf("the dossier's postal address: %+v", addr)
	}
	// The empty applicant's address was filled from the postal one.
	var full struct{ Applicant struct{ Address string } }
	e.must(e.call("congdan", "GET", "/api/v1/dossiers/"+code[1], nil, &full), 200)
	if full.Applicant.Address != want {
		t.Fatalf("applicant address %q", full.Applicant.Address)
	}
}

func TestResultByPostWithoutConnection(t *testing.T) {
	t.Parallel()
	e, _ := newPostalEnv(t, storetest.Open(t, "sqlite"), false)
	d := e.submitByPost(t)
	officer := e.officeLogin("gialam.tiepnhan")
	if _, page, _ := officer.get("/can-bo/ho-so/" + d.Code); !strings.Contains(page, "Chưa cấu hình kết nối với bưu điện") || strings.Contains(page, "/van-don\"") {
		t.Fatal("the page does not say the post is not connected")
	}
	if r := e.call("gialam.tiepnhan", "POST", "/api/v1/dossiers/"+d.Code+"/shipment", map[string]any{}, nil); r.status != 409 || r.errCode() != "postal_not_connected" {
		t.Fatalf("shipment without a connection: %d %s", r.status, r.body)
	}
	// Without a secret, no webhook can be verified: all are refused.
	body := []byte(`{"ItemCode":"EB100000017VN","StatusCode":"DELIVERED","StatusDate":"2026-03-02T09:00:00+07:00"}`)
	if r := e.webhook(body, postal.Sign(nil, body)); r.status != 401 {
		t.Fatalf("webhook without a configured secret: %d", r.status)
	}
	// The dossier can still be returned at the counter.
	e.mustAct("gialam.tiepnhan", d.Code, "deliver", nil)
}
