package report

import (
	"cmp"
	"slices"
	"strings"
	"time"
)

// analysis gathers Processing's figures one dossier at a time.
type analysis struct {
	cal      WorkCalendar
	judge    Judge
	tree     scoreTree
	root     int64
	from, to time.Time

	steps    map[stepKey][]float64
	stepOf   map[stepKey]versionKey // the version a step's name is read from
	officers map[string][]float64
	late     []LateDossier
	lateOf   []versionKey
	supp     []string
	refusals []string
	pauses   map[string]*PauseStat
	versions map[versionKey]bool
}

type stepKey struct {
	procedure string
	step      int
}

func newAnalysis(cal WorkCalendar, tree scoreTree, root int64, from, to time.Time) *analysis {
	a := &analysis{cal: cal, judge: minuteJudge{}, tree: tree, root: root, from: from, to: to,
		steps: map[stepKey][]float64{}, stepOf: map[stepKey]versionKey{}, officers: map[string][]float64{},
		pauses: map[string]*PauseStat{}, versions: map[versionKey]bool{}}
	if cal != nil {
		a.judge = cal
	}
	return a
}

// working is the working time between two instants (ms): the calendar's,
// or plain time without one.
func (a *analysis) working(x, y int64) time.Duration {
	if y <= x {
		return 0
	}
	if a.cal == nil {
		return time.Duration(y-x) * time.Millisecond
	}
	return a.cal.WorkingBetween(msTime(x), msTime(y))
}

func (a *analysis) inPeriod(at int64) bool {
	return at >= a.from.UnixMilli() && at < a.to.UnixMilli()
}

// in reports whether unit u was in the subtree at instant at.
func (a *analysis) in(u, at int64) bool { return u != 0 && a.tree.under(u, a.root, at) }

// actingUnit is the unit that took act e.
func actingUnit(d procDossier, e procEvent) int64 {
	switch {
	case e.fromUnit != 0:
		return e.fromUnit
	case e.toUnit != 0:
		return e.toUnit
	}
	return d.unitID
}

func (a *analysis) dossier(d procDossier, pauses []pauseRow, items map[int64][]string) {
	vk := versionKey{d.procedure, d.version}
	a.visits(d, vk)
	a.lateness(d, vk)
	for _, e := range d.events {
		if !a.inPeriod(e.at) || !a.in(actingUnit(d, e), e.at) {
			continue
		}
		switch e.action {
		case "request-supplement":
			written := false
			for _, r := range items[e.id] {
				if strings.TrimSpace(r) != "" {
					a.supp, written = append(a.supp, r), true
				}
			}
			if !written {
				a.supp = append(a.supp, e.note)
			}
		case "refuse":
			a.refusals = append(a.refusals, e.note)
		}
	}
	for _, p := range pauses {
		var holder int64
		for _, e := range d.events {
			if e.at > p.start {
				break
			}
			// Where the act left it: the unit holding it from then on.
			holder = cmp.Or(e.toUnit, e.fromUnit, d.unitID)
		}
		if !a.in(holder, p.start) {
			continue
		}
		st := a.pauses[p.kind]
		if st == nil {
			st = &PauseStat{Kind: p.kind}
			a.pauses[p.kind] = st
		}
		st.Count++
		if p.end == 0 || p.end >= a.to.UnixMilli() {
			st.Open++
		} else {
			st.Hours += hoursOf(a.working(p.start, p.end))
		}
	}
}

// visits times each stay of the dossier at a processing step: from the
// act that brought it there to the act that moved it on (another step, a
// supplement request, the result, an end), less the officers' pauses of
// the clock in between. A stay counts in the period it ended in, for the
// step and for the officer whose act ended it.
func (a *analysis) visits(d procDossier, vk versionKey) {
	open := false
	var step int
	var start, pausedAt int64
	var paused time.Duration
	for _, e := range d.events {
		if open {
			switch e.action {
			case "pause":
				if pausedAt == 0 {
					pausedAt = e.at
				}
			case "resume":
				if pausedAt != 0 {
					paused += a.working(pausedAt, e.at)
					pausedAt = 0
				}
			}
			if e.toStatus != "processing" || e.toStep != step {
				if pausedAt != 0 {
					paused += a.working(pausedAt, e.at)
				}
				if a.inPeriod(e.at) && a.in(actingUnit(d, e), e.at) {
					h := hoursOf(max(a.working(start, e.at)-paused, 0))
					k := stepKey{d.procedure, step}
					a.steps[k] = append(a.steps[k], h)
					if _, ok := a.stepOf[k]; !ok {
						a.stepOf[k] = vk
						a.versions[vk] = true
					}
					a.officers[e.actor] = append(a.officers[e.actor], h)
				}
				open = false
			}
		}
		if !open && e.toStatus == "processing" {
			open, step, start, pausedAt, paused = true, e.toStep, e.at, 0, 0
		}
	}
}

