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

// Someone who can write the database can delete the last entries of a day
// and set audit_heads to match, or rewrite a day's chain from an edited
// entry on: the chain alone is then consistent. The heads AnnounceHeads
// wrote to the log output — kept off the machine — are what such a
// rewrite cannot reach; CheckLogged compares them with the chains walked.

var (
	headLine  = "audit chain head"
	dayField  = regexp.MustCompile(`"?day"?[=:]"?(\d{4}-\d{2}-\d{2})`)
	nField    = regexp.MustCompile(`"?entries"?[=:]"?(\d+)`)
	hashField = regexp.MustCompile(`"?head"?[=:]"?([0-9a-f]{64})`)
)

// ParseLogged reads the "audit chain head" lines of a log output (slog's
// text or JSON form; other lines are skipped). A day announced twice (a
// late entry) keeps its last line.
func ParseLogged(r io.Reader) (map[string]Head, error) {
	out := map[string]Head{}
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
		out[d[1]] = Head{Day: d[1], N: count, Head: h[1]}
	}
	return out, sc.Err()
}

// CheckLogged compares the heads in logged (of the days from..to) with the
// chains rep walked, and returns the first day that differs.
func CheckLogged(rep *Report, logged map[string]Head, from, to string) *Break {
	if to == "" {
		to = "9999-12-31"
	}
	walked := map[string]Head{}
	for _, d := range rep.Days {
		walked[d.Day] = d
	}
	for _, day := range slices.Sorted(maps.Keys(logged)) {
		if day < from || day > to {
			continue
		}
		want, got := logged[day], walked[day]
		if got.N != want.N || got.Head != want.Head {
			return &Break{Day: day, Reason: fmt.Sprintf("the chain has %d entries, head %.12s; the log output recorded %d, head %.12s (entries removed or rewritten, with the head table)",
				got.N, got.Head, want.N, want.Head)}
		}
	}
	return nil
}
