package report_test

import (
	"errors"
	"testing"

	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/report"
)

// TestReadPeriod: the statistics' period — defaults, the end day
// included, stopping at now, and each refusal with its code and field.
func TestReadPeriod(t *testing.T) {
	now := at(t, "2026-03-15 10:00")
	cases := []struct {
		name, from, to   string
		start, end, code string // start and end as "YYYY-MM-DD HH:MM" in Vietnam
		field            string
	}{
		{"defaults: the year so far, to now", "", "", "2026-01-01 00:00", "2026-03-15 10:00", "", ""},
		{"the last day is included", "2025-02-01", "2025-02-28", "2025-02-01 00:00", "2025-03-01 00:00", "", ""},
		{"a period past now stops at now", "2026-03-01", "2026-12-31", "2026-03-01 00:00", "2026-03-15 10:00", "", ""},
		{"a malformed start", "2026-02-30", "", "", "", "invalid_date", "from"},
		{"a malformed end", "", "31/03/2026", "", "", "invalid_date", "to"},
		{"the end before the start", "2025-03-01", "2025-02-01", "", "", "invalid_period", "to"},
		{"a future period", "2026-06-01", "2026-06-30", "", "", "invalid_period", "to"},
		{"more than 36 months", "2020-01-01", "2023-01-01", "", "", "period_too_long", "to"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, err := report.ReadPeriod(c.from, c.to, now)
			if c.code != "" {
				pe := problem.Public(err)
				if !errors.Is(err, problem.ErrInvalid) || pe.Code != c.code || pe.Field != c.field {
					t.Fatalf("error %v, want %s on %s", err, c.code, c.field)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !p.Start.Equal(at(t, c.start)) || !p.End.Equal(at(t, c.end)) {
				t.Errorf("[%s, %s), want [%s, %s)", p.Start, p.End, c.start, c.end)
			}
		})
	}
}
