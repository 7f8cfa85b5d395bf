package audit

import (
	"bufio"
	"fmt"
	"io"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Someone who can write the database can delete the last entries of a
// chain and set audit_heads to match, rewrite a chain from an edited entry
// on, or add a lane to a day: the chains alone are then consistent. The
// heads AnnounceHeads wrote to the log output — kept off the machine — are
// what such a rewrite cannot reach; CheckLogged compares them with the
// chains walked.

var (
	headLine  = "audit chain head"
	dayField  = regexp.MustCompile(`"?day"?[=:]"?(\d{4}-\d{2}-\d{2})`)
	laneField = regexp.MustCompile(`"?lane"?[=:]"?(\d+)`)
	nField    = regexp.MustCompile(`"?entries"?[=:]"?(\d+)`)
	hashField = regexp.MustCompile(`"?head"?[=:]"?([0-9a-f]{64})`)
)

// ParseLogged reads the "audit chain head" lines of a log output (slog's
// text or JSON form; other lines are skipped). A line without a lane,
// written before days had lanes, is lane 0. A chain announced twice (a
// late entry) keeps its last line.
func ParseLogged(r io.Reader) (map[Chain]Head, error) {
	out := map[Chain]Head{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		line := sc.Text()
		if !strings.Contains(line, headLine) {
			continue
		}
		d, n, h := dayField.FindStringSubmatch(line), nField.FindStringSubmatch(line), hashField.FindStringSubmatch(line)
		if d == nil || n == nil || h == nil {
			return nil, fmt.Errorf("audit: cannot read the head line %q", line)
		}
		count, _ := strconv.ParseInt(n[1], 10, 64)
		head := Head{Day: d[1], N: count, Head: h[1]}
		if l := laneField.FindStringSubmatch(line); l != nil {
			head.Lane, _ = strconv.Atoi(l[1])
		}
		out[head.Chain()] = head
	}
	return out, sc.Err()
}

// CheckLogged compares the heads in logged (of the days from..to) with the
// chains rep walked, and returns the first chain that differs: a logged
// chain walked shorter, longer or with another head, or a chain walked on
// a day the log output has heads of but not of that lane.
func CheckLogged(rep *Report, logged map[Chain]Head, from, to string) *Break {
	if to == "" {
		to = "9999-12-31"
	}
	walked := map[Chain]Head{}
	loggedDays := map[string]bool{}
	for _, d := range rep.Days {
		walked[d.Chain()] = d
	}
	for c := range logged {
		loggedDays[c.Day] = true
	}
	for _, c := range slices.SortedFunc(maps.Keys(logged), compareChains) {
		if c.Day < from || c.Day > to {
			continue
		}
		want, got := logged[c], walked[c]
		if got.N != want.N || got.Head != want.Head {
			return &Break{Day: c.Day, Lane: c.Lane, Reason: fmt.Sprintf("the chain has %d entries, head %.12s; the log output recorded %d, head %.12s (entries removed or rewritten, with the head table)",
				got.N, got.Head, want.N, want.Head)}
		}
	}
	for _, d := range rep.Days {
		if _, ok := logged[d.Chain()]; !ok && loggedDays[d.Day] && d.Day >= from && d.Day <= to {
			return &Break{Day: d.Day, Lane: d.Lane, Reason: fmt.Sprintf("the chain has %d entries, head %.12s; the log output has heads of its day but none of this lane (a lane added, with its head)",
				d.N, d.Head)}
		}
	}
	return nil
}
