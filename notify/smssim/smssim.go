// Package smssim is an SMS gateway simulator speaking the protocol of
// notify.SMSGateway (POST JSON {to, text, ref}). Like real gateways it
// deduplicates by ref: a request whose ref it has seen is answered 200
// and not delivered again. Tests use it to count what a phone would
// receive; `motcua serve --demo` runs one and logs each SMS.
package smssim

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"time"
)

// SMS is one delivered message.
type SMS struct {
	To, Text, Ref string
	At            time.Time
}

// Gateway is the simulator; the zero value is not usable, call New.
type Gateway struct {
	mu        sync.Mutex
	delivered []SMS
	refs      map[string]int
	requests  int
	fail      []int
	onDeliver func(SMS)
}

// New returns a gateway; onDeliver, if not nil, is called for each new SMS.
func New(onDeliver func(SMS)) *Gateway {
	return &Gateway{refs: map[string]int{}, onDeliver: onDeliver}
}

// FailNext makes the next requests fail with the given HTTP statuses, in order.
func (g *Gateway) FailNext(statuses ...int) {
	g.mu.Lock()
	g.fail = append(g.fail, statuses...)
	g.mu.Unlock()
}

// Delivered lists the SMS delivered, each ref once.
func (g *Gateway) Delivered() []SMS {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]SMS(nil), g.delivered...)
}

// Requests counts the requests received, repeats and failures included.
func (g *Gateway) Requests() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.requests
}

type request struct {
	To   string `json:"to"`
	Text string `json:"text"`
	Ref  string `json:"ref"`
}

type reply struct {
	ID        int  `json:"id"`
	Duplicate bool `json:"duplicate"`
}

// ServeHTTP accepts POST {to, text, ref}.
func (g *Gateway) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		http.Error(w, "POST only", http.StatusMethodNotAllowed)
		return
	}
	var in request
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<16)).Decode(&in); err != nil || in.To == "" || in.Text == "" || in.Ref == "" {
		http.Error(w, "want JSON {to, text, ref}", http.StatusBadRequest)
		return
	}
	g.mu.Lock()
	g.requests++
	if len(g.fail) > 0 {
		status := g.fail[0]
		g.fail = g.fail[1:]
		g.mu.Unlock()
		http.Error(w, fmt.Sprintf("simulated failure %d", status), status)
		return
	}
	out := reply{}
	if id, seen := g.refs[in.Ref]; seen {
		out = reply{ID: id, Duplicate: true}
	} else {
		sms := SMS{To: in.To, Text: in.Text, Ref: in.Ref, At: time.Now()}
		g.delivered = append(g.delivered, sms)
		out.ID = len(g.delivered)
		g.refs[in.Ref] = out.ID
		if g.onDeliver != nil {
			defer g.onDeliver(sms)
		}
	}
	g.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(out)
}
