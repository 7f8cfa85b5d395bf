package report_test

import (
	"errors"
	"net/url"
	"testing"

	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/report"
)

// TestParseII06a: every surface reads the request alike; bad input is a
// problem with a stable code on the field at fault.
func TestParseII06a(t *testing.T) {
	ok := url.Values{"unit": {"000.00.07.H40"}, "from": {"2022-01-01"}, "to": {"2022-12-31"}}
	with := func(k, v string) url.Values {
		q := url.Values{}
		for kk, vv := range ok {
			q[kk] = vv
		}
		q.Set(k, v)
		return q
	}
	q, err := report.ParseII06a(ok)
	if err != nil {
		t.Fatal(err)
	}
	if q.View != report.ViewUnit || q.Format != report.FormatJSON || q.To.Sub(q.From).Hours() != 365*24 ||
		q.From.Format("2006-01-02 15:04 -0700") != "2022-01-01 00:00 +0700" {
		t.Errorf("defaults: %+v", q)
	}
	if got := q.FileName(); got != "II06a-000.00.07.H40-20220101-20221231-unit.json" {
		t.Errorf("file name %q", got)
	}
	for _, c := range []struct {
		name        string
		q           url.Values
		field, code string
	}{
		{"no unit", with("unit", " "), "unit", "unit_required"},
		{"no start", with("from", ""), "from", "invalid_period"},
		{"a malformed end", with("to", "31/12/2022"), "to", "invalid_period"},
		{"an impossible day", with("to", "2022-02-30"), "to", "invalid_period"},
		{"the end before the start", with("to", "2021-12-31"), "to", "invalid_period"},
		{"eleven years", with("to", "2032-01-01"), "to", "invalid_period"},
		{"an unknown view", with("view", "month"), "view", "invalid_view"},
		{"an unknown format", with("format", "docx"), "format", "invalid_format"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := report.ParseII06a(c.q)
			var pe *problem.Error
			if !errors.As(err, &pe) || !errors.Is(err, problem.ErrInvalid) || pe.Field != c.field || pe.Code != c.code {
				t.Errorf("got %v, want %s on %s", err, c.code, c.field)
			}
		})
	}
	// One day is a period: from and to are both included.
	if q, err := report.ParseII06a(with("to", "2022-01-01")); err != nil || q.To.Sub(q.From).Hours() != 24 {
		t.Errorf("one day: %+v %v", q, err)
	}
}
