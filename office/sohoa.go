package office

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/sohoa"
	"github.com/motcua/motcua/web"
)

// Digitiser digitises papers at the desk and finds digitised papers
// (*sohoa.Service, Circular 01/2023/TT-VPCP).
type Digitiser interface {
	Digitise(ctx context.Context, a *auth.Actor, code string, fileID int64) (*sohoa.Paper, error)
	Papers(ctx context.Context, a *auth.Actor, code string) ([]sohoa.Paper, error)
	Search(ctx context.Context, a *auth.Actor, q string) ([]sohoa.Paper, error)
	AttachFromStore(ctx context.Context, a *auth.Actor, code, component, paper string) (*sohoa.Reuse, error)
	Suggest(ctx context.Context, a *auth.Actor, d *dossier.Dossier) ([]sohoa.Paper, error)
}

// reuseForm offers the desk, for a component of a dossier still taking
// files, a digitised paper instead of a new scan: the code typed, with
// the papers of the same applicant its units hold, that the desk may
// attach (sohoa.Service.Suggest), suggested.
type reuseForm struct {
	Action, CSRF, Label, Submit string
	Key                         string
	Suggest                     []string
}

// markDigitised shows each component file's digitisation code and each
// result's result code, and offers the receiving desk to digitise a
// component file that has none.
func (o *Office) markDigitised(ctx context.Context, a *auth.Actor, d *dossier.Dossier, p *dossierPage) error {
	if o.sohoa == nil {
		return nil
	}
	papers, err := o.sohoa.Papers(ctx, a, d.Code)
	if err != nil {
		return err
	}
	codes := map[int64]string{}
	for _, pp := range papers {
		codes[pp.FileID] = pp.Code
	}
	desk := a.HoldsAt(d.ReceivingUnitID(), auth.Reception)
	if p.CanUpload {
		var suggest []string
		found, err := o.sohoa.Suggest(ctx, a, d)
		if err != nil {
			return err
		}
		for _, pp := range found {
			suggest = append(suggest, pp.Code)
		}
		for i := range p.Components {
			key := p.Components[i].Component.Key
			p.Components[i].Reuse = &reuseForm{Action: "/can-bo/ho-so/" + d.Code + "/dung-lai/" + key, CSRF: p.CSRF, Key: key,
				Label: p.T("office.reuse.label", p.Components[i].Component.Name), Submit: p.T("office.reuse.submit"), Suggest: suggest}
		}
	}
	mark := func(v *preview) {
		if c := codes[v.ID]; c != "" {
			v.Paper = p.T("office.digitised.code", c)
		} else if desk && v.Kind == "component" {
			v.Digitise, v.DigitiseLabel, v.CSRF = "/can-bo/ho-so/"+d.Code+"/so-hoa/"+strconv.FormatInt(v.ID, 10), p.T("office.digitise.button", v.Name), p.CSRF
		}
	}
	for i := range p.Components {
		for j := range p.Components[i].Previews {
			mark(&p.Components[i].Previews[j])
		}
	}
	for i := range p.Results {
		mark(&p.Results[i])
	}
	return nil
}

// digitise marks one component file digitised and comes back to the
// dossier's components, with the outcome in the query string.
func (o *Office) digitise(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	code := r.PathValue("code")
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return problem.NotFound("file_not_found")
	}
	_, err = o.sohoa.Digitise(r.Context(), a, code, id)
	var pe *problem.Error
	switch {
	case err == nil:
		http.Redirect(w, r, dossierURL(code)+"?so-hoa=ok#thanh-phan", http.StatusSeeOther)
		return nil
	case !errors.As(err, &pe) || errors.Is(err, problem.ErrNotFound) || errors.Is(err, problem.ErrForbidden):
		return err // not found, not the desk's, or a failure: the error page
	}
	http.Redirect(w, r, dossierURL(code)+"?loi="+url.QueryEscape(pe.Code)+"#thanh-phan", http.StatusSeeOther)
	return nil
}

// searchPage finds digitised papers and results of the officer's units
// by code, ID number, name or procedure.
type searchPage struct {
	web.Page
	Q      string
	Papers []sohoa.Paper
	Asked  bool
}

func (o *Office) searchPapers(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	p := searchPage{Page: o.page(r, "office.digitised.title"), Q: r.URL.Query().Get("q")}
	if p.Q != "" {
		var err error
		p.Asked = true
		if p.Papers, err = o.sohoa.Search(r.Context(), a, p.Q); err != nil {
			return err
		}
	}
	return o.render(w, http.StatusOK, "digitised", p)
}

// reuse attaches a digitised paper, by its code, to a component of the
// dossier instead of a new scan (sohoa.Service.AttachFromStore logs it).
func (o *Office) reuse(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	code := r.PathValue("code")
	_, err := o.sohoa.AttachFromStore(r.Context(), a, code, r.PathValue("component"), r.PostFormValue("paper"))
	var pe *problem.Error
	switch {
	case err == nil:
		http.Redirect(w, r, dossierURL(code)+"?dung-lai=ok#thanh-phan", http.StatusSeeOther)
		return nil
	case !errors.As(err, &pe) || errors.Is(err, problem.ErrForbidden) || pe.Code == "dossier_not_found":
		return err
	}
	http.Redirect(w, r, dossierURL(code)+"?loi="+url.QueryEscape(pe.Code)+"#thanh-phan", http.StatusSeeOther)
	return nil
}
