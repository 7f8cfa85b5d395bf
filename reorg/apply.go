package reorg

import (
	"context"
	"errors"
	"fmt"
	"sort"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/forms"
	"github.com/motcua/motcua/notify"
	"github.com/motcua/motcua/payment"
	"github.com/motcua/motcua/postal"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/unit"
)

// before is what the owners hold at the plan's units before it runs.
type before struct {
	units    []int64
	dossiers []dossier.Placement
	users    []int64
	roles    []auth.UnitRole
	counters []forms.Counter
}

// carryOut runs p's operations in tx at its effective date and reports
// what moved, from the owners' rows read before and after. It changes
// only through package unit; the owners' listeners move their rows.
func (s *Service) carryOut(ctx context.Context, tx *store.Tx, p Plan) (Report, error) {
	at, err := unit.Day(p.Effective)
	if err != nil {
		return Report{}, problem.Invalid("effective", "invalid_plan_date")
	}
	rep := Report{Plan: p.ID, Title: p.Title, Effective: p.Effective, At: s.cfg.Now(), ByState: map[string]int{}}
	b, err := s.snapshot(ctx, tx, p)
	if err != nil {
		return rep, err
	}
	reason := "reorg:" + p.ID
	var created []int64
	for i, c := range p.Create {
		f := fmt.Sprintf("create[%d]", i)
		kind := c.Kind
		if kind == "" {
			kind = unit.Committee
		}
		u, err := s.units.Create(ctx, tx, unit.Unit{Code: c.Code, Name: c.Name, ShortName: c.ShortName, Level: c.Level,
			Kind: kind, StatCode: c.StatCode, ValidFrom: at}, c.Parent)
		if err != nil {
			return rep, located(err, f, "code", [2]string{f + ".parent", c.Parent})
		}
		created = append(created, u.ID)
		rep.Units = append(rep.Units, UnitChange{Op: "create", Code: c.Code, Name: c.Name, To: c.Parent})
		for j, code := range c.Serves {
			g := fmt.Sprintf("%s.serves[%d]", f, j)
			area, err := s.units.ByCodeTx(ctx, tx, code)
			if err != nil {
				return rep, located(err, g, "", [2]string{g, code})
			}
			if err := s.units.Serve(ctx, tx, u.ID, area.ID, at); err != nil {
				return rep, err
			}
		}
	}
	for i, r := range p.Rename {
		f := fmt.Sprintf("rename[%d]", i)
		old := s.name(ctx, tx, r.Unit)
		if err := s.units.RenameAt(ctx, tx, r.Unit, unit.Renaming{Code: r.Code, Name: r.Name, ShortName: r.ShortName,
			StatCode: r.StatCode}, reason, at); err != nil {
			return rep, located(err, f, "unit", [2]string{f + ".unit", r.Unit})
		}
		to := r.Name
		if r.Code != "" {
			to = r.Code + " " + r.Name
		}
		rep.Units = append(rep.Units, UnitChange{Op: "rename", Code: r.Unit, Name: old, To: to})
	}
	for i, m := range p.Move {
		f := fmt.Sprintf("move[%d]", i)
		name := s.name(ctx, tx, m.Unit)
		if err := s.units.MoveAt(ctx, tx, m.Unit, m.Parent, reason, at); err != nil {
			return rep, located(err, f, "unit", [2]string{f + ".unit", m.Unit}, [2]string{f + ".parent", m.Parent})
		}
		rep.Units = append(rep.Units, UnitChange{Op: "move", Code: m.Unit, Name: name, To: m.Parent})
	}
	// The competence rules come before the merges and abolitions: the
	// dossiers of an abolished unit are routed by them.
	for i, c := range p.Competence {
		f := fmt.Sprintf("competence[%d]", i)
		procs := c.Procedures
		if len(procs) == 0 {
			procs = []string{""}
		}
		for _, pr := range procs {
			if err := s.units.AddCompetence(ctx, tx, unit.Competence{Plan: p.ID, From: at, Procedure: pr,
				FromLevel: c.FromLevel, ToLevel: c.ToLevel, ToKind: c.ToKind}); err != nil {
				return rep, located(err, f, "", [2]string{})
			}
		}
		to := c.ToLevel
		if c.ToKind != "" {
			to += "/" + c.ToKind
		}
		rep.Units = append(rep.Units, UnitChange{Op: "competence", Code: c.FromLevel, Name: fmt.Sprint(c.Procedures), To: to})
	}
	for i, m := range p.Merge {
		for j, from := range m.From {
			f := fmt.Sprintf("merge[%d].from[%d]", i, j)
			name := s.name(ctx, tx, from)
			if err := s.units.MergeAt(ctx, tx, from, m.Into, reason, at); err != nil {
				return rep, located(err, f, "", [2]string{fmt.Sprintf("merge[%d].into", i), m.Into}, [2]string{f, from})
			}
			rep.Units = append(rep.Units, UnitChange{Op: "merge", Code: from, Name: name, To: m.Into})
		}
	}
	for i, a := range p.Abolish {
		f := fmt.Sprintf("abolish[%d]", i)
		name := s.name(ctx, tx, a.Unit)
		if err := s.units.Abolish(ctx, tx, a.Unit, a.Successor, reason, at); err != nil {
			return rep, located(err, f, "unit", [2]string{f + ".unit", a.Unit}, [2]string{f + ".successor", a.Successor})
		}
		rep.Units = append(rep.Units, UnitChange{Op: "abolish", Code: a.Unit, Name: name, To: a.Successor})
	}
	return rep, s.diff(ctx, tx, b, created, &rep)
}

// name is a unit's current name, for the report ("" if it does not exist:
// the operation itself then refuses the plan).
func (s *Service) name(ctx context.Context, tx *store.Tx, code string) string {
	u, err := s.units.ByCodeTx(ctx, tx, code)
	if err != nil {
		return ""
	}
	return u.Name
}

