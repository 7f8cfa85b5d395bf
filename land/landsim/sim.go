// Package landsim is a stand-in for the national land information system
// (Hệ thống thông tin quốc gia về đất đai) receiving the registry's
// changes, speaking the wire package land assumes (land/sync.go): POST
// /bien-dong with a JSON land.Notice, a bearer token and an
// Idempotency-Key. It keeps each change once per key, and answers GET /
// with the changes received (an HTML page) and GET /bien-dong with them
// as JSON. motcua serve --demo mounts it under /_sim/dat-dai/; tests run
// it as an httptest server. A fault can be injected.
package landsim

import (
	"encoding/json"
	"html/template"
	"io"
	"net/http"
	"sync"

	"github.com/motcua/motcua/land"
)

// DemoToken is the bearer token the demo's simulator expects.
const DemoToken = "land-demo-token"

// Sim is the receiving side.
type Sim struct {
	token string
	mu    sync.Mutex
	seen  map[string]bool
	got   []land.Notice
	fail  int // answer 503 to this many more calls
	calls int
}

// New makes a simulator; token, when set, is required on every call.
func New(token string) *Sim { return &Sim{token: token, seen: map[string]bool{}} }

// FailNext makes the next n calls answer 503.
func (s *Sim) FailNext(n int) { s.mu.Lock(); s.fail = n; s.mu.Unlock() }

// Received is the changes kept, in arrival order (each key once).
func (s *Sim) Received() []land.Notice {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]land.Notice(nil), s.got...)
}

// Calls counts the POSTs answered, repeats and failures included.
func (s *Sim) Calls() int { s.mu.Lock(); defer s.mu.Unlock(); return s.calls }

// Handler serves the API and the page.
func (s *Sim) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /bien-dong", s.post)
	mux.HandleFunc("GET /bien-dong", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(s.Received())
	})
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		page.Execute(w, s.Received())
	})
	return mux
}

func (s *Sim) post(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls++
	if s.token != "" && r.Header.Get("Authorization") != "Bearer "+s.token {
		http.Error(w, `{"maLoi":"UNAUTHORIZED"}`, http.StatusUnauthorized)
		return
	}
	if s.fail > 0 {
		s.fail--
		http.Error(w, `{"maLoi":"UNAVAILABLE"}`, http.StatusServiceUnavailable)
		return
	}
	key := r.Header.Get("Idempotency-Key")
	var n land.Notice
	b, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if key == "" || json.Unmarshal(b, &n) != nil || n.Parcel.Properties.SoThuTuThua == "" {
		http.Error(w, `{"maLoi":"INVALID"}`, http.StatusBadRequest)
		return
	}
	if !s.seen[key] {
		s.seen[key] = true
		s.got = append(s.got, n)
	}
	w.Header().Set("Content-Type", "application/json")
	w.Write([]byte(`{"maLoi":"0"}`))
}

var page = template.Must(template.New("p").Parse(`<!doctype html><html lang="vi"><head><meta charset="utf-8">
<title>Mô phỏng Hệ thống thông tin quốc gia về đất đai</title></head><body><main>
<h1>Mô phỏng Hệ thống thông tin quốc gia về đất đai</h1>
<p>Các biến động đất đai motcua đã gửi đến ({{len .}}).</p>
<table><thead><tr><th scope="col">Mã biến động</th><th scope="col">Loại</th><th scope="col">Hồ sơ</th><th scope="col">Xã</th><th scope="col">Tờ</th><th scope="col">Thửa</th><th scope="col">Diện tích (m²)</th><th scope="col">Thời điểm</th></tr></thead><tbody>
{{range .}}<tr><td>{{.Change}}</td><td>{{.Kind}}</td><td>{{.Dossier}}</td><td>{{.Parcel.Properties.MaXa}}</td><td>{{.Parcel.Properties.SoHieuToBanDo}}</td><td>{{.Parcel.Properties.SoThuTuThua}}</td><td>{{.Parcel.Properties.DienTich}}</td><td>{{.At}}</td></tr>{{end}}
</tbody></table></main></body></html>`))
