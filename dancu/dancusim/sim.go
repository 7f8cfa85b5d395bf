// Package dancusim is a stand-in for the population database's lookup
// service behind the province's LGSP, speaking the format package dancu
// assumes (dancu/wire.go). motcua serve --demo mounts it under
// /_sim/dancu/ seeded with the demo world's people; tests run it as an
// httptest server. Faults can be injected: errors, timeouts, nonsense.
package dancusim

import (
	"encoding/json"
	"net/http"
	"sync"
	"time"

	"github.com/motcua/motcua/dancu"
)

// Faults the simulator can be told to answer with.
const (
	FaultNone    = ""
	FaultError   = "error"   // HTTP 500 with a fault code
	FaultTimeout = "timeout" // no answer until the caller gives up
	FaultGarbage = "garbage" // HTTP 200 that is not JSON
)

// DemoToken is the bearer token the demo's simulator expects.
const DemoToken = "lgsp-demo-token"

// Sim is the lookup service.
type Sim struct {
	token    string
	mu       sync.Mutex
	people   map[string]dancu.Person
	fault    string
	received []dancu.WireRequest
}

// New seeds the register with people; token, when set, is the bearer
// token every call must carry.
func New(token string, people []dancu.Person) *Sim {
	s := &Sim{token: token, people: map[string]dancu.Person{}}
	for _, p := range people {
		s.people[p.IDNumber] = p
	}
	return s
}

// SetFault makes every later call answer with f (FaultNone: normally).
func (s *Sim) SetFault(f string) {
	s.mu.Lock()
	s.fault = f
	s.mu.Unlock()
}

// Received lists the requests answered so far.
func (s *Sim) Received() []dancu.WireRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]dancu.WireRequest(nil), s.received...)
}

// Handler serves the lookup service at dancu.LookupPath.
func (s *Sim) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST "+dancu.LookupPath, s.lookup)
	return mux
}

func (s *Sim) lookup(w http.ResponseWriter, r *http.Request) {
	if s.token != "" && r.Header.Get("Authorization") != "Bearer "+s.token {
		http.Error(w, `{"MaKetQua":"401","MoTa":"Sai mã xác thực LGSP"}`, http.StatusUnauthorized)
		return
	}
	var req dancu.WireRequest
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 16<<10)).Decode(&req); err != nil {
		http.Error(w, `{"MaKetQua":"400","MoTa":"Yêu cầu không hợp lệ"}`, http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	fault := s.fault
	s.received = append(s.received, req)
	p, ok := s.people[req.IDNumber]
	s.mu.Unlock()
	switch fault {
	case FaultTimeout:
		select {
		case <-r.Context().Done():
		case <-time.After(time.Minute):
		}
		return
	case FaultError:
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusInternalServerError)
		w.Write([]byte(`{"MaKetQua":"500","MoTa":"Lỗi hệ thống CSDL dân cư"}`))
		return
	case FaultGarbage:
		w.Write([]byte("<html>502 Bad Gateway</html>"))
		return
	}
	rep := dancu.Reply(nil)
	if ok {
		rep = dancu.Reply(&p)
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(rep)
}
