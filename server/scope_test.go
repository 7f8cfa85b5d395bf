package server_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/motcua/motcua/api"
	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/document"
	"github.com/motcua/motcua/land"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

// The scope matrix: every registered route (App.Routes) × every officer
// role held at the province, the district and two of its communes × a
// target at a commune and at the district, plus the dossiers' owner,
// another citizen and an anonymous visitor. Each route's row in
// scopeRoutes (scope_routes_test.go) says who may use it, in terms of the
// scope table auth.Scopes; a route with no row fails the test, so a new
// route cannot be forgotten.
//
// For a target at Gia Lâm commune (C1) the officers stand in every
// relation the rule names: at C1 itself (own), at the district above it
// (the target is their child unit), at the province (further below), at
// the sibling commune C2; for a target at the district, the communes'
// officers stand below it (the target is their parent unit) and the
// province above it.
//
// Allowed means any answer but 401, 403, 404 or a redirect to the sign-in
// page (or, from a citizens' page, to the back office): a refused input
// (422), a state the lifecycle forbids (409) or success all show that the
// scope let the request through. Mutating requests carry input that the
// handler refuses after its scope check, so the matrix changes nothing a
// later request depends on. What an allowed officer may then *do* to a
// dossier is the lifecycle table's (dossier.Rules) and has its own tests.
func TestScopeMatrix(t *testing.T) {
	t.Parallel()
	for _, engine := range []string{"sqlite", "postgres"} {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			scopeMatrix(t, storetest.Open(t, engine))
		})
	}
}

func scopeMatrix(t *testing.T, db *store.DB) {
	{
		w := newScopeWorld(t, db)
		var missing []string
		for _, p := range w.e.app.Routes {
			if _, ok := scopeRoutes[p]; !ok && !strings.HasPrefix(p, "GET /static/") {
				missing = append(missing, p)
			}
		}
		if len(missing) > 0 {
			t.Fatalf("routes missing from the scope table (scopeRoutes in scope_routes_test.go):\n%s", strings.Join(missing, "\n"))
		}
		for p := range scopeRoutes {
			if !slices.Contains(w.e.app.Routes, p) {
				t.Errorf("scopeRoutes names %q, which is not registered", p)
			}
		}

		type job struct {
			pattern string
			rt      scopeRoute
			x       *scopeActor
			tg      string
		}
		var jobs []job
		for _, p := range w.e.app.Routes {
			rt, ok := scopeRoutes[p]
			if !ok {
				rt = scopeRoute{who: public, path: func(*scopeTarget) string { return strings.TrimPrefix(p, "GET ") }}
			}
			if rt.skip != "" {
				continue
			}
			targets := rt.targets
			switch {
			case len(targets) > 0:
			case rt.who == scoped || rt.who == applicant:
				targets = []string{"C1", "D"}
			default:
				targets = []string{"C1"} // the audience does not depend on a unit
			}
			actors := w.actors
			if rt.once {
				actors = actors[len(actors)-1:] // anonymous
			}
			for _, tg := range targets {
				for _, x := range actors {
					jobs = append(jobs, job{p, rt, x, tg})
				}
			}
		}
		var mu sync.Mutex
		var failures []string
		ch := make(chan job)
		var wg sync.WaitGroup
		for range 8 {
			wg.Go(func() {
				for j := range ch {
					want := w.expect(j.pattern, j.rt, j.x, j.tg)
					status, loc, body := w.send(t, j.pattern, j.rt, j.x, j.tg)
					got := !refused(j.pattern, j.rt, status, loc, body)
					// A throttled request says nothing of scope: it must not happen here.
					if status >= 500 || status == http.StatusTooManyRequests || got != want {
						mu.Lock()
						failures = append(failures, fmt.Sprintf("%-55s %-22s target %-2s: %d %s, want allowed=%v %s",
							j.pattern, j.x.name, j.tg, status, loc, want, snippet(body)))
						mu.Unlock()
					}
				}
			})
		}
		for _, j := range jobs {
			ch <- j
		}
		close(ch)
		wg.Wait()
		slices.Sort(failures)
		if len(failures) > 0 {
			t.Errorf("%d of %d cases disagree with the scope table:\n%s", len(failures), len(jobs), strings.Join(failures, "\n"))
		}
	}
}

