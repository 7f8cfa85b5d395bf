package report

import (
	"cmp"
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/motcua/motcua/problem"
)

// II06a builds the report for q (ParseII06a), judging early, on time and
// late with judge (the calendar in force; nil: to the minute).
//
// The rows are the unit and its subtree as the tree stood at the end of
// the period. Figures of a unit that ended within the period go to the
// unit that took its place (Counts with RollUp to the period's last
// instant), so a merger mid-period shows its units' dossiers under the
// successor and nothing is lost; a unit that ended with no successor
// keeps its figures under the parent it had. By unit, each row sums its
// own figures and its children's; by field and by procedure, the rows sum
// every unit of the subtree, the procedure's field read from the catalog.
func (s *Reader) II06a(ctx context.Context, q II06aQuery, judge Judge) (*II06a, error) {
	if !q.From.Before(q.To) {
		return nil, problem.Invalid("to", "invalid_period")
	}
	units, err := s.unitTimes(ctx)
	if err != nil {
		return nil, err
	}
	last := q.To.Add(-time.Millisecond)
	root, ok := units.byCode(q.Unit, last)
	if !ok {
		return nil, problem.NotFound("unit_not_found.code", q.Unit)
	}
	end := q.To
	if now := q.Now.Add(time.Millisecond); !q.Now.IsZero() && end.After(now) && q.From.Before(now) {
		end = now // an act recorded at this very millisecond counts
	}
	counts, err := s.Counts(ctx, q.From, end, CountOptions{Judge: judge, RollUp: true, At: last, ByProcedure: q.View != ViewUnit})
	if err != nil {
		return nil, err
	}
	tree := units.treeAt(last, counts)
	rootStood := units.asStood(root, last)
	r := &II06a{Unit: rootStood.code, UnitName: rootStood.name, View: q.View,
		From: q.From.In(vietnam).Format(time.DateOnly), To: last.In(vietnam).Format(time.DateOnly)}
	if p := tree.parent[root]; p != 0 {
		r.ParentName = units.asStood(p, last).name
	}
	in := map[int64]bool{}
	for _, id := range tree.subtree(root) {
		in[id] = true
	}
	switch q.View {
	case ViewUnit:
		own := map[int64]Figures{}
		for _, c := range counts {
			f := own[c.UnitID]
			f.add(figuresOf(c))
			own[c.UnitID] = f
		}
		r.Rows = tree.unitRows(root, own, units, last)
		r.Total = r.Rows[0].Figures
	default:
		procs, err := s.procedures(ctx)
		if err != nil {
			return nil, err
		}
		var mine []Count
		for _, c := range counts {
			if in[c.UnitID] {
				mine = append(mine, c)
			}
		}
		r.Rows, r.Total = fieldRows(mine, procs, q.View == ViewProcedure)
	}
	return r, nil
}

// byCode is the unit with code: the one that had it at `at`, else the one
// that has it now, else the last to have had it.
func (ut unitTimes) byCode(code string, at time.Time) (int64, bool) {
	ms := at.UnixMilli()
	var now, ever int64
	var everFrom int64 = -1
	for id, h := range ut.history {
		for _, p := range h {
			if p.code != code {
				continue
			}
			if p.from <= ms && (p.to == 0 || p.to > ms) {
				return id, true
			}
			if p.from > everFrom {
				ever, everFrom = id, p.from
			}
		}
	}
	for id, u := range ut.units {
		if u.current.code == code {
			now = id
		}
	}
	switch {
	case now != 0:
		return now, true
	case ever != 0:
		return ever, true
	}
	return 0, false
}

// unitTree is the units as they stood at one instant, parent by child.
type unitTree struct {
	parent   map[int64]int64
	children map[int64][]int64
}

// treeAt is the tree of units in force at `at`, with the units that hold
// figures though no longer in force hung under the parent they had.
func (ut unitTimes) treeAt(at time.Time, counts []Count) unitTree {
	ms := at.UnixMilli()
	t := unitTree{parent: map[int64]int64{}, children: map[int64][]int64{}}
	nodes := map[int64]bool{}
	for id := range ut.units {
		if ut.inForce(id, ms) {
			nodes[id] = true
		}
	}
	for _, c := range counts {
		nodes[c.UnitID] = true
	}
	for id := range nodes {
		p := ut.asStood(id, at).parent
		if !nodes[p] {
			p = 0
		}
		t.parent[id] = p
		if p != 0 {
			t.children[p] = append(t.children[p], id)
		}
	}
	for p, kids := range t.children {
		slices.SortFunc(kids, func(a, b int64) int {
			return cmp.Or(strings.Compare(ut.asStood(a, at).code, ut.asStood(b, at).code), cmp.Compare(a, b))
		})
		t.children[p] = kids
	}
	return t
}

