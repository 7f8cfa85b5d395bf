package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/report"
)

// TestReportII06a: on a generated year, `motcua report ii06a` writes the
// district's report for the first half as JSON (every commune rolled up
// into it), .xlsx and .pdf; a bad period or an unknown unit is refused
// with the sentence the API and pages give.
func TestReportII06a(t *testing.T) {
	// -short leaves out the slow proof on a developer's machine; CI runs it always.
	if testing.Short() && os.Getenv("CI") != "true" {
		t.Skip("generates a small year")
	}
	t.Setenv("MOTCUA_DATA", t.TempDir())
	ctx := context.Background()
	if err := run(ctx, []string{"demo", "generate", "--scale", "0.001"}, nil, io.Discard, io.Discard); err != nil {
		t.Fatalf("generate: %v", err)
	}
	args := func(more ...string) []string {
		return append([]string{"report", "ii06a", "--unit", demo.DistrictCode, "--from", "2022-01-01", "--to", "2022-06-30"}, more...)
	}
	var out bytes.Buffer
	if err := run(ctx, args(), nil, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	var rep report.II06a
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	var communes report.Figures
	for _, r := range rep.Rows {
		if r.Depth == 1 {
			communes = sumFigures(communes, r.Figures)
		}
	}
	if rep.Unit != demo.DistrictCode || rep.From != "2022-01-01" || rep.To != "2022-06-30" || rep.Total.Received == 0 ||
		rep.Rows[0].Figures != rep.Total || rep.Total.Received != rep.Total.Carried+rep.Total.NewOnline+rep.Total.NewCounter {
		t.Errorf("the district's half year: %+v", rep)
	}
	if own := rep.Total; communes.Received > own.Received || communes.Received == 0 {
		t.Errorf("communes received %d, the district with them %d", communes.Received, own.Received)
	}
	// A rebuild of the tally changes no figure.
	var rebuilt bytes.Buffer
	if err := run(ctx, []string{"report", "rebuild"}, nil, &rebuilt, io.Discard); err != nil || !strings.Contains(rebuilt.String(), "tally rebuilt") {
		t.Fatalf("report rebuild: %v %q", err, rebuilt.String())
	}
	before := out.String()
	out.Reset()
	if err := run(ctx, args(), nil, &out, io.Discard); err != nil || out.String() != before {
		t.Errorf("II.06a after a rebuild (%v):\n%s\nwas\n%s", err, out.String(), before)
	}
	for format, magic := range map[string]string{"xlsx": "PK\x03\x04", "pdf": "%PDF-"} {
		out.Reset()
		if err := run(ctx, args("--view", "procedure", "--format", format), nil, &out, io.Discard); err != nil {
			t.Fatalf("%s: %v", format, err)
		}
		if !bytes.HasPrefix(out.Bytes(), []byte(magic)) {
			t.Errorf("%s output starts %.8q", format, out.Bytes())
		}
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"report", "ii06a", "--unit", demo.DistrictCode, "--from", "2022-06-30", "--to", "2022-01-01"}, "Kỳ báo cáo không hợp lệ"},
		{[]string{"report", "ii06a", "--unit", demo.DistrictCode, "--from", "2022-01-01", "--to", "30/06/2022"}, "Ngày 30/06/2022 của kỳ báo cáo không hợp lệ"},
		{[]string{"report", "ii06a", "--unit", "000.99.99.H40", "--from", "2022-01-01", "--to", "2022-06-30"}, "Không tìm thấy đơn vị 000.99.99.H40"},
		{[]string{"report", "ii06a", "--unit", demo.DistrictCode, "--from", "2022-01-01", "--to", "2022-06-30", "--format", "docx"}, "Không có định dạng"},
		{[]string{"report", "ii09"}, "usage: motcua report ii06a"},
	} {
		out.Reset()
		err := run(ctx, c.args, nil, &out, io.Discard)
		if err == nil || !strings.Contains(err.Error(), c.want) || out.Len() != 0 {
			t.Errorf("%v: %v (wrote %d bytes), want %q", c.args, err, out.Len(), c.want)
		}
	}
}

func sumFigures(a, b report.Figures) report.Figures {
	a.Received += b.Received
	a.Carried += b.Carried
	a.NewOnline += b.NewOnline
	a.NewCounter += b.NewCounter
	return a
}
