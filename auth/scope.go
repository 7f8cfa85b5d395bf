package auth

import "slices"

// Right is something an officer may do at a unit. Every right is held at
// a unit, through a role there, and reaches that unit and, for some roles,
// the units below it — never a sibling, never a parent. Scopes says which
// role reaches how far; it is the one place these rules are written.
type Right string

const (
	// ReadDossier: see a dossier's content — the applicant's personal data,
	// the form, the files, the printed forms, the tracking book. The
	// officer or volunteer who filed a dossier always sees it, whatever
	// their roles; a citizen sees their own. What an officer may *do* to
	// a dossier is the lifecycle table's (dossier.Rules): a role held at
	// the dossier's unit (or receiving unit) itself, never above it.
	ReadDossier Right = "dossier.read"
	// FileDossier: enter a dossier at a unit — at its counter (reception),
	// or online on a citizen's behalf (the community digital team, which
	// then sees only the dossiers it filed). Citizens file online at any
	// unit for themselves; that is no unit's right.
	FileDossier Right = "dossier.file"
	// ManageUnits: add child units and departments, rename, merge.
	ManageUnits Right = "unit.manage"
	// ManageAccounts: create officers, grant and revoke roles, reset
	// passwords, disable accounts whose every role lies in scope.
	ManageAccounts Right = "account.manage"
	// EditProcedure: publish a new version of a procedure. Shipped
	// procedures belong to the whole province; a procedure version that
	// names a unit (catalog.Procedure.Unit) may also be edited by that
	// unit's admins. Either way the editor must be entitled at the
	// current version's unit and at the new one's.
	EditProcedure Right = "procedure.edit"
	// Announce: add or withdraw a calendar announcement. Held only at a
	// province (a unit with no parent, of province level): a day off
	// moves every deadline of every unit.
	Announce Right = "calendar.announce"
	// ReadAudit: read the audit log of a unit (and, for supervisors, of
	// the units below it) — GET /api/v1/audit, /quan-tri/nhat-ky.
	ReadAudit Right = "audit.read"
	// ManageCitizens: disable, enable and reset citizen accounts. Citizens
	// belong to no unit, so only an admin of an active province-level
	// unit holds it (unit.Store.AdministersCitizens).
	ManageCitizens Right = "citizen.manage"
	// ReadReports: read a unit's statistics — the II.06a report, the
	// Decision 766 scorecard, processing analytics and dashboards — for
	// the unit and every unit below it: a province's leaders report on
	// its communes. Figures only; a list of dossiers behind a figure
	// shows each dossier only where ReadDossier also holds.
	ReadReports Right = "report.read"
	// ReadDocument: see an incoming or outgoing document of a unit's
	// registers (package document) — its metadata, files, trail, drafts.
	// Officers of the lead and coordinating units of an assignment, the
	// specialist named and a draft's drafter also see it (document.canView).
	ReadDocument Right = "document.read"
	// RegisterDocument: enter an incoming document in a unit's incoming
	// register (văn thư).
	RegisterDocument Right = "document.register"
	// AssignDocument: assign an incoming document of the unit (instruction,
	// lead and coordinating units, deadline), and, at a lead unit, name the
	// specialist.
	AssignDocument Right = "document.assign"
	// DraftDocument: draft an outgoing document at a unit.
	DraftDocument Right = "document.draft"
	// ApproveDocument: review a draft of the unit (its head) or approve,
	// and sign, an outgoing document of the organ (its leader).
	ApproveDocument Right = "document.approve"
	// IssueDocument: number, seal and issue an approved outgoing document
	// of the unit (văn thư).
	IssueDocument Right = "document.issue"
	// ReadLand: read the land registry's parcels of a commune — their
	// users (with ID numbers), certificates, map and history (package
	// land). The land registration branch's specialists, leaders and
	// clerks at a district keep the records of its communes.
	ReadLand Right = "land.read"
	// ManagePersonnel: keep the civil service registry of a unit (package
	// civil) — officers' records, postings, qualifications — and export
	// it for the province's database.
	ManagePersonnel Right = "civil.manage"
	// EvaluateStaff: open a unit's yearly evaluation cycle, record the
	// collective review and decide each officer's level (package civil);
	// a leader of the unit, or of a unit above, which evaluates the heads
	// of the units below it.
	EvaluateStaff Right = "civil.evaluate"
)

