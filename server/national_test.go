package server_test

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/dancu"
	"github.com/motcua/motcua/dancu/dancusim"
	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/dvcqg/dvcqgsim"
	"github.com/motcua/motcua/server"
	"github.com/motcua/motcua/sign"
	"github.com/motcua/motcua/sign/signtest"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
	"github.com/motcua/motcua/vneid/vneidsim"
)

// nationalEnv is motcua connected to every national simulator at once,
// as `motcua serve --demo` runs it: VNeID (OpenID provider) and the
// population database mounted in process, the remote signing service
// (CSC) with the seal on SoftHSM, and the national portal as a server of
// its own.
func nationalEnv(t *testing.T, db *store.DB, w *esignWorld) (*portalEnv, *dancusim.Sim) {
	t.Helper()
	var people []dancu.Person
	var ids []vneidsim.Person
	for _, p := range demo.People() {
		people = append(people, dancu.Person{IDNumber: p.IDNumber, FullName: p.Name, BirthDate: p.BirthDate, Sex: p.Sex,
			Permanent: p.Permanent, Current: p.Current})
		ids = append(ids, vneidsim.Person{IDNumber: p.IDNumber, Name: p.Name, BirthDate: p.BirthDate})
	}
	reg := dancusim.New(dancusim.DemoToken, people)
	srv := httptest.NewUnstartedServer(nil)
	portal := dvcqgsim.New(dvcqgsim.Config{Token: portalToken, Hang: time.Second, BaseURL: "http://" + srv.Listener.Addr().String()})
	srv.Config.Handler = portal
	srv.Start()
	t.Cleanup(srv.Close)
	signing := w.configure(t)
	e := newEnvWith(t, db, func(cfg *server.Config) {
		issuer := cfg.PublicURL + server.VNeIDSimulatorPath
		sim, err := vneidsim.New(vneidsim.Config{Issuer: issuer, People: ids, Clients: []vneidsim.Client{{
			ID: vneidsim.DemoClientID, Secret: vneidsim.DemoClientSecret, RedirectURIs: []string{cfg.PublicURL + "/dang-nhap/vneid/ve"}}}})
		if err != nil {
			t.Fatal(err)
		}
		cfg.VNeID = server.VNeIDConfig{Issuer: issuer, ClientID: vneidsim.DemoClientID, ClientSecret: vneidsim.DemoClientSecret, Simulator: sim}
		cfg.Dancu = server.DancuConfig{URL: cfg.PublicURL + server.DancuSimulatorPath, Token: dancusim.DemoToken, Agency: demo.ProvinceCode,
			Timeout: 2 * time.Second, Simulator: reg}
		cfg.DVCQG = server.DVCQGConfig{URL: srv.URL + "/api", Token: portalToken}
		signing(cfg)
	})
	return &portalEnv{env: e, sim: portal, url: srv.URL + "/api"}, reg
}