// subtree is root and every unit below it, parents first.
func (t unitTree) subtree(root int64) []int64 {
	out := []int64{root}
	for i := 0; i < len(out) && i < 100000; i++ {
		out = append(out, t.children[out[i]]...)
	}
	return out
}

// unitRows numbers root's subtree depth first ("1", "1.1", "1.1.1"),
// each row its own figures plus its children's.
func (t unitTree) unitRows(root int64, own map[int64]Figures, ut unitTimes, at time.Time) []II06aRow {
	var rows []II06aRow
	var walk func(id int64, no string, depth int) Figures
	walk = func(id int64, no string, depth int) Figures {
		h := ut.asStood(id, at)
		i := len(rows)
		rows = append(rows, II06aRow{No: no, Depth: depth, Code: h.code, Name: h.name})
		sum := own[id]
		if depth < 16 {
			for k, kid := range t.children[id] {
				sum.add(walk(kid, no+"."+strconv.Itoa(k+1), depth+1))
			}
		}
		rows[i].Figures = sum
		return sum
	}
	walk(root, "1", 0)
	return rows
}

// procedureInfo is a procedure's name and field, from the catalog.
type procedureInfo struct{ name, field, fieldCode string }

// procedures reads every procedure's name and field (a province's
// catalog has a few thousand).
func (s *Reader) procedures(ctx context.Context) (map[string]procedureInfo, error) {
	rows, err := s.db.Replica(ctx).QueryContext(ctx, `SELECT code, name, field, field_code FROM procedures`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]procedureInfo{}
	for rows.Next() {
		var code string
		var p procedureInfo
		if err := rows.Scan(&code, &p.name, &p.field, &p.fieldCode); err != nil {
			return nil, err
		}
		out[code] = p
	}
	return out, rows.Err()
}

// unknownField names the field of a procedure the catalog does not hold.
const unknownField = "Lĩnh vực khác"

// fieldRows sums counts split by procedure into one row per field, by
// name, and with procs under each its procedures by code.
func fieldRows(counts []Count, info map[string]procedureInfo, procs bool) ([]II06aRow, Figures) {
	type field struct {
		code, name string
		sum        Figures
		procs      map[string]Figures
	}
	fields := map[string]*field{}
	var total Figures
	for _, c := range counts {
		p, ok := info[c.Procedure]
		if !ok || p.field == "" {
			p.field = unknownField
		}
		f := fields[p.field]
		if f == nil {
			f = &field{code: p.fieldCode, name: p.field, procs: map[string]Figures{}}
			fields[p.field] = f
		}
		fig := figuresOf(c)
		f.sum.add(fig)
		pf := f.procs[c.Procedure]
		pf.add(fig)
		f.procs[c.Procedure] = pf
		total.add(fig)
	}
	names := make([]string, 0, len(fields))
	for n := range fields {
		names = append(names, n)
	}
	slices.SortFunc(names, func(a, b string) int {
		// The unknown field last; the others by name.
		return cmp.Or(cmp.Compare(boolInt(a == unknownField), boolInt(b == unknownField)), strings.Compare(a, b))
	})
	var rows []II06aRow
	for i, n := range names {
		f := fields[n]
		no := strconv.Itoa(i + 1)
		rows = append(rows, II06aRow{No: no, Code: f.code, Name: f.name, Figures: f.sum})
		if !procs {
			continue
		}
		codes := make([]string, 0, len(f.procs))
		for c := range f.procs {
			codes = append(codes, c)
		}
		slices.Sort(codes)
		for k, c := range codes {
			name := info[c].name
			if name == "" {
				name = c
			}
			rows = append(rows, II06aRow{No: no + "." + strconv.Itoa(k+1), Depth: 1, Code: c, Name: name, Figures: f.procs[c]})
		}
	}
	return rows, total
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
