package server_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/dvcqg"
	"github.com/motcua/motcua/dvcqg/dvcqgsim"
	"github.com/motcua/motcua/report"
	"github.com/motcua/motcua/server"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

// The national portal sync, end to end over real HTTP: every act on a
// dossier is written to the dvcqg outbox in its transaction, a worker
// sends it to the simulated portal (a separate HTTP server), and the
// portal must end up holding every step exactly once, in order, whatever
// it did meanwhile (errors, timeouts, lost answers, an outage).

const portalToken = "token-lgsp-thu-nghiem"

// portalEnv is a motcua connected to a simulated portal; its sending is
// done by the test (sync), with a short timeout and backoff, so tests
// decide when the worker runs.
type portalEnv struct {
	*env
	sim *dvcqgsim.Sim
	url string
}

func newPortalEnv(t *testing.T, db *store.DB) *portalEnv {
	t.Helper()
	srv := httptest.NewUnstartedServer(nil) // its address is known before the simulator is built
	sim := dvcqgsim.New(dvcqgsim.Config{Token: portalToken, Hang: time.Second, BaseURL: "http://" + srv.Listener.Addr().String()})
	srv.Config.Handler = sim
	srv.Start()
	t.Cleanup(srv.Close)
	e := newEnvWith(t, db, func(c *server.Config) {
		c.DVCQG = server.DVCQGConfig{URL: srv.URL + "/api", Token: portalToken, Pull: true}
	})
	return &portalEnv{env: e, sim: sim, url: srv.URL + "/api"}
}

