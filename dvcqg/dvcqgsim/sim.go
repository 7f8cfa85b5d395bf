// Package dvcqgsim is a local stand-in for the National Public Service
// Portal as motcua reaches it through the LGSP/NDXP: one JSON endpoint
// (POST /api) taking {"service", "isUpdating", "data"} for DongBoHoSoMC,
// CapNhatTienDoHoSoMC, TraCuuHoSo and LayDanhSachHoSoDVCQG (package dvcqg
// models the format). It keeps what it received in memory — per MaHoSo the
// record and its steps in arrival order, a repeated IdDongBo dropped and
// answered "03" — and can misbehave on request (errors, timeouts, lost
// acknowledgements, "down for a while") so tests exercise retries. A test
// or a demonstrator can also file a dossier on the "portal" for a unit
// (File, or the form on its page), which motcua then pulls. Tests use it
// over real HTTP; `motcua serve --demo` mounts it under /_sim/dvcqg/ when
// no --dvcqg-url is given. It is not for production.
package dvcqgsim

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/motcua/motcua/dvcqg"
)

// Config sets up a simulator.
type Config struct {
	// Token, when set, is the bearer token callers must send.
	Token string
	// BaseURL, when set, is where the simulator is reachable (with its
	// mount prefix): files of dossiers filed here are then offered by URL
	// rather than inline (Base64), as the portal does for large ones.
	BaseURL string
	// Hang is how long a simulated timeout holds the request (2s).
	Hang time.Duration
	Now  func() time.Time
}

// Fault is a way to fail one call.
type Fault string

const (
	// Error answers HTTP 500 and keeps nothing.
	Error Fault = "error"
	// Refuse answers error_code "99" and keeps nothing.
	Refuse Fault = "refuse"
	// LostAck keeps the call, then answers HTTP 502, as if the answer was
	// lost on the way: the caller must send it again, and the repeat is dropped.
	LostAck Fault = "lost-ack"
	// Timeout keeps the call, then holds the request for Config.Hang
	// before answering 504: the caller gives up first.
	Timeout Fault = "timeout"
)

// Dossier is what the portal holds of one MaHoSo.
type Dossier struct {
	Record  dvcqg.Record
	Records int // how many DongBoHoSoMC were kept (the first and each update)
	Steps   []dvcqg.Step
}

// Sim is the simulated portal. The zero value is not usable; call New.
type Sim struct {
	cfg Config
	mux *http.ServeMux

	mu        sync.Mutex
	dossiers  map[string]*Dossier
	keys      map[string]bool // IdDongBo kept
	arrivals  []string        // IdDongBo in the order kept
	repeats   int
	calls     int
	faults    []Fault
	downUntil time.Time
	delay     time.Duration
	linger    time.Duration
	filed     []filing
	files     [][]byte
}

type filing struct {
	rec dvcqg.Filed
	at  time.Time
}

// New returns an empty simulator.
func New(cfg Config) *Sim {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Hang == 0 {
		cfg.Hang = 2 * time.Second
	}
	s := &Sim{cfg: cfg, dossiers: map[string]*Dossier{}, keys: map[string]bool{}}
	s.mux = http.NewServeMux()
	s.mux.HandleFunc("POST /api", s.api)
	s.mux.HandleFunc("GET /files/{n}", s.file)
	s.mux.HandleFunc("GET /{$}", s.page)
	s.mux.HandleFunc("POST /nop-ho-so", s.fileForm)
	return s
}

func (s *Sim) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

// Fail makes the next calls fail, one fault each, in order.
func (s *Sim) Fail(f ...Fault) {
	s.mu.Lock()
	s.faults = append(s.faults, f...)
	s.mu.Unlock()
}

// Down makes the portal answer 503 to everything for d (real time).
func (s *Sim) Down(d time.Duration) {
	s.mu.Lock()
	s.downUntil = time.Now().Add(d)
	s.mu.Unlock()
}

// Up ends a Down early.
func (s *Sim) Up() {
	s.mu.Lock()
	s.downUntil = time.Time{}
	s.mu.Unlock()
}

// Delay makes every call take d before it is kept (a slow platform).
func (s *Sim) Delay(d time.Duration) {
	s.mu.Lock()
	s.delay = d
	s.mu.Unlock()
}

// Linger makes every call wait d after it was kept, before the answer:
// a caller killed meanwhile never learns the portal has it.
func (s *Sim) Linger(d time.Duration) {
	s.mu.Lock()
	s.linger = d
	s.mu.Unlock()
}

