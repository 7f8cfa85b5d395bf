// Command motcua-load is a bounded load generator for a motcua server on
// this machine. It runs a baseline (GET /healthz, the cheapest handler) and
// then the real operations, each for a fixed number of requests at a fixed
// concurrency, and prints throughput and latency with each operation's
// ratio to the baseline measured in the same run.
//
//	go run ./cmd/motcua serve --demo=2022 --data /tmp/load &   # the 2022 world: --unit defaults to its Gia Lâm
//	go run ./cmd/motcua-load --url http://127.0.0.1:8080 --n 2000 --c 8
//
// With --logins N --pid PID it sends N wrong-password logins at once
// instead and reports the server's resident memory, idle and at its peak
// (BENCHMARKS.md, "Login memory").
//
// With --floor-dir DIR it first measures the raw one-row commit rate of
// SQLite on DIR's disk at the same concurrency (floor.go) and prints each
// operation's throughput as a fraction of it too (BENCHMARKS.md,
// "Submission path (issue 15)").
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"sort"
	"sync"
	"sync/atomic"
	"time"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "motcua-load:", err)
		os.Exit(1)
	}
}

type config struct {
	base      string
	user, pw  string
	procedure string
	unit      string
	n, c      int
	maxTime   time.Duration
	// logins > 0 runs the login storm instead (logins.go) against the
	// server process pid.
	logins, pid int
	// floorDir, when set, is where the raw SQLite floor is measured.
	floorDir string
	// fullForm fills every field of the e-form, not only the required.
	fullForm bool
}

func run(args []string, out io.Writer) error {
	var cfg config
	fs := flag.NewFlagSet("motcua-load", flag.ContinueOnError)
	fs.StringVar(&cfg.base, "url", "http://127.0.0.1:8080", "server base URL (loopback only)")
	fs.StringVar(&cfg.user, "user", "congdan", "citizen account that submits")
	fs.StringVar(&cfg.pw, "password", "motcua-demo", "its password")
	fs.StringVar(&cfg.procedure, "procedure", "2.000815", "procedure code to submit (its e-form must accept the generated values)")
	fs.StringVar(&cfg.unit, "unit", "000.04.07.H40", "receiving unit code")
	fs.IntVar(&cfg.n, "n", 2000, "requests per operation")
	fs.IntVar(&cfg.c, "c", 8, "concurrent clients")
	fs.DurationVar(&cfg.maxTime, "max-time", 60*time.Second, "stop each operation after this long")
	fs.IntVar(&cfg.logins, "logins", 0, "instead of the operations, send this many wrong-password logins at once and report the server's memory (needs --pid)")
	fs.IntVar(&cfg.pid, "pid", 0, "process id of the server, whose memory --logins reports")
	fs.BoolVar(&cfg.fullForm, "full-form", false, "fill every field of the procedure's e-form, optional ones too (a citizen's whole form)")
	fs.StringVar(&cfg.floorDir, "floor-dir", "", "first measure the raw SQLite one-row commit rate in this directory (put it on the server's disk) and print ratios to it")
	if err := fs.Parse(args); err != nil {
		return err
	}
	u, err := url.Parse(cfg.base)
	if err != nil {
		return err
	}
	if ip := net.ParseIP(u.Hostname()); u.Hostname() != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return errors.New("--url must be on this machine (127.0.0.0/8, ::1 or localhost)")
	}
	if cfg.logins > 0 {
		if cfg.pid <= 0 {
			return errors.New("--logins needs --pid, the server's process id")
		}
		return loginStorm(cfg, out)
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: cfg.c * 2}, Timeout: 30 * time.Second}
	token, err := login(client, cfg)
	if err != nil {
		return err
	}
	form, err := formFor(client, cfg)
	if err != nil {
		return err
	}
	body, _ := json.Marshal(map[string]any{
		"procedure": cfg.procedure, "unit": cfg.unit, "delivery": "counter", "form": form,
		"applicant": map[string]string{"name": "Nguyễn Văn Tải", "phone": "0912345678"},
	})
	var codes []string
	var codesMu sync.Mutex
	ops := []struct {
		name string
		req  func(i int) (*http.Request, int)
	}{
		{"baseline GET /healthz", func(int) (*http.Request, int) {
			r, _ := http.NewRequest("GET", cfg.base+"/healthz", nil)
			return r, 200
		}},
		{"GET /api/v1/procedures?q=", func(int) (*http.Request, int) {
			r, _ := http.NewRequest("GET", cfg.base+"/api/v1/procedures?q=chung+thuc", nil)
			return r, 200
		}},
		{"POST /api/v1/dossiers", func(int) (*http.Request, int) {
			r, _ := http.NewRequest("POST", cfg.base+"/api/v1/dossiers", bytes.NewReader(body))
			r.Header.Set("Authorization", "Bearer "+token)
			r.Header.Set("Content-Type", "application/json")
			return r, 201
		}},
		{"GET /api/v1/track/{code}", func(i int) (*http.Request, int) {
			codesMu.Lock()
			code := codes[i%len(codes)]
			codesMu.Unlock()
			r, _ := http.NewRequest("GET", cfg.base+"/api/v1/track/"+code, nil)
			return r, 200
		}},
	}
	fmt.Fprintf(out, "%d requests per operation, %d concurrent clients, %s\n\n", cfg.n, cfg.c, cfg.base)
	var floorRate float64
	if cfg.floorDir != "" {
		if floorRate, err = floor(cfg, out); err != nil {
			return err
		}
	}
	fmt.Fprintf(out, "%-30s %10s %10s %10s %10s %12s\n", "operation", "req/s", "p50", "p99", "errors", "vs baseline")
	var baseline float64
	for _, op := range ops {
		res := load(client, cfg, op.req, func(resp *http.Response, b []byte) {
			if resp.StatusCode == 201 {
				var d struct{ Code string }
				if json.Unmarshal(b, &d) == nil && d.Code != "" {
					codesMu.Lock()
					codes = append(codes, d.Code)
					codesMu.Unlock()
				}
			}
		})
		if baseline == 0 {
			baseline = res.rps
		}
		fmt.Fprintf(out, "%-30s %10.0f %10s %10s %10d %11.2fx\n", op.name, res.rps, res.p50.Round(10*time.Microsecond),
			res.p99.Round(10*time.Microsecond), res.errors, baseline/res.rps)
		if floorRate > 0 {
			fmt.Fprintf(out, "  %.3f of the raw floor\n", res.rps/floorRate)
		}
		if res.errors > 0 {
			fmt.Fprintf(out, "  first error: %s\n", res.firstErr)
		}
	}
	fmt.Fprintln(out, "\n'vs baseline' = baseline throughput / this throughput (how many health checks one request costs).")
	return nil
}

