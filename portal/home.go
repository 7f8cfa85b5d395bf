package portal

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/motcua/motcua/catalog"
	"github.com/motcua/motcua/unit"
	"github.com/motcua/motcua/web"
)

type homePage struct {
	web.Page
	Query      string
	Field      string
	Level      string
	Unit       string
	UnitName   string
	Fields     []fieldLink
	Levels     []levelLink
	Units      []unitGroup
	Popular    []catalog.Summary
	Procedures []catalog.Summary
	Searched   bool
}

type fieldLink struct {
	Code, Name string
	Count      int
	Active     bool
}

type levelLink struct {
	Level  string
	Active bool
}

// fallbackPopular is shown as "most used" before any dossier was filed:
// the procedures one-stop desks of communes receive most (birth, death and
// marriage registration, certified copies, signature authentication, land
// use changes).
var fallbackPopular = []string{"1.001193", "1.000656", "1.000894", "2.000815", "2.000884", "1.013831"}

const popularCount = 6

func (s *Portal) home(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	page := homePage{Page: s.web.Page(r, "home.title"), Query: q, Field: r.URL.Query().Get("linh-vuc")}
	if l := r.URL.Query().Get("cap"); unit.Rank(l) != 0 {
		page.Level = l
	}
	if code := r.URL.Query().Get("don-vi"); code != "" {
		// Browsing by unit shows what that unit receives: its level's procedures.
		if u, err := s.units.ByCode(ctx, code); err == nil && u.Active {
			page.Unit, page.UnitName, page.Level = u.Code, u.Name, u.Level
		}
	}
	page.Searched = q != "" || page.Field != "" || page.Level != ""
	all, err := s.catalog.Search(ctx, catalog.Query{})
	if err != nil {
		return err
	}
	idx := map[string]int{}
	for _, p := range all {
		i, ok := idx[p.FieldCode]
		if !ok {
			i = len(page.Fields)
			idx[p.FieldCode] = i
			page.Fields = append(page.Fields, fieldLink{Code: p.FieldCode, Name: p.Field, Active: p.FieldCode == page.Field})
		}
		page.Fields[i].Count++
	}
	for _, l := range levelOrder {
		page.Levels = append(page.Levels, levelLink{Level: l, Active: l == page.Level && page.Unit == ""})
	}
	units, err := s.activeUnits(ctx, nil)
	if err != nil {
		return err
	}
	page.Units = groupUnits(units, page.Unit)
	page.Procedures = all
	if page.Searched {
		page.Procedures, err = s.catalog.Search(ctx, catalog.Query{Text: q, Field: page.Field, Level: page.Level})
		if err != nil {
			return err
		}
	} else if page.Popular, err = s.popular(ctx, all); err != nil {
		return err
	}
	return s.render(w, http.StatusOK, "home", page)
}

// popular lists the procedures with the most dossiers in the last 365
// days, or the fixed list when nothing was filed yet.
func (s *Portal) popular(ctx context.Context, all []catalog.Summary) ([]catalog.Summary, error) {
	byCode := make(map[string]catalog.Summary, len(all))
	for _, p := range all {
		byCode[p.Code] = p
	}
	counts, err := s.dossiers.Popular(ctx, 365*24*time.Hour, popularCount)
	if err != nil {
		return nil, err
	}
	codes := fallbackPopular
	if len(counts) > 0 {
		codes = codes[:0:0]
		for _, c := range counts {
			codes = append(codes, c.Procedure)
		}
	}
	var out []catalog.Summary
	for _, c := range codes {
		if p, ok := byCode[c]; ok {
			out = append(out, p)
		}
	}
	return out, nil
}