// worker is a sender with test timings, on the real clock (the rows'
// times are the test clock's, in the past of the real one: due at once).
func (p *portalEnv) worker(id string) *dvcqg.Worker {
	c, err := dvcqg.NewClient(dvcqg.ClientConfig{URL: p.url, Token: portalToken, HTTP: &http.Client{Timeout: 300 * time.Millisecond}})
	if err != nil {
		p.t.Fatal(err)
	}
	return dvcqg.NewWorker(p.app.DB, c, dvcqg.WorkerConfig{ID: id, Backoff: 20 * time.Millisecond, MaxBackoff: 200 * time.Millisecond,
		SendTimeout: 300 * time.Millisecond, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
}

// sync runs the worker until the outbox is empty, or fails after a while.
func (p *portalEnv) sync(w *dvcqg.Worker, within time.Duration) {
	p.t.Helper()
	ctx := context.Background()
	deadline := time.Now().Add(within)
	for {
		if _, err := w.RunOnce(ctx); err != nil {
			p.t.Fatal(err)
		}
		n, err := p.app.DVCQG.Unsent(ctx)
		if err != nil {
			p.t.Fatal(err)
		}
		if n == 0 {
			return
		}
		if time.Now().After(deadline) {
			c, _ := p.app.DVCQG.Counts(ctx)
			p.t.Fatalf("the outbox still has %d unsent calls after %v: %v", n, within, c)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// inOrder checks that the portal holds code's calls exactly once each, in
// order: its dedupe keys arrived as code/1, code/2, … with no gap, no
// repeat; and that it holds one step per act of the dossier since it was
// first known to the portal, with the codes want.
func (p *portalEnv) inOrder(code string, want []int) dvcqgsim.Dossier {
	p.t.Helper()
	keys := p.arrived(code)
	for i, k := range keys {
		if k != fmt.Sprintf("%s/%d", code, i+1) {
			p.t.Fatalf("%s: calls arrived as %v, want %s/1, %s/2, … once each", code, keys, code, code)
		}
	}
	return p.holdsAll(code, want)
}

func (p *portalEnv) arrived(code string) []string {
	var keys []string
	for _, k := range p.sim.Arrivals() {
		if strings.HasPrefix(k, code+"/") {
			keys = append(keys, k)
		}
	}
	return keys
}

// holdsAll checks that the portal holds each of code's calls once (a
// repaired dossier's may have arrived in two runs) and its steps in
// order, with the codes want.
func (p *portalEnv) holdsAll(code string, want []int) dvcqgsim.Dossier {
	p.t.Helper()
	keys := p.arrived(code)
	seen := map[string]bool{}
	for _, k := range keys {
		if seen[k] {
			p.t.Fatalf("%s: %s kept twice: %v", code, k, keys)
		}
		seen[k] = true
	}
	for i := range keys {
		if k := fmt.Sprintf("%s/%d", code, i+1); !seen[k] {
			p.t.Fatalf("%s: %s missing: %v", code, k, keys)
		}
	}
	d, ok := p.sim.Get(code)
	if !ok {
		p.t.Fatalf("the portal does not hold %s", code)
	}
	var got []int
	last := 0
	for _, st := range d.Steps {
		n, _ := strconv.Atoi(st.TrangThai)
		got = append(got, n)
		if _, err := dvcqg.ParseTime(st.ThoiDiemXuLy); err != nil {
			p.t.Fatalf("step time %q: %v", st.ThoiDiemXuLy, err)
		}
		_, seq, _ := strings.Cut(strings.TrimPrefix(st.IdDongBo, code), "/")
		if n, _ := strconv.Atoi(seq); n <= last {
			p.t.Fatalf("%s: steps out of order: %+v", code, d.Steps)
		} else {
			last = n
		}
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		p.t.Fatalf("%s: the portal's steps have codes %v, want %v", code, got, want)
	}
	if len(keys) < len(d.Steps)+1 {
		p.t.Fatalf("%s: %d keys for %d steps", code, len(keys), len(d.Steps))
	}
	return d
}

// processed files a dossier at Gia Lâm, receives, processes and delivers
// it, and returns its code and the portal codes its steps must carry.
func (p *portalEnv) processed() (string, []int) {
	pr := interLevel(p.t)
	d := p.submit(pr.Code, demo.GiaLamCode)
	p.advance(time.Hour)
	d = p.mustAct("gialam.tiepnhan", d.Code, "receive", nil)
	want := []int{2}
	for d.Status == "processing" {
		who := officer(d.StepRole, d.Unit)
		action := map[bool]string{true: "approve", false: "forward"}[d.StepRole == "leader"]
		p.advance(30 * time.Minute)
		d = p.mustAct(who, d.Code, action, nil)
		want = append(want, map[bool]int{true: 9, false: 4}[d.Status == "result_ready"])
	}
	p.mustAct("gialam.tiepnhan", d.Code, "deliver", nil)
	return d.Code, append(want, 10)
}

func TestPortalSync(t *testing.T) {
	t.Parallel()
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		t.Run("every step in order", func(t *testing.T) { testPortalPush(t, newPortalEnv(t, db)) })
		t.Run("an outage, then recovery", func(t *testing.T) {
			testPortalOutage(t, newPortalEnv(t, storetest.Open(t, db.Dialect.String())))
		})
		t.Run("errors, timeouts and lost answers", func(t *testing.T) {
			testPortalFaults(t, newPortalEnv(t, storetest.Open(t, db.Dialect.String())))
		})
	})
}

func testPortalPush(t *testing.T, p *portalEnv) {
	ctx := t.Context()
	// Submitted but not received: nothing for the portal yet.
	pr := interLevel(t)
	waiting := p.submit(pr.Code, demo.GiaLamCode)
	if n, _ := p.app.DVCQG.Unsent(ctx); n != 0 {
		t.Fatalf("%d calls for a dossier not yet received", n)
	}
	code, want := p.processed()
	p.sync(p.worker("w1"), 10*time.Second)
	d := p.inOrder(code, want)
	if _, ok := p.sim.Get(waiting.Code); ok {
		t.Fatal("the portal holds a dossier never received")
	}
	// The record is the dossier's: pushed at reception, again when the
	// result and the delivery changed it.
	r := d.Record
	if r.MaHoSo != code || r.MaTTHC != pr.Code || r.ChuHoSo != "Nguyễn Văn An" || r.MaDoiTuong != "037085001234" || r.MaDonVi != demo.GiaLamCode {
		t.Fatalf("record: %+v", r)
	}
	if r.NgayTiepNhan == "" || r.NgayHenTra == "" || r.NgayKetThucXuLy == "" || r.NgayTra == "" || r.TrangThaiHoSo != "10" {
		t.Fatalf("record dates and status: %+v", r)
	}
	if d.Records < 3 {
		t.Fatalf("record pushed %d times, want at reception, result and delivery", d.Records)
	}
	if got, err := dvcqg.ParseTime(r.NgayTiepNhan); err != nil || got.Hour() != 9 {
		t.Fatalf("NgayTiepNhan %q is not 09:00 Vietnam time: %v", r.NgayTiepNhan, err)
	}
	rate, err := p.app.DVCQG.SyncRate(ctx, nil, time.Time{}, time.Time{})
	if err != nil || rate.Total != 1 || rate.Synced != 1 {
		t.Fatalf("sync rate %+v, %v", rate, err)
	}
	// Decision 766's indicator 1.4 counts it: received, and the portal holds it.
	var sc report.Scorecard
	today := p.clock.Now().Format(time.DateOnly)
	p.must(p.call("huyen.lanhdao", "GET", "/api/v1/reports/766?unit="+demo.DistrictCode+"&from=2026-03-01&to="+today, nil, &sc), 200)
	for _, g := range sc.Groups {
		for _, in := range g.Indicators {
			if in.Key == "1.4" && (!in.Computable || in.Numerator != 1 || in.Denominator != 1 || in.Score != 6) {
				t.Fatalf("1.4: %+v", in)
			}
		}
	}
	// Nothing repeated, nothing left.
	if p.sim.Repeats() != 0 {
		t.Fatalf("%d repeats without any fault", p.sim.Repeats())
	}
}

func testPortalOutage(t *testing.T, p *portalEnv) {
	w := p.worker("w1")
	p.sim.Down(time.Hour)
	a, wantA := p.processed()
	b, wantB := p.processed()
	// The portal is down: the worker tries, fails, backs off; nothing is lost.
	for range 5 {
		if _, err := w.RunOnce(t.Context()); err != nil {
			t.Fatal(err)
		}
		time.Sleep(30 * time.Millisecond)
	}
	if len(p.sim.Arrivals()) != 0 {
		t.Fatal("a portal that is down kept calls")
	}
	out, err := p.app.DVCQG.OutOfSync(t.Context(), []int64{p.unitID(demo.GiaLamCode)}, 10)
	if err != nil || len(out) != 2 || out[0].LastError == "" || out[0].Waiting == 0 {
		t.Fatalf("out of sync during the outage: %+v, %v", out, err)
	}
	// The desk sees them on its sync page, with the portal's answer; an
	// officer of another commune does not.
	status, body, _ := p.officeLogin("gialam.tiepnhan").get("/can-bo/dong-bo-cong-dvc")
	if status != 200 || !strings.Contains(body, a) || !strings.Contains(body, b) || !strings.Contains(body, "HTTP 503") ||
		!strings.Contains(body, "Đã đồng bộ 0 trên 2 hồ sơ") {
		t.Fatalf("sync page: %d\n%s", status, body)
	}
	if _, body, _ := p.officeLogin("huyen.tiepnhan").get("/can-bo/dong-bo-cong-dvc"); strings.Contains(body, a) {
		t.Fatalf("the district desk sees a Gia Lâm dossier it never handled:\n%s", body)
	}
	p.sim.Up()
	p.sync(w, 20*time.Second)
	p.inOrder(a, wantA)
	p.inOrder(b, wantB)
	if out, _ := p.app.DVCQG.OutOfSync(t.Context(), []int64{p.unitID(demo.GiaLamCode)}, 10); len(out) != 0 {
		t.Fatalf("still out of sync after recovery: %+v", out)
	}
}

func testPortalFaults(t *testing.T, p *portalEnv) {
	a, wantA := p.processed()
	b, wantB := p.processed()
	// Every kind of failure, several times over: the calls they hit are
	// sent again; those the portal kept (lost answers, timeouts) are
	// dropped there by their key.
	for range 3 {
		p.sim.Fail(dvcqgsim.Error, dvcqgsim.LostAck, dvcqgsim.Timeout, dvcqgsim.Refuse, dvcqgsim.LostAck)
	}
	// Two workers at once, as two instances would.
	w1, w2 := p.worker("w1"), p.worker("w2")
	done := make(chan struct{})
	go func() {
		defer close(done)
		for range 200 {
			if _, err := w2.RunOnce(context.Background()); err != nil {
				return
			}
			time.Sleep(5 * time.Millisecond)
		}
	}()
	p.sync(w1, 30*time.Second)
	<-done
	p.inOrder(a, wantA)
	p.inOrder(b, wantB)
	if p.sim.Repeats() == 0 {
		t.Fatal("no repeat reached the portal: the lost answers were not retried")
	}
}

// unitID is a demo unit's id.
func (e *env) unitID(code string) int64 {
	e.t.Helper()
	u, err := e.app.Units.ByCode(context.Background(), code)
	if err != nil {
		e.t.Fatal(err)
	}
	return u.ID
}

// TestPortalReconcile: the portal lost the last steps of one dossier and
// the whole of another; the day's reconciliation finds both, puts the
// calls back in the outbox, and after the next sending the portal holds
// them all again, in order. A dossier the portal holds entirely is in sync.
func TestPortalReconcile(t *testing.T) {
	t.Parallel()
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		p := newPortalEnv(t, db)
		ctx := t.Context()
		a, wantA := p.processed()
		b, wantB := p.processed()
		c, wantC := p.processed()
		p.sync(p.worker("w1"), 10*time.Second)
		p.sim.Forget(a, 2)
		p.sim.Forget(b, -1)
		day := p.clock.Now()
		rep, err := p.app.DVCQG.Reconcile(ctx, p.app.PortalClient, day)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Checked != 3 || len(rep.Mismatches) != 2 {
			t.Fatalf("reconcile: %+v", rep)
		}
		for _, m := range rep.Mismatches {
			switch m.MaHoSo {
			case a:
				if len(m.Missing) != 2 || m.Requeued < 2 || m.NoRecord {
					t.Fatalf("%s: %+v", a, m)
				}
			case b:
				if !m.NoRecord || m.Requeued < len(wantB) {
					t.Fatalf("%s: %+v", b, m)
				}
			default:
				t.Fatalf("mismatch for %s, in sync: %+v", m.MaHoSo, m)
			}
		}
		var out strings.Builder
		if err := dvcqg.WriteReport(&out, rep); err != nil || !strings.Contains(out.String(), "Cổng thiếu 2 bước") ||
			!strings.Contains(out.String(), "Cổng chưa có hồ sơ") {
			t.Fatalf("report: %q, %v", out.String(), err)
		}
		if r, _ := p.app.DVCQG.SyncRate(ctx, nil, time.Time{}, time.Time{}); r.Synced != 1 || r.Total != 3 {
			t.Fatalf("sync rate after reconcile %+v, want 1 of 3", r)
		}
		p.sync(p.worker("w1"), 10*time.Second)
		p.holdsAll(a, wantA)
		p.holdsAll(b, wantB)
		p.inOrder(c, wantC)
		if rep, err := p.app.DVCQG.Reconcile(ctx, p.app.PortalClient, day); err != nil || len(rep.Mismatches) != 0 {
			t.Fatalf("after repair: %+v, %v", rep, err)
		}
	})
}
