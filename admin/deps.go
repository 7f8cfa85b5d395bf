package admin

import (
	"context"
	"time"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/catalog"
	"github.com/motcua/motcua/reorg"
	"github.com/motcua/motcua/unit"
)

// The admin pages depend on these small interfaces rather than on the
// services themselves, so their handlers can be tested against fakes; the
// services satisfy them.

// Auth is the part of the account service (*auth.Service) the admin pages use.
type Auth interface {
	Actor(ctx context.Context, userID int64) (*auth.Actor, error)
	DisableTOTP(ctx context.Context, userID int64, code string) error
	HasTOTP(ctx context.Context, userID int64) (bool, error)
	SetTOTP(ctx context.Context, userID int64, secret, code string) error
	TOTPRequired(ctx context.Context, unitID int64) (bool, error)
}

// Accounts manages officer accounts and roles (*auth.Accounts).
type Accounts interface {
	ClearTOTP(ctx context.Context, a *auth.Actor, username string) error
	Citizens(ctx context.Context, a *auth.Actor, q string) ([]auth.Officer, error)
	SetTOTPPolicy(ctx context.Context, a *auth.Actor, unitID int64, required bool) error
	CreateOfficer(ctx context.Context, a *auth.Actor, nu auth.NewUser, unitID int64, role string) (auth.User, error)
	GrantRole(ctx context.Context, a *auth.Actor, username string, unitID int64, role string) error
	Officer(ctx context.Context, a *auth.Actor, username string) (auth.Officer, error)
	Officers(ctx context.Context, a *auth.Actor) ([]auth.Officer, error)
	ResetPassword(ctx context.Context, a *auth.Actor, username, password string) error
	RevokeRole(ctx context.Context, a *auth.Actor, username string, unitID int64, role string) error
	SetDisabled(ctx context.Context, a *auth.Actor, username string, disabled bool) error
}

// Catalog reads the procedure catalog (*catalog.Store).
type Catalog interface {
	Edit(ctx context.Context, a *auth.Actor, p catalog.Procedure) (catalog.Procedure, error)
	MayEdit(ctx context.Context, a *auth.Actor, code string) error
	Get(ctx context.Context, code string) (catalog.Procedure, error)
	Search(ctx context.Context, q catalog.Query) ([]catalog.Summary, error)
	Versions(ctx context.Context, code string) ([]catalog.VersionInfo, error)
	ConfirmFees(ctx context.Context, a *auth.Actor, code string, amounts map[int]int64) (catalog.Procedure, error)
}

// Units reads the administrative units (*unit.Store).
type Units interface {
	AddChild(ctx context.Context, a *auth.Actor, parentCode string, c unit.Unit) (unit.Unit, error)
	// Area lists the communes a land registration branch serves.
	Area(ctx context.Context, unitID int64) ([]string, error)
	AddDepartmentTo(ctx context.Context, a *auth.Actor, unitCode string, d unit.Department) error
	AtProvince(ctx context.Context, a *auth.Actor, r auth.Right) error
	ByCode(ctx context.Context, code string) (unit.Unit, error)
	ByID(ctx context.Context, id int64) (unit.Unit, error)
	Departments(ctx context.Context, unitID int64) ([]unit.Department, error)
	History(ctx context.Context, unitID int64) ([]unit.Change, error)
	Managed(ctx context.Context, a *auth.Actor, code string) (unit.Unit, error)
	MergeAs(ctx context.Context, a *auth.Actor, fromCode, intoCode, reason string) error
	// Periods is a unit's history with parent, level and kind.
	Periods(ctx context.Context, unitID int64) ([]unit.Period, error)
	PlanMerge(ctx context.Context, a *auth.Actor, fromCode, intoCode string) (unit.MergePlan, error)
	RenameAs(ctx context.Context, a *auth.Actor, code, newCode, newName, reason string) error
	SetSupplementDaysAs(ctx context.Context, a *auth.Actor, code string, days int) error
	SupplementDaysOf(ctx context.Context, id int64) (int, error)
	Tree(ctx context.Context, a *auth.Actor) ([]unit.Node, error)
	// TreeAt is the whole tree as it stood at an instant.
	TreeAt(ctx context.Context, at time.Time) ([]unit.Snapshot, error)
}

// Reorg checks, applies and reverts reorganisation plans (*reorg.Service);
// it checks that the admin administers every unit a plan names.
type Reorg interface {
	DryRun(ctx context.Context, a *auth.Actor, p reorg.Plan) (reorg.Report, error)
	Apply(ctx context.Context, a *auth.Actor, p reorg.Plan) (reorg.Report, error)
	Revert(ctx context.Context, a *auth.Actor, id string) error
	List(ctx context.Context) ([]reorg.Record, error)
	Get(ctx context.Context, id string) (reorg.Record, error)
}
