package demo_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"slices"
	"testing"
	"time"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/server"
	"github.com/motcua/motcua/server/servertest"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
	"github.com/motcua/motcua/unit"
)

var ict = time.FixedZone("ICT", 7*3600)

// newApp is the application on db, its clock at a working morning of
// 2026 (after both plans' dates), with cheap password hashing.
func newApp(t *testing.T, db *store.DB) *server.App { t.Helper(); return newAppWith(t, db, nil) }

// newAppWith is newApp with configure changing the Config first.
func newAppWith(t *testing.T, db *store.DB, configure func(*server.Config)) *server.App {
	t.Helper()
	servertest.Prepare(t, db)
	now := func() time.Time { return time.Date(2026, 3, 2, 8, 0, 0, 0, ict) }
	cfg := server.Config{DataDir: t.TempDir(), Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		AuthParams: auth.Params{Time: 1, MemKiB: 8, Threads: 1}, Now: now, PublicURL: "http://127.0.0.1"}
	if configure != nil {
		configure(&cfg)
	}
	app, err := server.New(t.Context(), db, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return app
}

// wantUnits2025 are the commune-level units that replaced Nho Quan's
// communes, with their statistical codes (Decision 19/2025/QĐ-TTg).
var wantUnits2025 = map[string]string{
	"UBND xã Nho Quan": "14428", "UBND xã Gia Lâm": "14389", "UBND xã Gia Tường": "14401", "UBND xã Phú Sơn": "14407",
	"UBND xã Cúc Phương": "14404", "UBND xã Phú Long": "14458", "UBND xã Thanh Sơn": "14434", "UBND xã Quỳnh Lưu": "14452",
	"UBND phường Tây Hoa Lư": "14533", "UBND phường Yên Sơn": "14371",
}

// TestTwoTierWorld loads the two-tier world (the 2022 world with both
// plans of 2025 applied by the reorganisation service) and checks the
// tree today, the tree on earlier dates, and where the demo accounts work.
func TestTwoTierWorld(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		app := newApp(t, db)
		loaded, err := demo.LoadTwoTier(ctx, db, app.Units, app.Auth, app.Reorg)
		if err != nil || !loaded {
			t.Fatalf("LoadTwoTier: %v %v", loaded, err)
		}
		if w, err := demo.WorldOf(ctx, app.Units); err != nil || w != demo.WorldTwoTier {
			t.Fatalf("world %q %v", w, err)
		}

		today, err := app.Units.TreeAt(ctx, time.Date(2026, 3, 2, 8, 0, 0, 0, ict))
		if err != nil {
			t.Fatal(err)
		}
		byCode := map[string]unit.Snapshot{}
		got := map[string]string{}
		for _, n := range today {
			byCode[n.Code] = n
			if n.Level == unit.District {
				t.Errorf("a district today: %s %s", n.Code, n.Name)
			}
			if n.Level == unit.Commune && n.Kind == unit.Committee {
				got[n.Name] = n.StatCode
				if n.ParentCode != demo.ProvinceCode {
					t.Errorf("%s under %q, want the province", n.Name, n.ParentCode)
				}
			}
		}
		if len(got) != len(wantUnits2025) {
			t.Errorf("communes today %v, want %v", got, wantUnits2025)
		}
		for name, code := range wantUnits2025 {
			if got[name] != code {
				t.Errorf("%s: statistical code %q, want %s", name, got[name], code)
			}
		}
		if p := byCode[demo.ProvinceCode]; p.StatCode != "37" || p.Name != "UBND tỉnh Ninh Bình" {
			t.Errorf("province today %+v", p)
		}
		// Each commune has its service centre; the branch serves them all.
		centres := map[string]int{}
		for _, n := range today {
			if n.Kind == unit.Centre {
				centres[n.ParentCode]++
			}
		}
		branch, err := app.Units.ByCode(ctx, demo.LandBranchCode)
		if err != nil || branch.Kind != unit.LandBranch || branch.Level != unit.Province || !branch.Active {
			t.Fatalf("land branch %+v %v", branch, err)
		}
		area, err := app.Units.Area(ctx, branch.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range today {
			if n.Level != unit.Commune || n.Kind != unit.Committee {
				continue
			}
			if centres[n.Code] != 1 {
				t.Errorf("%s has %d service centres, want 1", n.Name, centres[n.Code])
			}
			if !slices.Contains(area, n.Code) {
				t.Errorf("the land branch does not serve %s (area %v)", n.Name, area)
			}
		}

		// The past stays readable: the 2022 tree, and the 23 after 1 January 2025.
		for _, c := range []struct {
			at       time.Time
			communes int
			codes    map[string]string
		}{
			{time.Date(2022, 6, 1, 0, 0, 0, 0, ict), 27, map[string]string{"UBND xã Gia Lâm": "14389", "UBND xã Sơn Hà": "14455", "UBND thị trấn Nho Quan": "14383"}},
			{time.Date(2025, 3, 1, 0, 0, 0, 0, ict), 23, map[string]string{"UBND xã Phúc Sơn": "14437", "UBND xã Thanh Sơn": "14434", "UBND thị trấn Nho Quan": "14428"}},
		} {
			tree, err := app.Units.TreeAt(ctx, c.at)
			if err != nil {
				t.Fatal(err)
			}
			n, codes := 0, map[string]string{}
			var district *unit.Snapshot
			for i, s := range tree {
				if s.Code == demo.DistrictCode {
					district = &tree[i]
				}
				if s.Level == unit.Commune && s.ParentCode == demo.DistrictCode {
					n++
					codes[s.Name] = s.StatCode
				}
				if s.Kind != unit.Committee {
					t.Errorf("%s: %s (%s) in force", c.at.Format(time.DateOnly), s.Name, s.Kind)
				}
			}
			if district == nil || district.Name != "UBND huyện Nho Quan" || district.StatCode != "372" {
				t.Errorf("%s: district %+v", c.at.Format(time.DateOnly), district)
			}
			if n != c.communes {
				t.Errorf("%s: %d communes of Nho Quan, want %d", c.at.Format(time.DateOnly), n, c.communes)
			}
			for name, code := range c.codes {
				if codes[name] != code {
					t.Errorf("%s: %s has code %q, want %s", c.at.Format(time.DateOnly), name, codes[name], code)
				}
			}
		}

		// Every login works where Logins says: the moved gialam.* roles at the
		// new xã Gia Lâm (reception at its centre), the branch's officers.
		for _, a := range demo.Logins(demo.WorldTwoTier) {
			actor, err := app.Auth.UserByName(ctx, a.Username)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.ContainsFunc(actor.Grants, func(g auth.Grant) bool { return g.UnitCode == a.UnitCode && g.Role == a.Role }) {
				t.Errorf("%s holds %+v, want %s at %s", a.Username, actor.Grants, a.Role, a.UnitCode)
			}
		}
		for _, want := range []demo.Account{
			{Username: "gialam.tiepnhan", Role: auth.Reception, UnitCode: demo.GiaLamCentreCode},
			{Username: "gialam.chuyenvien", Role: auth.Specialist, UnitCode: demo.GiaLam2025Code},
			{Username: "gialam.lanhdao", Role: auth.Leader, UnitCode: demo.GiaLam2025Code},
			{Username: "gialam.vanthu", Role: auth.Clerk, UnitCode: demo.GiaLam2025Code},
			{Username: "chinhanh.chuyenvien", Role: auth.Specialist, UnitCode: demo.LandBranchCode},
		} {
			if !slices.ContainsFunc(demo.Logins(demo.WorldTwoTier), func(a demo.Account) bool {
				return a.Username == want.Username && a.Role == want.Role && a.UnitCode == want.UnitCode
			}) {
				t.Errorf("Logins lacks %+v", want)
			}
		}

		// Routing today: a land registration step goes to the branch, other
		// district work to the commune (the plan's competence rules).
		gialam, err := app.Units.ByCode(ctx, demo.GiaLam2025Code)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			step unit.Step
			want string
		}{
			{unit.Step{Level: unit.District, Kind: unit.LandBranch, Procedure: "1.013831"}, demo.LandBranchCode},
			{unit.Step{Level: unit.District, Procedure: "1.013831"}, demo.LandBranchCode},
			{unit.Step{Level: unit.District, Procedure: "2.000884"}, demo.GiaLam2025Code},
			{unit.Step{Level: unit.Commune, Procedure: "2.000884"}, demo.GiaLam2025Code},
		} {
			u, err := app.Units.ForStep(ctx, db, gialam.ID, c.step, time.Date(2026, 3, 2, 8, 0, 0, 0, ict))
			if err != nil || u.Code != c.want {
				t.Errorf("ForStep %+v = %s %v, want %s", c.step, u.Code, err, c.want)
			}
		}

		// Loading again changes nothing.
		if loaded, err := demo.LoadTwoTier(ctx, db, app.Units, app.Auth, app.Reorg); err != nil || loaded {
			t.Errorf("second LoadTwoTier: %v %v", loaded, err)
		}
	})
}

