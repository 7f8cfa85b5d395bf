package edxml

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net"
	"net/http"
	"time"

	"github.com/motcua/motcua/clientip"
	"github.com/motcua/motcua/msg"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/throttle"
)

// The headers a sending system identifies itself with. Decision 28/2018
// gives each connected system a SystemId and a SecretKey [V2]; the header
// names the national hub uses were not checked, these are motcua's [M].
const (
	HeaderSystemID  = "SystemId"
	HeaderSecretKey = "SecretKey"
)

// ContentType is the media type edXML travels with.
const ContentType = "application/xml; charset=utf-8"

// Receiver takes the messages a Handler accepted. The document module
// implements it: registering an incoming document, recording a status.
// Its error decides the answer: a *problem.Error gives its status and
// code (a duplicate as 409, say), anything else a 500 the sender retries.
type Receiver interface {
	ReceiveDocument(ctx context.Context, m *Message) error
	ReceiveStatus(ctx context.Context, s *Status) error
}

// HandlerConfig configures NewHandler.
type HandlerConfig struct {
	// Systems maps each SystemId allowed to send to its SecretKey.
	Systems  map[string]string
	Receiver Receiver
	Limits   Limits
	Log      *slog.Logger // nil: slog.Default()
	// Refused, when set, hears of each refused SystemId/SecretKey (the
	// SystemId tried, never the key, and the caller's address) within
	// the failure limit, so it can be audited.
	Refused func(ctx context.Context, systemID, addr string)
	// Now is the failure limiter's clock; nil: time.Now.
	Now func() time.Time
}

type systemKey struct{}

// SystemID is the SystemId the Handler authenticated the request in ctx
// with, for a Receiver that checks it against the message's From.
func SystemID(ctx context.Context) (string, bool) {
	id, ok := ctx.Value(systemKey{}).(string)
	return id, ok
}

// WithSystemID is ctx as the Handler hands it to the Receiver once it has
// authenticated id, for code of the same process that gives a Receiver a
// message the way the endpoint would (the demo world loading what a
// simulated agency sent, before the server listens).
func WithSystemID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, systemKey{}, id)
}

// NewHandler returns the endpoint other agencies POST edXML messages to:
// a document or a status message as application/xml, with the sender's
// SystemId and SecretKey in headers. The body is read within the limits,
// checked and decoded (Decode) before the Receiver sees it. It answers 204
// when the Receiver accepted the message, else the error as
// {"error":{"code","message","field"}} like motcua's API.
func NewHandler(cfg HandlerConfig) http.Handler {
	lim := cfg.Limits.withDefaults()
	log := cfg.Log
	if log == nil {
		log = slog.Default()
	}
	// Secrets are compared as SHA-256 digests: equal lengths, so the
	// comparison takes the same time whatever the guess.
	secrets := map[string][32]byte{}
	for id, key := range cfg.Systems {
		secrets[id] = sha256.Sum256([]byte(key))
	}
	// Failed attempts, ten a minute per SystemId, bound what a guesser
	// costs in log lines and audit rows; the right key always passes.
	fails := throttle.New(throttle.Config{Burst: 10, Per: 6 * time.Second, Now: cfg.Now})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		err := serve(r, secrets, lim, cfg.Receiver, w)
		if err == nil {
			w.WriteHeader(http.StatusNoContent)
			return
		}
		if errors.Is(err, problem.ErrUnauthorized) {
			err = refuse(r, fails, secrets, log, cfg.Refused, err)
		}
		writeError(w, r, log, err)
	})
}

// refuse logs and reports a failed authentication, or past the limit
// turns it into a 429.
func refuse(r *http.Request, fails *throttle.Limiter, secrets map[string][32]byte, log *slog.Logger,
	refused func(context.Context, string, string), err error) error {
	id := r.Header.Get(HeaderSystemID)
	key := id
	if _, known := secrets[id]; !known {
		// Made-up ids share one bucket, else each would bring ten more.
		key = "\x00unknown"
	}
	if ok, wait := fails.Allow(key); !ok {
		return problem.WithRetry(problem.New(problem.ErrTooMany, "edxml_rate_limited"), wait)
	}
	addr := clientip.String(r.Context())
	if addr == "" {
		addr, _, _ = net.SplitHostPort(r.RemoteAddr)
	}
	id = clip(id, 100)
	log.WarnContext(r.Context(), "edxml receive refused", "code", "edxml_unauthorized", "system", id, "addr", addr)
	if refused != nil {
		refused(r.Context(), id, addr)
	}
	return err
}

