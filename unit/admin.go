package unit

import (
	"context"
	"encoding/json"
	"regexp"
	"slices"
	"strings"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/event"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/store"
)

// What a unit administrator may do to the tree. An actor holding the admin
// role on a unit administers that unit and every unit below it; each
// function here takes the actor and refuses anything outside that scope,
// so no page has to remember to check.

var errNotYours = problem.Forbidden("not_your_unit")

// Scope returns the ids of every unit a administers: the units where a
// holds the admin role and all units below them. It is empty (not an
// error) for an actor who is no admin.
func (s *Store) Scope(ctx context.Context, a *auth.Actor) ([]int64, error) {
	nodes, err := s.Tree(ctx, a)
	if err != nil {
		return nil, err
	}
	out := make([]int64, len(nodes))
	for i, n := range nodes {
		out[i] = n.ID
	}
	return out, nil
}

// Node is a unit in an administrator's tree; Depth 0 is a unit where the
// actor holds the admin role.
type Node struct {
	Unit
	Depth int
}

// subtree lists a unit and everything below it with the depth of each
// (bounded, so a corrupt parent cycle cannot loop forever).
const subtree = `WITH RECURSIVE t(id, depth) AS (
		SELECT id, 0 FROM units WHERE id = ?
		UNION ALL
		SELECT u.id, t.depth + 1 FROM units u JOIN t ON u.parent_id = t.id WHERE t.depth < 16)
	SELECT ` + unitColumns + `, t.depth
	FROM t JOIN units u ON u.id = t.id LEFT JOIN units p ON p.id = u.parent_id LEFT JOIN units m ON m.id = u.merged_into`

// Tree returns the units a administers, each root followed by its
// descendants depth first, siblings in code order. A root that lies below
// another root of the same actor is shown once, inside the larger tree.
func (s *Store) Tree(ctx context.Context, a *auth.Actor) ([]Node, error) {
	byID := map[int64]Node{}
	for _, g := range a.Grants {
		if _, ok := byID[g.UnitID]; ok || g.Role != auth.Admin {
			continue
		}
		rows, err := s.db.QueryContext(ctx, subtree, g.UnitID)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var n Node
			u, err := scanUnit(rows, &n.Depth)
			if err != nil {
				rows.Close()
				return nil, err
			}
			n.Unit = u
			byID[n.ID] = n
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	nodes := make([]Node, 0, len(byID))
	for _, n := range byID {
		nodes = append(nodes, n)
	}
	return depthFirst(nodes), nil
}

// depthFirst orders nodes as an indented list: every unit right after its
// parent, siblings by code; depths are recomputed from the order.
func depthFirst(nodes []Node) []Node {
	byID := map[int64]bool{}
	children := map[int64][]Node{}
	for _, n := range nodes {
		byID[n.ID] = true
	}
	var roots []Node
	for _, n := range nodes {
		if byID[n.ParentID] {
			children[n.ParentID] = append(children[n.ParentID], n)
		} else {
			roots = append(roots, n)
		}
	}
	byCode := func(a, b Node) int { return strings.Compare(a.Code, b.Code) }
	slices.SortFunc(roots, byCode)
	out := make([]Node, 0, len(nodes))
	var walk func(n Node, depth int)
	walk = func(n Node, depth int) {
		n.Depth = depth
		out = append(out, n)
		kids := children[n.ID]
		slices.SortFunc(kids, byCode)
		for _, k := range kids {
			walk(k, depth+1)
		}
	}
	for _, r := range roots {
		walk(r, 0)
	}
	return out
}

// Managed returns the unit with code (current or former) if a administers
// it, and a 403 problem otherwise.
func (s *Store) Managed(ctx context.Context, a *auth.Actor, code string) (Unit, error) {
	return s.managed(ctx, s.db, a, code)
}

func (s *Store) managed(ctx context.Context, q store.Querier, a *auth.Actor, code string) (Unit, error) {
	u, err := s.byCode(ctx, q, code)
	if err != nil {
		return Unit{}, err
	}
	chain, err := s.Ancestors(ctx, q, u.ID)
	if err != nil {
		return Unit{}, err
	}
	for _, anc := range chain {
		if a.Has(auth.Admin, anc.ID) {
			return u, nil
		}
	}
	return Unit{}, errNotYours
}

// AddChild creates unit c under parentCode, which a must administer. The
// new unit must sit at a lower level than its parent.
func (s *Store) AddChild(ctx context.Context, a *auth.Actor, parentCode string, c Unit) (Unit, error) {
	c.Code = strings.ToUpper(strings.TrimSpace(c.Code))
	c.Name, c.ShortName = strings.TrimSpace(c.Name), strings.TrimSpace(c.ShortName)
	var out Unit
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		parent, err := s.managed(ctx, tx, a, parentCode)
		if err != nil {
			return err
		}
		if !parent.Active {
			return problem.Invalid("parent", "unit_inactive.parent")
		}
		if c.Name == "" {
			return problem.Invalid("name", "name_required.unit")
		}
		if longerThan(c.Name, MaxName) || longerThan(c.ShortName, MaxName) {
			return problem.Invalid("name", "text_too_long", MaxName)
		}
		if Rank(c.Level) == 0 || Rank(c.Level) <= Rank(parent.Level) {
			return problem.Invalid("level", "invalid_level.child")
		}
		if out, err = s.Create(ctx, tx, c, parent.Code); err != nil {
			return err
		}
		return s.audit(ctx, tx, a, out, "unit_created", map[string]any{"parent": parent.Code, "name": out.Name,
			"level": out.Level, "kind": out.Kind, "stat_code": out.StatCode})
	})
	return out, err
}