// TestWorlds: the 2022 world is left alone by LoadTwoTier, and the
// generator refuses a database that holds the two-tier world.
func TestWorlds(t *testing.T) {
	db := storetest.Open(t, "sqlite")
	ctx := t.Context()
	app := newApp(t, db)
	if w, err := demo.WorldOf(ctx, app.Units); err != nil || w != "" {
		t.Fatalf("empty database: world %q %v", w, err)
	}
	if _, err := demo.Load(ctx, db, app.Units, app.Auth); err != nil {
		t.Fatal(err)
	}
	if w, err := demo.WorldOf(ctx, app.Units); err != nil || w != demo.World2022 {
		t.Fatalf("after Load: world %q %v", w, err)
	}
	if _, err := demo.LoadTwoTier(ctx, db, app.Units, app.Auth, app.Reorg); !errors.Is(err, demo.ErrWorld2022) {
		t.Fatalf("LoadTwoTier on the 2022 world: %v", err)
	}
	district, err := app.Units.ByCode(ctx, demo.DistrictCode)
	if err != nil || !district.Active {
		t.Fatalf("the 2022 world was changed: %+v %v", district, err)
	}
	// With no branch in 2022, a land registration step stays at the district.
	gialam, err := app.Units.ByCode(ctx, demo.GiaLamCode)
	if err != nil {
		t.Fatal(err)
	}
	st := unit.Step{Level: unit.District, Kind: unit.LandBranch, Procedure: "1.013831"}
	if u, err := app.Units.ForStep(ctx, db, gialam.ID, st, time.Date(2022, 6, 1, 8, 0, 0, 0, ict)); err != nil || u.Code != demo.DistrictCode {
		t.Errorf("2022 land step at %s %v, want the district", u.Code, err)
	}
	// Moved by the plans, as `motcua reorg apply` would: the next load
	// adds the branch's accounts only.
	plans, err := demo.Plans()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range plans {
		if _, err := app.Reorg.Apply(ctx, nil, p); err != nil {
			t.Fatalf("apply %s: %v", p.ID, err)
		}
	}
	if loaded, err := demo.LoadTwoTier(ctx, db, app.Units, app.Auth, app.Reorg); err != nil || !loaded {
		t.Fatalf("LoadTwoTier after the plans: %v %v", loaded, err)
	}
	if _, err := app.Auth.UserByName(ctx, "chinhanh.lanhdao"); err != nil {
		t.Fatal(err)
	}
	_, err = demo.Generate(context.Background(), demo.GenerateConfig{DB: db, DataDir: t.TempDir(), Year: 2022, Scale: 0.001})
	if !errors.Is(err, demo.ErrNot2022) {
		t.Fatalf("generate on the two-tier world: %v", err)
	}
}

