package office

import (
	"context"
	"sort"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/unit"
)

// The office screens decide what an officer sees (which units, which
// queue); the dossier service answers the counts and lists over its tables.

// visibleUnits are the units whose dossiers a may read (auth.ReadDossier
// in the scope table): those where a holds a reading role, and every unit
// below one where a supervises.
func (o *Office) visibleUnits(ctx context.Context, a *auth.Actor) ([]unit.Unit, error) {
	if a == nil || a.IsCitizen() || len(a.Grants) == 0 {
		return nil, nil
	}
	all, err := o.units.List(ctx)
	if err != nil {
		return nil, err
	}
	own, below := a.Reach(auth.ReadDossier)
	seen := map[int64]bool{}
	for _, id := range below {
		seen[id] = true
	}
	// Walk down until no unit is added: a merge can move a unit under a
	// newer one, so id order alone does not put parents first.
	for added := true; added; {
		added = false
		for _, u := range all {
			if !seen[u.ID] && u.ParentID != 0 && seen[u.ParentID] {
				seen[u.ID], added = true, true
			}
		}
	}
	for _, id := range own {
		seen[id] = true
	}
	var out []unit.Unit
	for _, u := range all {
		if seen[u.ID] {
			out = append(out, u)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	return out, nil
}

func ids(us []unit.Unit) []int64 {
	out := make([]int64, len(us))
	for i, u := range us {
		out[i] = u.ID
	}
	return out
}

// summary is an officer's dashboard: counts over the dossiers of the units
// they may see.
type summary struct {
	// States lists every state in lifecycle order, with its count.
	States []stateCount
	// Open dossiers (processing or result ready) by deadline band.
	Overdue, Day, Soon, OK int64
	// DueToday counts open dossiers not yet late that are due before midnight.
	DueToday int64
	// Paused counts dossiers whose clock is stopped: waiting for a
	// supplement, or paused by an officer for a period the law excludes.
	Paused int64
}

// summary counts the dossiers a may see by state and by deadline band.
// The bands are those of dossier.Deadline, compared in SQL with the
// instants where they change (dossier.BandEdges).
func (o *Office) summary(ctx context.Context, a *auth.Actor) (*summary, error) {
	out := &summary{}
	units, err := o.visibleUnits(ctx, a)
	if err != nil {
		return nil, err
	}
	// With no unit to read (the community team), the dossiers a filed still count.
	e := o.dossiers.BandEdges()
	counts, n, err := o.dossiers.Tally(ctx, dossier.Scope{Units: ids(units), CreatedBy: a.ID}, []dossier.DueRange{
		{To: e.Late}, {From: e.Late, To: e.Day}, {From: e.Day, To: e.Soon}, {From: e.Soon}, {From: e.Late, To: e.Midnight}, {Paused: true},
	})
	if err != nil {
		return nil, err
	}
	out.Overdue, out.Day, out.Soon, out.OK, out.DueToday = n[0], n[1], n[2], n[3], n[4]
	for _, st := range dossier.States {
		out.States = append(out.States, stateCount{State: st, Count: counts[st]})
	}
	// Paused: waiting for a supplement, or for a period the law excludes
	// (an officer's pause, the dossier still in processing).
	out.Paused = counts[dossier.SupplementRequested] + n[5]
	return out, nil
}

// queue returns the dossiers waiting for a's own work, most urgent first
// (at most limit of them), and how many there are in all:
//
//   - at a unit where a receives: submitted dossiers to check and receive,
//     and results ready to hand over;
//   - dossiers being processed whose current step's role a holds at the
//     unit processing them;
//   - dossiers being processed that are assigned to a.
//
// Every one of them is at a unit a holds a role on, so a may see it.
func (o *Office) queue(ctx context.Context, a *auth.Actor, limit int) ([]*dossier.Dossier, int, error) {
	if a == nil || a.IsCitizen() {
		return []*dossier.Dossier{}, 0, nil
	}
	var m dossier.Match
	var work []int64
	for _, g := range a.Grants {
		switch g.Role {
		case auth.Reception:
			m.AtDesk = append(m.AtDesk, g.UnitID)
			work = append(work, g.UnitID)
		case auth.Specialist, auth.Leader, auth.Clerk:
			work = append(work, g.UnitID)
		}
	}
	steps, err := o.dossiers.OpenSteps(ctx, work)
	if err != nil {
		return nil, 0, err
	}
	for _, st := range steps {
		if st.Role != "" && a.Has(st.Role, st.Unit) {
			m.AtStep = append(m.AtStep, st)
		}
	}
	m.AssignedTo = a.ID
	return o.dossiers.Find(ctx, m, limit)
}