// lateness finds, for a dossier resolved late in the period or overdue at
// its end (Counts' judgement), the step that held it when its deadline
// passed and the officer of that step.
func (a *analysis) lateness(d procDossier, vk versionKey) {
	life := d.life()
	c, unitID, ok := life.count(a.from, a.to, a.judge, a.tree.ut)
	if !ok || c.Late+c.Overdue == 0 {
		return
	}
	t := a.to.UnixMilli()
	recv, end := life.span(t)
	fixed, n := t-1, recv
	if end >= 0 {
		fixed, n = life.events[end].at, end
	} else {
		for n < len(life.events) && life.events[n].at < t {
			n++
		}
	}
	if !a.in(unitID, fixed) {
		return
	}
	due := life.dueBefore(n)
	j := recv
	for i := recv; i < len(d.events) && d.events[i].at <= due; i++ {
		j = i
	}
	held := d.events[j]
	ld := LateDossier{Code: d.code, Procedure: d.procedure, Due: msTime(due), Step: held.toStep, Officer: d.assignee}
	for _, e := range d.events[j+1:] {
		if e.at > fixed {
			break
		}
		if e.toStatus != held.toStatus || e.toStep != held.toStep {
			ld.Officer = e.actor
			break
		}
	}
	until := t
	if end >= 0 {
		f := msTime(fixed)
		ld.Finished, until = &f, fixed
	}
	ld.LateHours = hoursOf(a.working(due, until))
	a.late = append(a.late, ld)
	a.lateOf = append(a.lateOf, vk)
	a.versions[vk] = true
}

// finish orders the figures into out, naming steps from their versions.
func (a *analysis) finish(out *Processing, names map[versionKey][]string) {
	name := func(vk versionKey, step int) string {
		if n := names[vk]; step >= 0 && step < len(n) {
			return n[step]
		}
		return ""
	}
	out.Steps = []TimeStat{}
	for k, hs := range a.steps {
		lo, med, p90 := spread(hs)
		out.Steps = append(out.Steps, TimeStat{Procedure: k.procedure, Step: k.step, Name: name(a.stepOf[k], k.step),
			Count: len(hs), Min: lo, Median: med, P90: p90})
	}
	slices.SortFunc(out.Steps, func(x, y TimeStat) int {
		return cmp.Or(strings.Compare(x.Procedure, y.Procedure), cmp.Compare(x.Step, y.Step))
	})
	out.Officers = []TimeStat{}
	for who, hs := range a.officers {
		lo, med, p90 := spread(hs)
		out.Officers = append(out.Officers, TimeStat{Name: who, Count: len(hs), Min: lo, Median: med, P90: p90})
	}
	slices.SortFunc(out.Officers, func(x, y TimeStat) int { return strings.Compare(x.Name, y.Name) })
	for i := range a.late {
		a.late[i].StepName = name(a.lateOf[i], a.late[i].Step)
	}
	out.Late = a.late
	if out.Late == nil {
		out.Late = []LateDossier{}
	}
	slices.SortStableFunc(out.Late, func(x, y LateDossier) int { return x.Due.Compare(y.Due) })
	out.SupplementReasons = rankReasons(a.supp)
	out.RefusalReasons = rankReasons(a.refusals)
	out.Pauses = []PauseStat{}
	for _, p := range a.pauses {
		out.Pauses = append(out.Pauses, *p)
	}
	slices.SortFunc(out.Pauses, func(x, y PauseStat) int { return strings.Compare(x.Kind, y.Kind) })
}
