package main

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
)

// summary is one run's result, printed as a table or, with --json, as is.
type summary struct {
	Mode        string       `json:"mode"` // "closed" or "open"
	URL         string       `json:"url"`
	Clients     int          `json:"clients,omitempty"`
	Rate        float64      `json:"rate_per_sec,omitempty"`
	MaxInFlight int          `json:"max_in_flight,omitempty"`
	Seconds     float64      `json:"seconds"`
	Requests    int          `json:"requests"`
	PerSec      float64      `json:"requests_per_sec"`
	Errors      int          `json:"errors"`
	Ops         []opRow      `json:"ops"`
	Writes      opRow        `json:"all_writes"`
	Reads       opRow        `json:"all_reads"`
	Open        *openResult  `json:"open_loop,omitempty"`
	Fallbacks   int64        `json:"act_fallbacks"`
	Delivered   int          `json:"dossiers_delivered"`
	Floor       *floorResult `json:"floor,omitempty"`
}

type opRow struct {
	Op       string         `json:"op"`
	Request  string         `json:"request,omitempty"`
	Write    bool           `json:"write"`
	Count    int            `json:"count"`
	Share    float64        `json:"share"`
	PerSec   float64        `json:"per_sec"`
	P50      string         `json:"p50"`
	P99      string         `json:"p99"`
	Errors   int            `json:"errors"`
	Statuses map[string]int `json:"statuses"`
	FirstErr string         `json:"first_error,omitempty"`
	// FloorRatio is the matching floor's rate divided by this rate (the
	// floor's commits for a write, its selects for a read).
	FloorRatio float64 `json:"floor_ratio,omitempty"`
}

func summarise(rec *recorder, elapsed time.Duration, w *world, fl *floorResult) *summary {
	s := &summary{URL: w.cfg.base, Seconds: elapsed.Seconds(), Fallbacks: w.fallbacks.Load(), Delivered: len(w.Delivered()), Floor: fl}
	var wLat, rLat []time.Duration
	s.Writes = opRow{Op: "all writes", Write: true, Statuses: map[string]int{}}
	s.Reads = opRow{Op: "all reads", Statuses: map[string]int{}}
	for _, ow := range defaultWeights {
		st := rec.ops[ow.name]
		if st == nil {
			continue
		}
		row := opRow{Op: ow.name, Request: ops[ow.name].request, Write: ops[ow.name].write, Count: len(st.lat),
			Errors: st.errors, Statuses: map[string]int{}, FirstErr: st.firstErr}
		lat := slices.Clone(st.lat)
		row.P50, row.P99 = percentiles(lat)
		row.PerSec = float64(row.Count-row.Errors) / elapsed.Seconds()
		agg := &s.Reads
		if row.Write {
			agg, wLat = &s.Writes, append(wLat, st.lat...)
		} else {
			rLat = append(rLat, st.lat...)
		}
		for code, n := range st.statuses {
			row.Statuses[strconv.Itoa(code)] += n
			agg.Statuses[strconv.Itoa(code)] += n
		}
		agg.Count += row.Count
		agg.Errors += row.Errors
		s.Requests += row.Count
		s.Errors += row.Errors
		s.Ops = append(s.Ops, row)
	}
	s.Writes.P50, s.Writes.P99 = percentiles(wLat)
	s.Reads.P50, s.Reads.P99 = percentiles(rLat)
	for _, agg := range []*opRow{&s.Writes, &s.Reads} {
		agg.PerSec = float64(agg.Count-agg.Errors) / elapsed.Seconds()
	}
	s.PerSec = float64(s.Requests-s.Errors) / elapsed.Seconds()
	for _, row := range append([]*opRow{&s.Writes, &s.Reads}, ptrs(s.Ops)...) {
		if s.Requests > 0 {
			row.Share = float64(row.Count) / float64(s.Requests)
		}
		if fl != nil && row.PerSec > 0 {
			floor := fl.SelectsPerSec
			if row.Write {
				floor = fl.CommitsPerSec
			}
			row.FloorRatio = floor / row.PerSec
		}
	}
	return s
}

func ptrs(rows []opRow) []*opRow {
	out := make([]*opRow, len(rows))
	for i := range rows {
		out[i] = &rows[i]
	}
	return out
}

func percentiles(lat []time.Duration) (string, string) {
	if len(lat) == 0 {
		return "-", "-"
	}
	slices.Sort(lat)
	return roundDur(lat[len(lat)/2]), roundDur(lat[len(lat)*99/100])
}

