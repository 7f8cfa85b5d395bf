package reorg_test

import (
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/forms"
	"github.com/motcua/motcua/server"
	"github.com/motcua/motcua/server/servertest"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/unit"
)

// The small world of these tests: a province, one district with three
// communes, and a land registration branch of the province serving them.
const (
	province = "000.00.00.H98"
	district = "000.00.01.H98"
	c1       = "000.01.01.H98"
	c2       = "000.02.01.H98"
	c3       = "000.03.01.H98"
	branch   = "000.00.90.H98"
	newComm  = "000.04.01.H98" // created by the merge plan
)

// Procedures: a certification (commune steps only), a land procedure with
// district steps, and another land procedure with district steps. The
// shipped land procedures name the land registration branch on their
// district steps; the world publishes them as they stood before (the
// district's steps naming no kind), so that the district, not the branch,
// holds their dossiers until a plan's competence rules say otherwise.
const (
	certify = "2.000884"
	land    = "1.012783"
	land2   = "1.013831"
)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Set(t time.Time) { c.mu.Lock(); defer c.mu.Unlock(); c.t = t }

type world struct {
	t     *testing.T
	db    *store.DB
	app   *server.App
	clock *clock
	// officers by username
	officers map[string]*auth.Actor
}

// newWorld builds the world on db with the application's own wiring, so
// the listeners that move dossiers, roles and registers run as in serve.
// The clock stands at 1 August 2025.
func newWorld(t *testing.T, db *store.DB) *world {
	t.Helper()
	ctx := t.Context()
	servertest.Prepare(t, db)
	c := &clock{t: time.Date(2025, 8, 1, 9, 0, 0, 0, unit.Vietnam)}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	app, err := server.New(ctx, db, server.Config{DataDir: t.TempDir(), Log: quiet, Now: c.Now,
		AuthParams: auth.Params{Time: 1, MemKiB: 1024, Threads: 1}})
	if err != nil {
		t.Fatal(err)
	}
	w := &world{t: t, db: db, app: app, clock: c, officers: map[string]*auth.Actor{}}
	type u struct {
		code, name, level, kind, parent, stat string
	}
	units := []u{
		{province, "UBND tỉnh Thử", unit.Province, unit.Committee, "", "98"},
		{district, "UBND huyện Thử", unit.District, unit.Committee, province, "981"},
		{c1, "UBND xã Một", unit.Commune, unit.Committee, district, "98101"},
		{c2, "UBND xã Hai", unit.Commune, unit.Committee, district, "98102"},
		{c3, "UBND xã Ba", unit.Commune, unit.Committee, district, "98103"},
		{branch, "Chi nhánh Văn phòng đăng ký đất đai Thử", unit.District, unit.LandBranch, province, ""},
	}
	people := []struct{ name, role, unit string }{
		{"tinh.quantri", auth.Admin, province},
		{"huyen.quantri", auth.Admin, district},
		{"xa1.tiepnhan", auth.Reception, c1},
		{"xa2.tiepnhan", auth.Reception, c2},
		{"xa3.tiepnhan", auth.Reception, c3},
		{"xa1.chuyenvien", auth.Specialist, c1},
		{"xa1.lanhdao", auth.Leader, c1},
		{"huyen.chuyenvien", auth.Specialist, district},
	}
	if err := db.InTx(ctx, func(tx *store.Tx) error {
		ids := map[string]int64{}
		for _, x := range units {
			got, err := app.Units.Create(ctx, tx, unit.Unit{Code: x.code, Name: x.name, Level: x.level, Kind: x.kind, StatCode: x.stat}, x.parent)
			if err != nil {
				return err
			}
			ids[x.code] = got.ID
		}
		for _, c := range []string{c1, c2, c3} {
			if err := app.Units.Serve(ctx, tx, ids[branch], ids[c], time.Time{}); err != nil {
				return err
			}
		}
		for _, code := range []string{land, land2} {
			p, err := app.Catalog.Get(ctx, code)
			if err != nil {
				return err
			}
			for i := range p.Steps {
				p.Steps[i].Kind = ""
			}
			if _, err := app.Catalog.Publish(ctx, tx, p, 0); err != nil {
				return err
			}
		}
		for _, p := range people {
			got, err := app.Auth.CreateUser(ctx, tx, auth.NewUser{User: auth.User{Username: p.name, FullName: "Cán bộ " + p.name,
				Kind: "officer"}, Password: demo.Password})
			if err != nil {
				return err
			}
			if err := app.Auth.Grant(ctx, tx, got.ID, ids[p.unit], p.role); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	for _, p := range people {
		a, err := app.Auth.UserByName(ctx, p.name)
		if err != nil {
			t.Fatal(err)
		}
		w.officers[p.name] = a
	}
	return w
}

// filed submits a dossier of procedure at the commune's counter, as its
// reception officer, and receives it.
func (w *world) filed(procedure, commune, desk string) *dossier.Dossier {
	w.t.Helper()
	ctx := w.t.Context()
	p, err := w.app.Catalog.Get(ctx, procedure)
	if err != nil {
		w.t.Fatal(err)
	}
	form := map[string]any{}
	for _, f := range p.Form {
		if !f.Required {
			continue
		}
		switch f.Type {
		case "date":
			form[f.Key] = "2020-01-02"
		case "select":
			form[f.Key] = f.Options[0]
		case "number":
			form[f.Key] = 1
		case "id_number":
			form[f.Key] = "037085001234"
		case "phone":
			form[f.Key] = "0912345678"
		default:
			form[f.Key] = "Thử"
		}
	}
	d, _, err := w.app.Dossiers.Submit(ctx, w.officers[desk], dossier.SubmitInput{Procedure: procedure, Unit: commune,
		Applicant: dossier.Applicant{Name: "Nguyễn Văn An", Phone: "0912345678", IDNumber: "037085001234", Address: "Thôn 1"},
		Form:      form, Delivery: "counter", Channel: "counter"})
	if err != nil {
		w.t.Fatalf("submit %s at %s: %v", procedure, commune, err)
	}
	return w.act(d.Code, desk, dossier.Receive)
}

// act does action on dossier code as officer.
func (w *world) act(code, officer string, action dossier.Action) *dossier.Dossier {
	w.t.Helper()
	d, err := w.app.Dossiers.Act(w.t.Context(), w.officers[officer], code, action, dossier.ActInput{Note: "Thử."})
	if err != nil {
		w.t.Fatalf("%s %s as %s: %v", action, code, officer, err)
	}
	return d
}

// get reads a dossier as the system sees it.
func (w *world) get(code string) dossier.Placement {
	w.t.Helper()
	id, err := dossier.IDOf(w.t.Context(), w.db, code)
	if err != nil {
		w.t.Fatal(err)
	}
	ps, err := dossier.PlacementsOf(w.t.Context(), w.db, []int64{id})
	if err != nil || len(ps) != 1 {
		w.t.Fatalf("dossier %s: %v", code, err)
	}
	return ps[0]
}

// unitID is the id of the unit code.
func (w *world) unitID(code string) int64 {
	w.t.Helper()
	u, err := w.app.Units.ByCode(w.t.Context(), code)
	if err != nil {
		w.t.Fatal(err)
	}
	return u.ID
}

// receipt issues the dossier's receipt (form 01), numbering it in the
// receiving unit's register.
func (w *world) receipt(code, officer string) {
	w.t.Helper()
	if _, err := w.app.Forms.Dossier(w.t.Context(), w.officers[officer], code, forms.Receipt, "http://localhost"); err != nil {
		w.t.Fatalf("receipt of %s: %v", code, err)
	}
}
