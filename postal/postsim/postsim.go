// Package postsim is a local stand-in for the post's B2B API, speaking
// the format package postal models: create an order (idempotent on its
// order code), read its status and events, cancel it. Shipments live in
// memory. Advance moves a shipment one step along its life and POSTs the
// signed tracking event to motcua's webhook, as the post would; a small
// page lists the shipments with buttons to do it by hand. Tests use it
// over real HTTP; `motcua serve --demo` mounts it under /_sim/post/ when
// no real postal API is configured. It is not for production.
package postsim

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/motcua/motcua/postal"
)

// Config sets up a simulator.
type Config struct {
	// Token is the bearer token callers must send.
	Token string
	// Secret signs the webhooks.
	Secret string
	// WebhookURL is where events are POSTed (motcua's /api/v1/postal/webhook).
	WebhookURL string
	// Prefix is the two service letters of item codes (default "EB").
	Prefix string
	// FirstSerial is the serial of the first item code (default 10000001).
	FirstSerial int
	Now         func() time.Time
	HTTP        *http.Client
}

// Shipment is one order as the simulator keeps it.
type Shipment struct {
	Order     postal.WireOrder
	ItemCode  string
	Status    string
	Events    []postal.WireEvent
	CreatedAt time.Time
}

// Sim is the simulated post. The zero value is not usable; call New.
type Sim struct {
	cfg     Config
	mux     *http.ServeMux
	mu      sync.Mutex
	items   map[string]*Shipment
	orders  map[string]*Shipment
	list    []*Shipment
	serial  int
	eventNo int
}

