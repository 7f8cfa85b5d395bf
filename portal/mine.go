package portal

import (
	"fmt"
	"net/http"
	"time"

	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/payment"
	"github.com/motcua/motcua/web"
)

// minePage is "Hồ sơ của tôi": what is asked of the applicant, their
// dossiers, and the drafts not yet submitted.
type minePage struct {
	web.Page
	Citizen  bool
	Todo     []todo
	Dossiers []mineItem
	Drafts   []draftItem
}

type mineItem struct {
	D    *dossier.Dossier
	Asks []ask
}

// ask is one thing the applicant must do for a dossier.
type ask struct {
	Kind string // "supplement", "collect", "rate" or "pay"
	Text string
	URL  string
	Link string
}

type todo struct {
	D   *dossier.Dossier
	Ask ask
}

type draftItem struct {
	ID        int64
	Procedure string
	Name      string
	Updated   time.Time
	URL       string
	Delete    string
}

// asksOf lists what the applicant must do now for d; owed is the fee d
// owes (payment.Service.Owed), nil when none.
func asksOf(pg web.Page, d *dossier.Dossier, rated bool, owed *payment.Payment) []ask {
	return append(stateAsks(pg, d, rated), payAsk(pg, d, owed)...)
}

// stateAsks are the asks of d's lifecycle state.
func stateAsks(pg web.Page, d *dossier.Dossier, rated bool) []ask {
	page := "/ho-so/" + d.Code
	switch d.Status {
	case dossier.Returned, dossier.SupplementRequested:
		return []ask{{Kind: "supplement", Text: pg.T("portal.ask.supplement"), URL: page + "#bo-sung", Link: pg.T("portal.ask.supplement.link")}}
	case dossier.ResultReady:
		if d.Delivery == "post" {
			return []ask{{Kind: "collect", Text: pg.T("portal.ask.post"), URL: page, Link: pg.T("portal.ask.view")}}
		}
		return []ask{{Kind: "collect", Text: pg.T("portal.ask.collect", d.UnitName), URL: page, Link: pg.T("portal.ask.view")}}
	case dossier.Delivered:
		if !rated {
			return []ask{{Kind: "rate", Text: pg.T("portal.ask.rate"), URL: page + "/danh-gia", Link: pg.T("portal.ask.rate.link")}}
		}
	}
	return nil
}

func (s *Portal) mine(w http.ResponseWriter, r *http.Request) error {
	a, err := web.RequireActor(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	page := minePage{Page: s.web.Page(r, "portal.mine.title"), Citizen: a.IsCitizen()}
	if a.IsCitizen() {
		ds, err := s.dossiers.List(ctx, a, dossier.Filter{Limit: 200})
		if err != nil {
			return err
		}
		rated, err := s.ratings.RatedBy(ctx, a)
		if err != nil {
			return err
		}
		codes := make([]string, len(ds))
		for i, d := range ds {
			codes[i] = d.Code
		}
		owed, err := s.owed(ctx, codes...)
		if err != nil {
			return err
		}
		for _, d := range ds {
			item := mineItem{D: d, Asks: asksOf(page.Page, d, rated[d.Code], owed[d.Code])}
			for _, k := range item.Asks {
				page.Todo = append(page.Todo, todo{D: d, Ask: k})
			}
			page.Dossiers = append(page.Dossiers, item)
		}
	}
	drafts, err := s.dossiers.Drafts(ctx, a)
	if err != nil {
		return err
	}
	for _, d := range drafts {
		name := d.Procedure
		if p, err := s.catalog.Get(ctx, d.Procedure); err == nil {
			name = p.Name
		}
		base := fmt.Sprintf("/nop-ho-so/%s/%d", d.Procedure, d.ID)
		page.Drafts = append(page.Drafts, draftItem{ID: d.ID, Procedure: d.Procedure, Name: name, Updated: d.UpdatedAt,
			URL: base, Delete: base + "/xoa"})
	}
	return s.render(w, http.StatusOK, "mine", page)
}
