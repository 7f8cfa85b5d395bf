package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/problem"
)

// These tests drive the API's handlers against fakes: no database, no
// app. The full-app tests in package server cover the paths end to end.

// fakeAuth knows one token.
type fakeAuth struct {
	Auth
	tokens map[string]*auth.Actor
}

func (f fakeAuth) Authenticate(_ context.Context, token string) (*auth.Actor, error) {
	if a, ok := f.tokens[token]; ok {
		return a, nil
	}
	return nil, problem.New(problem.ErrUnauthorized, "invalid_token", "Phiên đăng nhập không hợp lệ hoặc đã hết hạn.")
}

// fakeDossiers keeps submitted dossiers in a map; every call it does not
// implement panics through the nil embedded interface.
type fakeDossiers struct {
	Dossiers
	submitted []dossier.SubmitInput
	byKey     map[string]*dossier.Dossier
	tracks    map[string]*dossier.Tracking
	getErr    error
}

func (f *fakeDossiers) Submit(_ context.Context, a *auth.Actor, in dossier.SubmitInput) (*dossier.Dossier, bool, error) {
	if d, ok := f.byKey[in.IdempotencyKey]; ok && in.IdempotencyKey != "" {
		return d, true, nil
	}
	if in.Procedure == "" {
		return nil, false, problem.Invalid("procedure", "procedure_required", "Chưa chọn thủ tục.")
	}
	f.submitted = append(f.submitted, in)
	d := &dossier.Dossier{Code: fmt.Sprintf("H%03d", len(f.submitted)), Procedure: in.Procedure, Status: dossier.Submitted}
	if in.IdempotencyKey != "" {
		f.byKey[in.IdempotencyKey] = d
	}
	return d, false, nil
}

// Track knows H001 with token "tok1" or phone digits "5678"; H429 is
// throttled, whatever comes with it.
func (f *fakeDossiers) Track(_ context.Context, code string, proof dossier.TrackProof) (*dossier.Tracking, error) {
	if code == "H429" {
		return nil, problem.WithRetry(problem.New(problem.ErrTooMany, "track_throttled", 2), 90*time.Second)
	}
	if t, ok := f.tracks[code]; ok && (proof.Token == "tok1" || proof.PhoneLast4 == "5678") {
		return t, nil
	}
	return nil, problem.NotFound("not_found", "internal wording")
}

func (f *fakeDossiers) Get(context.Context, *auth.Actor, string) (*dossier.Dossier, error) {
	return nil, f.getErr
}

// Read is Get; recording the read is the dossier service's (dossier/readlog.go).
func (f *fakeDossiers) Read(ctx context.Context, a *auth.Actor, code string) (*dossier.Dossier, error) {
	return f.Get(ctx, a, code)
}

type world struct {
	srv      *httptest.Server
	dossiers *fakeDossiers
}

var citizen = &auth.Actor{User: auth.User{ID: 7, Username: "binh", Kind: "citizen"}}

func newWorld(t *testing.T) *world {
	t.Helper()
	d := &fakeDossiers{byKey: map[string]*dossier.Dossier{}, tracks: map[string]*dossier.Tracking{
		"H001": {Code: "H001", Procedure: "1.001", Status: dossier.Processing, StatusName: "Đang xử lý"},
	}}
	s := &Server{Auth: fakeAuth{tokens: map[string]*auth.Actor{"tok-binh": citizen}}, Dossiers: d,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	mux := http.NewServeMux()
	s.Register(mux)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return &world{srv: srv, dossiers: d}
}

type answer struct {
	status int
	header http.Header
	body   map[string]any
}

func (w *world) do(t *testing.T, method, path, token, body string, headers ...string) answer {
	t.Helper()
	req, err := http.NewRequest(method, w.srv.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatalf("%s %s: reply is not JSON: %v", method, path, err)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/json; charset=utf-8" {
		t.Errorf("%s %s: Content-Type %q", method, path, ct)
	}
	return answer{resp.StatusCode, resp.Header, out}
}

// errorOf is the {"error":{...}} part of a reply.
func (a answer) errorOf() map[string]any {
	e, _ := a.body["error"].(map[string]any)
	return e
}

// TestStatusOfEveryKind: each kind of error reaches the client with its
// status, wrapped or not.
func TestStatusOfEveryKind(t *testing.T) {
	w := newWorld(t)
	cases := []struct {
		err  error
		want int
	}{
		{problem.NotFound("x", "x"), 404},
		{problem.New(problem.ErrConflict, "x", "x"), 409},
		{problem.New(problem.ErrState, "x", "x"), 409},
		{problem.New(problem.ErrForbidden, "x", "x"), 403},
		{problem.New(problem.ErrNotPermitted, "x", "x"), 422},
		{problem.Invalid("f", "x", "x"), 422},
		{problem.New(problem.ErrUnauthorized, "x", "x"), 401},
		{problem.New(problem.ErrTooLarge, "x", "x"), 413},
		{problem.New(problem.ErrTooMany, "x", "x"), 429},
		{fmt.Errorf("load: %w", problem.NotFound("x", "x")), 404},
		{errors.New("disk on fire"), 500},
	}
	for _, c := range cases {
		w.dossiers.getErr = c.err
		if r := w.do(t, "GET", "/api/v1/dossiers/H001", "Bearer tok-binh", ""); r.status != c.want {
			t.Errorf("%v: status %d, want %d", c.err, r.status, c.want)
		}
	}
}

// TestErrorReplies: each error reaches the client as the one error shape,
// with its status; an internal error says nothing of its cause.
func TestErrorReplies(t *testing.T) {
	w := newWorld(t)
	cases := []struct {
		name   string
		getErr error
		status int
		code   string
	}{
		{"not found", problem.NotFound("dossier_not_found", "Không tìm thấy hồ sơ."), 404, "dossier_not_found"},
		{"forbidden", problem.New(problem.ErrForbidden, "forbidden", "Bạn không có quyền xem hồ sơ này."), 403, "forbidden"},
		{"stale version", problem.New(problem.ErrConflict, "version_conflict", "Hồ sơ vừa được người khác cập nhật."), 409, "version_conflict"},
		{"internal", errors.New("sql: database is locked"), 500, "internal"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w.dossiers.getErr = c.getErr
			r := w.do(t, "GET", "/api/v1/dossiers/H001", "Bearer tok-binh", "")
			if r.status != c.status {
				t.Fatalf("status %d, want %d: %v", r.status, c.status, r.body)
			}
			e := r.errorOf()
			if e["code"] != c.code {
				t.Errorf("code %v, want %s", e["code"], c.code)
			}
			msg, _ := e["message"].(string)
			if msg == "" || strings.Contains(msg, "sql") {
				t.Errorf("message %q: want a public sentence", msg)
			}
		})
	}
}

