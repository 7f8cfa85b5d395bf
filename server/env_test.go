package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/catalog"
	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/server"
	"github.com/motcua/motcua/server/servertest"
	"github.com/motcua/motcua/store"
)

// clock is a settable test clock shared by the server and the test.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

var ict = time.FixedZone("ICT", 7*3600)

// env is a running motcua with the demo world, driven over real HTTP.
type env struct {
	t      testing.TB
	app    *server.App
	srv    *httptest.Server
	clock  *clock
	tokens map[string]string
}

// testParams make argon2id as cheap as it goes (8 KiB is its floor): the
// demo world hashes dozens of passwords per test. Production costs are
// benchmarked.
var testParams = auth.Params{Time: 1, MemKiB: 8, Threads: 1}

func newEnv(t testing.TB, db *store.DB) *env { t.Helper(); return newEnvWith(t, db, nil) }

// newEnvWith is newEnv with configure changing the server's Config first
// (the public URL is the test server's own unless configure sets another).
func newEnvWith(t testing.TB, db *store.DB, configure func(*server.Config)) *env {
	t.Helper()
	ctx := context.Background()
	// Monday 2 March 2026, 08:00 in Vietnam: an ordinary working morning.
	c := &clock{t: time.Date(2026, 3, 2, 8, 0, 0, 0, ict)}
	servertest.Prepare(t, db)
	srv, public := servertest.Listen(t)
	cfg := server.Config{
		DataDir: t.TempDir(), Log: slog.New(slog.NewTextHandler(io.Discard, nil)), AuthParams: testParams, Now: c.Now,
		PublicURL: public,
	}
	if configure != nil {
		configure(&cfg)
	}
	app, err := server.New(ctx, db, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := demo.Load(ctx, db, app.Units, app.Auth); err != nil {
		t.Fatal(err)
	}
	if _, err := demo.LoadPartnerAgencies(ctx, db, app.Units); err != nil {
		t.Fatal(err)
	}
	servertest.Serve(t, srv, app.Handler)
	return &env{t: t, app: app, srv: srv, clock: c, tokens: map[string]string{}}
}

// workingLater is the moment d of working time from now: a new
// appointment the office can keep.
func (e *env) workingLater(d time.Duration) time.Time {
	return e.app.Calendar.Current().AddWorking(e.clock.Now(), d)
}

// advance moves the clock; sessions older than their lifetime expire, so
// the test logs everyone in again.
func (e *env) advance(d time.Duration) {
	e.clock.Add(d)
	clear(e.tokens)
}

// token logs a demo user in once and caches the bearer token.
func (e *env) token(user string) string {
	e.t.Helper()
	if tok, ok := e.tokens[user]; ok {
		return tok
	}
	var out struct{ Token string }
	e.must(e.call("", "POST", "/api/v1/auth/token", map[string]string{"username": user, "password": demo.Password}, &out), 200)
	e.tokens[user] = out.Token
	return out.Token
}

type reply struct {
	status int
	body   []byte
	header http.Header
}

// call sends a JSON request as user ("" for anonymous) and decodes the reply into out.
func (e *env) call(user, method, path string, in any, out any, headers ...string) reply {
	e.t.Helper()
	var body io.Reader
	if in != nil {
		b, _ := json.Marshal(in)
		body = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, e.srv.URL+path, body)
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if user != "" {
		req.Header.Set("Authorization", "Bearer "+e.token(user))
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if out != nil && resp.StatusCode < 300 {
		if err := json.Unmarshal(b, out); err != nil {
			e.t.Fatalf("%s %s: decode %q: %v", method, path, b, err)
		}
	}
	return reply{resp.StatusCode, b, resp.Header}
}

func (e *env) must(r reply, want int) reply {
	e.t.Helper()
	if r.status != want {
		e.t.Fatalf("status %d, want %d: %s", r.status, want, r.body)
	}
	return r
}

// errCode returns the machine code of an error reply.
func (r reply) errCode() string {
	var b struct {
		Error struct{ Code, Message string }
	}
	json.Unmarshal(r.body, &b)
	return b.Error.Code
}

// message is the API error's sentence (Vietnamese).
func (r reply) message() string {
	var b struct {
		Error struct{ Code, Message string }
	}
	json.Unmarshal(r.body, &b)
	return b.Error.Message
}

// dossierView is the part of the API's dossier the tests read.
type dossierView struct {
	Code          string
	Status        string
	Step          int
	StepRole      string `json:"step_role"`
	Unit          string
	ReceivingUnit string `json:"receiving_unit"`
	Version       int64
	DueAt         *time.Time `json:"due_at"`
	PausedAt      *time.Time `json:"paused_at"`
	ReceivedAt    *time.Time `json:"received_at"`
	DeliveredAt   *time.Time `json:"delivered_at"`
	Supplements   int
	Overdue       bool
	TrackToken    string `json:"track_token"`
	Actions       []string
	History       []struct {
		Action, From, To, Note string
		Role, Unit             string
		ActionName             string `json:"action_name"`
		// Request is a supplement request's items and time limit.
		Request *struct {
			Deadline time.Time
			Items    []struct{ Component, Name, Reason string }
		}
	}
	Files []struct {
		ID        int64
		Component string
		SHA256    string
	}
}

func (e *env) procedure(code string) catalog.Procedure {
	e.t.Helper()
	var p catalog.Procedure
	e.must(e.call("", "GET", "/api/v1/procedures/"+code, nil, &p), 200)
	return p
}

// validForm fills every field of a procedure's e-form with a valid value.
func validForm(p catalog.Procedure) map[string]any {
	form := map[string]any{}
	for _, f := range p.Form {
		switch f.Type {
		case "date":
			form[f.Key] = "2026-02-20"
		case "number":
			form[f.Key] = max(2, f.Min) // within the field's range (a year's min is 1900)
		case "select":
			form[f.Key] = f.Options[0]
		case "id_number":
			form[f.Key] = "037085001234"
		case "phone":
			form[f.Key] = "0912345678"
		default:
			v := []rune("Nội dung " + f.Label)
			if f.Max > 0 && len(v) > f.Max {
				v = v[:f.Max]
			}
			form[f.Key] = string(v)
		}
		if f.Pattern != "" && f.Type != "id_number" && f.Type != "phone" {
			delete(form, f.Key) // the test does not guess values for custom patterns
			if f.Required {
				panic(fmt.Sprintf("test cannot fill required patterned field %s of %s", f.Key, p.Code))
			}
		}
	}
	return form
}

func submission(p catalog.Procedure, unitCode string) map[string]any {
	return map[string]any{
		"procedure": p.Code, "unit": unitCode, "delivery": "counter", "form": validForm(p),
		"applicant": map[string]string{"name": "Nguyễn Văn An", "id_number": "037085001234", "phone": "0912345678",
			"email": "an@example.vn", "address": "Thôn Tân Lập, xã Gia Lâm"},
	}
}

// submit files a dossier as the demo citizen and uploads every required component.
func (e *env) submit(code, unitCode string) dossierView {
	e.t.Helper()
	p := e.procedure(code)
	var d dossierView
	e.must(e.call("congdan", "POST", "/api/v1/dossiers", submission(p, unitCode), &d), 201)
	for _, c := range p.Components {
		if c.Required {
			e.upload("congdan", d.Code, c.Key, "scan.pdf", samplePDF)
		}
	}
	return d
}

// samplePDF is a minimal well-formed PDF.
var samplePDF = []byte("%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")

func (e *env) upload(user, code, component, name string, data []byte) reply {
	e.t.Helper()
	req, _ := http.NewRequest("POST", e.srv.URL+"/api/v1/dossiers/"+code+"/components/"+component+"/files?name="+url.QueryEscape(name), bytes.NewReader(data))
	req.Header.Set("Authorization", "Bearer "+e.token(user))
	req.Header.Set("Content-Type", "application/octet-stream")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return reply{resp.StatusCode, b, resp.Header}
}

func (e *env) get(user, code string) dossierView {
	e.t.Helper()
	var d dossierView
	e.must(e.call(user, "GET", "/api/v1/dossiers/"+code, nil, &d), 200)
	return d
}

func (e *env) act(user, code, action string, in map[string]any) (dossierView, reply) {
	e.t.Helper()
	var d dossierView
	r := e.call(user, "POST", "/api/v1/dossiers/"+code+"/actions/"+action, in, &d)
	return d, r
}

func (e *env) mustAct(user, code, action string, in map[string]any) dossierView {
	e.t.Helper()
	d, r := e.act(user, code, action, in)
	e.must(r, 200)
	return d
}

// officer names the demo account holding role at the unit a step runs on.
func officer(role, unitCode string) string {
	for _, a := range demo.Accounts {
		if a.Role == role && a.UnitCode == unitCode {
			return a.Username
		}
	}
	panic("no demo officer " + role + " at " + unitCode)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// processToResult walks a received dossier through every processing step,
// each done by the officer the step names, and checks each hand-off.
func (e *env) processToResult(code string) dossierView {
	e.t.Helper()
	d := e.get("gialam.tiepnhan", code)
	for i := 0; d.Status == "processing"; i++ {
		if i > 20 {
			e.t.Fatal("workflow does not end")
		}
		who := officer(d.StepRole, d.Unit)
		action := "forward"
		if d.StepRole == auth.Leader {
			action = "approve"
		}
		// The officer's own view must offer exactly this action.
		if mine := e.get(who, code); !contains(mine.Actions, action) {
			e.t.Fatalf("step %d (%s at %s): %s not offered to %s, got %v", d.Step, d.StepRole, d.Unit, action, who, mine.Actions)
		}
		d = e.mustAct(who, code, action, nil)
	}
	if d.Status != "result_ready" {
		e.t.Fatalf("after processing: status %s, want result_ready", d.Status)
	}
	return d
}
