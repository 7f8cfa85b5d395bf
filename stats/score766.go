package stats

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/report"
	"github.com/motcua/motcua/web"
)

type scorePage struct {
	web.Page
	Picker                 picker
	UnitName               string
	Score, Computable, Max string
	Groups                 []groupView
	Shown                  bool
}

type groupView struct {
	Key, Name              string
	Score, Computable, Max string
	Indicators             []indicatorView
}

type indicatorView struct {
	Key, Name, Formula string
	Computable         bool
	// Value, Target and Points are formatted; Reason is why it cannot
	// be computed; Link opens the dossiers behind it.
	Value, Target, Points, Reason, Link string
	Numerator, Denominator              int64
}

// scorecard shows the Decision 766 scorecard of a unit for a period.
func (s *Stats) scorecard(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	p := s.page(r, "stats.766.title")
	pk, err := s.pick(r.Context(), r, p, a)
	if err != nil {
		return err
	}
	data := scorePage{Page: p, Picker: pk}
	if pk.Error != "" {
		return s.render(w, http.StatusUnprocessableEntity, "score766", data)
	}
	sc, err := s.reports.Scorecard(r.Context(), pk.Unit, pk.from, pk.to, s.cal)
	if err != nil {
		return err
	}
	lang := p.Lang
	data.Shown, data.UnitName = true, sc.UnitName
	data.Score, data.Computable, data.Max = number(lang, sc.Score, 2), number(lang, sc.Computable, 0), number(lang, sc.Max, 0)
	for _, g := range sc.Groups {
		gv := groupView{Key: g.Key, Name: p.T("stats.766.group." + g.Key),
			Score: number(lang, g.Score, 2), Computable: number(lang, g.Computable, 0), Max: number(lang, g.Max, 0)}
		for _, in := range g.Indicators {
			gv.Indicators = append(gv.Indicators, s.indicatorView(p, pk, in))
		}
		data.Groups = append(data.Groups, gv)
	}
	return s.render(w, http.StatusOK, "score766", data)
}

func (s *Stats) indicatorView(p web.Page, pk picker, in report.Indicator) indicatorView {
	v := indicatorView{Key: in.Key, Name: p.T("stats.766.ind." + in.Key), Formula: p.T("stats.766.formula." + in.Key),
		Computable: in.Computable, Numerator: in.Numerator, Denominator: in.Denominator}
	if in.Target > 0 {
		v.Target = number(p.Lang, in.Target*100, 0) + "\u2060%" // a word joiner: "100" and "%" stay on one line
	}
	if !in.Computable {
		reason := strings.TrimPrefix(in.Reason, "no_data_held:")
		v.Reason = p.T("stats.766.reason." + reason)
		return v
	}
	if in.Unit == "hours" {
		v.Value = p.T("stats.hours", number(p.Lang, in.Value, 1))
	} else {
		v.Value = number(p.Lang, in.Value*100, 2) + "%"
		v.Points = number(p.Lang, in.Score, 2) + "/" + number(p.Lang, in.Max, 0)
	}
	if in.Dossiers {
		v.Link = "/can-bo/thong-ke/766/" + in.Key + "?" + pk.Query()
	}
	return v
}

type scoreDossiersPage struct {
	web.Page
	Picker                 picker
	Key, Name, Formula     string
	Numerator, Denominator int64
	Dossiers               []report.ScoreDossier
	Back, Prev, Next       string
	First, Last            int
}

// scoreDossiers lists the dossiers behind one indicator, 50 a page (?trang=).
func (s *Stats) scoreDossiers(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	key := r.PathValue("indicator")
	p := s.page(r, "stats.766.dossiers.title", key)
	pk, err := s.pick(r.Context(), r, p, a)
	if err != nil {
		return err
	}
	data := scoreDossiersPage{Page: p, Picker: pk, Key: key, Back: "/can-bo/thong-ke/766?" + pk.Query()}
	if p.Has("stats.766.ind." + key) {
		data.Name, data.Formula = p.T("stats.766.ind."+key), p.T("stats.766.formula."+key)
	}
	if pk.Error != "" {
		return s.render(w, http.StatusUnprocessableEntity, "score766_dossiers", data)
	}
	const per = 50
	n := 1
	if v := r.URL.Query().Get("trang"); v != "" {
		if n, err = strconv.Atoi(v); err != nil || n < 1 {
			n = 1
		}
	}
	page, err := s.reports.ScoreDossiers(r.Context(), pk.Unit, pk.from, pk.to, key, s.cal, report.ScoreFilter{Offset: (n - 1) * per, Limit: per})
	if err != nil {
		return err
	}
	data.Numerator, data.Denominator, data.Dossiers = page.Numerator, page.Denominator, page.Dossiers
	data.First, data.Last = page.Offset+1, page.Offset+len(page.Dossiers)
	link := "/can-bo/thong-ke/766/" + key + "?" + pk.Query() + "&trang="
	if n > 1 {
		data.Prev = link + strconv.Itoa(n-1)
	}
	if int64(page.Offset+len(page.Dossiers)) < page.Denominator {
		data.Next = link + strconv.Itoa(n+1)
	}
	return s.render(w, http.StatusOK, "score766_dossiers", data)
}