// TestNationalEndToEnd is issue 13's first "done when", on both engines:
// a citizen signs in through the OpenID provider; the applicant is filled
// from the population simulator (with consent); a paper digitised at the
// counter earlier, now in the citizen's data store, is reused instead of
// an upload; the dossier is received, processed, approved and signed in
// the app (the leader over CSC with an OTP, the seal on the HSM); the
// portal simulator holds the record and every step, once each, in order;
// and pdfsig validates the e-result the citizen downloads.
func TestNationalEndToEnd(t *testing.T) {
	w := newESignWorld(t) // SoftHSM sets SOFTHSM2_CONF: not parallel
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		p, reg := nationalEnv(t, db, w)
		e := p.env
		an := demo.People()[0]
		proc := e.procedure(signatureProc)
		desk, specialist, leader := "gialam.tiepnhan", "gialam.chuyenvien", "gialam.lanhdao"

		// Earlier, at the counter: a paper filed for An and digitised.
		in := submission(proc, demo.GiaLamCode)
		in["channel"] = "counter"
		in["applicant"].(map[string]string)["id_number"] = an.IDNumber
		var old dossierView
		e.must(e.call(desk, "POST", "/api/v1/dossiers", in, &old), 201)
		e.fileComponents(desk, old.Code, proc, "")
		old = e.get(desk, old.Code)
		paper := old.Files[0]
		var digitised paperView
		e.must(e.call(desk, "POST", "/api/v1/dossiers/"+old.Code+"/files/"+strconv.FormatInt(paper.ID, 10)+"/digitise", nil, &digitised), 201)
		if !strings.HasPrefix(digitised.Code, "TP.") {
			t.Fatalf("digitised: %+v", digitised)
		}

		// The citizen signs in with VNeID from their password session (which
		// links the identity to that account): the paper is in their store.
		b, _ := e.vneidBrowser(t)
		b.login(demo.Citizen.Username)
		if pg := vneidPick(t, b, an); pg.url.Path != "/ho-so-cua-toi" {
			t.Fatalf("VNeID sign-in: at %s", pg.url)
		}
		if sp := b.get("/kho-du-lieu"); !sp.has(digitised.Code) {
			t.Fatalf("the store of the verified citizen lacks %s\n%s", digitised.Code, mainOf(sp.body))
		}

		// Step 1, filled from the population database with consent.
		pg := b.get("/nop-ho-so/" + signatureProc)
		pg = b.post("/nop-ho-so/"+signatureProc+"/dan-cu", pg.formWith(t, "unit", demo.GiaLamCode, "name", an.Name, "id_number", an.IDNumber,
			"delivery", "counter", "dancu_consent", "1"))
		if pg.status != 200 || !pg.has(`value="`+an.Permanent+`"`) || !pg.has(`value="`+an.BirthDate+`"`) {
			t.Fatalf("step 1 from the register: %d\n%s", pg.status, mainOf(pg.body))
		}
		if got := reg.Received(); len(got) != 1 || got[0].IDNumber != an.IDNumber || got[0].ConsentID == 0 {
			t.Fatalf("the register received %+v", got)
		}
		pg = b.post(pg.action(t, "/nguoi-nop"), pg.formWith(t, "unit", demo.GiaLamCode, "name", an.Name, "id_number", an.IDNumber,
			"birth_date", an.BirthDate, "address", an.Permanent, "phone", "0912345678", "delivery", "counter"))
		m := regexp.MustCompile(`^(/nop-ho-so/` + regexp.QuoteMeta(signatureProc) + `/\d+)/to-khai$`).FindStringSubmatch(pg.url.Path)
		if m == nil {
			t.Fatalf("step 1 → %s\n%s", pg.url, mainOf(pg.body))
		}
		draft := m[1]
		pg = b.post(draft+"/to-khai", pg.formWith(t, "ten_giay_to", "Giấy ủy quyền", "ho_ten_nguoi_ky", an.Name, "so_dinh_danh", an.IDNumber,
			"so_nguoi_ky", "1", "hinh_thuc", "Điểm chỉ", "so_dien_thoai", ""))
		if pg.url.Path != draft+"/tai-lieu" {
			t.Fatalf("step 2 → %s\n%s", pg.url, mainOf(pg.body))
		}
		// Step 3: the paper from the store instead of an upload.
		pg = b.post(draft+"/tai-lieu/"+paper.Component+"/kho", pg.formWith(t, "paper", digitised.Code))
		for _, c := range proc.Components {
			if c.Required && c.Key != paper.Component {
				pg = b.upload(pg.action(t, "/tai-lieu/"+c.Key+"?"), c.Key+".pdf", pdfWith(c.Key))
			}
		}
		pg = b.post(draft+"/tai-lieu", pg.formWith(t))
		if pg.url.Path != draft+"/xem-lai" {
			t.Fatalf("files step → %s\n%s", pg.url, mainOf(pg.body))
		}
		pg = b.post(pg.action(t, "/nop"), pg.formWith(t))
		rc := regexp.MustCompile(`^/ho-so/([0-9A-Z.]+-\d{6}-\d{4})/bien-nhan$`).FindStringSubmatch(pg.url.Path)
		if rc == nil {
			t.Fatalf("submit → %s\n%s", pg.url, mainOf(pg.body))
		}
		code := rc[1]
		d := e.get(desk, code)
		var filed struct {
			Applicant struct {
				Name, Address string
				IDNumber      string `json:"id_number"`
				BirthDate     string `json:"birth_date"`
			}
			OnBehalf bool `json:"on_behalf"`
		}
		e.must(e.call(desk, "GET", "/api/v1/dossiers/"+code, nil, &filed), 200)
		if a := filed.Applicant; a.IDNumber != an.IDNumber || a.BirthDate != an.BirthDate || a.Address != an.Permanent || filed.OnBehalf {
			t.Fatalf("applicant %+v (on behalf %v), want the verified identity with the registered residence", a, filed.OnBehalf)
		}
		reused := false
		for _, f := range d.Files {
			reused = reused || f.Component == paper.Component && f.SHA256 == paper.SHA256
		}
		if !reused {
			t.Fatalf("the dossier does not carry the stored paper: %+v", d.Files)
		}
		if ps := e.papers("congdan", "/api/v1/me/data-store"); !hasReuse(ps, digitised.Code, code) {
			t.Fatalf("the reuse of %s in %s is not logged: %+v", digitised.Code, code, ps)
		}

		// Received, processed, approved and signed in the app.
		e.advance(time.Hour)
		e.mustAct(desk, code, "receive", nil)
		e.advance(time.Hour)
		e.mustAct(specialist, code, "forward", nil)
		e.advance(time.Hour)
		lb := e.officeLogin(leader)
		if status, _, _ := lb.post("/can-bo/ho-so/"+code+"/ky-so/otp", url.Values{}); status != 200 {
			t.Fatalf("send OTP: %d", status)
		}
		if status, _, at := lb.post("/can-bo/ho-so/"+code+"/ky-so", url.Values{"otp": {w.sim.LastOTP(leader)}}); status != 200 || at != "/can-bo/ho-so/"+code {
			t.Fatalf("approve and sign: %d at %s", status, at)
		}
		e.advance(time.Hour)
		e.mustAct(desk, code, "deliver", nil)

		// The portal holds the dossier and each step once, in order:
		// received (2), processing (4), finished (9), returned (10).
		p.sync(p.worker("national"), 20*time.Second)
		held := p.inOrder(code, []int{2, 4, 9, 10})
		if held.Record.MaHoSo != code || held.Record.TrangThaiHoSo != "10" {
			t.Fatalf("the portal's record of %s: %+v", code, held.Record)
		}

		// The citizen downloads the e-result; pdfsig validates both signatures.
		dl := b.get("/ho-so/" + code + "/ket-qua-dien-tu")
		if dl.status != 200 || !strings.HasPrefix(dl.body, "%PDF-") {
			t.Fatalf("e-result download: %d", dl.status)
		}
		pdf := []byte(dl.body)
		sigs, err := sign.Verify(pdf, w.trust)
		if err != nil || len(sigs) != 2 || !sign.AllValid(sigs) {
			t.Fatalf("verify: %v %+v", err, sigs)
		}
		out, exit := signtest.PdfSig(t, pdf, "-nssdir", signtest.NSSDB(t, w.sim.CA(), w.ca.Cert))
		if exit != 0 || strings.Count(out, "Signature Validation: Signature is Valid.") != 2 ||
			strings.Count(out, "Certificate Validation: Certificate is Trusted.") != 2 {
			t.Errorf("pdfsig (exit %d):\n%s", exit, out)
		}
		// It is the dossier's coded result, in the citizen's store.
		sum := sha256.Sum256(pdf)
		found := false
		for _, ps := range e.papers("congdan", "/api/v1/me/data-store") {
			found = found || ps.Kind == "result" && ps.Dossier == code && ps.SHA256 == hex.EncodeToString(sum[:]) && strings.HasPrefix(ps.Code, "KQ.")
		}
		if !found {
			t.Error("the signed e-result is not a coded result in the citizen's store")
		}
	})
}

// hasReuse says whether the paper code was reused in dossier.
func hasReuse(ps []paperView, code, dossier string) bool {
	for _, p := range ps {
		for _, r := range p.Reuses {
			if p.Code == code && r.Dossier == dossier {
				return true
			}
		}
	}
	return false
}
