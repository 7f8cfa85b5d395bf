package portal

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/rating"
	"github.com/motcua/motcua/web"
)

// dossierPage is the applicant's view of one dossier: where it is, its
// history and files, and what they can do now.
type dossierPage struct {
	web.Page
	D       *dossier.Dossier
	Asks    []ask
	Request string
	// Open is the open supplement request: its items and time limit.
	Open    *dossier.SupplementRequest
	Comps   []compView
	Results []fileView
	// EResultURL is the result signed in the application (package esign).
	EResultURL    string
	CanUpload     bool
	CanSupplement bool
	CanWithdraw   bool
	Rating        *rating.Rating
	CanRate       bool
	History       []historyItem
	Max, MaxMB    int64
	Done          string
	Postal        *postalView
}

type historyItem struct {
	At     time.Time
	Action string
	Unit   string
	Note   string
}

// applicantNotes are the actions whose written note is addressed to the
// applicant (or written by them); other notes are the officers' own.
var applicantNotes = []dossier.Action{dossier.RequestSupplement, dossier.Refuse, dossier.Stop, dossier.Apologize,
	dossier.Withdraw, dossier.Supplement}

// notices are the confirmations shown after an action (?da=…).
var notices = map[string]string{"bo-sung": "portal.done.supplement", "rut": "portal.done.withdraw", "danh-gia": "portal.done.rate"}

func (s *Portal) dossierPage(w http.ResponseWriter, r *http.Request) error {
	a, err := web.RequireActor(r)
	if err != nil {
		return err
	}
	if !a.IsCitizen() && !a.HasAnywhere(auth.Community) {
		// Officers work on dossiers in the back office.
		http.Redirect(w, r, "/can-bo/ho-so/"+r.PathValue("code"), http.StatusSeeOther)
		return nil
	}
	ctx := r.Context()
	d, err := s.dossiers.Get(ctx, a, r.PathValue("code"))
	if err != nil {
		return err
	}
	page := dossierPage{Page: s.web.Page(r, "track.dossier", d.Code), D: d, Max: s.dossiers.MaxFileBytes()}
	page.MaxMB = page.Max >> 20
	if key, ok := notices[r.URL.Query().Get("da")]; ok {
		page.Done = page.T(key)
	}
	page.CanUpload = d.Status == dossier.Submitted || d.Status == dossier.Returned || d.Status == dossier.SupplementRequested
	page.CanSupplement = slices.Contains(d.Actions, dossier.Supplement)
	page.CanWithdraw = slices.Contains(d.Actions, dossier.Withdraw)
	if d.Status == dossier.Delivered {
		page.Rating, err = s.ratings.Get(ctx, a, d.Code)
		if err != nil && !errors.Is(err, problem.ErrNotFound) {
			return err
		}
		page.CanRate = page.Rating == nil && a.IsCitizen()
	}
	owed, err := s.owed(ctx, d.Code)
	if err != nil {
		return err
	}
	page.Asks = asksOf(page.Page, d, page.Rating != nil, owed[d.Code])
	if s.esign != nil {
		_, page.EResultURL = s.esign.Links(ctx, a, d)
	}
	if page.Postal, err = s.postalView(ctx, d); err != nil {
		return err
	}
	for _, e := range d.History {
		h := historyItem{At: e.At, Action: e.Key(), Unit: e.Unit}
		if slices.Contains(applicantNotes, e.Action) {
			h.Note = e.Note
		}
		if e.Action == dossier.RequestSupplement {
			page.Request = e.Note
		}
		page.History = append(page.History, h)
	}
	if d.Status != dossier.Returned && d.Status != dossier.SupplementRequested {
		page.Request = ""
	}
	page.Open = d.OpenRequest()
	// The components are those of the current version of the procedure;
	// Upload checks them against the version the dossier was filed under.
	p, err := s.catalog.Get(ctx, d.Procedure)
	if err != nil {
		return err
	}
	base := "/ho-so/" + d.Code
	codes, err := s.paperCodes(ctx, a, d.Code)
	if err != nil {
		return err
	}
	for _, c := range p.Components {
		cv := compView{Component: c, Action: base + "/tai-lieu/" + c.Key}
		for _, f := range d.Files {
			if f.Kind == "component" && f.Component == c.Key {
				cv.Files = append(cv.Files, fileView{Name: f.Name, Size: sizeText(page.Lang, f.Size), URL: base + "/tep/" + strconv.FormatInt(f.ID, 10),
					Code: codes[f.ID]})
			}
		}
		if r.URL.Query().Get("tep") == c.Key {
			cv.Error = s.uploadError(page.Page, r.URL.Query().Get("loi"), page.MaxMB)
		}
		page.Comps = append(page.Comps, cv)
	}
	for _, f := range d.Files {
		if f.Kind == "result" {
			page.Results = append(page.Results, fileView{Name: f.Name, Size: sizeText(page.Lang, f.Size), URL: base + "/tep/" + strconv.FormatInt(f.ID, 10),
				Code: codes[f.ID]})
		}
	}
	return s.render(w, http.StatusOK, "dossier", page)
}

