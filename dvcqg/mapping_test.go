package dvcqg_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/dvcqg"
)

// The mapping file shipped maps every state to a portal code 1..10 and
// lists its assumptions; an action's own code wins over its state's.
func TestMapping(t *testing.T) {
	m, err := dvcqg.DefaultMapping()
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Assumed) == 0 {
		t.Fatal("mapping.json lists no assumption: the [M] fields must be named there")
	}
	cases := []struct {
		state  dossier.State
		action dossier.Action
		want   int
	}{
		{dossier.Submitted, dossier.SubmitAction, 1},
		{dossier.Processing, dossier.Receive, 2},
		{dossier.Refused, dossier.Refuse, 3},
		{dossier.Processing, dossier.Forward, 4},
		{dossier.SupplementRequested, dossier.RequestSupplement, 5},
		{dossier.Processing, dossier.PauseClock, 6},
		{dossier.WithdrawalRequested, dossier.Withdraw, 7},
		{dossier.Stopped, dossier.Stop, 8},
		{dossier.ResultReady, dossier.Approve, 9},
		{dossier.Delivered, dossier.Deliver, 10},
	}
	for _, c := range cases {
		if got := m.Status(&dossier.Dossier{Status: c.state}, c.action); got != c.want {
			t.Errorf("%s after %s: code %d, want %d", c.state, c.action, got, c.want)
		}
	}
}

// Dates travel as yyyyMMddHHmmss in Vietnam time, whatever the zone of
// the time given.
func TestPortalTime(t *testing.T) {
	at := time.Date(2026, 3, 2, 1, 30, 5, 0, time.UTC)
	if got := dvcqg.FormatTime(at); got != "20260302083005" {
		t.Fatalf("FormatTime: %s", got)
	}
	back, err := dvcqg.ParseTime("20260302083005")
	if err != nil || !back.Equal(at) {
		t.Fatalf("ParseTime: %v, %v", back, err)
	}
	if _, err := dvcqg.ParseTime("2026-03-02"); err == nil {
		t.Fatal("ParseTime took another layout")
	}
}

// An operator's mapping file replaces the entries it sets and keeps the
// others; a code outside 1..10 or a broken file is refused.
func TestLoadMapping(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	m, err := dvcqg.LoadMapping(write("ok.json", `{"states": {"returned": 1}, "actions": {"pause": 4}, "services": {"list_filed": "LayDanhSachHoSo"}}`))
	if err != nil {
		t.Fatal(err)
	}
	if m.States[dossier.Returned] != 1 || m.States[dossier.Delivered] != 10 || m.Actions[dossier.PauseClock] != 4 || m.Actions[dossier.Receive] != 2 {
		t.Fatalf("merged codes: %+v %+v", m.States, m.Actions)
	}
	if m.Services.ListFiled != "LayDanhSachHoSo" || m.Services.PushStep != "CapNhatTienDoHoSoMC" {
		t.Fatalf("merged services: %+v", m.Services)
	}
	for name, text := range map[string]string{
		"range.json":   `{"states": {"stopped": 11}}`,
		"action.json":  `{"actions": {"receive": 0}}`,
		"broken.json":  `{"states": `,
		"service.json": `{"services": {"lookup": ""}}`,
	} {
		if _, err := dvcqg.LoadMapping(write(name, text)); err == nil {
			t.Errorf("%s: %s was taken", name, text)
		}
	}
	if _, err := dvcqg.LoadMapping(filepath.Join(dir, "missing.json")); err == nil {
		t.Error("a missing file was taken")
	}
}
