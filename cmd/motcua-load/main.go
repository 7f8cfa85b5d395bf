// Command motcua-load is a load generator for a motcua server on this
// machine. It runs a realistic mix of the seed district's day, scaled up
// (mix.go: catalog search and browsing, submissions with an uploaded PDF,
// the officers' acts through the lifecycle, tracking, reports), closed
// loop (--c clients, each waiting for its answer) or open loop (--rate
// Poisson arrivals a second, whatever the answers, at most --max-inflight
// at once), and prints each operation's throughput, p50/p99 and errors by
// status, with the database's raw floor measured in the same run
// (--floor) so that every figure is also a ratio.
//
//	motcua serve --demo --data /tmp/load --addr 127.0.0.1:18080 --trusted-proxies 127.0.0.1 &
//	motcua-load --url http://127.0.0.1:18080 --c 32 --duration 60s --floor sqlite:/tmp/floor
//	motcua-load --url http://127.0.0.1:18080 --rate 200 --duration 60s --floor sqlite:/tmp/floor
//
// --keepalive N holds N keep-alive connections, idle and lightly active,
// and reports the server's peak resident memory (keepalive.go). --logins N
// --pid PID sends N wrong-password logins at once and reports the
// server's memory (logins.go; BENCHMARKS.md, "Login memory").
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "motcua-load:", err)
		os.Exit(1)
	}
}

type config struct {
	base                string
	user, pw, officerPW string
	procedure           string
	desks               string
	mix                 string
	seed                uint64
	c                   int
	rate                float64
	maxInFlight         int
	requests            int
	duration            time.Duration
	floor               string
	floorTime           time.Duration
	json                bool
	// keepalive > 0 holds that many connections instead (keepalive.go).
	keepalive          int
	active             float64
	hold               time.Duration
	serverPID          int
	metrics, metricTok string
	// logins > 0 runs the login storm instead (logins.go) against the
	// server process pid.
	logins, pid int
}