// refused reports whether an answer turned the request away.
func refused(pattern string, rt scopeRoute, status int, loc, body string) bool {
	switch status {
	case http.StatusNotFound:
		var e struct{ Error struct{ Code string } }
		json.Unmarshal([]byte(body), &e)
		return !slices.Contains(rt.absent, e.Error.Code)
	case http.StatusUnauthorized, http.StatusForbidden:
		return true
	}
	if status >= 300 && status < 400 {
		if strings.HasPrefix(loc, "/dang-nhap") {
			return true
		}
		// The citizens' pages send officers to the back office.
		_, path, _ := strings.Cut(pattern, " ")
		return !strings.HasPrefix(path, "/can-bo") && strings.HasPrefix(loc, "/can-bo")
	}
	return false
}

func snippet(b string) string {
	if i := strings.Index(b, `role="alert"`); i >= 0 {
		b = b[i:]
	}
	if len(b) > 160 {
		b = b[:160]
	}
	return strings.Join(strings.Fields(b), " ")
}

// who is the kind of audience a route serves.
type who int

const (
	public        who = iota // anyone, signed in or not
	account                  // any signed-in account
	officers                 // any officer account; what they see is scoped by the data
	admins                   // an admin anywhere; the services scope what they touch
	scoped                   // auth.Right at the target unit (scopeRoute.right)
	applicant                // the citizen who owns the target dossier
	filers                   // citizens and community team members (online filing)
	drafts                   // the owner of the draft
	supervisors              // a supervisor anywhere; audit.Search scopes the rows
	citizenAdmins            // an admin of the province (who manages citizen accounts)
	reporters                // a leader or supervisor anywhere (auth.ReadReports); each page scopes its units
	hookOwner                // the system account of C1, which made the target subscription (scopeTarget.hook)
	citizens                 // any citizen account: their own personal data (package mydata)
	nobody                   // no test account: what the route shows does not exist in the matrix world (its own test tries who may see it)
)

// scopeRoute is one row of the route table.
type scopeRoute struct {
	who   who
	right auth.Right
	// targets are the units the route is tried against: "C1" (Gia Lâm
	// commune), "D" (the district), "P" (the province); none means C1 and D.
	targets []string
	path    func(tg *scopeTarget) string
	// form is a page's form body, json an API body (either may be nil);
	// formAt and jsonAt build them for the target.
	form   url.Values
	json   any
	formAt func(tg *scopeTarget) url.Values
	jsonAt func(tg *scopeTarget) any
	// citizens: citizens may use the route too (online filing);
	// noCitizens: not even the dossier's owner (officers' routes; every
	// /can-bo route is so). only narrows the officers allowed to those
	// roles (the counter is the reception's; some acts on a dossier are
	// the applicant's or the desk's, the rest only read it).
	citizens, noCitizens bool
	only                 []string
	// absent are API error codes a 404 may carry for an allowed caller:
	// the dossier is visible, the thing asked for does not exist yet.
	absent []string
	// clientRight, when set, is the right a system account needs at the
	// target instead of right (a person subscribes webhooks where it
	// manages the unit, a system account where it reads the dossiers).
	clientRight auth.Right
	// skip says why a route is listed but not requested; once, that a
	// public route throttled per client address is tried anonymously only
	// (every test request comes from one address).
	skip string
	once bool
}

