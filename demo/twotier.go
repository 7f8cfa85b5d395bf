package demo

// The two-tier world: the 2022 world carried through the two real
// reorganisations of 2025 by the reorganisation service (package reorg),
// exactly as a province would carry its own live system, so the units'
// history, the officers' moved roles and the competence rules are the
// service's own work and not a second copy of it.

import (
	"bytes"
	"context"
	"embed"
	"errors"
	"fmt"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/reorg"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/unit"
)

// The demo worlds.
const (
	// World2022 is Nho Quan district with its 27 communes (Load).
	World2022 = "2022"
	// WorldTwoTier is the province and communes after 1 July 2025 (LoadTwoTier).
	WorldTwoTier = "2025"
	// WorldOther is the demo province with a tree that is neither, such as
	// the 2022 world with only the first plan of 2025 applied.
	WorldOther = "other"
)

// Codes of the two-tier world's units used by tests and the README (the
// agency codes are illustrative: demo/plans/README.md).
const (
	NhoQuanCode      = "000.01.37.H40" // xã Nho Quan, the district's successor
	GiaLam2025Code   = "000.02.37.H40" // xã Gia Lâm = Gia Sơn + Xích Thổ + Gia Lâm
	GiaLamCentreCode = "001.02.37.H40" // its public administrative service centre
	LandBranchCode   = "001.01.20.H40" // the land registration branch (name assumed)
)

//go:embed plans/*.json
var planFS embed.FS

// PlanFiles are the plans of 2025 in the order they apply, as paths in
// the source tree (demo/…) for `motcua reorg apply`.
var PlanFiles = []string{"plans/2025-01-01-ninh-binh.json", "plans/2025-07-01-ninh-binh.json"}

// Plans returns the plans of 2025, parsed, in the order they apply.
func Plans() ([]reorg.Plan, error) {
	out := make([]reorg.Plan, 0, len(PlanFiles))
	for _, f := range PlanFiles {
		b, err := planFS.ReadFile(f)
		if err != nil {
			return nil, err
		}
		p, err := reorg.Parse(bytes.NewReader(b))
		if err != nil {
			return nil, fmt.Errorf("demo: %s: %w", f, err)
		}
		out = append(out, p)
	}
	return out, nil
}

// BranchAccounts are the officers of the land registration branch, who
// exist only in the two-tier world.
var BranchAccounts = []Account{
	{"chinhanh.chuyenvien", "Trịnh Văn Hải", auth.Specialist, LandBranchCode, "Viên chức Chi nhánh Văn phòng Đăng ký đất đai"},
	{"chinhanh.lanhdao", "Đoàn Thị Hạnh", auth.Leader, LandBranchCode, "Giám đốc Chi nhánh Văn phòng Đăng ký đất đai"},
	{"chinhanh.vanthu", "Tạ Thị Ngọc", auth.Clerk, LandBranchCode, "Văn thư Chi nhánh Văn phòng Đăng ký đất đai"},
}

// successors2025 are where the 2022 units whose officers have demo
// accounts went on 1 July 2025: the committee, and its service centre
// (the desk, where reception and community roles go).
var successors2025 = map[string][2]string{
	DistrictCode: {NhoQuanCode, "001.01.37.H40"},
	GiaLamCode:   {GiaLam2025Code, GiaLamCentreCode},
}

// Logins lists the demo logins of a world, each at the unit where it
// works in that world. In the two-tier world the 2022 accounts are those
// whose roles the reorganisation moved (auth.MoveRoles), and the branch's.
func Logins(world string) []Account {
	if world != WorldTwoTier {
		return Accounts
	}
	out := make([]Account, 0, len(Accounts)+len(BranchAccounts))
	for _, a := range Accounts {
		if s, ok := successors2025[a.UnitCode]; ok {
			a.UnitCode = s[0]
			if a.Role == auth.Reception || a.Role == auth.Community {
				a.UnitCode = s[1]
			}
		}
		out = append(out, a)
	}
	return append(out, BranchAccounts...)
}