// Forget drops the last n steps of maHoSo (all of it with n < 0), as if
// the portal had lost them: what reconciliation must find and repair.
func (s *Sim) Forget(maHoSo string, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	d := s.dossiers[maHoSo]
	if d == nil {
		return
	}
	var lost []dvcqg.Step
	if n < 0 || n >= len(d.Steps) {
		lost, d.Steps = d.Steps, nil
	} else {
		lost, d.Steps = d.Steps[len(d.Steps)-n:], d.Steps[:len(d.Steps)-n]
	}
	gone := map[string]bool{}
	for _, st := range lost {
		gone[st.IdDongBo] = true
	}
	if n < 0 {
		delete(s.dossiers, maHoSo)
		for k := range s.keys {
			if strings.HasPrefix(k, maHoSo+"/") {
				gone[k] = true
			}
		}
	}
	kept := s.arrivals[:0]
	for _, k := range s.arrivals {
		if !gone[k] {
			kept = append(kept, k)
		}
	}
	s.arrivals = kept
	for k := range gone {
		delete(s.keys, k)
	}
}

// Get returns a copy of what the portal holds of maHoSo.
func (s *Sim) Get(maHoSo string) (Dossier, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	d, ok := s.dossiers[maHoSo]
	if !ok {
		return Dossier{}, false
	}
	c := *d
	c.Steps = append([]dvcqg.Step(nil), d.Steps...)
	return c, true
}

// Arrivals are the dedupe keys kept, in the order they were; Repeats how
// many calls were dropped as repeats; Calls how many calls came at all.
func (s *Sim) Arrivals() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.arrivals...)
}

func (s *Sim) Repeats() int { s.mu.Lock(); defer s.mu.Unlock(); return s.repeats }
func (s *Sim) Calls() int   { s.mu.Lock(); defer s.mu.Unlock(); return s.calls }

// Paper is one file a citizen attaches when filing on the portal.
type Paper struct {
	Component, Name string
	Data            []byte
	// Inline sends it as Base64 even when the simulator offers files by URL.
	Inline bool
}

// File files a dossier on the portal, as a citizen would there, for the
// agency f.MaDonVi; motcua's puller lists it. An empty MaHoSo gets one
// ("DVCQG-<n>"). It returns the MaHoSo.
func (s *Sim) File(f dvcqg.Filed, papers ...Paper) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if f.MaHoSo == "" {
		f.MaHoSo = fmt.Sprintf("G22.%06d", len(s.filed)+1)
	}
	f.TrangThaiHoSo = "1"
	f.TaiLieuNop = nil
	for _, p := range papers {
		doc := dvcqg.Document{TenTepDinhKem: p.Name, MaThanhPhanHoSo: p.Component}
		if s.cfg.BaseURL != "" && !p.Inline {
			s.files = append(s.files, p.Data)
			doc.URL = fmt.Sprintf("%s/files/%d", strings.TrimSuffix(s.cfg.BaseURL, "/"), len(s.files)-1)
		} else {
			doc.Base64 = base64.StdEncoding.EncodeToString(p.Data)
		}
		f.TaiLieuNop = append(f.TaiLieuNop, doc)
	}
	s.filed = append(s.filed, filing{rec: f, at: s.cfg.Now()})
	return f.MaHoSo
}

func (s *Sim) file(w http.ResponseWriter, r *http.Request) {
	if !s.authorized(r) {
		http.Error(w, "unauthorized", http.StatusUnauthorized)
		return
	}
	n, err := strconv.Atoi(r.PathValue("n"))
	s.mu.Lock()
	var b []byte
	if err == nil && n >= 0 && n < len(s.files) {
		b = s.files[n]
	}
	s.mu.Unlock()
	if b == nil {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", http.DetectContentType(b))
	w.Write(b)
}

func (s *Sim) authorized(r *http.Request) bool {
	return s.cfg.Token == "" || r.Header.Get("Authorization") == "Bearer "+s.cfg.Token
}

func reply(w http.ResponseWriter, status int, r dvcqg.Reply) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(r)
}

// api is the one endpoint every service is called at.
func (s *Sim) api(w http.ResponseWriter, r *http.Request) {
	if !s.authorized(r) {
		reply(w, http.StatusUnauthorized, dvcqg.Reply{ErrorCode: "401", Message: "token không hợp lệ"})
		return
	}
	var req dvcqg.Request
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 64<<20)).Decode(&req); err != nil {
		reply(w, http.StatusBadRequest, dvcqg.Reply{ErrorCode: "98", Message: "dữ liệu không hợp lệ"})
		return
	}
	s.mu.Lock()
	s.calls++
	down := time.Now().Before(s.downUntil)
	delay, linger := s.delay, s.linger
	var fault Fault
	if !down && len(s.faults) > 0 {
		fault, s.faults = s.faults[0], s.faults[1:]
	}
	s.mu.Unlock()
	if down {
		reply(w, http.StatusServiceUnavailable, dvcqg.Reply{ErrorCode: "503", Message: "hệ thống đang bảo trì"})
		return
	}
	if delay > 0 {
		select {
		case <-time.After(delay):
		case <-r.Context().Done():
			return
		}
	}
	switch fault {
	case Error:
		reply(w, http.StatusInternalServerError, dvcqg.Reply{ErrorCode: "500", Message: "lỗi hệ thống"})
		return
	case Refuse:
		reply(w, http.StatusOK, dvcqg.Reply{ErrorCode: "99", Message: "không xử lý được yêu cầu"})
		return
	}
	out := s.serve(req)
	if linger > 0 {
		select {
		case <-time.After(linger):
		case <-r.Context().Done():
			return
		}
	}
	switch fault {
	case LostAck:
		reply(w, http.StatusBadGateway, dvcqg.Reply{ErrorCode: "502", Message: "bad gateway"})
		return
	case Timeout:
		select {
		case <-time.After(s.cfg.Hang):
		case <-r.Context().Done():
			return
		}
		reply(w, http.StatusGatewayTimeout, dvcqg.Reply{ErrorCode: "504", Message: "timeout"})
		return
	}
	reply(w, http.StatusOK, out)
}

