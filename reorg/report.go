package reorg

import "time"

// States of a plan, and of a report.
const (
	Scheduled = "scheduled"
	Applied   = "applied"
	Reverted  = "reverted"
	Failed    = "failed"
	// DryRun is a report of what applying would do; nothing was changed.
	DryRun = "dry_run"
	// Already is the report of a plan applied (or scheduled) before with
	// the same content: nothing was done again.
	Already = "already"
	// Refused is the report of a plan the tree does not allow.
	Refused = "refused"
)

// Report is what a plan does (DryRun) or did (Apply): computed by reading
// the owners' rows before and after the plan inside its transaction.
type Report struct {
	Plan      string    `json:"plan"`
	Title     string    `json:"title"`
	Effective string    `json:"effective"`
	State     string    `json:"state"`
	At        time.Time `json:"at"`

	Units     []UnitChange   `json:"units"`
	Dossiers  []DossierMove  `json:"dossiers"`
	ByState   map[string]int `json:"by_state"`
	Roles     []RoleMove     `json:"roles"`
	Registers []Register     `json:"registers"`
	// Pending payments, shipments and notifications of the moved
	// dossiers: they belong to their dossier and follow it.
	Payments      int `json:"payments"`
	Shipments     int `json:"shipments"`
	Notifications int `json:"notifications"`

	Refused []Refusal `json:"refused,omitempty"`
}

// UnitChange is one operation of the plan on one unit.
type UnitChange struct {
	Op   string `json:"op"` // create, rename, move, merge, abolish, competence
	Code string `json:"code"`
	Name string `json:"name"`
	// To is the new parent (create, move), the unit merged into (merge),
	// the successor (abolish), the new name (rename), or the rule (competence).
	To string `json:"to,omitempty"`
}

// DossierMove is one open dossier whose unit or receiving unit changed.
type DossierMove struct {
	Code          string    `json:"code"`
	State         string    `json:"state"`
	From          string    `json:"from"`
	To            string    `json:"to"`
	ReceivingFrom string    `json:"receiving_from"`
	ReceivingTo   string    `json:"receiving_to"`
	Due           time.Time `json:"due,omitzero"`
}

// RoleMove is a role an officer holds at a successor because they held it
// at a unit of the plan.
type RoleMove struct {
	Username string `json:"username"`
	Role     string `json:"role"`
	From     string `json:"from"`
	To       string `json:"to"`
}

// Register is a numbering register (form series, year) of a successor
// that continues from ContinuesFrom, the highest number its predecessors reached.
type Register struct {
	Series        string `json:"series"`
	Year          int    `json:"year"`
	Unit          string `json:"unit"`
	ContinuesFrom int64  `json:"continues_from"`
}

// Refusal is why the plan cannot be carried out: the public face of the
// error (problem.Error's field, code and parameters).
type Refusal struct {
	Field  string `json:"field,omitempty"`
	Code   string `json:"code"`
	Key    string `json:"key"`
	Params []any  `json:"params,omitempty"`
}

// Record is a stored plan.
type Record struct {
	ID        string    `json:"id"`
	Checksum  string    `json:"checksum"`
	Title     string    `json:"title"`
	Effective time.Time `json:"effective"`
	State     string    `json:"state"`
	Plan      Plan      `json:"plan"`
	Report    *Report   `json:"report,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	AppliedAt time.Time `json:"applied_at,omitzero"`
	AppliedBy string    `json:"applied_by,omitempty"`
	Error     string    `json:"error,omitempty"`
}
