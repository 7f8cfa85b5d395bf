package audit_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/motcua/motcua/audit"
	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/calendar"
	"github.com/motcua/motcua/catalog"
	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/event"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
	"github.com/motcua/motcua/unit"
)

// flatCalendar counts every hour as working time.
type flatCalendar struct{}

func (flatCalendar) Due(t time.Time, _ string, days int) (time.Time, error) {
	return t.Add(time.Duration(days) * 24 * time.Hour), nil
}
func (flatCalendar) WorkingBetween(a, b time.Time) time.Duration       { return b.Sub(a) }
func (flatCalendar) AddWorking(t time.Time, d time.Duration) time.Time { return t.Add(d) }
func (flatCalendar) Judge(due, finish time.Time) calendar.Timeliness {
	return calendar.New(calendar.Options{}).Judge(due, finish)
}
func (flatCalendar) LateBefore(now time.Time) time.Time { return now }

type world struct {
	ds    *dossier.Service
	log   *audit.Log
	units *unit.Store
	actor func(username string) *auth.Actor
	now   time.Time
	// refuse makes the last listener fail for this action.
	refuse dossier.Action
}

// newWorld is the demo world wired as package server wires it: notify is
// left out, the audit log listens, and a last listener can be told to fail.
func newWorld(t *testing.T, db *store.DB) *world {
	t.Helper()
	ctx := t.Context()
	units, cat := unit.NewStore(db, nil), catalog.NewStore(db, nil)
	au := auth.NewService(db, auth.Config{Params: auth.Params{Time: 1, MemKiB: 1024, Threads: 1}, Units: units})
	if err := db.InTx(ctx, func(tx *store.Tx) error {
		_, err := cat.SeedBuiltin(ctx, tx)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := demo.Load(ctx, db, units, au); err != nil {
		t.Fatal(err)
	}
	w := &world{log: audit.New(db), units: units, now: time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)}
	bus := event.New()
	w.log.Subscribe(bus)
	event.Subscribe(bus, "refuser", func(ctx context.Context, tx *store.Tx, e dossier.Transitioned) error {
		if e.Action == w.refuse {
			return errors.New("refused by a test listener")
		}
		return nil
	})
	w.ds = dossier.NewService(db, units, cat, au, flatCalendar{}, dossier.Config{FilesDir: t.TempDir(),
		Now: func() time.Time { return w.now }, Events: bus})
	w.actor = func(name string) *auth.Actor {
		a, err := au.UserByName(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	return w
}

func (w *world) submit(t *testing.T, by, channel string) *dossier.Dossier {
	t.Helper()
	d, _, err := w.ds.Submit(t.Context(), w.actor(by), dossier.SubmitInput{Procedure: "2.000884", Unit: demo.GiaLamCode,
		Delivery: "counter", Channel: channel, Applicant: dossier.Applicant{Name: "Nguyễn Văn An", Phone: "0912345678"},
		Form: map[string]any{"ten_giay_to": "Giấy ủy quyền", "ho_ten_nguoi_ky": "Nguyễn Văn An", "so_dinh_danh": "037085001234",
			"so_nguoi_ky": "1", "hinh_thuc": "Ký"}})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// step is one lifecycle action and the audit row it must leave.
type step struct {
	user   string
	action dossier.Action
	in     dossier.ActInput
	role   string
}

func TestEveryTransitionIsAuditedOnce(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		ctx := t.Context()
		gialam, err := w.units.ByCode(ctx, demo.GiaLamCode)
		if err != nil {
			t.Fatal(err)
		}
		d := w.submit(t, demo.Citizen.Username, "online")
		steps := []step{
			{"gialam.tiepnhan", dossier.Receive, dossier.ActInput{}, auth.Reception},
			{"gialam.chuyenvien", dossier.RequestSupplement, dossier.ActInput{Note: "Thiếu bản chụp giấy tờ", Items: []dossier.SupplementItem{{Name: "Giấy tờ còn thiếu", Reason: "Thiếu"}}}, auth.Specialist},
			{demo.Citizen.Username, dossier.Supplement, dossier.ActInput{}, dossier.ApplicantRole},
			{"gialam.chuyenvien", dossier.Forward, dossier.ActInput{}, auth.Specialist},
			{"gialam.lanhdao", dossier.SendBack, dossier.ActInput{Note: "Xem lại lời chứng"}, auth.Leader},
			{"gialam.chuyenvien", dossier.Forward, dossier.ActInput{}, auth.Specialist},
			{"gialam.lanhdao", dossier.Approve, dossier.ActInput{}, auth.Leader},
			{"gialam.tiepnhan", dossier.Apologize, dossier.ActInput{Note: "Chậm trả"}, auth.Reception},
			{"gialam.tiepnhan", dossier.Deliver, dossier.ActInput{}, auth.Reception},
		}
		type want struct {
			name, role, action, from, to string
		}
		wants := []want{{demo.Citizen.FullName, dossier.ApplicantRole, "submit", "", "submitted"}}
		for _, s := range steps {
			w.now = w.now.Add(time.Hour)
			before, err := w.ds.Get(ctx, w.actor(s.user), d.Code)
			if err != nil {
				t.Fatal(err)
			}
			if s.action == dossier.Apologize {
				due := before.DueAt.Add(48 * time.Hour)
				s.in.NewDue = &due
			}
			after, err := w.ds.Act(ctx, w.actor(s.user), d.Code, s.action, s.in)
			if err != nil {
				t.Fatalf("%s by %s: %v", s.action, s.user, err)
			}
			wants = append(wants, want{w.actor(s.user).FullName, s.role, string(s.action), string(before.Status), string(after.Status)})
		}
		got, err := w.log.List(ctx, audit.Filter{Object: "dossier:" + d.Code})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(wants) {
			t.Fatalf("%d audit rows for %d transitions: %+v", len(got), len(wants), got)
		}
		for i, e := range got {
			g := want{e.ActorName, e.ActorRole, e.Action, e.From, e.To}
			if g != wants[i] {
				t.Errorf("row %d: %+v, want %+v", i, g, wants[i])
			}
			if e.UnitID != gialam.ID || e.ActorID == 0 || e.At.IsZero() {
				t.Errorf("row %d: unit %d actor %d at %v", i, e.UnitID, e.ActorID, e.At)
			}
		}
		if !got[len(got)-1].At.Equal(w.now) {
			t.Errorf("last row at %v, want the service clock %v", got[len(got)-1].At, w.now)
		}

		// A dossier entered at the counter is audited under the desk's role.
		c := w.submit(t, "gialam.tiepnhan", "counter")
		rows, err := w.log.List(ctx, audit.Filter{Object: "dossier:" + c.Code})
		if err != nil || len(rows) != 1 || rows[0].ActorRole != auth.Reception || rows[0].Action != "submit" {
			t.Fatalf("counter submission: %+v %v", rows, err)
		}
	})
}

// A listener that fails rolls the whole transition back: the dossier is
// unchanged and the audit log holds no row for it.
func TestFailingListenerRollsBackTheTransition(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		ctx := t.Context()
		d := w.submit(t, demo.Citizen.Username, "online")
		w.refuse = dossier.Receive
		desk := w.actor("gialam.tiepnhan")
		if _, err := w.ds.Act(ctx, desk, d.Code, dossier.Receive, dossier.ActInput{}); err == nil {
			t.Fatal("receive succeeded although a listener failed")
		}
		after, err := w.ds.Get(ctx, desk, d.Code)
		if err != nil {
			t.Fatal(err)
		}
		if after.Status != dossier.Submitted || after.Version != d.Version || len(after.History) != 1 {
			t.Fatalf("after a refused receive: status %s version %d (was %d), %d events", after.Status, after.Version, d.Version, len(after.History))
		}
		rows, err := w.log.List(ctx, audit.Filter{Object: "dossier:" + d.Code})
		if err != nil || len(rows) != 1 || rows[0].Action != "submit" {
			t.Fatalf("audit after a refused receive: %+v %v", rows, err)
		}
		// Refusing a submission leaves no dossier at all.
		w.refuse = dossier.SubmitAction
		if _, _, err := w.ds.Submit(ctx, w.actor(demo.Citizen.Username), dossier.SubmitInput{Procedure: "2.000884", Unit: demo.GiaLamCode,
			Delivery: "counter", Applicant: dossier.Applicant{Name: "Nguyễn Văn An", Phone: "0912345678"},
			Form: map[string]any{"ten_giay_to": "Giấy ủy quyền", "ho_ten_nguoi_ky": "Nguyễn Văn An", "so_dinh_danh": "037085001234",
				"so_nguoi_ky": "1", "hinh_thuc": "Ký"}}); err == nil {
			t.Fatal("submit succeeded although a listener failed")
		}
		all, err := w.log.List(ctx, audit.Filter{})
		if err != nil || len(all) != 1 {
			t.Fatalf("audit log after a refused submission: %+v %v", all, err)
		}
	})
}