// WorldOf says which demo world the database holds: "" for none.
func WorldOf(ctx context.Context, units *unit.Store) (string, error) {
	if _, err := units.ByCode(ctx, ProvinceCode); errors.Is(err, problem.ErrNotFound) {
		return "", nil
	} else if err != nil {
		return "", err
	}
	district, err := units.ByCode(ctx, DistrictCode)
	if err != nil && !errors.Is(err, problem.ErrNotFound) {
		return "", err
	}
	if err == nil && !district.Active {
		if _, err := units.ByCode(ctx, GiaLam2025Code); err == nil {
			return WorldTwoTier, nil
		}
		return WorldOther, nil
	}
	if err != nil {
		return WorldOther, nil
	}
	for i := range communes {
		u, err := units.ByCode(ctx, fmt.Sprintf("000.%02d.07.H40", i+1))
		if err != nil || !u.Active {
			return WorldOther, nil
		}
	}
	return World2022, nil
}

// ErrWorld2022 is LoadTwoTier's answer on a database that holds the 2022
// world: it is left as it is (moving it is `motcua reorg apply` of the
// plans, a step its owner takes knowingly).
var ErrWorld2022 = errors.New("demo: the database holds the 2022 demo world")

// LoadTwoTier creates the two-tier world unless it is there: the 2022
// world (Load), then the plans of 2025 in order through reorgs — which
// must be the service wired to the application's bus, so that roles and
// dossiers follow their units — then the branch's accounts. On a
// database holding the 2022 world it changes nothing and returns
// ErrWorld2022, unless the demo's own first plan is already recorded (a
// load cut short), which it completes. It reports whether it loaded
// anything.
func LoadTwoTier(ctx context.Context, db *store.DB, units *unit.Store, au *auth.Service, reorgs *reorg.Service) (bool, error) {
	plans, err := Plans()
	if err != nil {
		return false, err
	}
	world, err := WorldOf(ctx, units)
	if err != nil {
		return false, err
	}
	loaded := false
	switch world {
	case "":
		if _, err := Load(ctx, db, units, au); err != nil {
			return false, err
		}
		loaded = true
	case World2022, WorldOther:
		if _, err := reorgs.Get(ctx, plans[0].ID); errors.Is(err, problem.ErrNotFound) {
			return false, ErrWorld2022
		} else if err != nil {
			return false, err
		}
	}
	if world != WorldTwoTier {
		for _, p := range plans {
			if _, err := reorgs.Apply(ctx, nil, p); err != nil {
				return loaded, fmt.Errorf("demo: plan %s: %w", p.ID, err)
			}
		}
		loaded = true
	}
	added, err := addAccounts(ctx, db, units, au, BranchAccounts)
	return loaded || added, err
}

// addAccounts creates the accounts of list that are missing (a world
// moved by `motcua reorg apply` gets the branch's on the next start).
func addAccounts(ctx context.Context, db *store.DB, units *unit.Store, au *auth.Service, list []Account) (bool, error) {
	var missing []Account
	for _, acc := range list {
		if _, err := au.UserByName(ctx, acc.Username); errors.Is(err, problem.ErrNotFound) {
			missing = append(missing, acc)
		} else if err != nil {
			return false, err
		}
	}
	if len(missing) == 0 {
		return false, nil
	}
	return true, db.InTx(ctx, func(tx *store.Tx) error {
		for _, acc := range missing {
			if err := createAccount(ctx, tx, units, au, acc); err != nil {
				return err
			}
		}
		return nil
	})
}

// createAccount creates an officer with the demo password and grants the role.
func createAccount(ctx context.Context, tx *store.Tx, units *unit.Store, au *auth.Service, acc Account) error {
	u, err := au.CreateUser(ctx, tx, auth.NewUser{User: auth.User{Username: acc.Username, FullName: acc.FullName, Kind: "officer", Title: acc.Title}, Password: Password})
	if err != nil {
		return err
	}
	un, err := units.ByCodeTx(ctx, tx, acc.UnitCode)
	if err != nil {
		return err
	}
	return au.Grant(ctx, tx, u.ID, un.ID, acc.Role)
}
