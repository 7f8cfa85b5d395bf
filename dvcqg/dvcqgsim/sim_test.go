package dvcqgsim_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/motcua/motcua/dvcqg"
	"github.com/motcua/motcua/dvcqg/dvcqgsim"
)

// The simulator over HTTP through the real client: a step before its
// dossier's record is refused, a repeated key is kept once and answered
// "already have it" (which the client takes as success), faults fail the
// calls they hit, a wrong token is refused, TraCuuHoSo answers what is held.
func TestSimulator(t *testing.T) {
	sim := dvcqgsim.New(dvcqgsim.Config{Token: "t", Hang: 200 * time.Millisecond})
	srv := httptest.NewServer(sim)
	defer srv.Close()
	c, err := dvcqg.NewClient(dvcqg.ClientConfig{URL: srv.URL + "/api", Token: "t", HTTP: &http.Client{Timeout: 100 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	call := func(service, key string, v any) dvcqg.Call {
		b, _ := json.Marshal(v)
		return dvcqg.Call{Service: service, Key: key, Data: b, Seq: 1}
	}
	step := call("CapNhatTienDoHoSoMC", "HS1/2", dvcqg.Step{IdDongBo: "HS1/2", MaHoSo: "HS1", TrangThai: "2", ThoiDiemXuLy: "20260302090000"})
	rec := call("DongBoHoSoMC", "HS1/1", dvcqg.Record{IdDongBo: "HS1/1", MaHoSo: "HS1", TrangThaiHoSo: "2"})
	if err := c.Push(ctx, step); err == nil {
		t.Fatal("a step of a dossier the portal does not hold was accepted")
	}
	for _, f := range []dvcqgsim.Fault{dvcqgsim.Error, dvcqgsim.Refuse, dvcqgsim.LostAck, dvcqgsim.Timeout} {
		sim.Fail(f)
		if err := c.Push(ctx, rec); err == nil {
			t.Fatalf("fault %s: no error", f)
		}
	}
	if err := c.Push(ctx, rec); err != nil {
		t.Fatalf("record after the faults: %v", err)
	}
	for range 2 {
		if err := c.Push(ctx, step); err != nil {
			t.Fatal(err)
		}
	}
	if got := sim.Arrivals(); len(got) != 2 || got[0] != "HS1/1" || got[1] != "HS1/2" {
		t.Fatalf("arrivals %v", got)
	}
	if sim.Repeats() < 2 { // the lost answer's and the timeout's repeats of HS1/1, and the step's
		t.Fatalf("repeats %d", sim.Repeats())
	}
	sim.Down(time.Minute)
	if err := c.Push(ctx, rec); err == nil || dvcqg.IsPermanent(err) {
		t.Fatalf("down: %v (want a temporary error)", err)
	}
	sim.Up()
	l, err := c.Lookup(ctx, "HS1")
	if err != nil || l.HoSo == nil || len(l.TienDo) != 1 || l.HoSo.TrangThaiHoSo != "2" {
		t.Fatalf("TraCuuHoSo: %+v, %v", l, err)
	}
	if l, err := c.Lookup(ctx, "HS2"); err != nil || l.HoSo != nil {
		t.Fatalf("TraCuuHoSo of an unknown dossier: %+v, %v", l, err)
	}
	bad, _ := dvcqg.NewClient(dvcqg.ClientConfig{URL: srv.URL + "/api", Token: "sai"})
	if err := bad.Push(ctx, rec); err == nil {
		t.Fatal("a wrong token was accepted")
	} else if errors.Is(err, context.DeadlineExceeded) {
		t.Fatal(err)
	}
}
