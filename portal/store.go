package portal

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/sohoa"
	"github.com/motcua/motcua/web"
)

// Store is the citizen's personal data store (*sohoa.Service): their
// digitised papers and coded results, reused instead of uploads.
type Store interface {
	Store(ctx context.Context, a *auth.Actor) ([]sohoa.Paper, error)
	Search(ctx context.Context, a *auth.Actor, q string) ([]sohoa.Paper, error)
	Papers(ctx context.Context, a *auth.Actor, code string) ([]sohoa.Paper, error)
	AttachFromStore(ctx context.Context, a *auth.Actor, code, component, paper string) (*sohoa.Reuse, error)
	Pick(ctx context.Context, a *auth.Actor, draftID int64, component, paper string) (dossier.DraftFile, error)
}

// storePage is "Kho dữ liệu của tôi": the papers, each with its reuses,
// and the dossiers still taking files, to attach a paper to.
type storePage struct {
	web.Page
	// Q narrows the list to the papers matching every word (code, name,
	// procedure, dossier code).
	Q      string
	Papers []storeItem
	Notice string
	Error  string
}

// storeItem is one paper with the components it can be attached to: those
// of the citizen's dossiers still taking files, but its own.
type storeItem struct {
	sohoa.Paper
	Targets []storeTarget
}

// storeTarget is one component of an open dossier a paper can go to;
// Value is "<dossier code>|<component key>". Dossier is the code, so a
// paper is not offered to its own dossier.
type storeTarget struct{ Value, Label, Dossier string }

func (s *Portal) dataStore(w http.ResponseWriter, r *http.Request) error {
	a, err := web.RequireActor(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	page := storePage{Page: s.web.Page(r, "portal.store.title"), Q: r.URL.Query().Get("q")}
	var papers []sohoa.Paper
	if page.Q != "" && a.IsCitizen() {
		papers, err = s.store.Search(ctx, a, page.Q)
	} else {
		papers, err = s.store.Store(ctx, a)
	}
	if err != nil {
		return err
	}
	var targets []storeTarget
	if a.IsCitizen() && len(papers) > 0 {
		ds, err := s.dossiers.List(ctx, a, dossier.Filter{Limit: 200})
		if err != nil {
			return err
		}
		for _, d := range ds {
			if d.Status != dossier.Submitted && d.Status != dossier.Returned && d.Status != dossier.SupplementRequested {
				continue
			}
			p, err := s.catalog.Get(ctx, d.Procedure)
			if err != nil {
				return err
			}
			for _, c := range p.Components {
				targets = append(targets, storeTarget{Value: d.Code + "|" + c.Key, Label: d.Code + " — " + c.Name, Dossier: d.Code})
			}
		}
	}
	for _, p := range papers {
		it := storeItem{Paper: p}
		for _, tg := range targets {
			if tg.Dossier != p.Dossier {
				it.Targets = append(it.Targets, tg)
			}
		}
		page.Papers = append(page.Papers, it)
	}
	if r.URL.Query().Get("da") == "dung-lai" {
		page.Notice = page.T("portal.store.reused", r.URL.Query().Get("ho-so"))
	}
	if code := r.URL.Query().Get("loi"); code != "" {
		switch code {
		case "paper_not_found":
			page.Error = page.T("portal.err.paper_not_found")
		case "upload_not_permitted":
			page.Error = page.T("err.upload_not_permitted")
		default:
			page.Error = page.T("portal.store.reuse_failed")
		}
	}
	return s.render(w, http.StatusOK, "store", page)
}

// reuseFromStore attaches a paper of the store to a component of one of
// the citizen's open dossiers; success and failure both come back to the
// store page.
func (s *Portal) reuseFromStore(w http.ResponseWriter, r *http.Request) error {
	a, err := web.RequireActor(r)
	if err != nil {
		return err
	}
	code, comp, _ := strings.Cut(r.PostFormValue("target"), "|")
	_, err = s.store.AttachFromStore(r.Context(), a, code, comp, r.PostFormValue("paper"))
	// Every refusal, a dossier or paper not found included, comes back to
	// the page that offered only the citizen's own: it tells no more.
	var pe *problem.Error
	if errors.As(err, &pe) {
		http.Redirect(w, r, "/kho-du-lieu?loi="+url.QueryEscape(pe.Code), http.StatusSeeOther)
		return nil
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/kho-du-lieu?da=dung-lai&ho-so="+url.QueryEscape(code), http.StatusSeeOther)
	return nil
}

// draftPick adds a paper of the store to a component of a draft in the
// wizard instead of an upload (the reuse is logged when it is filed).
func (s *Portal) draftPick(w http.ResponseWriter, r *http.Request) error {
	a, p, d, err := s.loadDraft(r)
	if err != nil {
		return err
	}
	comp := r.PathValue("component")
	back := draftURL(p.Code, d.ID, 3)
	if !hasComponent(p, comp) {
		http.Redirect(w, r, failedUpload(back, comp, "unknown_component"), http.StatusSeeOther)
		return nil
	}
	f, err := s.store.Pick(r.Context(), a, d.ID, comp, r.PostFormValue("paper"))
	if err == nil {
		d.Data.Files = append(d.Data.Files, f)
		err = s.dossiers.SaveDraft(r.Context(), a, d)
	}
	var pe *problem.Error
	if errors.As(err, &pe) {
		http.Redirect(w, r, failedUpload(back, comp, pe.Code), http.StatusSeeOther)
		return nil
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, back+"#c-"+comp, http.StatusSeeOther)
	return nil
}

// storeOptions are the papers of a's store offered on the wizard's files
// step; none for an officer filing on a citizen's behalf.
func (s *Portal) storeOptions(ctx context.Context, a *auth.Actor) []storeTarget {
	if s.store == nil || !a.IsCitizen() {
		return nil
	}
	ps, err := s.store.Store(ctx, a)
	if err != nil {
		return nil // the wizard works without the store
	}
	out := make([]storeTarget, 0, len(ps))
	for _, p := range ps {
		out = append(out, storeTarget{Value: p.Code, Label: p.Code + " — " + p.Name + " (" + p.ProcedureName + ", " + strconv.Itoa(p.At.Year()) + ")"})
	}
	return out
}

// paperCodes maps the files of the dossier with code to their
// digitisation or result codes; empty without the store.
func (s *Portal) paperCodes(ctx context.Context, a *auth.Actor, code string) (map[int64]string, error) {
	out := map[int64]string{}
	if s.store == nil {
		return out, nil
	}
	ps, err := s.store.Papers(ctx, a, code)
	for _, p := range ps {
		out[p.FileID] = p.Code
	}
	return out, err
}