func TestAuthRequired(t *testing.T) {
	w := newWorld(t)
	cases := []struct {
		name, token string
		code        string
	}{
		{"no token", "", "unauthorized"},
		{"not a bearer", "Basic YmluaDp4", "invalid_authorization"},
		{"unknown token", "Bearer forged", "invalid_token"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := w.do(t, "POST", "/api/v1/dossiers", c.token, `{"procedure":"1.001"}`)
			if r.status != 401 || r.errorOf()["code"] != c.code {
				t.Fatalf("got %d %v, want 401 %s", r.status, r.errorOf(), c.code)
			}
			if got := r.header.Get("WWW-Authenticate"); got != `Bearer realm="motcua"` {
				t.Errorf("WWW-Authenticate %q", got)
			}
		})
	}
	if len(w.dossiers.submitted) != 0 {
		t.Errorf("an unauthenticated request reached Submit: %v", w.dossiers.submitted)
	}
}

// TestTrack: the second factor travels from the query to the service
// (issue 8, finding 6), a failure is one 404 whatever failed, and a
// throttled lookup is 429 with Retry-After.
func TestTrack(t *testing.T) {
	w := newWorld(t)
	for _, q := range []string{"?token=tok1", "?phone_last4=5678"} {
		r := w.do(t, "GET", "/api/v1/track/H001"+q, "", "")
		if r.status != 200 || r.body["code"] != "H001" || r.body["status"] != "processing" {
			t.Fatalf("track H001%s: %d %v", q, r.status, r.body)
		}
	}
	for _, path := range []string{"/api/v1/track/H001", "/api/v1/track/H001?phone_last4=1234", "/api/v1/track/H404?token=tok1"} {
		r := w.do(t, "GET", path, "", "")
		if r.status != 404 || r.errorOf()["code"] != "dossier_not_found" {
			t.Fatalf("%s: %d %v", path, r.status, r.body)
		}
		// The service's own wording is replaced by the citizen-facing sentence.
		if msg := r.errorOf()["message"].(string); !strings.Contains(msg, "4 số cuối") {
			t.Errorf("message %q", msg)
		}
	}
	r := w.do(t, "GET", "/api/v1/track/H429?token=tok1", "", "")
	if r.status != 429 || r.errorOf()["code"] != "track_throttled" || r.header.Get("Retry-After") != "90" {
		t.Fatalf("throttled: %d %v Retry-After %q", r.status, r.body, r.header.Get("Retry-After"))
	}
	if msg := r.errorOf()["message"].(string); !strings.Contains(msg, "2 phút") {
		t.Errorf("throttled message %q", msg)
	}
}

func TestSubmit(t *testing.T) {
	w := newWorld(t)
	body := `{"procedure":"1.001","unit":"X01","applicant":{"name":"Trần Thị Bình"},"delivery":"counter"}`
	r := w.do(t, "POST", "/api/v1/dossiers", "Bearer tok-binh", body, "Idempotency-Key", "k1")
	if r.status != 201 || r.body["code"] != "H001" || r.header.Get("Location") != "/api/v1/dossiers/H001" {
		t.Fatalf("submit: %d %v %v", r.status, r.header, r.body)
	}
	in := w.dossiers.submitted[0]
	if in.Procedure != "1.001" || in.Unit != "X01" || in.Delivery != "counter" || in.IdempotencyKey != "k1" {
		t.Errorf("Submit got %+v", in)
	}

	t.Run("the same key replays", func(t *testing.T) {
		r := w.do(t, "POST", "/api/v1/dossiers", "Bearer tok-binh", body, "Idempotency-Key", "k1")
		if r.status != 200 || r.body["code"] != "H001" || r.header.Get("Idempotent-Replayed") != "true" {
			t.Fatalf("replay: %d %v %v", r.status, r.header, r.body)
		}
	})
	t.Run("an unknown field is refused", func(t *testing.T) {
		r := w.do(t, "POST", "/api/v1/dossiers", "Bearer tok-binh", `{"procedur":"1.001"}`)
		if r.status != 422 {
			t.Fatalf("typo: %d %v", r.status, r.body)
		}
	})
	t.Run("the service's field error is passed on", func(t *testing.T) {
		r := w.do(t, "POST", "/api/v1/dossiers", "Bearer tok-binh", `{"unit":"X01"}`)
		if r.status != 422 || r.errorOf()["field"] != "procedure" || r.errorOf()["code"] != "procedure_required" {
			t.Fatalf("missing procedure: %d %v", r.status, r.body)
		}
	})
	if len(w.dossiers.submitted) != 1 {
		t.Errorf("Submit ran %d times, want 1", len(w.dossiers.submitted))
	}
}