var deptCodeRE = regexp.MustCompile(`^[A-Z0-9][A-Z0-9_-]{0,19}$`)

// AddDepartmentTo adds a department to a unit a administers. Codes are
// upper-cased; a code already used in the unit is a conflict.
func (s *Store) AddDepartmentTo(ctx context.Context, a *auth.Actor, unitCode string, d Department) error {
	d.Code = strings.ToUpper(strings.TrimSpace(d.Code))
	d.Name = strings.TrimSpace(d.Name)
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		u, err := s.managed(ctx, tx, a, unitCode)
		if err != nil {
			return err
		}
		if !deptCodeRE.MatchString(d.Code) {
			return problem.Invalid("dept_code", "invalid_department_code")
		}
		if d.Name == "" {
			return problem.Invalid("dept_name", "name_required.department")
		}
		if longerThan(d.Name, MaxName) {
			return problem.Invalid("dept_name", "text_too_long", MaxName)
		}
		err = s.AddDepartment(ctx, tx, u.ID, d)
		if store.IsUniqueViolation(err) {
			return problem.Conflict("department_exists")
		}
		if err != nil {
			return err
		}
		return s.audit(ctx, tx, a, u, "department_added", map[string]any{"code": d.Code, "name": d.Name})
	})
}

func checkReason(reason string) (string, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" || longerThan(reason, MaxReason) {
		return "", problem.Invalid("reason", "reason_required")
	}
	return reason, nil
}

// RenameAs renames a unit a administers: a new name, a new code, or both
// (empty keeps the current one). The reason is recorded in the unit's
// history, and the old code keeps resolving.
func (s *Store) RenameAs(ctx context.Context, a *auth.Actor, code, newCode, newName, reason string) error {
	reason, err := checkReason(reason)
	if err != nil {
		return err
	}
	newCode, newName = strings.ToUpper(strings.TrimSpace(newCode)), strings.TrimSpace(newName)
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		u, err := s.managed(ctx, tx, a, code)
		if err != nil {
			return err
		}
		if !u.Active {
			return problem.Invalid("unit", "unit_inactive.rename")
		}
		if newName == "" {
			newName = u.Name
		}
		if longerThan(newName, MaxName) {
			return problem.Invalid("name", "text_too_long", MaxName)
		}
		if newCode == "" {
			newCode = u.Code
		}
		if newName == u.Name && newCode == u.Code {
			return problem.Invalid("name", "nothing_to_change")
		}
		if err := s.Rename(ctx, tx, u.Code, newCode, newName, reason); err != nil {
			return err
		}
		return s.audit(ctx, tx, a, u, "unit_renamed", map[string]any{"code": newCode, "name": newName, "reason": reason})
	})
}