func (s *Sim) serve(req dvcqg.Request) dvcqg.Reply {
	switch req.Service {
	case "DongBoHoSoMC":
		var items []dvcqg.Record
		if err := json.Unmarshal(req.Data, &items); err != nil {
			return dvcqg.Reply{ErrorCode: "98", Message: err.Error()}
		}
		return s.keepAll(len(items), func(i int) (string, func() string) {
			rec := items[i]
			return rec.IdDongBo, func() string { return s.keepRecord(rec) }
		})
	case "CapNhatTienDoHoSoMC":
		var items []dvcqg.Step
		if err := json.Unmarshal(req.Data, &items); err != nil {
			return dvcqg.Reply{ErrorCode: "98", Message: err.Error()}
		}
		return s.keepAll(len(items), func(i int) (string, func() string) {
			st := items[i]
			return st.IdDongBo, func() string { return s.keepStep(st) }
		})
	case "TraCuuHoSo":
		var q dvcqg.LookupQuery
		if err := json.Unmarshal(req.Data, &q); err != nil {
			return dvcqg.Reply{ErrorCode: "98", Message: err.Error()}
		}
		l := dvcqg.Lookup{TienDo: []dvcqg.Step{}}
		if d, ok := s.Get(q.MaHoSo); ok {
			l.HoSo, l.TienDo = &d.Record, d.Steps
		}
		b, _ := json.Marshal(l)
		return dvcqg.Reply{ErrorCode: dvcqg.CodeOK, Data: b}
	case "LayDanhSachHoSoDVCQG":
		var q dvcqg.ListQuery
		if err := json.Unmarshal(req.Data, &q); err != nil {
			return dvcqg.Reply{ErrorCode: "98", Message: err.Error()}
		}
		b, _ := json.Marshal(s.listed(q))
		return dvcqg.Reply{ErrorCode: dvcqg.CodeOK, Data: b}
	}
	return dvcqg.Reply{ErrorCode: "97", Message: "dịch vụ không tồn tại: " + req.Service}
}

// keepAll keeps each item unless its key was kept before. The answer is
// "00" when anything new was kept, "03" when all were repeats.
func (s *Sim) keepAll(n int, item func(i int) (string, func() string)) dvcqg.Reply {
	s.mu.Lock()
	defer s.mu.Unlock()
	fresh := 0
	for i := range n {
		key, keep := item(i)
		if key != "" && s.keys[key] {
			s.repeats++
			continue
		}
		if code := keep(); code != "" {
			return dvcqg.Reply{ErrorCode: code, Message: "không tìm thấy hồ sơ"}
		}
		if key != "" {
			s.keys[key] = true
			s.arrivals = append(s.arrivals, key)
		}
		fresh++
	}
	if fresh == 0 && n > 0 {
		return dvcqg.Reply{ErrorCode: dvcqg.CodeDuplicate, Message: "đã tồn tại"}
	}
	return dvcqg.Reply{ErrorCode: dvcqg.CodeOK, Message: "thành công"}
}

func (s *Sim) keepRecord(rec dvcqg.Record) string {
	d := s.dossiers[rec.MaHoSo]
	if d == nil {
		d = &Dossier{}
		s.dossiers[rec.MaHoSo] = d
	}
	d.Record = rec
	d.Records++
	return ""
}

// keepStep appends a step; the portal knows no steps of a dossier it
// does not hold (error_code "02" [M]).
func (s *Sim) keepStep(st dvcqg.Step) string {
	d := s.dossiers[st.MaHoSo]
	if d == nil {
		return "02"
	}
	d.Steps = append(d.Steps, st)
	d.Record.TrangThaiHoSo = st.TrangThai
	return ""
}

func (s *Sim) listed(q dvcqg.ListQuery) []dvcqg.Filed {
	s.mu.Lock()
	defer s.mu.Unlock()
	want := map[string]bool{}
	for _, u := range q.MaDonVi {
		want[u] = true
	}
	since, err := dvcqg.ParseTime(q.TuNgay)
	out := []dvcqg.Filed{}
	for _, f := range s.filed {
		if (len(want) == 0 || want[f.rec.MaDonVi]) && (err != nil || !f.at.Before(since)) {
			out = append(out, f.rec)
		}
	}
	return out
}