// clip keeps at most n bytes of s for a log line.
func clip(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

func serve(r *http.Request, secrets map[string][32]byte, lim Limits, rcv Receiver, w http.ResponseWriter) error {
	id := r.Header.Get(HeaderSystemID)
	want, known := secrets[id]
	got := sha256.Sum256([]byte(r.Header.Get(HeaderSecretKey)))
	if subtle.ConstantTimeCompare(got[:], want[:]) != 1 || !known || id == "" {
		return problem.New(problem.ErrUnauthorized, "edxml_unauthorized")
	}
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || (mt != "application/xml" && mt != "text/xml") {
		return problem.Invalid("Content-Type", "edxml_content_type")
	}
	if r.ContentLength > lim.MaxBytes {
		return errTooLarge(lim.MaxBytes)
	}
	// One byte over the cap lets Decode tell "too large" itself; the
	// MaxBytesReader makes the server close a connection sending more.
	body := http.MaxBytesReader(w, r.Body, lim.MaxBytes+1)
	env, err := Decode(body, lim)
	if err != nil {
		return err
	}
	ctx := context.WithValue(r.Context(), systemKey{}, id)
	if env.Status != nil {
		return rcv.ReceiveStatus(ctx, env.Status)
	}
	return rcv.ReceiveDocument(ctx, env.Message)
}

type errorBody struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
		Field   string `json:"field,omitempty"`
	} `json:"error"`
}

func writeError(w http.ResponseWriter, r *http.Request, log *slog.Logger, err error) {
	code := problem.Status(err)
	pub := problem.Public(err)
	if pub.Code == "edxml_content_type" {
		code = http.StatusUnsupportedMediaType
	}
	if code >= 500 {
		log.ErrorContext(r.Context(), "edxml receive", "err", err)
	}
	var body errorBody
	body.Error.Code, body.Error.Message, body.Error.Field = pub.Code, msg.Vi(pub), pub.Field
	problem.SetRetryAfter(w.Header(), err)
	if code == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `SecretKey realm="edxml"`)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(body)
}

// Client sends edXML messages to another system's endpoint.
type Client struct {
	// HTTP is the client requests go through; nil is http.DefaultClient.
	// Its timeout (or the ctx's deadline) bounds a send.
	HTTP      *http.Client
	SystemID  string
	SecretKey string
}

// Send posts m to endpoint. A refusal (4xx) is an edxml_refused error
// carrying the receiver's code: sending again will not help. A failure to
// reach the receiver, a 429 or a 5xx is edxml_send_failed, of kind
// problem.ErrUnavailable: the caller's outbox should retry.
func (c *Client) Send(ctx context.Context, endpoint string, m *Message) error {
	b, err := Marshal(m)
	if err != nil {
		return err
	}
	return c.post(ctx, endpoint, b)
}

// SendStatus posts s to endpoint, with Send's errors.
func (c *Client) SendStatus(ctx context.Context, endpoint string, s *Status) error {
	b, err := MarshalStatus(s)
	if err != nil {
		return err
	}
	return c.post(ctx, endpoint, b)
}

func (c *Client) post(ctx context.Context, endpoint string, body []byte) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", ContentType)
	req.Header.Set(HeaderSystemID, c.SystemID)
	req.Header.Set(HeaderSecretKey, c.SecretKey)
	// A redirect is not followed: it would POST the message and the
	// SecretKey again to wherever the peer points, another host or an
	// address inside this network. It is answered as a refusal.
	hc := http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	if c.HTTP != nil {
		hc = *c.HTTP
		hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	}
	resp, err := hc.Do(req)
	if err != nil {
		return fmt.Errorf("%w: %v", problem.New(problem.ErrUnavailable, "edxml_send_failed", 0), err)
	}
	defer resp.Body.Close()
	// The answer is small; more than this is not read.
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	switch {
	case resp.StatusCode >= 200 && resp.StatusCode < 300:
		return nil
	case resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500:
		return problem.New(problem.ErrUnavailable, "edxml_send_failed", resp.StatusCode)
	}
	var eb errorBody
	if json.Unmarshal(raw, &eb) != nil || eb.Error.Code == "" {
		eb.Error.Code = "unknown"
	}
	return problem.New(problem.ErrInvalid, "edxml_refused", resp.StatusCode, eb.Error.Code)
}

// IsRetryable reports whether a Send error is worth retrying later.
func IsRetryable(err error) bool { return errors.Is(err, problem.ErrUnavailable) }