// TestTwoTierDesk: in the two-tier world the desk of xã Gia Lâm receives
// at its service centre; a land transfer goes on to the land branch,
// whose specialist takes it and passes it to the branch's leader, while
// a certification stays at the commune.
func TestTwoTierDesk(t *testing.T) {
	db := storetest.Open(t, "sqlite")
	ctx := t.Context()
	app := newApp(t, db)
	if _, err := demo.LoadTwoTier(ctx, db, app.Units, app.Auth, app.Reorg); err != nil {
		t.Fatal(err)
	}
	actor := func(name string) *auth.Actor {
		a, err := app.Auth.UserByName(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	desk := actor("gialam.tiepnhan")
	for _, c := range []struct {
		procedure string
		form      map[string]any
		unit      string // where the step after reception is done
		next      string // who takes it there
	}{
		{"1.013831", map[string]any{"loai_bien_dong": "Tặng cho", "so_thua": "12", "so_to_ban_do": "3", "dia_chi_thua_dat": "Thôn Tân Lập, xã Gia Lâm",
			"so_phat_hanh_gcn": "CS 123456", "ben_chuyen_quyen": "Nguyễn Văn An", "ben_nhan_quyen": "Nguyễn Văn Bình",
			"so_dinh_danh_ben_nhan": "037085001235", "so_dien_thoai": "0912345678"}, demo.LandBranchCode, "chinhanh.chuyenvien"},
		{"2.000884", map[string]any{"ten_giay_to": "Giấy ủy quyền", "ho_ten_nguoi_ky": "Nguyễn Văn An", "so_dinh_danh": "037085001234",
			"so_nguoi_ky": "1", "hinh_thuc": "Ký"}, demo.GiaLam2025Code, "gialam.chuyenvien"},
	} {
		d, _, err := app.Dossiers.Submit(ctx, desk, dossier.SubmitInput{Procedure: c.procedure, Unit: demo.GiaLamCentreCode, Delivery: "counter",
			Channel: "counter", Applicant: dossier.Applicant{Name: "Nguyễn Văn An", Phone: "0912345678"}, Form: c.form})
		if err != nil {
			t.Fatalf("%s: submit at the centre: %v", c.procedure, err)
		}
		if d, err = app.Dossiers.Act(ctx, desk, d.Code, dossier.Receive, dossier.ActInput{}); err != nil {
			t.Fatalf("%s: receive: %v", c.procedure, err)
		}
		if d.Unit != c.unit || d.StepRole != auth.Specialist {
			t.Errorf("%s: after reception at %s as %s, want %s as specialist", c.procedure, d.Unit, d.StepRole, c.unit)
		}
		if d, err = app.Dossiers.Act(ctx, actor(c.next), d.Code, dossier.Forward, dossier.ActInput{}); err != nil {
			t.Fatalf("%s: %s forwards: %v", c.procedure, c.next, err)
		}
		if c.procedure == "1.013831" && (d.Unit != demo.LandBranchCode || d.StepRole != auth.Leader) {
			t.Errorf("land transfer after the branch's specialist: at %s as %s, want the branch's leader", d.Unit, d.StepRole)
		}
	}
}