// MergePlan says what a merge will move, for the confirmation step.
type MergePlan struct {
	From, Into Unit
	// Children are the units below From that move under Into.
	Children []Unit
	// OpenDossiers move to Into; closed ones stay with From.
	OpenDossiers int
	// Officers are the accounts holding roles on From, who get the same roles on Into.
	Officers int
}

// PlanMerge checks that a may merge fromCode into intoCode and says what
// would move, without changing anything.
func (s *Store) PlanMerge(ctx context.Context, a *auth.Actor, fromCode, intoCode string) (MergePlan, error) {
	return s.planMerge(ctx, s.db, a, fromCode, intoCode)
}

func (s *Store) planMerge(ctx context.Context, q store.Querier, a *auth.Actor, fromCode, intoCode string) (MergePlan, error) {
	var p MergePlan
	var err error
	if p.From, err = s.managed(ctx, q, a, fromCode); err != nil {
		return p, err
	}
	if intoCode == "" {
		return p, problem.Invalid("into", "into_required")
	}
	if p.Into, err = s.managed(ctx, q, a, intoCode); err != nil {
		return p, err
	}
	if p.From.ID == p.Into.ID || !p.From.Active || !p.Into.Active {
		return p, problem.Invalid("into", "invalid_merge.into")
	}
	if p.From.Level != p.Into.Level {
		return p, problem.Invalid("into", "merge_level")
	}
	// Into must not lie below From, or the tree would loop.
	chain, err := s.Ancestors(ctx, q, p.Into.ID)
	if err != nil {
		return p, err
	}
	for _, anc := range chain {
		if anc.ID == p.From.ID {
			return p, problem.Invalid("into", "invalid_merge.into")
		}
	}
	rows, err := q.QueryContext(ctx, selectUnit+` WHERE u.parent_id = ? ORDER BY u.code`, p.From.ID)
	if err != nil {
		return p, err
	}
	defer rows.Close()
	for rows.Next() {
		u, err := scanUnit(rows)
		if err != nil {
			return p, err
		}
		p.Children = append(p.Children, u)
	}
	if err := rows.Err(); err != nil {
		return p, err
	}
	if s.cfg.OpenDossiers != nil {
		if p.OpenDossiers, err = s.cfg.OpenDossiers(ctx, q, p.From.ID); err != nil {
			return p, err
		}
	}
	p.Officers, err = auth.CountHolders(ctx, q, p.From.ID)
	return p, err
}

// MergeAs merges fromCode into intoCode (both administered by a, same
// level, into not below from), recording the reason; see Merge.
func (s *Store) MergeAs(ctx context.Context, a *auth.Actor, fromCode, intoCode, reason string) error {
	reason, err := checkReason(reason)
	if err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		p, err := s.planMerge(ctx, tx, a, fromCode, intoCode)
		if err != nil {
			return err
		}
		if err := s.Merge(ctx, tx, p.From.Code, p.Into.Code, reason); err != nil {
			return err
		}
		return s.audit(ctx, tx, a, p.From, "unit_merged", map[string]any{"into": p.Into.Code, "reason": reason,
			"open_dossiers": p.OpenDossiers, "officers": p.Officers})
	})
}

// audit leaves a security event for an administrator's change to unit u
// (the audit log's "unit changes").
func (s *Store) audit(ctx context.Context, tx *store.Tx, a *auth.Actor, u Unit, action string, details map[string]any) error {
	b, err := json.Marshal(details)
	if err != nil {
		return err
	}
	return event.Publish(ctx, s.cfg.Bus, tx, event.Security{At: s.now(), ActorID: a.ID, ActorName: a.Username,
		ActorRole: auth.Admin, UnitID: u.ID, Action: action, Object: "unit:" + u.Code, Details: string(b)})
}

// Change is one entry of a unit's history: a code and name it had, and why.
type Change struct {
	Code, Name, Reason string
	From               int64 // Unix ms
	To                 int64 // Unix ms, 0 while current
}

// History lists a unit's codes and names, newest first.
func (s *Store) History(ctx context.Context, unitID int64) ([]Change, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT code, name, reason, valid_from, COALESCE(valid_to, 0)
		FROM unit_history WHERE unit_id = ? ORDER BY valid_from DESC, id DESC`, unitID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Change
	for rows.Next() {
		var c Change
		if err := rows.Scan(&c.Code, &c.Name, &c.Reason, &c.From, &c.To); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
