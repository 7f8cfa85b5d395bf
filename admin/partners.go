package admin

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/unit"
	"github.com/motcua/motcua/web"
)

// The province's registry of partner agencies (cơ quan phối hợp): the
// agencies outside the unit tree a dossier's step may ask for an answer.
// Every admin reads it; only the province's admins add, change and retire
// agencies (dossier.Service.SavePartnerAgency checks).

// Partners is the registry (*dossier.Service).
type Partners interface {
	PartnerAgencies(ctx context.Context, a *auth.Actor, province string, all bool) ([]dossier.PartnerAgency, error)
	SavePartnerAgency(ctx context.Context, a *auth.Actor, id int64, in dossier.PartnerAgency) (dossier.PartnerAgency, error)
}

type partnersPage struct {
	web.Page
	Agencies []dossier.PartnerAgency
	// Province is the code of the province the reader administers, if
	// any: only then may they add and change.
	Province string
	Form     dossier.PartnerAgency
	Alert    Alert
	Notice   string
}

func (o *Admin) partnersPage(w http.ResponseWriter, r *http.Request) error {
	a, err := requireAdmin(r)
	if err != nil {
		return err
	}
	return o.renderPartners(w, r, a, http.StatusOK, dossier.PartnerAgency{}, Alert{})
}

func (o *Admin) renderPartners(w http.ResponseWriter, r *http.Request, a *auth.Actor, status int, f dossier.PartnerAgency, al Alert) error {
	p := partnersPage{Page: o.adminPage(r, "admin.partners.title"), Form: f, Alert: al}
	p.Notice = o.notice(p.Page, r)
	var err error
	if p.Province, err = o.adminProvince(r.Context(), a); err != nil {
		return err
	}
	if p.Agencies, err = o.partners.PartnerAgencies(r.Context(), a, p.Province, true); err != nil {
		return err
	}
	return o.render(w, status, "partners", p)
}

// adminProvince is the code of a province (a top unit of province level)
// where a holds the right to manage units, or "".
func (o *Admin) adminProvince(ctx context.Context, a *auth.Actor) (string, error) {
	nodes, err := o.units.Tree(ctx, a)
	if err != nil {
		return "", err
	}
	for _, n := range nodes {
		if n.Level == unit.Province && n.ParentCode == "" && a.Can(auth.ManageUnits, []int64{n.ID}) {
			return n.Code, nil
		}
	}
	return "", nil
}

// savePartner adds an agency (no id in the path) or changes one.
func (o *Admin) savePartner(w http.ResponseWriter, r *http.Request) error {
	a, err := requireAdmin(r)
	if err != nil {
		return err
	}
	var id int64
	if s := r.PathValue("id"); s != "" {
		if id, err = strconv.ParseInt(s, 10, 64); err != nil || id <= 0 {
			return problem.NotFound("unknown_agency")
		}
	}
	province, err := o.adminProvince(r.Context(), a)
	if err != nil {
		return err
	}
	if province == "" {
		return problem.Forbidden("province_admin_only")
	}
	in := dossier.PartnerAgency{Province: province, Name: strings.TrimSpace(r.PostFormValue("name")),
		Code: strings.TrimSpace(r.PostFormValue("code")), Email: strings.TrimSpace(r.PostFormValue("email")),
		Active: r.PostFormValue("active") != "0"}
	if _, err := o.partners.SavePartnerAgency(r.Context(), a, id, in); err != nil {
		al, status, err := o.refused(o.adminPage(r, "admin.partners.title"), "add", err)
		if err != nil {
			return err
		}
		return o.renderPartners(w, r, a, status, in, al)
	}
	return seeOther(w, r, "/quan-tri/co-quan-phoi-hop?ok=partner_saved")
}
