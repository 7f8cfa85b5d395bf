package portal

import (
	"net/http"
	"strconv"

	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/mydata"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/web"
)

// "Dữ liệu cá nhân của tôi" (Law 91/2025): the download of everything
// motcua holds about the citizen, and their consents with a withdrawal
// button each. The pages answer "not found" when no MyData is wired.

type myDataPage struct {
	web.Page
	Consents []mydata.Consent
	Done     string // "rut" after a withdrawal, "dong-y" after a consent
}

// myDataOn: the pages exist only when MyData is wired.
func (s *Portal) myDataOn() error {
	if s.mydata == nil {
		return problem.NotFound("not_found")
	}
	return nil
}

func (s *Portal) myData(w http.ResponseWriter, r *http.Request) error {
	a, err := web.RequireActor(r)
	if err != nil {
		return err
	}
	if err := s.myDataOn(); err != nil {
		return err
	}
	cs, err := s.mydata.Consents(r.Context(), a)
	if err != nil {
		return err
	}
	return s.render(w, http.StatusOK, "my_data", myDataPage{Page: s.web.Page(r, "portal.mydata.title"), Consents: cs,
		Done: r.URL.Query().Get("da")})
}

// myDataDownload streams the ZIP (mydata.Service.Export); the name says
// whose and when, the body never passes through memory whole.
func (s *Portal) myDataDownload(w http.ResponseWriter, r *http.Request) error {
	a, err := web.RequireActor(r)
	if err != nil {
		return err
	}
	if err := s.myDataOn(); err != nil {
		return err
	}
	if !a.IsCitizen() {
		return problem.Forbidden("mydata_citizen_only")
	}
	h := w.Header()
	h.Set("Content-Type", "application/zip")
	h.Set("Content-Disposition", `attachment; filename="motcua-du-lieu-ca-nhan.zip"`)
	h.Set("Cache-Control", "no-store")
	return s.mydata.Export(r.Context(), a, w)
}

func (s *Portal) withdrawConsent(w http.ResponseWriter, r *http.Request) error {
	a, err := web.RequireActor(r)
	if err != nil {
		return err
	}
	if err := s.myDataOn(); err != nil {
		return err
	}
	id, err := strconv.ParseInt(r.PostFormValue("id"), 10, 64)
	if err != nil {
		return problem.NotFound("consent_not_found")
	}
	if err := s.mydata.Withdraw(r.Context(), a, r.PostFormValue("purpose"), id); err != nil {
		return err
	}
	http.Redirect(w, r, "/tai-khoan/du-lieu?da=rut", http.StatusSeeOther)
	return nil
}

func (s *Portal) giveConsent(w http.ResponseWriter, r *http.Request) error {
	a, err := web.RequireActor(r)
	if err != nil {
		return err
	}
	if err := s.myDataOn(); err != nil {
		return err
	}
	if err := s.mydata.Give(r.Context(), a, r.PostFormValue("purpose")); err != nil {
		return err
	}
	http.Redirect(w, r, "/tai-khoan/du-lieu?da=dong-y", http.StatusSeeOther)
	return nil
}

type accessesPage struct {
	web.Page
	Dossier  *dossier.Dossier
	Accesses []mydata.Access
}

// accesses is "Ai đã xem hồ sơ": the audit log's reads and changes of one
// of the citizen's dossiers; another's dossier is not found.
func (s *Portal) accesses(w http.ResponseWriter, r *http.Request) error {
	a, err := web.RequireActor(r)
	if err != nil {
		return err
	}
	if err := s.myDataOn(); err != nil {
		return err
	}
	d, err := s.dossiers.Get(r.Context(), a, r.PathValue("code"))
	if err != nil {
		return err
	}
	list, err := s.mydata.Accesses(r.Context(), a, d.Code)
	if err != nil {
		return err
	}
	return s.render(w, http.StatusOK, "accesses", accessesPage{Page: s.web.Page(r, "portal.accesses.title"), Dossier: d, Accesses: list})
}
