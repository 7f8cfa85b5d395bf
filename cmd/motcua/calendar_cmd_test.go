package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestRunCalendar(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		want    string // exact stdout, or a line it must contain if wantLine
		line    bool
		wantErr string
	}{
		{name: "due in days", args: []string{"due", "--from", "2026-03-09T09:00:00+07:00", "--days", "3"},
			want: "2026-03-12T09:00:00+07:00\n"},
		{name: "due from UTC input", args: []string{"due", "--from", "2026-03-09T02:00:00Z", "--days", "3"},
			want: "2026-03-12T09:00:00+07:00\n"},
		{name: "due in hours after cut-off", args: []string{"due", "-from=2026-03-09T15:30:00+07:00", "-hours=4"},
			want: "2026-03-10T11:30:00+07:00\n"},
		{name: "same day Friday afternoon", args: []string{"due", "--from", "2026-03-13T15:30:00+07:00", "--same-day"},
			want: "2026-03-16T17:00:00+07:00\n"},
		{name: "holidays lists nghỉ bù and announced days", args: []string{"holidays", "2026"},
			want: "2026-04-27 Nghỉ bù Giỗ Tổ Hùng Vương", line: true},
		{name: "holidays lists swapped day", args: []string{"holidays", "2026"},
			want: "2026-08-31 Nghỉ hoán đổi dịp Quốc khánh (làm bù thứ Bảy 22/08/2026)", line: true},
		{name: "no subcommand", args: nil, wantErr: "missing subcommand"},
		{name: "unknown subcommand", args: []string{"list"}, wantErr: "unknown subcommand"},
		{name: "year not a number", args: []string{"holidays", "twenty"}, wantErr: "1900 to 2100"},
		{name: "year out of range", args: []string{"holidays", "2101"}, wantErr: "1900 to 2100"},
		{name: "year missing", args: []string{"holidays"}, wantErr: "exactly one argument"},
		{name: "no unit", args: []string{"due", "--from", "2026-03-09T09:00:00+07:00"}, wantErr: "give one of"},
		{name: "two units", args: []string{"due", "--days", "1", "--hours", "2"}, wantErr: "only one"},
		{name: "negative", args: []string{"due", "--days", "-1"}, wantErr: "must not be negative"},
		{name: "bad time", args: []string{"due", "--from", "09/03/2026", "--days", "1"}, wantErr: "RFC 3339"},
		{name: "bad flag", args: []string{"due", "--weeks", "1"}, wantErr: "not defined"},
		{name: "stray argument", args: []string{"due", "--days", "1", "extra"}, wantErr: "unexpected argument"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			err := runCalendar(tt.args, &stdout, &stderr)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("error = %v (stderr %q)", err, stderr.String())
			}
			got := stdout.String()
			if tt.line {
				if !strings.Contains("\n"+got, "\n"+tt.want+"\n") {
					t.Errorf("stdout lacks line %q:\n%s", tt.want, got)
				}
			} else if got != tt.want {
				t.Errorf("stdout = %q, want %q", got, tt.want)
			}
		})
	}
}