// scopeTarget is what a route's path is built from at one target unit.
type scopeTarget struct {
	unit, procedure, component string
	dossier                    string
	file                       int64
	ref                        string
	user                       string // an account holding one role at the unit
	spare                      string // one no test client is signed in as
	draft, draft2, draftProc   string // congdan's drafts (not tied to a unit)
	sha                        string // of the file in draft
	hook                       int64  // a webhook subscription C1's system account made
	// document is an incoming document registered at the unit (C1, D),
	// documentFile its scan.
	document, documentFile int64
	// workFile is a work file the unit's clerk opened (C1, D).
	workFile int64
}

type scopeActor struct {
	name    string
	role    string // "" for citizens and anonymous
	unit    string // "P", "D", "C1", "C2"
	citizen bool
	owner   bool // owns the target dossiers and the draft
	// ops are a system account's operation scopes; it holds
	// scopeClientRights at unit and signs in to the API only (through /api/v1/oauth/token).
	ops   []string
	token string
	csrf  string
	c     *http.Client
}

type scopeWorld struct {
	e       *env
	codes   map[string]string // "P" → agency code
	parent  map[string]string
	targets map[string]*scopeTarget
	actors  []*scopeActor
	clients []*scopeActor
}

// expect is the scope table read for one case.
func (w *scopeWorld) expect(pattern string, rt scopeRoute, x *scopeActor, tg string) bool {
	if x.ops != nil {
		return w.expectClient(pattern, rt, x, tg)
	}
	anon := x.name == ""
	officer := !anon && !x.citizen
	if _, path, _ := strings.Cut(pattern, " "); strings.HasPrefix(path, "/can-bo") {
		rt.noCitizens = true
	}
	if x.citizen && rt.noCitizens {
		return false
	}
	if officer && rt.only != nil && !slices.Contains(rt.only, x.role) {
		return false
	}
	switch rt.who {
	case public:
		return true
	case account:
		return !anon
	case officers:
		return officer
	case admins:
		return officer && x.role == auth.Admin
	case applicant:
		return x.owner
	case filers:
		return x.citizen || x.role == auth.Community
	case drafts:
		return x.owner
	case supervisors:
		return officer && x.role == auth.Supervisor
	case citizenAdmins:
		return officer && x.role == auth.Admin && x.unit == "P"
	case reporters:
		return officer && slices.Contains(auth.ScopeOf(auth.ReadReports).Own, x.role)
	case hookOwner:
		return false
	case citizens:
		return x.citizen
	case scoped:
		if rt.right == auth.ReadDossier && x.owner || rt.citizens && x.citizen {
			return true
		}
		if !officer {
			return false
		}
		s := auth.ScopeOf(rt.right)
		if s.ProvinceOnly && (tg != "P" || x.unit != "P") {
			return false
		}
		switch {
		case x.unit == tg:
			return slices.Contains(s.Own, x.role)
		case w.below(tg, x.unit):
			return slices.Contains(s.Below, x.role)
		}
	}
	return false
}

// scopeClientRights are the rights each test system account holds at its
// one unit (C1 or C2).
var scopeClientRights = []auth.Right{auth.ReadDossier, auth.ReadDocument, auth.RegisterDocument}

// expectClient is the scope table read for a system account: on pages it
// is nobody; on the API its operations open a route (api.ClientOp), then
// its rights at its unit (scopeClientRights) decide like an officer's
// role; a listing for officers is open to it (the data is scoped).
func (w *scopeWorld) expectClient(pattern string, rt scopeRoute, x *scopeActor, tg string) bool {
	if _, path, _ := strings.Cut(pattern, " "); !strings.HasPrefix(path, "/api/") {
		return rt.who == public
	}
	op, ok := api.ClientOp(pattern)
	if !ok || op != "" && !slices.Contains(x.ops, op) {
		return false
	}
	right := rt.right
	if rt.clientRight != "" {
		right = rt.clientRight
	}
	switch rt.who {
	case public, account:
		return true
	case officers:
		return op != ""
	case scoped:
		return slices.Contains(scopeClientRights, right) && rt.only == nil && x.unit == tg
	case hookOwner:
		return x.unit == "C1"
	}
	return false
}

