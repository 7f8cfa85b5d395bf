package server_test

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/catalog"
	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

// paperView is the part of the API's digitised paper the tests read.
type paperView struct {
	Code, Kind, Dossier, Component, Unit, SHA256 string
	FileID                                       int64  `json:"file_id"`
	HolderIDNumber                               string `json:"holder_id_number"`
	Reuses                                       []struct {
		Paper, Dossier, Component, By string
		FileID                        int64 `json:"file_id"`
	}
}

type papersView struct{ Papers []paperView }

// fileComponents uploads a scan for every required component of p but skip.
func (e *env) fileComponents(user, code string, p catalog.Procedure, skip string) {
	e.t.Helper()
	for _, c := range p.Components {
		if c.Required && c.Key != skip {
			e.must(e.upload(user, code, c.Key, "scan-"+c.Key+".pdf", pdfWith(code+c.Key)), 201)
		}
	}
}

func (e *env) papers(user, path string) []paperView {
	e.t.Helper()
	var out papersView
	e.must(e.call(user, "GET", path, nil, &out), 200)
	return out.Papers
}

func paperCodes(ps []paperView) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Code)
	}
	return out
}

// TestDigitisationAndDataStore tells issue 13's digitisation story on both
// engines: the desk digitises the paper components of a counter dossier
// and each gets its own code; a result gets its result code when the
// leader approves, and lands in the citizen's data store; a new dossier
// attaches it from the store without an upload, and the reuse is logged
// for the citizen to see; officers find papers within their units only;
// and the 766 digitisation indicators move as counted by hand.
func TestDigitisationAndDataStore(t *testing.T) {
	t.Parallel()
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		p := interLevel(t)
		comp := p.Components[0].Key
		desk := "gialam.tiepnhan"
		agency := demo.GiaLamCode
		year := "2026"

		// A: a counter dossier; the desk scans and digitises its papers.
		in := submission(p, demo.GiaLamCode)
		in["channel"] = "counter"
		var a dossierView
		e.must(e.call(desk, "POST", "/api/v1/dossiers", in, &a), 201)
		e.fileComponents(desk, a.Code, p, "")
		a = e.get(desk, a.Code)
		var codes []string
		for i, f := range a.Files {
			var pv paperView
			e.must(e.call(desk, "POST", "/api/v1/dossiers/"+a.Code+"/files/"+strconv.FormatInt(f.ID, 10)+"/digitise", nil, &pv), 201)
			want := "TP." + agency + "." + year + "." + strconv.Itoa(1000001 + i)[1:]
			if pv.Code != want || pv.Kind != "component" || pv.FileID != f.ID || pv.SHA256 != f.SHA256 || pv.Unit != agency {
				t.Fatalf("digitised %d: %+v, want code %s", f.ID, pv, want)
			}
			codes = append(codes, pv.Code)
		}
		if len(codes) == 0 {
			t.Fatal("the procedure has no required component to digitise")
		}
		fileA := strconv.FormatInt(a.Files[0].ID, 10)
		if r := e.call(desk, "POST", "/api/v1/dossiers/"+a.Code+"/files/"+fileA+"/digitise", nil, nil); r.status != 409 || r.errCode() != "already_digitised" {
			t.Fatalf("digitised twice: %d %s", r.status, r.body)
		}
		for _, who := range []string{"gialam.chuyenvien", "congdan"} {
			if r := e.call(who, "POST", "/api/v1/dossiers/"+a.Code+"/files/"+fileA+"/digitise", nil, nil); r.status != 403 && r.status != 404 {
				t.Fatalf("%s digitised: %d %s", who, r.status, r.body)
			}
		}
		e.mustAct(desk, a.Code, "receive", nil)

		// B: the citizen files online; the desk digitises one component at
		// reception; the result file is made during processing and gets its
		// result code when the last step approves.
		b := e.submit(p.Code, demo.GiaLamCode)
		b = e.get(desk, b.Code)
		var pb paperView
		e.must(e.call(desk, "POST", "/api/v1/dossiers/"+b.Code+"/files/"+strconv.FormatInt(b.Files[0].ID, 10)+"/digitise", nil, &pb), 201)
		if want := "TP." + agency + "." + year + "." + strconv.Itoa(1000001 + len(codes))[1:]; pb.Code != want {
			t.Fatalf("B's paper %s, want %s: one running number per agency and year", pb.Code, want)
		}
		b = e.mustAct(desk, b.Code, "receive", nil)
		maker := officer(b.StepRole, b.Unit)
		e.must(e.upload(maker, b.Code, "result", "ket-qua.pdf", pdfWith("ket qua "+b.Code)), 201)
		if ps := e.papers("congdan", "/api/v1/dossiers/"+b.Code+"/digitised"); len(ps) != 1 {
			t.Fatalf("before the result: %v", paperCodes(ps))
		}
		e.processToResult(b.Code)
		var result paperView
		for _, pv := range e.papers("congdan", "/api/v1/dossiers/"+b.Code+"/digitised") {
			if pv.Kind == "result" {
				result = pv
			}
		}
		if !strings.HasPrefix(result.Code, "KQ.") || !strings.HasSuffix(result.Code, "."+year+".000001") || result.Component != "result" {
			t.Fatalf("result paper: %+v", result)
		}

		// The citizen's store holds B's papers (filed by the account), not
		// A's (filed at the counter; no verified identity links it).
		store := e.papers("congdan", "/api/v1/me/data-store")
		if got := paperCodes(store); len(got) != 2 || got[0] != result.Code || got[1] != pb.Code {
			t.Fatalf("congdan's store: %v, want [%s %s]", got, result.Code, pb.Code)
		}

		// Once congdan signs in through VNeID, the verified ID number also
		// opens A's papers, filed for it at the counter.
		cd, err := e.app.Auth.UserByName(t.Context(), "congdan")
		if err != nil {
			t.Fatal(err)
		}
		tok, _, err := e.app.Auth.SignInIdentity(t.Context(), auth.Identity{Issuer: "https://vneid.test", Subject: "congdan-1",
			IDNumber: "037085001234", FullName: "Nguyễn Văn An", Owner: cd.ID})
		if err != nil {
			t.Fatal(err)
		}
		var verified papersView
		if r := e.bearerCall(tok, "GET", "/api/v1/me/data-store", nil); r.status != 200 || json.Unmarshal(r.body, &verified) != nil {
			t.Fatalf("verified store: %d %s", r.status, r.body)
		}
		if got := paperCodes(verified.Papers); len(got) != 2+len(codes) {
			t.Fatalf("the verified store: %v, want B's two papers and A's %v", got, codes)
		}

		// C: a new dossier attaches the result from the store instead of
		// uploading that component: the same blob, and the reuse is logged.
		var c dossierView
		e.must(e.call("congdan", "POST", "/api/v1/dossiers", submission(p, demo.GiaLamCode), &c), 201)
		e.fileComponents("congdan", c.Code, p, comp)
		var re struct{ Paper, Dossier, Component string }
		e.must(e.call("congdan", "POST", "/api/v1/dossiers/"+c.Code+"/reuse", map[string]string{"paper": result.Code, "component": comp}, &re), 201)
		if re.Paper != result.Code || re.Dossier != c.Code || re.Component != comp {
			t.Fatalf("reuse: %+v", re)
		}
		c = e.get("congdan", c.Code)
		reused := false
		for _, f := range c.Files {
			reused = reused || f.Component == comp && f.SHA256 == result.SHA256
		}
		if !reused {
			t.Fatalf("C's files %+v carry no copy of %s", c.Files, result.SHA256)
		}
		store = e.papers("congdan", "/api/v1/me/data-store")
		if rs := store[0].Reuses; len(rs) != 1 || rs[0].Dossier != c.Code || rs[0].Component != comp || rs[0].By == "" {
			t.Fatalf("the reuse log the citizen sees: %+v", store[0])
		}
		e.mustAct(desk, c.Code, "receive", nil)

		// A stranger cannot reuse it: the paper does not exist for them.
		e.addCitizen("nguoila")
		var other dossierView
		e.must(e.call("nguoila", "POST", "/api/v1/dossiers", submission(p, demo.GiaLamCode), &other), 201)
		if r := e.call("nguoila", "POST", "/api/v1/dossiers/"+other.Code+"/reuse", map[string]string{"paper": result.Code, "component": comp}, nil); r.status != 404 || r.errCode() != "paper_not_found" {
			t.Fatalf("a stranger reused congdan's result: %d %s", r.status, r.body)
		}
		if got := e.papers("nguoila", "/api/v1/me/data-store"); len(got) != 0 {
			t.Fatalf("a stranger's store: %v", paperCodes(got))
		}

		// D: at the counter, the desk reuses A's paper for the same person
		// (same ID number) instead of asking for it again.
		var d dossierView
		e.must(e.call(desk, "POST", "/api/v1/dossiers", in, &d), 201)
		e.fileComponents(desk, d.Code, p, comp)
		e.must(e.call(desk, "POST", "/api/v1/dossiers/"+d.Code+"/reuse", map[string]string{"paper": codes[0], "component": comp}, nil), 201)
		e.mustAct(desk, d.Code, "receive", nil)

		// Search: by ID number at the desk that digitised; by code at the
		// district that issued the result; nothing at another commune.
		if got := paperCodes(e.papers(desk, "/api/v1/digitised?q=037085001234")); len(got) != len(codes)+1 {
			t.Fatalf("desk's search by ID number: %v", got)
		}
		issuer := officer("leader", demo.DistrictCode)
		if got := paperCodes(e.papers(issuer, "/api/v1/digitised?q="+result.Code)); len(got) != 1 || got[0] != result.Code {
			t.Fatalf("district's search by code: %v", got)
		}
		e.newOfficer("c2.tiepnhan", "reception", "000.03.07.H40")
		if got := e.papers("c2.tiepnhan", "/api/v1/digitised?q=037085001234"); len(got) != 0 {
			t.Fatalf("another commune's desk found %v", paperCodes(got))
		}
		// Nor may it reuse A's paper for someone else: the paper is neither
		// that applicant's nor of a dossier the desk may read.
		stranger := submission(p, "000.03.07.H40")
		stranger["channel"] = "counter"
		stranger["applicant"] = map[string]string{"name": "Trần Thị Bình", "id_number": "001190000001", "phone": "0987654321"}
		var sd dossierView
		e.must(e.call("c2.tiepnhan", "POST", "/api/v1/dossiers", stranger, &sd), 201)
		if r := e.call("c2.tiepnhan", "POST", "/api/v1/dossiers/"+sd.Code+"/reuse", map[string]string{"paper": codes[0], "component": comp}, nil); r.status != 404 || r.errCode() != "paper_not_found" {
			t.Fatalf("another commune reused A's paper: %d %s", r.status, r.body)
		}
		if got := paperCodes(e.papers("congdan", "/api/v1/digitised?q=KQ")); len(got) != 1 || got[0] != result.Code {
			t.Fatalf("citizen's search: %v", got)
		}

		// The 766 figures of the district (Gia Lâm below it) for March:
		// received A, B, C, D; digitised A (in progress) and B (result
		// coded): 4.2 = 2/4; reused C and D: 4.3 = 2/4; resolved B, its
		// result in congdan's store: 4.4 = 1/1.
		var sc struct {
			Groups []struct {
				Indicators []struct {
					Key                    string
					Computable             bool
					Numerator, Denominator int64
					Score                  float64
				}
			}
		}
		e.must(e.call(issuer, "GET", "/api/v1/reports/766?unit="+demo.DistrictCode+"&from=2026-03-01&to=2026-03-31", nil, &sc), 200)
		want := map[string][3]float64{"4.2": {2, 4, 2.5}, "4.3": {2, 4, 2.5}, "4.4": {1, 1, 4}}
		seen := 0
		for _, g := range sc.Groups {
			for _, in := range g.Indicators {
				w, ok := want[in.Key]
				if !ok {
					continue
				}
				seen++
				if !in.Computable || float64(in.Numerator) != w[0] || float64(in.Denominator) != w[1] || in.Score != w[2] {
					t.Errorf("%s: %d/%d scored %v (computable %v), want %v/%v scored %v", in.Key, in.Numerator, in.Denominator, in.Score, in.Computable, w[0], w[1], w[2])
				}
			}
		}
		if seen != 3 {
			t.Fatalf("found %d of the digitisation indicators", seen)
		}
		var page struct {
			Dossiers []struct {
				Code    string
				Counted bool
			}
		}
		e.must(e.call(issuer, "GET", "/api/v1/reports/766/4.3/dossiers?unit="+demo.DistrictCode+"&from=2026-03-01&to=2026-03-31&counted=1", nil, &page), 200)
		var counted []string
		for _, x := range page.Dossiers {
			counted = append(counted, x.Code)
		}
		if got := strings.Join(counted, " "); got != c.Code+" "+d.Code {
			t.Fatalf("4.3's drill-down, counted: %s, want %s %s", got, c.Code, d.Code)
		}
	})
}
