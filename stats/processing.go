package stats

import (
	"net/http"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/report"
	"github.com/motcua/motcua/web"
)

type processingPage struct {
	web.Page
	Picker                picker
	Shown                 bool
	UnitName              string
	Steps                 []timeRow
	Officers              []timeRow
	Late                  []lateRow
	Supplements, Refusals []report.ReasonCount
	Pauses                []pauseRow
}

type timeRow struct {
	Procedure, Step, Name string
	Count                 int
	Min, Median, P90      string
}

type lateRow struct {
	report.LateDossier
	StepLabel, LateHours string
}

type pauseRow struct {
	Kind, Hours string
	Count, Open int64
}

// processing shows the processing analytics of a unit for a period.
func (s *Stats) processing(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	p := s.page(r, "stats.processing.title")
	pk, err := s.pick(r.Context(), r, p, a)
	if err != nil {
		return err
	}
	data := processingPage{Page: p, Picker: pk}
	if pk.Error != "" {
		return s.render(w, http.StatusUnprocessableEntity, "processing", data)
	}
	pr, err := s.reports.Processing(r.Context(), pk.Unit, pk.from, pk.to, s.cal)
	if err != nil {
		return err
	}
	h := func(v float64) string { return number(p.Lang, v, 1) }
	data.Shown, data.UnitName = true, pr.UnitName
	for _, st := range pr.Steps {
		data.Steps = append(data.Steps, timeRow{Procedure: st.Procedure, Step: number(p.Lang, float64(st.Step), 0), Name: st.Name,
			Count: st.Count, Min: h(st.Min), Median: h(st.Median), P90: h(st.P90)})
	}
	for _, o := range pr.Officers {
		data.Officers = append(data.Officers, timeRow{Name: o.Name, Count: o.Count, Min: h(o.Min), Median: h(o.Median), P90: h(o.P90)})
	}
	for _, l := range pr.Late {
		label := l.StepName
		if label == "" {
			label = p.T("stats.processing.step_n", l.Step)
		}
		data.Late = append(data.Late, lateRow{LateDossier: l, StepLabel: label, LateHours: h(l.LateHours)})
	}
	data.Supplements, data.Refusals = pr.SupplementReasons, pr.RefusalReasons
	for _, ps := range pr.Pauses {
		kind := ps.Kind
		if p.Has("pause." + kind) {
			kind = p.T("pause." + kind)
		}
		data.Pauses = append(data.Pauses, pauseRow{Kind: kind, Hours: h(ps.Hours), Count: ps.Count, Open: ps.Open})
	}
	return s.render(w, http.StatusOK, "processing", data)
}
