package server_test

import (
	"encoding/json"
	"log/slog"
	"net/netip"
	"regexp"
	"strings"
	"testing"

	"github.com/motcua/motcua/internal/syncbuf"
	"github.com/motcua/motcua/requestid"
	"github.com/motcua/motcua/server"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

// TestRequestIDs: every response has an X-Request-Id (a trusted proxy's
// plausible one kept, else a new one), the same ID is on the HTML error
// page and in the API error body, and the request's log line carries it
// with the actor and the unit — and not the query string, which here
// holds a citizen's name.
func TestRequestIDs(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		var logs syncbuf.Buffer
		e := newEnvWith(t, db, func(cfg *server.Config) {
			cfg.Log = slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
			// The test's requests come from loopback: the trusted proxy.
			cfg.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}
		})
		generated := regexp.MustCompile(`^[0-9a-f]{24}$`)
		cases := []struct {
			name, user, path, sent string
			status                 int
			keep                   bool // the sent ID is the response's
		}{
			{"api error, new id", "gialam.tiepnhan", "/api/v1/dossiers/KHONG-CO", "", 404, false},
			{"api error, proxy's id", "gialam.tiepnhan", "/api/v1/dossiers/KHONG-CO", "haproxy-7f000001:c3a2_0001", 404, true},
			{"api error, implausible id replaced", "", "/api/v1/dossiers/KHONG-CO", "<script>alert(1)</script>", 401, false},
			{"page 404", "", "/thu-tuc/KHONG-CO", "", 404, false},
			{"page 404, proxy's id", "", "/thu-tuc/KHONG-CO", "9b2f6c1e-2f7d-4a51-9d0c-4f3b2a1c0d9e", 404, true},
			{"success", "gialam.tiepnhan", "/api/v1/dossiers?q=Nguy%E1%BB%85n+V%C4%83n+An", "", 200, false},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				var headers []string
				if c.sent != "" {
					headers = []string{requestid.Header, c.sent}
				}
				r := e.call(c.user, "GET", c.path, nil, nil, headers...)
				if r.status != c.status {
					t.Fatalf("status %d, want %d: %s", r.status, c.status, r.body)
				}
				id := r.header.Get(requestid.Header)
				switch {
				case c.keep && id != c.sent:
					t.Fatalf("X-Request-Id %q, want the proxy's %q", id, c.sent)
				case !c.keep && !generated.MatchString(id):
					t.Fatalf("X-Request-Id %q, want a new one", id)
				}
				switch {
				case strings.HasPrefix(c.path, "/api/") && c.status >= 400:
					var body struct {
						Error struct {
							Code      string `json:"code"`
							RequestID string `json:"request_id"`
						} `json:"error"`
					}
					if err := json.Unmarshal(r.body, &body); err != nil || body.Error.RequestID != id || body.Error.Code == "" {
						t.Errorf("problem %s (%v), want request_id %q", r.body, err, id)
					}
				case c.status >= 400:
					if want := "Mã yêu cầu: <code>" + id + "</code>"; !strings.Contains(string(r.body), want) {
						t.Errorf("error page lacks %q:\n%s", want, r.body)
					}
				}
				line := logLine(t, logs.String(), id)
				if line["status"] != float64(c.status) {
					t.Errorf("log line %v, want status %d", line, c.status)
				}
				if c.user != "" {
					actor, _ := line["actor"].(string)
					unit, _ := line["unit"].(string)
					if !strings.HasPrefix(actor, "officer:") || !strings.Contains(unit, ".H40") {
						t.Errorf("log line %v: actor %q unit %q", line, actor, unit)
					}
				}
			})
		}
		// The dossier list's route is logged, not its path and query.
		if l := logs.String(); strings.Contains(l, "Nguy") || strings.Contains(l, "q=") || !strings.Contains(l, `"route":"GET /api/v1/dossiers"`) {
			t.Errorf("log:\n%s", l)
		}
	})
}

// logLine finds the access log line of the request with id.
func logLine(t *testing.T, logs, id string) map[string]any {
	t.Helper()
	for _, l := range strings.Split(logs, "\n") {
		var m map[string]any
		if json.Unmarshal([]byte(l), &m) == nil && m["msg"] == "request" && m["request_id"] == id {
			return m
		}
	}
	t.Fatalf("no request line with request_id %q in:\n%s", id, logs)
	return nil
}