// Scope is one row of the scope table: the roles whose holders have Right
// at their own unit (Own), and those who also have it at every unit below
// (Below, a subset of Own). ProvinceOnly rights count only grants held at
// a province-level root unit.
type Scope struct {
	Right        Right
	Own, Below   []string
	ProvinceOnly bool
}

// Scopes is the whole table. Admins manage accounts and units, not
// dossier contents; the community digital team files dossiers and sees
// only those it filed (so it has no row here); a parent unit's officers
// see a child unit's dossiers only through the supervisor role.
var Scopes = []Scope{
	{Right: ReadDossier, Own: []string{Reception, Specialist, Leader, Clerk, Supervisor}, Below: []string{Supervisor}},
	{Right: FileDossier, Own: []string{Reception, Community}},
	{Right: ManageUnits, Own: []string{Admin}, Below: []string{Admin}},
	{Right: ManageAccounts, Own: []string{Admin}, Below: []string{Admin}},
	{Right: EditProcedure, Own: []string{Admin}, Below: []string{Admin}},
	{Right: Announce, Own: []string{Admin}, ProvinceOnly: true},
	{Right: ReadAudit, Own: []string{Supervisor}, Below: []string{Supervisor}},
	{Right: ManageCitizens, Own: []string{Admin}, ProvinceOnly: true},
	{Right: ReadReports, Own: []string{Leader, Supervisor}, Below: []string{Leader, Supervisor}},
	{Right: ReadDocument, Own: []string{Clerk, Specialist, Leader, Supervisor}, Below: []string{Supervisor}},
	{Right: RegisterDocument, Own: []string{Clerk}},
	{Right: AssignDocument, Own: []string{Leader}},
	{Right: DraftDocument, Own: []string{Specialist, Leader}},
	{Right: ApproveDocument, Own: []string{Leader}},
	{Right: IssueDocument, Own: []string{Clerk}},
	{Right: ReadLand, Own: []string{Reception, Specialist, Leader, Clerk, Supervisor}, Below: []string{Specialist, Leader, Clerk, Supervisor}},
	{Right: ManagePersonnel, Own: []string{Admin}, Below: []string{Admin}},
	{Right: EvaluateStaff, Own: []string{Leader}, Below: []string{Leader}},
}

// ScopeOf returns the row of r; an unknown right has no roles.
func ScopeOf(r Right) Scope {
	for _, s := range Scopes {
		if s.Right == r {
			return s
		}
	}
	return Scope{Right: r}
}

// Can reports whether a has right r at the unit whose chain is given:
// chain[0] is the unit itself, then its parent, up to the root. A grant
// at chain[0] counts when its role is in the row's Own; a grant higher up
// the chain only when its role is in Below. For a ProvinceOnly right the
// caller passes the province's chain (just the root). A nil actor has
// no right.
func (a *Actor) Can(r Right, chain []int64) bool {
	if a == nil || len(chain) == 0 {
		return false
	}
	s := ScopeOf(r)
	for _, g := range a.Grants {
		switch i := slices.Index(chain, g.UnitID); {
		case i == 0 && slices.Contains(s.Own, g.Role):
			return true
		case i > 0 && slices.Contains(s.Below, g.Role):
			return true
		}
	}
	if a.Client != nil {
		for _, g := range a.Client.Rights {
			if i := slices.Index(chain, g.UnitID); g.Right == r && (i == 0 || i > 0 && g.Below) {
				return true
			}
		}
	}
	return false
}

// Reach splits the units where a holds r into those where it covers the
// unit alone (own) and those where it also covers every unit below
// (below), for queries that list what a may see.
func (a *Actor) Reach(r Right) (own, below []int64) {
	if a == nil {
		return nil, nil
	}
	s := ScopeOf(r)
	for _, g := range a.Grants {
		switch {
		case slices.Contains(s.Below, g.Role):
			below = append(below, g.UnitID)
		case slices.Contains(s.Own, g.Role):
			own = append(own, g.UnitID)
		}
	}
	if a.Client != nil {
		for _, g := range a.Client.Rights {
			switch {
			case g.Right == r && g.Below:
				below = append(below, g.UnitID)
			case g.Right == r:
				own = append(own, g.UnitID)
			}
		}
	}
	return own, below
}