// below reports whether unit u lies under unit above.
func (w *scopeWorld) below(u, above string) bool {
	for p := w.parent[u]; p != ""; p = w.parent[p] {
		if p == above {
			return true
		}
	}
	return false
}

var scopeCSRF = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func newScopeWorld(t *testing.T, db *store.DB) *scopeWorld {
	e := newWebhookEnv(t, db) // its webhooks may name 127.0.0.1
	ctx := context.Background()
	w := &scopeWorld{e: e,
		codes:  map[string]string{"P": demo.ProvinceCode, "D": demo.DistrictCode, "C1": demo.GiaLamCode, "C2": "000.03.07.H40"},
		parent: map[string]string{"D": "P", "C1": "D", "C2": "D"},
	}
	// One account per role at each unit, and a stranger citizen.
	err := db.InTx(ctx, func(tx *store.Tx) error {
		for _, key := range []string{"P", "D", "C1", "C2"} {
			u, err := e.app.Units.ByCodeTx(ctx, tx, w.codes[key])
			if err != nil {
				return err
			}
			for _, role := range auth.OfficerRoles {
				name := "m." + role + "." + strings.ToLower(key)
				nu, err := e.app.Auth.CreateUser(ctx, tx, auth.NewUser{User: auth.User{Username: name, Kind: "officer"}, Password: demo.Password})
				if err != nil {
					return err
				}
				if err := e.app.Auth.Grant(ctx, tx, nu.ID, u.ID, role); err != nil {
					return err
				}
				w.actors = append(w.actors, &scopeActor{name: name, role: role, unit: key})
			}
			// A specialist no test client signs in as: acts that end the
			// account's sessions (turning its TOTP off) are tried on it.
			nu, err := e.app.Auth.CreateUser(ctx, tx, auth.NewUser{User: auth.User{Username: "m.spare." + strings.ToLower(key), Kind: "officer"}, Password: demo.Password})
			if err != nil {
				return err
			}
			if err := e.app.Auth.Grant(ctx, tx, nu.ID, u.ID, auth.Specialist); err != nil {
				return err
			}
		}
		_, err := e.app.Auth.CreateUser(ctx, tx, newCitizen("m.nguoila"))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	// Two system accounts, each reading the dossiers of one commune: C1's
	// and C2's (which must read neither C1's nor the district's).
	for _, key := range []string{"C1", "C2"} {
		u, err := e.app.Units.ByCode(ctx, w.codes[key])
		if err != nil {
			t.Fatal(err)
		}
		ops := []string{auth.OpDossiersRead, auth.OpDossiersWrite, auth.OpPaymentsRead, auth.OpReportsRead, auth.OpWebhooksManage,
			auth.OpDocumentsRead, auth.OpDocumentsWrite}
		var rights []auth.ClientRight
		for _, r := range scopeClientRights {
			rights = append(rights, auth.ClientRight{UnitID: u.ID, Right: r})
		}
		id, secret, err := e.app.Auth.AddClientAsOperator(ctx, auth.NewClient{Name: "Hệ thống " + key, Ops: ops, RatePerMinute: 100_000, Rights: rights})
		if err != nil {
			t.Fatal(err)
		}
		w.clients = append(w.clients, &scopeActor{name: id, unit: key, ops: ops, token: clientToken(t, e, id, secret)})
	}
	w.actors = append(w.actors, &scopeActor{name: "congdan", citizen: true, owner: true},
		&scopeActor{name: "m.nguoila", citizen: true}, &scopeActor{name: ""})
	for _, x := range w.actors {
		w.signIn(t, x)
	}
	for _, x := range w.clients {
		jar, _ := cookiejar.New(nil)
		x.c = &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	// The clients go first, so the anonymous actor stays last.
	w.actors = append(w.clients, w.actors...)

	// A dossier at each target, filed online by congdan with its files,
	// and a fee asked by the receiving desk.
	w.targets = map[string]*scopeTarget{}
	for key, proc := range map[string]string{"C1": "1.013978", "D": "1.012786"} {
		d := e.submit(proc, w.codes[key])
		full := e.get("congdan", d.Code)
		var pay struct{ Ref string }
		desk := officer(auth.Reception, w.codes[key])
		e.must(e.call(desk, "POST", "/api/v1/dossiers/"+d.Code+"/payment-requests", map[string]any{}, &pay), 201)
		w.targets[key] = &scopeTarget{unit: w.codes[key], procedure: proc, component: full.Files[0].Component, dossier: d.Code,
			file: full.Files[0].ID, ref: pay.Ref, user: "m.specialist." + strings.ToLower(key), spare: "m.spare." + strings.ToLower(key)}
	}
	// An incoming paper document at each target, with its scan,
	// registered by the unit's demo clerk.
	for key, clerk := range map[string]string{"C1": "gialam.vanthu", "D": "huyen.vanthu"} {
		a, err := e.app.Auth.UserByName(ctx, clerk)
		if err != nil {
			t.Fatal(err)
		}
		d, err := e.app.Documents.RegisterIncoming(ctx, a, document.Incoming{Unit: w.codes[key], Medium: document.Paper,
			Sender: document.Organ{OrganID: demo.ProvinceCode, Name: "UBND tỉnh Ninh Bình"}, CodeNumber: "15", CodeNotation: "UBND-VX",
			Type: "CV", Subject: "V/v chuyển đổi số", File: &document.FileInput{Name: "scan.pdf", Content: samplePDF}})
		if err != nil {
			t.Fatal(err)
		}
		full, err := e.app.Documents.Get(ctx, a, d.ID)
		if err != nil || len(full.Files) != 1 {
			t.Fatalf("the scope world's document: %v", err)
		}
		w.targets[key].document, w.targets[key].documentFile = d.ID, full.Files[0].ID
		f, err := e.app.Documents.CreateFile(ctx, a, document.WorkFileInput{Unit: w.codes[key], Notation: "01.VT", Title: "Hồ sơ chuyển đổi số", Maintenance: "10 năm"})
		if err != nil {
			t.Fatal(err)
		}
		w.targets[key].workFile = f.ID
	}
	w.targets["P"] = &scopeTarget{unit: demo.ProvinceCode, procedure: "1.001193", user: "m.specialist.p", spare: "m.spare.p"}
	w.targets["C2"] = &scopeTarget{unit: w.codes["C2"], user: "m.specialist.c2", spare: "m.spare.c2"}
	// congdan's drafts, the first with one file.
	owner := w.actors[len(w.actors)-3]
	if owner.name != "congdan" {
		t.Fatalf("the owner is %q", owner.name)
	}
	newDraft := func() string {
		status, loc, body := w.do(t, owner, "POST", "/nop-ho-so/1.001193", url.Values{"unit": {demo.GiaLamCode}, "name": {"Nguyễn Văn An"},
			"id_number": {"037085001234"}, "phone": {"0912345678"}, "email": {"an@example.vn"}, "address": {"Thôn Tân Lập"}, "delivery": {"counter"}}, nil)
		parts := strings.Split(strings.Trim(loc, "/"), "/")
		if status != http.StatusSeeOther || len(parts) < 3 {
			t.Fatalf("start a draft: %d %s %s", status, loc, snippet(body))
		}
		return parts[2]
	}
	first, second := newDraft(), newDraft()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile("file", "to-khai.pdf")
	fw.Write(samplePDF)
	mw.Close()
	req, _ := http.NewRequest("POST", e.srv.URL+"/nop-ho-so/1.001193/"+first+"/tai-lieu/to_khai?csrf="+url.QueryEscape(owner.csrf), &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := owner.c.Do(req)
	if err != nil || resp.StatusCode >= 400 {
		t.Fatalf("draft upload: %v %v", resp.StatusCode, err)
	}
	resp.Body.Close()
	sum := sha256.Sum256(samplePDF)
	// A webhook subscription of C1's system account, for C1: no one else
	// sees it, stops it, rotates its secret or replays it.
	hookBody := map[string]any{"url": "http://127.0.0.1:9/hook", "types": []string{"dossier.received"}, "units": []string{w.codes["C1"]}}
	status, _, body := w.do(t, w.clients[0], "POST", "/api/v1/webhooks", nil, hookBody)
	var hook struct{ ID int64 }
	if json.Unmarshal([]byte(body), &hook); status != http.StatusCreated || w.clients[0].unit != "C1" || hook.ID == 0 {
		t.Fatalf("C1's system account subscribes: %d %s", status, body)
	}
	for _, tg := range w.targets {
		tg.draftProc, tg.draft, tg.draft2, tg.sha = "1.001193", first, second, hex.EncodeToString(sum[:])
		tg.hook = hook.ID
		// A land parcel, sheet 1 number 1, at every target unit, with a
		// certificate (scopeSerial) and no registered user: no citizen holds it.
		if _, err := e.app.Land.Import(ctx, []land.ParcelInput{{Commune: tg.unit, Sheet: "1", Number: "1", AreaDM2: 10000, LandUse: []string{"ONT"},
			Certificate: land.Certificate{Serial: scopeSerial(tg)}}}, "scope"); err != nil {
			t.Fatal(err)
		}
	}
	return w
}

// signIn gives x an API token and a page session with its CSRF token.
func (w *scopeWorld) signIn(t *testing.T, x *scopeActor) {
	jar, _ := cookiejar.New(nil)
	x.c = &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	if x.name == "" {
		return
	}
	x.token = w.e.token(x.name)
	status, _, _ := w.do(t, x, "POST", "/dang-nhap", url.Values{"username": {x.name}, "password": {demo.Password}, "next": {"/tra-cuu"}}, nil)
	if status != http.StatusSeeOther {
		t.Fatalf("sign in %s: %d", x.name, status)
	}
	_, _, body := w.do(t, x, "GET", "/tra-cuu", nil, nil)
	m := scopeCSRF.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no CSRF token for %s", x.name)
	}
	x.csrf = m[1]
}

// send makes the request of one case.
func (w *scopeWorld) send(t *testing.T, pattern string, rt scopeRoute, x *scopeActor, tg string) (int, string, string) {
	method, _, _ := strings.Cut(pattern, " ")
	target := w.targets[tg]
	form, body := rt.form, rt.json
	if rt.formAt != nil {
		form = rt.formAt(target)
	}
	if rt.jsonAt != nil {
		body = rt.jsonAt(target)
	}
	if form == nil && body == nil && method != "GET" {
		form = url.Values{}
	}
	return w.do(t, x, method, rt.path(target), form, body)
}

func (w *scopeWorld) do(t *testing.T, x *scopeActor, method, path string, form url.Values, body any) (int, string, string) {
	var rd io.Reader
	ct := ""
	switch {
	case body != nil:
		b, _ := json.Marshal(body)
		rd, ct = strings.NewReader(string(b)), "application/json"
	case form != nil:
		rd, ct = strings.NewReader(form.Encode()), "application/x-www-form-urlencoded"
	}
	req, err := http.NewRequest(method, w.e.srv.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	if strings.HasPrefix(path, "/api/") && x.token != "" {
		req.Header.Set("Authorization", "Bearer "+x.token)
	}
	if x.csrf != "" {
		req.Header.Set("X-CSRF-Token", x.csrf)
	}
	resp, err := x.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	loc := resp.Header.Get("Location")
	if u, err := url.Parse(loc); err == nil && u.Host != "" {
		loc = u.RequestURI()
	}
	return resp.StatusCode, loc, string(b)
}

// scopeSerial is the certificate serial of the target unit's land parcel.
func scopeSerial(tg *scopeTarget) string { return "PH " + tg.unit }