func (s *Portal) dossierFile(w http.ResponseWriter, r *http.Request) error {
	a, err := web.RequireActor(r)
	if err != nil {
		return err
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return problem.NotFound("file_not_found")
	}
	f, fh, err := s.dossiers.Open(r.Context(), a, r.PathValue("code"), id)
	if err != nil {
		return err
	}
	defer fh.Close()
	serveFile(w, r, f.Name, f.ContentType, fh)
	return nil
}

// supplementUpload adds a file to a dossier that takes files (awaiting
// reception, or returned / asked for a supplement).
func (s *Portal) supplementUpload(w http.ResponseWriter, r *http.Request) error {
	a, err := web.RequireActor(r)
	if err != nil {
		return err
	}
	code, comp := r.PathValue("code"), r.PathValue("component")
	back := "/ho-so/" + code
	// Scope first: a dossier a may not see is not found, whatever the body.
	if _, err := s.dossiers.Get(r.Context(), a, code); err != nil {
		return err
	}
	part, err := s.filePart(w, r)
	if err == nil {
		_, err = s.dossiers.Upload(r.Context(), a, code, comp, part.FileName(), part)
	}
	if pe, ok := asProblem(err); ok {
		http.Redirect(w, r, failedUpload(back, comp, pe.Code), http.StatusSeeOther)
		return nil
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, back+"#c-"+comp, http.StatusSeeOther)
	return nil
}

// supplementDone tells the desk the requested documents are there ("Tôi đã bổ sung").
func (s *Portal) supplementDone(w http.ResponseWriter, r *http.Request) error {
	return s.act(w, r, dossier.Supplement, "bo-sung")
}

func (s *Portal) act(w http.ResponseWriter, r *http.Request, action dossier.Action, done string) error {
	a, err := web.RequireActor(r)
	if err != nil {
		return err
	}
	d, err := s.dossiers.Act(r.Context(), a, r.PathValue("code"), action, dossier.ActInput{Note: clip(r.PostFormValue("note"), 4000)})
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/ho-so/"+d.Code+"?da="+done, http.StatusSeeOther)
	return nil
}

type withdrawPage struct {
	web.Page
	D *dossier.Dossier
}

// withdrawConfirm asks before withdrawing: it cannot be undone.
func (s *Portal) withdrawConfirm(w http.ResponseWriter, r *http.Request) error {
	a, err := web.RequireActor(r)
	if err != nil {
		return err
	}
	d, err := s.dossiers.Get(r.Context(), a, r.PathValue("code"))
	if err != nil {
		return err
	}
	if !slices.Contains(d.Actions, dossier.Withdraw) {
		return problem.New(problem.ErrState, "invalid_transition.withdraw", problem.Key("state."+string(d.Status)))
	}
	return s.render(w, http.StatusOK, "withdraw", withdrawPage{Page: s.web.Page(r, "portal.withdraw.title", d.Code), D: d})
}

func (s *Portal) withdraw(w http.ResponseWriter, r *http.Request) error {
	return s.act(w, r, dossier.Withdraw, "rut")
}
