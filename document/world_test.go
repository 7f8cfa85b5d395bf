package document_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/calendar"
	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/document"
	"github.com/motcua/motcua/event"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/unit"
)

// otherCommune is a commune of the demo district with no role of the
// demo accounts: its officers (made by newWorld) must see nothing of the
// district's or Gia Lâm's documents.
const otherCommune = "000.05.07.H40"

// clock is the injected clock, moved by the tests.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Set(t time.Time) { c.mu.Lock(); defer c.mu.Unlock(); c.t = t }

// world is the demo district with a document service, a recorder of the
// documents' events and the demo officers, plus a leader, a clerk and a
// specialist at otherCommune.
type world struct {
	db     *store.DB
	docs   *document.Service
	units  *unit.Store
	clock  *clock
	events *recorder
	actors map[string]*auth.Actor
}

// recorder keeps every document event published, by type name.
type recorder struct {
	mu   sync.Mutex
	acts []string
}

func (r *recorder) add(name string) { r.mu.Lock(); defer r.mu.Unlock(); r.acts = append(r.acts, name) }
func (r *recorder) list() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.acts...)
}

func record[E document.Auditable](bus *event.Bus, r *recorder, name string) {
	event.Subscribe(bus, "test", func(ctx context.Context, tx *store.Tx, e E) error {
		r.add(name)
		return nil
	})
}

func newWorld(t *testing.T, db *store.DB, configure func(*document.Config)) *world {
	t.Helper()
	ctx := t.Context()
	units := unit.NewStore(db, nil)
	au := auth.NewService(db, auth.Config{Params: auth.Params{Time: 1, MemKiB: 1024, Threads: 1}, Units: units})
	if _, err := demo.Load(ctx, db, units, au); err != nil {
		t.Fatal(err)
	}
	other, err := units.ByCode(ctx, otherCommune)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.InTx(ctx, func(tx *store.Tx) error {
		for _, x := range []struct{ name, role string }{{"khac.lanhdao", auth.Leader}, {"khac.vanthu", auth.Clerk}, {"khac.chuyenvien", auth.Specialist}} {
			u, err := au.CreateUser(ctx, tx, auth.NewUser{User: auth.User{Username: x.name, FullName: x.name, Kind: "officer"}, Password: demo.Password})
			if err != nil {
				return err
			}
			if err := au.Grant(ctx, tx, u.ID, other.ID, x.role); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	c := &clock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, calendar.Zone)}
	bus := event.New()
	rec := &recorder{}
	record[document.Registered](bus, rec, "Registered")
	record[document.Assigned](bus, rec, "Assigned")
	record[document.SpecialistAssigned](bus, rec, "SpecialistAssigned")
	record[document.Processed](bus, rec, "Processed")
	record[document.Completed](bus, rec, "Completed")
	record[document.Drafted](bus, rec, "Drafted")
	record[document.Submitted](bus, rec, "Submitted")
	record[document.Approved](bus, rec, "Approved")
	record[document.Returned](bus, rec, "Returned")
	record[document.Issued](bus, rec, "Issued")
	cfg := document.Config{Now: c.Now, Bus: bus}
	if configure != nil {
		configure(&cfg)
	}
	w := &world{db: db, docs: document.New(db, units, cfg), units: units, clock: c, events: rec, actors: map[string]*auth.Actor{}}
	for _, name := range []string{"huyen.vanthu", "huyen.lanhdao", "huyen.chuyenvien", "huyen.giamsat", "huyen.tiepnhan", "huyen.quantri",
		"gialam.vanthu", "gialam.lanhdao", "gialam.chuyenvien", "gialam.tiepnhan", "khac.lanhdao", "khac.vanthu", "khac.chuyenvien"} {
		a, err := au.UserByName(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		w.actors[name] = a
	}
	return w
}

func (w *world) actor(t *testing.T, name string) *auth.Actor {
	t.Helper()
	a, ok := w.actors[name]
	if !ok {
		t.Fatalf("no actor %s", name)
	}
	return a
}

// paper is an incoming paper document from the province with number n.
func paper(n string) document.Incoming {
	return document.Incoming{Unit: demo.DistrictCode, Medium: document.Paper,
		Sender:     document.Organ{OrganID: demo.ProvinceCode, Name: "UBND tỉnh Ninh Bình"},
		CodeNumber: n, CodeNotation: "UBND-VX", IssuedDate: "2026-02-27", Type: "CV",
		Subject: "V/v triển khai kế hoạch chuyển đổi số năm 2026", Priority: 1, PageAmount: 2, DueDate: "2026-03-20",
		Signer: document.Signer{Position: "Phó Chủ tịch", FullName: "Trần Văn Nam"}}
}