type result struct {
	rps      float64
	p50, p99 time.Duration
	errors   int64
	firstErr string
}

func load(client *http.Client, cfg config, mk func(int) (*http.Request, int), seen func(*http.Response, []byte)) result {
	ctx, cancel := context.WithTimeout(context.Background(), cfg.maxTime)
	defer cancel()
	var next, errs atomic.Int64
	var mu sync.Mutex
	var lat []time.Duration
	var firstErr string
	start := time.Now()
	var wg sync.WaitGroup
	for range cfg.c {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				i := int(next.Add(1)) - 1
				if i >= cfg.n {
					return
				}
				req, want := mk(i)
				t0 := time.Now()
				resp, err := client.Do(req.WithContext(ctx))
				var b []byte
				if err == nil {
					b, _ = io.ReadAll(resp.Body)
					resp.Body.Close()
				}
				d := time.Since(t0)
				mu.Lock()
				lat = append(lat, d)
				if err != nil || resp.StatusCode != want {
					errs.Add(1)
					if firstErr == "" {
						if err != nil {
							firstErr = err.Error()
						} else {
							firstErr = fmt.Sprintf("%d %s", resp.StatusCode, b)
						}
					}
				}
				mu.Unlock()
				if err == nil {
					seen(resp, b)
				}
			}
		}()
	}
	wg.Wait()
	el := time.Since(start)
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	r := result{errors: errs.Load(), firstErr: firstErr}
	if len(lat) > 0 {
		r.rps = float64(len(lat)) / el.Seconds()
		r.p50, r.p99 = lat[len(lat)/2], lat[len(lat)*99/100]
	}
	return r
}

func login(client *http.Client, cfg config) (string, error) {
	b, _ := json.Marshal(map[string]string{"username": cfg.user, "password": cfg.pw})
	resp, err := client.Post(cfg.base+"/api/v1/auth/token", "application/json", bytes.NewReader(b))
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	var out struct{ Token string }
	if resp.StatusCode != 200 || json.NewDecoder(resp.Body).Decode(&out) != nil {
		return "", fmt.Errorf("login as %s: status %d", cfg.user, resp.StatusCode)
	}
	return out.Token, nil
}

// formFor fills the procedure's required e-form fields with plausible values.
func formFor(client *http.Client, cfg config) (map[string]any, error) {
	resp, err := client.Get(cfg.base + "/api/v1/procedures/" + cfg.procedure)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var p struct {
		Form []struct {
			Key, Type string
			Required  bool
			Options   []string
			Max, Min  int
		}
	}
	if resp.StatusCode != 200 || json.NewDecoder(resp.Body).Decode(&p) != nil {
		return nil, fmt.Errorf("procedure %s: status %d", cfg.procedure, resp.StatusCode)
	}
	form := map[string]any{}
	for _, f := range p.Form {
		if !f.Required && !cfg.fullForm {
			continue
		}
		switch f.Type {
		case "date":
			form[f.Key] = "2026-01-15"
		case "number":
			form[f.Key] = max(f.Min, 1)
		case "select":
			form[f.Key] = f.Options[0]
		case "id_number":
			form[f.Key] = "037085001234"
		case "phone":
			form[f.Key] = "0912345678"
		default:
			form[f.Key] = "Giấy tờ"
		}
	}
	return form, nil
}
