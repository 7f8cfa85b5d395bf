package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// world is what the mix needs of the server: the citizen's token, each
// desk's officers, the procedure's e-form, the catalog to browse, and the
// dossiers in flight by the stage they wait at, so that officers act on
// dossiers the run itself filed.
type world struct {
	cfg       config
	client    *http.Client
	citizen   string
	desks     []*desk
	form      map[string]any
	component string
	fields    []string
	codes     []string
	pdf       []byte
	turn      atomic.Uint64 // round-robin over desks, searches, procedures
	addr      atomic.Uint32 // the next citizen's address (X-Forwarded-For)
	fallbacks atomic.Int64  // acts drawn with no dossier waiting for them

	mu        sync.Mutex
	tracked   []tracked // a ring of dossiers to track
	nTracked  int
	delivered []string
}

type tracked struct{ code, token string }

// The stages a dossier waits at in the run, each left by one operation.
const (
	stUpload = iota // filed online, its file not yet uploaded
	stReceive
	stProcess
	stApprove
	stDeliver
	stages
)

// desk is one unit's one-stop desk and the officers who work its
// dossiers: in the demo world, prefix.tiepnhan (reception), .chuyenvien
// (specialist) and .lanhdao (leader) of the commune whose committee has
// the code unit.
type desk struct {
	prefix, unit string
	n            int               // the desk's index, for its officers' address
	tokens       map[string]string // by role suffix
	session      *http.Cookie      // the leader's web session (the dashboard is a page)

	mu      sync.Mutex
	waiting [stages][]string
}

var officerRoles = []string{"tiepnhan", "chuyenvien", "lanhdao"}

// trackRing bounds the dossiers kept for tracking.
const trackRing = 20000

// searches are accent-free queries a citizen types (the catalog folds
// Vietnamese diacritics, vntext.Fold).
var searches = []string{"chung thuc ban sao", "khai sinh", "dang ky ket hon", "ho kinh doanh",
	"xac nhan tinh trang hon nhan", "trich luc ho tich", "chung thuc chu ky", "khai tu", "tro cap xa hoi", "giay phep xay dung"}

func newWorld(ctx context.Context, cfg config) (*world, error) {
	conns := max(cfg.c, cfg.maxInFlight)
	w := &world{cfg: cfg, pdf: samplePDF(), tracked: make([]tracked, 0, trackRing),
		client: &http.Client{
			Transport: &http.Transport{MaxIdleConnsPerHost: conns, MaxIdleConns: conns},
			Timeout:   time.Minute,
			// The web sign-in answers 303; its cookie is what is wanted.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		}}
	var err error
	if w.citizen, err = w.token(ctx, cfg.user, cfg.pw, w.citizenAddr()); err != nil {
		return nil, err
	}
	for i, spec := range strings.Split(cfg.desks, ",") {
		prefix, unit, ok := strings.Cut(strings.TrimSpace(spec), "=")
		if !ok || prefix == "" || unit == "" {
			return nil, fmt.Errorf("--desks: %q is not prefix=unit-code", spec)
		}
		d := &desk{prefix: prefix, unit: unit, n: i, tokens: map[string]string{}}
		for _, r := range officerRoles {
			if d.tokens[r], err = w.token(ctx, prefix+"."+r, cfg.officerPW, d.addr(r)); err != nil {
				return nil, err
			}
		}
		if d.session, err = w.webLogin(ctx, prefix+".lanhdao", cfg.officerPW, d.addr("lanhdao")); err != nil {
			return nil, err
		}
		w.desks = append(w.desks, d)
	}
	if err := w.loadProcedure(ctx); err != nil {
		return nil, err
	}
	if err := w.loadCatalog(ctx); err != nil {
		return nil, err
	}
	// Something to track from the first request: one counter dossier per
	// desk, left at reception for the run's officers.
	for _, d := range w.desks {
		if op, st, ok, err := w.file(ctx, d, true); err != nil || !ok {
			return nil, fmt.Errorf("setup: %s at %s: status %d: %v", op, d.unit, st, err)
		}
	}
	return w, nil
}

// addr is the address an officer of the desk works from.
func (d *desk) addr(role string) string {
	for i, r := range officerRoles {
		if r == role {
			return fmt.Sprintf("10.200.%d.%d", d.n%250, i+1)
		}
	}
	return fmt.Sprintf("10.200.%d.9", d.n%250)
}

// citizenAddr is a new citizen's address: each arrival is someone else,
// as on a public portal, so per-address throttles (tracking's 30 per 20 s)
// see the spread real traffic has. The server believes it only with
// --trusted-proxies 127.0.0.1.
func (w *world) citizenAddr() string {
	n := w.addr.Add(1)
	return fmt.Sprintf("10.%d.%d.%d", 1+(n>>16)%199, (n>>8)&255, n&255)
}

func (d *desk) push(stage int, code string) {
	d.mu.Lock()
	d.waiting[stage] = append(d.waiting[stage], code)
	d.mu.Unlock()
}

// pop takes the oldest dossier waiting at stage, "" if none.
func (d *desk) pop(stage int) string {
	d.mu.Lock()
	defer d.mu.Unlock()
	q := d.waiting[stage]
	if len(q) == 0 {
		return ""
	}
	code := q[0]
	d.waiting[stage] = q[1:]
	return code
}

func (w *world) pickDesk() *desk { return w.desks[w.turn.Add(1)%uint64(len(w.desks))] }

func (w *world) remember(code, token string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.tracked) < trackRing {
		w.tracked = append(w.tracked, tracked{code, token})
	} else {
		w.tracked[w.nTracked%trackRing] = tracked{code, token}
	}
	w.nTracked++
}

func (w *world) someTracked() tracked {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.tracked[rand.IntN(len(w.tracked))]
}

// Delivered lists the dossiers the run took through to delivery.
func (w *world) Delivered() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]string(nil), w.delivered...)
}