func parseFlags(args []string) (config, error) {
	var cfg config
	fs := flag.NewFlagSet("motcua-load", flag.ContinueOnError)
	fs.StringVar(&cfg.base, "url", "http://127.0.0.1:8080", "server base URL (loopback only)")
	fs.StringVar(&cfg.user, "user", "congdan", "citizen account that files online")
	fs.StringVar(&cfg.pw, "password", "motcua-demo", "its password")
	fs.StringVar(&cfg.officerPW, "officer-password", "motcua-demo", "the officers' password")
	fs.StringVar(&cfg.procedure, "procedure", "2.000815", "procedure filed (its e-form must accept the generated values; its steps: specialist, leader)")
	fs.StringVar(&cfg.desks, "desks", "gialam=000.02.37.H40,huyen=000.01.37.H40",
		"desks as officer-prefix=unit (the unit dossiers are filed to and reports are run on; officers PREFIX.tiepnhan, .chuyenvien, .lanhdao); the default is serve --demo's world")
	fs.StringVar(&cfg.mix, "mix", "", "op=weight,… to run only those operations at those weights (default: the district's mix, mix.go)")
	fs.Uint64Var(&cfg.seed, "seed", 1, "seed of the mix's order and the arrivals")
	fs.IntVar(&cfg.c, "c", 8, "closed loop: concurrent clients; also the floor's concurrency")
	rate := fs.String("rate", "", "open loop: arrivals a second (N or N/s), Poisson; replaces the closed loop")
	fs.IntVar(&cfg.maxInFlight, "max-inflight", 256, "open loop: at most this many requests outstanding; arrivals beyond are dropped and counted")
	fs.IntVar(&cfg.requests, "requests", 0, "closed loop: stop after this many requests (0: run for --duration)")
	fs.DurationVar(&cfg.duration, "duration", 30*time.Second, "how long the run lasts (the closed loop's cap with --requests)")
	fs.StringVar(&cfg.floor, "floor", "", "measure the raw floor in the same run: sqlite:DIR (a directory of its own) or a postgres:// URL")
	fs.DurationVar(&cfg.floorTime, "floor-time", 5*time.Second, "how long each part of the floor (inserts, selects) runs")
	fs.BoolVar(&cfg.json, "json", false, "print the result as JSON")
	fs.IntVar(&cfg.keepalive, "keepalive", 0, "instead of the mix, hold this many keep-alive connections and report the server's peak RSS (needs --server-pid or --metrics)")
	fs.Float64Var(&cfg.active, "active", 0.1, "keepalive: share of the connections that send a request every 2 s or so; the rest stay idle")
	fs.DurationVar(&cfg.hold, "hold", 30*time.Second, "keepalive: how long the connections are held once all are open")
	fs.IntVar(&cfg.serverPID, "server-pid", 0, "keepalive: the server's process id (RSS from /proc/PID/status)")
	fs.StringVar(&cfg.metrics, "metrics", "", "keepalive: the server's /metrics URL (process_resident_memory_bytes), when its pid is not at hand")
	fs.StringVar(&cfg.metricTok, "metrics-token", "", "keepalive: bearer token for --metrics on the main address (serve --metrics-token)")
	fs.IntVar(&cfg.logins, "logins", 0, "instead of the mix, send this many wrong-password logins at once and report the server's memory (needs --pid)")
	fs.IntVar(&cfg.pid, "pid", 0, "process id of the server, whose memory --logins reports")
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	if *rate != "" {
		r, err := strconv.ParseFloat(strings.TrimSuffix(*rate, "/s"), 64)
		if err != nil || r <= 0 {
			return cfg, fmt.Errorf("--rate %q: want a positive number of arrivals a second", *rate)
		}
		cfg.rate = r
	}
	if cfg.c < 1 || cfg.maxInFlight < 1 {
		return cfg, errors.New("--c and --max-inflight must be at least 1")
	}
	u, err := url.Parse(cfg.base)
	if err != nil {
		return cfg, err
	}
	if ip := net.ParseIP(u.Hostname()); u.Hostname() != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return cfg, errors.New("--url must be on this machine (127.0.0.0/8, ::1 or localhost)")
	}
	cfg.base = strings.TrimSuffix(cfg.base, "/")
	return cfg, nil
}

func run(ctx context.Context, args []string, out io.Writer) error {
	cfg, err := parseFlags(args)
	if err != nil {
		return err
	}
	switch {
	case cfg.logins > 0:
		if cfg.pid <= 0 {
			return errors.New("--logins needs --pid, the server's process id")
		}
		return loginStorm(cfg, out)
	case cfg.keepalive > 0:
		res, err := holdKeepAlive(ctx, cfg)
		if err != nil {
			return err
		}
		return res.print(out, cfg.json)
	}
	s, _, err := runMix(ctx, cfg)
	if err != nil {
		return err
	}
	return s.print(out, cfg.json)
}

// runMix measures the floor (if asked), sets the world up and runs the
// mix; it returns the world too, for tests to look at what it did.
func runMix(ctx context.Context, cfg config) (*summary, *world, error) {
	weights, err := parseMix(cfg.mix)
	if err != nil {
		return nil, nil, err
	}
	var fl *floorResult
	if cfg.floor != "" {
		if fl, err = runFloor(ctx, cfg.floor, cfg.c, cfg.floorTime); err != nil {
			return nil, nil, err
		}
	}
	w, err := newWorld(ctx, cfg)
	if err != nil {
		return nil, nil, err
	}
	mix := cycle(weights, cfg.seed)
	if cfg.rate > 0 {
		sched := arrivals(cfg.rate, cfg.duration, cfg.seed)
		rec, res, el := openLoop(ctx, w, mix, sched, cfg.maxInFlight)
		s := summarise(rec, el, w, fl)
		s.Mode, s.Rate, s.MaxInFlight, s.Open = "open", cfg.rate, cfg.maxInFlight, &res
		return s, w, nil
	}
	rec, el := closedLoop(ctx, w, mix, cfg.c, cfg.requests, cfg.duration)
	s := summarise(rec, el, w, fl)
	s.Mode, s.Clients = "closed", cfg.c
	return s, w, nil
}