// located puts an operation's error at its place in the plan: a unit not
// found at the field naming its code, another fault at prefix plus the
// field the unit store named (else def).
func located(err error, prefix, def string, fields ...[2]string) error {
	var pe *problem.Error
	if !errors.As(err, &pe) {
		return err
	}
	e := *pe
	if errors.Is(err, problem.ErrNotFound) && len(e.Params) > 0 {
		for _, f := range fields {
			if f[1] != "" && e.Params[0] == f[1] {
				e.Field = f[0]
				return &e
			}
		}
	}
	switch {
	case e.Field != "":
		e.Field = prefix + "." + e.Field
	case def != "":
		e.Field = prefix + "." + def
	default:
		e.Field = prefix
	}
	return &e
}

// snapshot reads the owners' rows at the existing units p names.
func (s *Service) snapshot(ctx context.Context, tx *store.Tx, p Plan) (before, error) {
	var b before
	for _, code := range p.codes() {
		if u, err := s.units.ByCodeTx(ctx, tx, code); err == nil {
			b.units = append(b.units, u.ID)
		}
	}
	var err error
	if b.dossiers, err = dossier.OpenPlacements(ctx, tx, b.units); err != nil {
		return b, err
	}
	at, err := auth.RolesAt(ctx, tx, b.units, nil)
	if err != nil {
		return b, err
	}
	seen := map[int64]bool{}
	for _, r := range at {
		if !seen[r.UserID] {
			seen[r.UserID] = true
			b.users = append(b.users, r.UserID)
		}
	}
	if b.roles, err = auth.RolesAt(ctx, tx, nil, b.users); err != nil {
		return b, err
	}
	b.counters, err = forms.Counters(ctx, tx, b.units)
	return b, err
}

// diff fills rep with what moved between b and now.
func (s *Service) diff(ctx context.Context, tx *store.Tx, b before, created []int64, rep *Report) error {
	ids := make([]int64, len(b.dossiers))
	for i, d := range b.dossiers {
		ids[i] = d.ID
	}
	now, err := dossier.PlacementsOf(ctx, tx, ids)
	if err != nil {
		return err
	}
	after := map[int64]dossier.Placement{}
	for _, d := range now {
		after[d.ID] = d
	}
	var moved [][2]dossier.Placement
	var movedIDs []int64
	var movedCodes []string
	for _, d := range b.dossiers {
		a, ok := after[d.ID]
		if !ok || (a.Unit == d.Unit && a.Receiving == d.Receiving) {
			continue
		}
		moved = append(moved, [2]dossier.Placement{d, a})
		movedIDs = append(movedIDs, d.ID)
		movedCodes = append(movedCodes, d.Code)
	}
	if rep.Payments, err = payment.PendingFor(ctx, tx, movedCodes); err != nil {
		return err
	}
	if rep.Shipments, err = postal.PendingFor(ctx, tx, movedCodes); err != nil {
		return err
	}
	if rep.Notifications, err = notify.PendingFor(ctx, tx, movedIDs); err != nil {
		return err
	}

	roles, err := auth.RolesAt(ctx, tx, nil, b.users)
	if err != nil {
		return err
	}
	type grant struct {
		user int64
		role string
		unit int64
	}
	had := map[grant]bool{}
	planUnit := map[int64]bool{}
	for _, u := range b.units {
		planUnit[u] = true
	}
	for _, r := range b.roles {
		had[grant{r.UserID, r.Role, r.UnitID}] = true
	}
	unitIDs := append(append([]int64{}, b.units...), created...)
	for _, r := range roles {
		unitIDs = append(unitIDs, r.UnitID)
	}
	for _, m := range moved {
		unitIDs = append(unitIDs, m[0].Unit, m[0].Receiving, m[1].Unit, m[1].Receiving)
	}
	codes, err := unit.Codes(ctx, tx, unitIDs)
	if err != nil {
		return err
	}
	for _, m := range moved {
		d, a := m[0], m[1]
		rep.Dossiers = append(rep.Dossiers, DossierMove{Code: d.Code, State: d.State, From: codes[d.Unit], To: codes[a.Unit],
			ReceivingFrom: codes[d.Receiving], ReceivingTo: codes[a.Receiving], Due: d.Due})
		rep.ByState[d.State]++
	}
	for _, r := range roles {
		if had[grant{r.UserID, r.Role, r.UnitID}] {
			continue
		}
		from := ""
		for _, o := range b.roles {
			if o.UserID == r.UserID && planUnit[o.UnitID] && (o.Role == r.Role || from == "") {
				from = codes[o.UnitID]
				if o.Role == r.Role {
					break
				}
			}
		}
		rep.Roles = append(rep.Roles, RoleMove{Username: r.Username, Role: r.Role, From: from, To: codes[r.UnitID]})
	}

	type reg struct {
		unit   int64
		series string
		year   int
	}
	was := map[reg]int64{}
	for _, c := range b.counters {
		was[reg{c.UnitID, c.Series, c.Year}] = c.N
	}
	counters, err := forms.Counters(ctx, tx, append(append([]int64{}, b.units...), created...))
	if err != nil {
		return err
	}
	for _, c := range counters {
		if n, ok := was[reg{c.UnitID, c.Series, c.Year}]; ok && n == c.N {
			continue
		}
		rep.Registers = append(rep.Registers, Register{Series: c.Series, Year: c.Year, Unit: codes[c.UnitID], ContinuesFrom: c.N})
	}
	sort.Slice(rep.Dossiers, func(i, j int) bool { return rep.Dossiers[i].Code < rep.Dossiers[j].Code })
	return nil
}