func (s *summary) print(out io.Writer, asJSON bool) error {
	if asJSON {
		enc := json.NewEncoder(out)
		enc.SetIndent("", "  ")
		return enc.Encode(s)
	}
	if s.Mode == "open" {
		fmt.Fprintf(out, "open loop at %.0f/s (Poisson arrivals, at most %d in flight), %.1f s, %s\n", s.Rate, s.MaxInFlight, s.Seconds, s.URL)
		fmt.Fprintf(out, "arrivals: %d scheduled, %d sent, %d dropped at the in-flight cap; scheduler at most %s late\n\n",
			s.Open.Scheduled, s.Open.Started, s.Open.Dropped, roundDur(s.Open.MaxLate))
	} else {
		fmt.Fprintf(out, "closed loop, %d clients, %.1f s, %s\n\n", s.Clients, s.Seconds, s.URL)
	}
	fmt.Fprintf(out, "%-10s %7s %6s %9s %9s %9s  %-22s %9s\n", "operation", "n", "share", "ok/s", "p50", "p99", "errors (by status)", "floor ×")
	line := func(r opRow) {
		ratio := "-"
		if r.FloorRatio > 0 {
			ratio = fmt.Sprintf("%.1f×", r.FloorRatio)
		}
		fmt.Fprintf(out, "%-10s %7d %5.1f%% %9.1f %9s %9s  %-22s %9s\n", r.Op, r.Count, 100*r.Share, r.PerSec, r.P50, r.P99, errText(r), ratio)
	}
	for _, r := range s.Ops {
		line(r)
	}
	fmt.Fprintln(out)
	line(s.Writes)
	line(s.Reads)
	fmt.Fprintf(out, "\ntotal %d requests, %.1f ok/s, %d errors; %d dossiers taken through to delivery; %d acts found no dossier waiting and ran the stage before\n",
		s.Requests, s.PerSec, s.Errors, s.Delivered, s.Fallbacks)
	if f := s.Floor; f != nil {
		fmt.Fprintf(out, "\nfloor (%s, %d goroutines, %s each): %.0f one-row INSERT commits/s (p50 %s, p99 %s), %.0f primary-key SELECTs/s (p50 %s, p99 %s)\n",
			f.Engine, f.Concurrency, f.DurationPerPart, f.CommitsPerSec, f.CommitP50, f.CommitP99, f.SelectsPerSec, f.SelectP50, f.SelectP99)
		if f.PgbenchNote != "" {
			fmt.Fprintf(out, "pgbench: %.0f INSERTs/s (%s)\n", f.PgbenchInserts, f.PgbenchNote)
		}
		if f.CommitErrors+f.SelectErrors > 0 {
			fmt.Fprintf(out, "floor errors: %d commits, %d selects\n", f.CommitErrors, f.SelectErrors)
		}
		fmt.Fprintln(out, "'floor ×' = the floor's rate (commits for a write, selects for a read) / the operation's ok/s in this mix;")
		fmt.Fprintln(out, "an operation's rate is its share of the mix, so compare the 'all writes'/'all reads' rows, or run one operation alone (--mix submit=1).")
	}
	fmt.Fprintln(out, "\noperations:")
	for _, r := range s.Ops {
		fmt.Fprintf(out, "  %-10s %s\n", r.Op, r.Request)
		if r.FirstErr != "" {
			fmt.Fprintf(out, "             first error: %s\n", r.FirstErr)
		}
	}
	if s.Writes.Statuses["429"]+s.Reads.Statuses["429"] > 0 {
		fmt.Fprintln(out, "(429s: start the server with --trusted-proxies 127.0.0.1 so each simulated citizen has an address of its own)")
	}
	return nil
}

// errText is "0", or the errors by status: "3 (429×2, 0×1)" (0: no answer).
func errText(r opRow) string {
	if r.Errors == 0 {
		return "0"
	}
	var parts []string
	var codes []string
	for c := range r.Statuses {
		codes = append(codes, c)
	}
	slices.Sort(codes)
	for _, c := range codes {
		if c != "200" && c != "201" {
			parts = append(parts, fmt.Sprintf("%s×%d", c, r.Statuses[c]))
		}
	}
	return fmt.Sprintf("%d (%s)", r.Errors, strings.Join(parts, ", "))
}
