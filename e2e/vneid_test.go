package e2e

import (
	"strings"
	"testing"

	"github.com/motcua/motcua/dancu"
	"github.com/motcua/motcua/dancu/dancusim"
	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/server"
	"github.com/motcua/motcua/vneid/vneidsim"
)

// TestVNeIDInBrowser: in a real browser a citizen who opens the online
// application is asked to sign in, presses "Đăng nhập bằng VNeID", picks
// their identity on the provider's page (the zitadel-built simulator,
// code flow with PKCE through real redirects and cookies), lands back on
// the application signed in, and finds the applicant filled with the
// verified name, ID number and date of birth; then ticks consent and
// fills the permanent residence from the population database, and finds
// the lookup on their list. Each page passes axe.
func TestVNeIDInBrowser(t *testing.T) {
	browser := newBrowser(t)
	people := demo.People()
	an := people[0]
	m := startMotcuaWith(t, func(cfg *server.Config) {
		issuer := cfg.PublicURL + server.VNeIDSimulatorPath
		var ids []vneidsim.Person
		var reg []dancu.Person
		for _, p := range people {
			ids = append(ids, vneidsim.Person{IDNumber: p.IDNumber, Name: p.Name, BirthDate: p.BirthDate})
			reg = append(reg, dancu.Person{IDNumber: p.IDNumber, FullName: p.Name, BirthDate: p.BirthDate, Sex: p.Sex, Permanent: p.Permanent, Current: p.Current})
		}
		sim, err := vneidsim.New(vneidsim.Config{Issuer: issuer, People: ids, Clients: []vneidsim.Client{{
			ID: vneidsim.DemoClientID, Secret: vneidsim.DemoClientSecret, RedirectURIs: []string{cfg.PublicURL + "/dang-nhap/vneid/ve"}}}})
		if err != nil {
			t.Fatal(err)
		}
		cfg.VNeID = server.VNeIDConfig{Issuer: issuer, ClientID: vneidsim.DemoClientID, ClientSecret: vneidsim.DemoClientSecret, Simulator: sim}
		cfg.Dancu = server.DancuConfig{URL: cfg.PublicURL + server.DancuSimulatorPath, Token: dancusim.DemoToken,
			Simulator: dancusim.New(dancusim.DemoToken, reg)}
	})
	u := openTab(t, browser, m.URL, "citizen", false)
	const proc = "/nop-ho-so/2.000884"
	u.visit(t, proc)
	if p := u.path(t); p != "/dang-nhap?next=%2Fnop-ho-so%2F2.000884" && p != "/dang-nhap?next="+proc {
		t.Fatalf("not asked to sign in: at %s", p)
	}
	if p := u.press(t, q("#vneid-login"), 200, "Đăng nhập bằng VNeID"); !strings.HasPrefix(p, server.VNeIDSimulatorPath+"/") {
		t.Fatalf("the VNeID button led to %s", p)
	}
	u.wantText(t, "h1", "Chọn danh tính")
	if p := u.press(t, q(`button[data-id-number="`+an.IDNumber+`"]`), 200, an.Name); p != proc {
		t.Fatalf("after picking %s: at %s, want %s\n%s", an.Name, p, proc, u.mainText(t))
	}
	for id, want := range map[string]string{"f-name": an.Name, "f-id_number": an.IDNumber, "f-birth_date": an.BirthDate} {
		if got := u.value(t, id); got != want {
			t.Errorf("%s is %q, want %q", id, got, want)
		}
	}
	u.wantText(t, "#vneid-verified", an.Name, an.IDNumber)
	u.page(t, "vneid-wizard")
	u.click(t, "#dancu-consent")
	u.press(t, q("#dancu-fill"), 200, "Tra cứu và điền thông tin")
	u.wantText(t, "#dancu-note", "Cơ sở dữ liệu quốc gia về dân cư")
	if got := u.value(t, "f-address"); got != an.Permanent {
		t.Errorf("address %q, want the permanent residence %q", got, an.Permanent)
	}
	u.page(t, "dancu-filled")
	// The lookup is on the citizen's list of lookups of their data.
	u.visit(t, "/tai-khoan/du-lieu-da-tra-cuu")
	u.wantText(t, "#looked-up", "Điền hồ sơ trực tuyến", "Đã tra cứu được")
	u.page(t, "dancu-looked-up")
}
