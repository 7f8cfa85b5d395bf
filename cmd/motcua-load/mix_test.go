package main

import (
	"bytes"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"testing"
	"time"
)

// Every round of the cycle is the mix exactly, interleaved.
func TestCycleRunsTheMixExactly(t *testing.T) {
	mix := cycle(defaultWeights, 1)
	counts := map[string]int{}
	for _, op := range mix {
		counts[op]++
	}
	for _, ow := range defaultWeights {
		if counts[ow.name] != ow.weight {
			t.Errorf("%s appears %d times in a round, its weight is %d", ow.name, counts[ow.name], ow.weight)
		}
		if _, ok := ops[ow.name]; !ok {
			t.Errorf("%s has no description", ow.name)
		}
	}
	// Shuffled: the first 100 entries are not all searches, the first
	// operation listed.
	if counts := countOf(mix[:100], opSearch); counts == 100 {
		t.Error("the cycle is not shuffled")
	}
	if !slices.Equal(mix, cycle(defaultWeights, 1)) {
		t.Error("the same seed gave another order")
	}
}

func countOf(s []string, v string) int {
	n := 0
	for _, x := range s {
		if x == v {
			n++
		}
	}
	return n
}

func TestParseMix(t *testing.T) {
	for _, c := range []struct {
		in   string
		want map[string]int // nil: an error
	}{
		{"submit=1", map[string]int{opSubmit: 1}},
		{"submit=2, track=3", map[string]int{opSubmit: 2, opTrack: 3}},
		{"submit=2,track=0", map[string]int{opSubmit: 2}},
		{"track=0", nil},
		{"ping=1, track=1", map[string]int{opPing: 1, opTrack: 1}},
		{"sumbit=1", nil},
		{"submit", nil},
		{"submit=-1", nil},
		{"submit=x", nil},
	} {
		got, err := parseMix(c.in)
		if c.want == nil {
			if err == nil {
				t.Errorf("parseMix(%q) = %v, want an error", c.in, got)
			}
			continue
		}
		if err != nil {
			t.Errorf("parseMix(%q): %v", c.in, err)
			continue
		}
		m := map[string]int{}
		for _, ow := range got {
			m[ow.name] = ow.weight
		}
		if len(m) != len(c.want) {
			t.Errorf("parseMix(%q) = %v, want %v", c.in, m, c.want)
		}
		for k, v := range c.want {
			if m[k] != v {
				t.Errorf("parseMix(%q)[%s] = %d, want %d", c.in, k, m[k], v)
			}
		}
	}
	if all, err := parseMix(""); err != nil || len(all) != len(defaultWeights) {
		t.Errorf(`parseMix("") = %d operations, %v; want the default %d`, len(all), err, len(defaultWeights))
	}
}

// The open loop's schedule is a Poisson process at the asked rate: as
// many arrivals as rate × duration within five standard deviations (the
// schedule is drawn from a fixed seed, so this is exact, not a timing),
// in order, inside the run, with exponential gaps (their mean 1/rate and
// their spread about as large: a fixed interval would have none).
func TestArrivalsArePoissonAtTheRate(t *testing.T) {
	for _, c := range []struct {
		rate float64
		d    time.Duration
	}{{200, 30 * time.Second}, {5, 10 * time.Minute}, {1000, 5 * time.Second}} {
		for seed := uint64(1); seed <= 3; seed++ {
			a := arrivals(c.rate, c.d, seed)
			want := c.rate * c.d.Seconds()
			if n := float64(len(a)); math.Abs(n-want) > 5*math.Sqrt(want) {
				t.Errorf("rate %g over %s (seed %d): %d arrivals, want %.0f ± %.0f", c.rate, c.d, seed, len(a), want, 5*math.Sqrt(want))
			}
			var sum, sq float64
			prev := time.Duration(0)
			for i, at := range a {
				if at < prev || at >= c.d {
					t.Fatalf("rate %g: arrival %d at %s after %s, or past the end %s", c.rate, i, at, prev, c.d)
				}
				g := (at - prev).Seconds()
				sum, sq, prev = sum+g, sq+g*g, at
			}
			mean := sum / float64(len(a))
			sd := math.Sqrt(sq/float64(len(a)) - mean*mean)
			if math.Abs(mean*c.rate-1) > 0.15 || math.Abs(sd/mean-1) > 0.15 {
				t.Errorf("rate %g: gaps mean %.4fs sd %.4fs, want both about %.4fs", c.rate, mean, sd, 1/c.rate)
			}
		}
	}
}

// The uploaded file is a well-formed PDF: every cross-reference entry
// points at its object, startxref at the table; poppler, where installed,
// reads one page.
func TestSamplePDFIsWellFormed(t *testing.T) {
	pdf := samplePDF()
	m := regexp.MustCompile(`(?s)xref\n0 (\d+)\n(.*?)trailer`).FindSubmatch(pdf)
	if m == nil {
		t.Fatalf("no xref table in %q", pdf)
	}
	entries := regexp.MustCompile(`(\d{10}) 00000 n `).FindAllSubmatch(m[2], -1)
	if n, _ := strconv.Atoi(string(m[1])); len(entries) != n-1 || n < 5 {
		t.Fatalf("xref declares %s entries and lists %d in use", m[1], len(entries))
	}
	for i, e := range entries {
		off, _ := strconv.Atoi(string(e[1]))
		if want := strconv.Itoa(i+1) + " 0 obj"; !bytes.HasPrefix(pdf[off:], []byte(want)) {
			t.Errorf("xref entry %d points at %q, want %q", i+1, pdf[off:min(off+12, len(pdf))], want)
		}
	}
	sx := regexp.MustCompile(`startxref\n(\d+)\n%%EOF\n$`).FindSubmatch(pdf)
	if sx == nil {
		t.Fatal("no startxref at the end")
	}
	if off, _ := strconv.Atoi(string(sx[1])); !bytes.HasPrefix(pdf[off:], []byte("xref\n")) {
		t.Errorf("startxref %d does not point at the xref table", off)
	}
	if bin, err := exec.LookPath("pdfinfo"); err == nil {
		f := filepath.Join(t.TempDir(), "s.pdf")
		if err := os.WriteFile(f, pdf, 0o600); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command(bin, f).CombinedOutput()
		if err != nil || !regexp.MustCompile(`(?m)^Pages:\s+1$`).Match(out) || bytes.Contains(out, []byte("Syntax Error")) {
			t.Errorf("pdfinfo: %v\n%s", err, out)
		}
	}
}