// send makes one request and reads the whole answer.
func (w *world) send(ctx context.Context, method, path string, body io.Reader, ctype, token, addr string, cookie *http.Cookie) (int, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, method, w.cfg.base+path, body)
	if err != nil {
		return 0, nil, err
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if addr != "" {
		req.Header.Set("X-Forwarded-For", addr)
	}
	if cookie != nil {
		req.AddCookie(cookie)
	}
	resp, err := w.client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, b, err
}

func (w *world) sendJSON(ctx context.Context, method, path string, in any, token, addr string) (int, []byte, error) {
	b, err := json.Marshal(in)
	if err != nil {
		return 0, nil, err
	}
	return w.send(ctx, method, path, bytes.NewReader(b), "application/json", token, addr, nil)
}

// token signs in through the API as the existing --logins mode does.
func (w *world) token(ctx context.Context, user, pw, addr string) (string, error) {
	st, b, err := w.sendJSON(ctx, "POST", "/api/v1/auth/token", map[string]string{"username": user, "password": pw}, "", addr)
	var out struct{ Token string }
	if err == nil && st == http.StatusOK {
		err = json.Unmarshal(b, &out)
	}
	if err != nil || st != http.StatusOK || out.Token == "" {
		return "", fmt.Errorf("sign in as %s: status %d %s %v", user, st, bytes.TrimSpace(b), err)
	}
	return out.Token, nil
}

// webLogin signs in on the pages (POST /dang-nhap) and returns the session
// cookie.
func (w *world) webLogin(ctx context.Context, user, pw, addr string) (*http.Cookie, error) {
	form := url.Values{"username": {user}, "password": {pw}}.Encode()
	req, err := http.NewRequestWithContext(ctx, "POST", w.cfg.base+"/dang-nhap", strings.NewReader(form))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Forwarded-For", addr)
	resp, err := w.client.Do(req)
	if err != nil {
		return nil, err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	for _, c := range resp.Cookies() {
		if c.Name == "motcua_session" && c.Value != "" {
			return c, nil
		}
	}
	return nil, fmt.Errorf("web sign-in as %s: status %d, no session", user, resp.StatusCode)
}

// loadProcedure fills the procedure's required e-form fields with
// plausible values and picks the component the applicant uploads to.
func (w *world) loadProcedure(ctx context.Context) error {
	st, b, err := w.send(ctx, "GET", "/api/v1/procedures/"+url.PathEscape(w.cfg.procedure), nil, "", "", "", nil)
	var p struct {
		Form []struct {
			Key, Type string
			Required  bool
			Options   []string
			Min       *float64
		}
		Components []struct{ Key, Kind string }
	}
	if err == nil && st == http.StatusOK {
		err = json.Unmarshal(b, &p)
	}
	if err != nil || st != http.StatusOK {
		return fmt.Errorf("procedure %s: status %d %v", w.cfg.procedure, st, err)
	}
	w.form = map[string]any{}
	for _, f := range p.Form {
		if !f.Required {
			continue
		}
		switch f.Type {
		case "date":
			w.form[f.Key] = "2026-01-15"
		case "number":
			w.form[f.Key] = 1
			if f.Min != nil && *f.Min > 1 {
				w.form[f.Key] = *f.Min
			}
		case "select":
			w.form[f.Key] = f.Options[0]
		case "id_number":
			w.form[f.Key] = "037085001234"
		case "phone":
			w.form[f.Key] = "0912345678"
		default:
			w.form[f.Key] = "Giấy khai sinh"
		}
	}
	// A copy is what is uploaded; a document only shown at the desk is not.
	for _, c := range p.Components {
		if w.component == "" {
			w.component = c.Key
		}
		if c.Kind == "copy" {
			w.component = c.Key
			break
		}
	}
	if w.component == "" {
		return fmt.Errorf("procedure %s has no component to upload to", w.cfg.procedure)
	}
	return nil
}

// loadCatalog collects the field codes and procedure codes citizens browse.
func (w *world) loadCatalog(ctx context.Context) error {
	st, b, err := w.send(ctx, "GET", "/api/v1/procedures?level=commune&limit=100", nil, "", "", "", nil)
	var page struct {
		Procedures []struct {
			Code      string
			FieldCode string `json:"field_code"`
		}
	}
	if err == nil && st == http.StatusOK {
		err = json.Unmarshal(b, &page)
	}
	if err != nil || st != http.StatusOK || len(page.Procedures) == 0 {
		return errors.Join(fmt.Errorf("catalog: status %d", st), err)
	}
	seen := map[string]bool{}
	for _, p := range page.Procedures {
		w.codes = append(w.codes, p.Code)
		if !seen[p.FieldCode] {
			seen[p.FieldCode] = true
			w.fields = append(w.fields, p.FieldCode)
		}
	}
	return nil
}