// New returns a simulator with no shipments.
func New(cfg Config) *Sim {
	if cfg.Prefix == "" {
		cfg.Prefix = "EB"
	}
	if cfg.FirstSerial == 0 {
		cfg.FirstSerial = 10000001
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.HTTP == nil {
		cfg.HTTP = &http.Client{Timeout: 20 * time.Second}
	}
	s := &Sim{cfg: cfg, items: map[string]*Shipment{}, orders: map[string]*Shipment{}, serial: cfg.FirstSerial}
	s.mux = http.NewServeMux()
	s.mux.HandleFunc("POST /api/v1/orders", s.api(s.create))
	s.mux.HandleFunc("GET /api/v1/orders/{item}", s.api(s.status))
	s.mux.HandleFunc("POST /api/v1/orders/{item}/cancel", s.api(s.cancel))
	s.mux.HandleFunc("GET /{$}", s.page)
	s.mux.HandleFunc("POST /shipments/{item}/advance", s.advanceForm)
	return s
}

// ServeHTTP serves the API and the page.
func (s *Sim) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

// flow is a shipment's ordinary life; Advance takes the next step.
var flow = []string{"CREATED", "ACCEPTED", "IN_TRANSIT", "OUT_FOR_DELIVERY", "DELIVERED"}

// statusNames are the post's own names of its codes.
var statusNames = map[string]string{
	"CREATED": "Khởi tạo", "ACCEPTED": "Nhận gửi", "IN_TRANSIT": "Đang vận chuyển",
	"OUT_FOR_DELIVERY": "Đang phát", "DELIVERED": "Phát thành công", "DELIVERY_FAILED": "Phát không thành công",
	"RETURNED": "Chuyển hoàn", "CANCELLED": "Hủy",
}

// final codes admit no further event.
func final(code string) bool { return code == "DELIVERED" || code == "RETURNED" || code == "CANCELLED" }

type apiError struct {
	status int
	code   string
	msg    string
}

func (e *apiError) Error() string { return e.code + ": " + e.msg }

func (s *Sim) api(h func(w http.ResponseWriter, r *http.Request) (any, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		if r.Header.Get("Authorization") != "Bearer "+s.cfg.Token {
			w.WriteHeader(http.StatusUnauthorized)
			json.NewEncoder(w).Encode(map[string]string{"ErrorCode": "UNAUTHORIZED", "Message": "Token không hợp lệ"})
			return
		}
		out, err := h(w, r)
		var ae *apiError
		if errors.As(err, &ae) {
			w.WriteHeader(ae.status)
			json.NewEncoder(w).Encode(map[string]string{"ErrorCode": ae.code, "Message": ae.msg})
			return
		}
		if err != nil {
			w.WriteHeader(http.StatusInternalServerError)
			return
		}
		json.NewEncoder(w).Encode(out)
	}
}

func (s *Sim) create(w http.ResponseWriter, r *http.Request) (any, error) {
	var o postal.WireOrder
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(&o); err != nil {
		return nil, &apiError{http.StatusBadRequest, "INVALID_JSON", "Dữ liệu không hợp lệ"}
	}
	switch {
	case o.OrderCode == "":
		return nil, &apiError{http.StatusBadRequest, "ORDER_CODE_REQUIRED", "Thiếu mã đơn hàng"}
	case o.ReceiverName == "" || o.ReceiverAddress == "" || o.ReceiverPhone == "":
		return nil, &apiError{http.StatusBadRequest, "RECEIVER_REQUIRED", "Thiếu họ tên, địa chỉ hoặc số điện thoại người nhận"}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if sh, ok := s.orders[o.OrderCode]; ok {
		return reply(sh), nil // the same order code is the same order
	}
	code, err := postal.NewS10(s.cfg.Prefix, s.serial, "VN")
	if err != nil {
		return nil, err
	}
	s.serial++
	now := s.cfg.Now()
	sh := &Shipment{Order: o, ItemCode: code, Status: "CREATED", CreatedAt: now}
	sh.Events = append(sh.Events, s.newEvent(sh, "CREATED", now, "", ""))
	s.items[code], s.orders[o.OrderCode] = sh, sh
	s.list = append(s.list, sh)
	return reply(sh), nil
}

func reply(sh *Shipment) postal.WireOrderReply {
	return postal.WireOrderReply{OrderCode: sh.Order.OrderCode, ItemCode: sh.ItemCode, StatusCode: sh.Status, CreatedAt: sh.CreatedAt}
}

func (s *Sim) status(w http.ResponseWriter, r *http.Request) (any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sh, ok := s.items[r.PathValue("item")]
	if !ok {
		return nil, &apiError{http.StatusNotFound, "NOT_FOUND", "Không tìm thấy bưu gửi"}
	}
	return postal.WireStatus{OrderCode: sh.Order.OrderCode, ItemCode: sh.ItemCode, StatusCode: sh.Status,
		Events: append([]postal.WireEvent(nil), sh.Events...)}, nil
}

func (s *Sim) cancel(w http.ResponseWriter, r *http.Request) (any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sh, ok := s.items[r.PathValue("item")]
	switch {
	case !ok:
		return nil, &apiError{http.StatusNotFound, "NOT_FOUND", "Không tìm thấy bưu gửi"}
	case sh.Status != "CREATED" && sh.Status != "CANCELLED":
		return nil, &apiError{http.StatusConflict, "ALREADY_ACCEPTED", "Bưu gửi đã được chấp nhận, không hủy được"}
	}
	if sh.Status != "CANCELLED" {
		sh.Status = "CANCELLED"
		sh.Events = append(sh.Events, s.newEvent(sh, "CANCELLED", s.cfg.Now(), "", ""))
	}
	return map[string]string{"ItemCode": sh.ItemCode, "StatusCode": sh.Status}, nil
}

// newEvent builds an event; the caller holds mu.
func (s *Sim) newEvent(sh *Shipment, code string, at time.Time, location, note string) postal.WireEvent {
	s.eventNo++
	return postal.WireEvent{EventID: fmt.Sprintf("SIM-%s-%d", sh.ItemCode, s.eventNo), ItemCode: sh.ItemCode, OrderCode: sh.Order.OrderCode,
		StatusCode: code, StatusName: statusNames[code], StatusTime: at, Location: location, Note: note}
}

// locations says where each step of the simulated life happens.
var locations = map[string]string{
	"ACCEPTED": "Bưu cục giao dịch (nhận tại bộ phận một cửa)", "IN_TRANSIT": "Trung tâm khai thác vận chuyển tỉnh",
	"OUT_FOR_DELIVERY": "Bưu cục phát", "DELIVERED": "Bưu cục phát", "DELIVERY_FAILED": "Bưu cục phát",
	"RETURNED": "Bưu cục giao dịch",
}

// Advance moves a shipment to the next status of its ordinary life, now,
// and POSTs the event to the webhook. It returns the event sent.
func (s *Sim) Advance(ctx context.Context, item string) (postal.WireEvent, error) {
	s.mu.Lock()
	sh, ok := s.items[item]
	next, cur := "", ""
	if ok {
		cur = sh.Status
		for i, c := range flow[:len(flow)-1] {
			if c == sh.Status {
				next = flow[i+1]
			}
		}
		if sh.Status == "DELIVERY_FAILED" {
			next = "OUT_FOR_DELIVERY" // another attempt
		}
	}
	s.mu.Unlock()
	if !ok {
		return postal.WireEvent{}, fmt.Errorf("postsim: no item %s", item)
	}
	if next == "" {
		return postal.WireEvent{}, fmt.Errorf("postsim: %s is %s and goes no further", item, cur)
	}
	return s.Emit(ctx, item, next, s.cfg.Now())
}

// Emit records an event of any status at any time and POSTs it: tests
// use it for failed deliveries and returns.
func (s *Sim) Emit(ctx context.Context, item, code string, at time.Time) (postal.WireEvent, error) {
	ev, err := s.Record(item, code, at)
	if err != nil {
		return ev, err
	}
	return ev, s.Send(ctx, ev)
}

// Record records an event without sending it, as a post whose message is
// delayed: Send delivers it later (out of order, or twice).
func (s *Sim) Record(item, code string, at time.Time) (postal.WireEvent, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sh, ok := s.items[item]
	switch {
	case !ok:
		return postal.WireEvent{}, fmt.Errorf("postsim: no item %s", item)
	case final(sh.Status):
		return postal.WireEvent{}, fmt.Errorf("postsim: %s is %s and goes no further", item, sh.Status)
	}
	ev := s.newEvent(sh, code, at, locations[code], "")
	sh.Events = append(sh.Events, ev)
	if latest := sh.Events[len(sh.Events)-2]; !at.Before(latest.StatusTime) || final(code) {
		sh.Status = code
	}
	return ev, nil
}

// Send POSTs an event to the webhook, signed; sending one again is how a
// test replays it.
func (s *Sim) Send(ctx context.Context, ev postal.WireEvent) error {
	body, err := json.Marshal(ev)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.cfg.WebhookURL, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(postal.SignatureHeader, postal.Sign([]byte(s.cfg.Secret), body))
	resp, err := s.cfg.HTTP.Do(req)
	if err != nil {
		return fmt.Errorf("postsim: webhook: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		var b bytes.Buffer
		b.ReadFrom(resp.Body)
		return fmt.Errorf("postsim: webhook answered %d: %s", resp.StatusCode, strings.TrimSpace(b.String()))
	}
	return nil
}

// Shipments returns a copy of every shipment, oldest first.
func (s *Sim) Shipments() []Shipment {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Shipment, 0, len(s.list))
	for _, sh := range s.list {
		c := *sh
		c.Events = append([]postal.WireEvent(nil), sh.Events...)
		out = append(out, c)
	}
	return out
}
