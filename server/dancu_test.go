package server_test

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/dancu"
	"github.com/motcua/motcua/dancu/dancusim"
	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/server"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
	"github.com/motcua/motcua/vneid/vneidsim"
)

// onceOnlyEnv is the app with both national simulators mounted in
// process, as motcua serve --demo runs them.
func onceOnlyEnv(t *testing.T, db *store.DB) (*env, *dancusim.Sim) {
	t.Helper()
	var people []dancu.Person
	for _, p := range demo.People() {
		people = append(people, dancu.Person{IDNumber: p.IDNumber, FullName: p.Name, BirthDate: p.BirthDate, Sex: p.Sex,
			Permanent: p.Permanent, Current: p.Current})
	}
	reg := dancusim.New(dancusim.DemoToken, people)
	e := newEnvWith(t, db, func(cfg *server.Config) {
		issuer := cfg.PublicURL + server.VNeIDSimulatorPath
		var ids []vneidsim.Person
		for _, p := range demo.People() {
			ids = append(ids, vneidsim.Person{IDNumber: p.IDNumber, Name: p.Name, BirthDate: p.BirthDate})
		}
		sim, err := vneidsim.New(vneidsim.Config{Issuer: issuer, People: ids, Clients: []vneidsim.Client{{
			ID: vneidsim.DemoClientID, Secret: vneidsim.DemoClientSecret, RedirectURIs: []string{cfg.PublicURL + "/dang-nhap/vneid/ve"}}}})
		if err != nil {
			t.Fatal(err)
		}
		cfg.VNeID = server.VNeIDConfig{Issuer: issuer, ClientID: vneidsim.DemoClientID, ClientSecret: vneidsim.DemoClientSecret, Simulator: sim}
		cfg.Dancu = server.DancuConfig{URL: cfg.PublicURL + server.DancuSimulatorPath, Token: dancusim.DemoToken, Agency: demo.ProvinceCode,
			Timeout: 400 * time.Millisecond, Simulator: reg}
	})
	return e, reg
}

// TestOnceOnlyData: a citizen signed in with VNeID ticks consent and the
// population database fills the applicant; without consent nothing is
// asked; when the register does not answer in time the fields stay as
// typed with a sentence saying so; the officer at reception compares the
// applicant with the register and sees the differences; the citizen's
// account lists every lookup of their data, the officer's too.
func TestOnceOnlyData(t *testing.T) {
	t.Parallel()
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e, reg := onceOnlyEnv(t, db)
		an := demo.People()[0]
		b, _ := e.vneidBrowser(t)
		if p := vneidPick(t, b, an); p.url.Path != "/ho-so-cua-toi" {
			t.Fatalf("VNeID sign-in: at %s", p.url)
		}
		p := b.get("/nop-ho-so/" + signatureProc)
		if !p.has(`id="dancu-fill"`) || !p.has(`formaction="/nop-ho-so/`+signatureProc+`/dan-cu"`) {
			t.Fatal("step 1 offers no lookup in the population database")
		}
		typed := func(p citizenPage, kv ...string) url.Values {
			v := p.formWith(t, "unit", demo.GiaLamCode, "name", an.Name, "id_number", an.IDNumber, "delivery", "counter", "address", "Gia Lâm")
			for i := 0; i+1 < len(kv); i += 2 {
				v.Set(kv[i], kv[i+1])
			}
			return v
		}

		// No consent: refused, nothing asked, nothing recorded.
		r := b.post("/nop-ho-so/"+signatureProc+"/dan-cu", typed(p))
		if r.status != 200 || !r.has(`id="dancu-error"`) || !r.has("Cần đánh dấu đồng ý") {
			t.Fatalf("lookup without consent: %d\n%s", r.status, mainOf(r.body))
		}
		if n := len(reg.Received()); n != 0 {
			t.Fatalf("the register was asked %d times without consent", n)
		}
		// With consent: filled from the register, and saved in a draft.
		r = b.post("/nop-ho-so/"+signatureProc+"/dan-cu", typed(p, "dancu_consent", "1"))
		if r.status != 200 || !r.has(`id="dancu-note"`) || !r.has(`value="`+an.Permanent+`"`) || !r.has(`value="`+an.BirthDate+`"`) {
			t.Fatalf("lookup with consent: %d\n%s", r.status, mainOf(r.body))
		}
		if got := reg.Received(); len(got) != 1 || got[0].ConsentID == 0 || got[0].IDNumber != an.IDNumber {
			t.Fatalf("the register received %+v", got)
		}
		draftLookup := r.action(t, "/dan-cu")
		if !strings.Contains(draftLookup, "/nop-ho-so/"+signatureProc+"/") || draftLookup == "/nop-ho-so/"+signatureProc+"/dan-cu" {
			t.Fatalf("the filled step 1 is not a saved draft's: %s", draftLookup)
		}
		// The register times out: back fast, fields as typed, the reason said.
		reg.SetFault(dancusim.FaultTimeout)
		start := time.Now()
		r = b.post(draftLookup, typed(r, "name", "Nguyễn Văn An (tự nhập)", "dancu_consent", "1"))
		reg.SetFault(dancusim.FaultNone)
		if d := time.Since(start); d > 3*time.Second {
			t.Fatalf("a lookup that timed out held the page %v", d)
		}
		if r.status != 200 || !r.has("Không tra cứu được Cơ sở dữ liệu quốc gia về dân cư") || !r.has(`value="Nguyễn Văn An (tự nhập)"`) {
			t.Fatalf("timeout: %d\n%s", r.status, mainOf(r.body))
		}

		// Reception verifies the applicant of a dossier the citizen filed.
		d := e.submit(signatureProc, demo.GiaLamCode)
		off := e.portalVisitor(t, "")
		off.login("gialam.tiepnhan")
		op := off.get("/can-bo/ho-so/" + d.Code)
		if !op.has(`id="dan-cu"`) {
			t.Fatal("the dossier page offers reception no check against the population database")
		}
		vr := off.post("/can-bo/ho-so/"+d.Code+"/dan-cu", op.formWith(t, "consent", "1"))
		if vr.status != 200 || !vr.has(`id="dancu-compare"`) || !vr.has(`id="dancu-mismatch"`) || !vr.has(an.Permanent) {
			t.Fatalf("reception's check: %d\n%s", vr.status, mainOf(vr.body))
		}

		// The citizen sees every lookup of their data: theirs and the officer's.
		list := b.get("/tai-khoan/du-lieu-da-tra-cuu")
		if list.status != 200 || strings.Count(list.body, "<tr>") != 4 || !list.has("gialam.tiepnhan") || !list.has(d.Code) ||
			!list.has("Hệ thống không trả lời") || !list.has("Đối chiếu khi tiếp nhận hồ sơ") {
			t.Fatalf("the citizen's list of lookups: %d\n%s", list.status, mainOf(list.body))
		}
		if n := len(auditActions(t, e, "population_lookup")); n != 3 {
			t.Fatalf("%d lookups in the audit log, want 3", n)
		}
	})
}
