package admin

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/motcua/motcua/catalog"
	"github.com/motcua/motcua/web"
)

// Procedures are the province's catalog: any admin may read it here, but
// only a province admin, or for a procedure published for a unit that
// unit's admins, may publish a new version (catalog.Store.Edit checks,
// auth.EditProcedure). Dossiers already submitted keep the version they
// were submitted under.

type proceduresPage struct {
	web.Page
	Procedures []catalog.Summary
}

func (o *Admin) procedures(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireAdmin(r); err != nil {
		return err
	}
	list, err := o.catalog.Search(r.Context(), catalog.Query{})
	if err != nil {
		return err
	}
	return o.render(w, http.StatusOK, "procedures", proceduresPage{Page: o.adminPage(r, "admin.procs.title"), Procedures: list})
}

// maxProcedure bounds a procedure's JSON; the largest shipped one is a few KB.
const maxProcedure = 256 << 10

type procedurePage struct {
	web.Page
	Procedure catalog.Procedure
	JSON      string
	Alert     Alert
	// Detail is the validator's own account of what is wrong, line by line.
	Detail []string
	Notice string
}

func (o *Admin) procedurePage(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireAdmin(r); err != nil {
		return err
	}
	p, err := o.catalog.Get(r.Context(), r.PathValue("code"))
	if err != nil {
		return err
	}
	p.Version = 0 // the store numbers versions; the text edits the content
	body, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return err
	}
	return o.renderProcedure(w, r, http.StatusOK, string(body), Alert{}, nil)
}

func (o *Admin) renderProcedure(w http.ResponseWriter, r *http.Request, status int, body string, al Alert, detail []string) error {
	cur, err := o.catalog.Get(r.Context(), r.PathValue("code"))
	if err != nil {
		return err
	}
	p := procedurePage{Page: o.adminPage(r, "admin.proc.title", cur.Code), Procedure: cur, JSON: body, Alert: al, Detail: detail}
	p.Notice = o.notice(p.Page, r)
	return o.render(w, status, "procedure", p)
}

func (o *Admin) editProcedure(w http.ResponseWriter, r *http.Request) error {
	a, err := requireAdmin(r)
	if err != nil {
		return err
	}
	code := r.PathValue("code")
	if err := o.catalog.MayEdit(r.Context(), a, code); err != nil {
		return err
	}
	body := r.PostFormValue("body") // the form is already parsed (and size-capped) by the CSRF check
	pg := o.adminPage(r, "admin.proc.title", code)
	fail := func(key string, detail error) error {
		var lines []string
		if detail != nil {
			lines = strings.Split(strings.TrimSpace(detail.Error()), "\n")
		}
		return o.renderProcedure(w, r, http.StatusUnprocessableEntity, body, invalid(pg, "edit", "body", key), lines)
	}
	if len(body) > maxProcedure {
		body = ""
		return fail("admin.proc.too_large", nil)
	}
	p, err := catalog.Parse([]byte(body))
	if err != nil {
		return fail("admin.proc.invalid", err)
	}
	if p.Code != code {
		return fail("admin.proc.code_mismatch", nil)
	}
	out, err := o.catalog.Edit(r.Context(), a, p)
	if err != nil {
		al, status, err := o.refused(pg, "edit", err)
		if err != nil {
			return err
		}
		return o.renderProcedure(w, r, status, body, al, nil)
	}
	return seeOther(w, r, "/quan-tri/thu-tuc/"+url.PathEscape(out.Code)+"/phien-ban?ok=published")
}

// confirmFees confirms the typical provincial fees at the amounts typed
// (amount_<fee index>, in đồng), publishing a new version that records
// who confirmed them.
func (o *Admin) confirmFees(w http.ResponseWriter, r *http.Request) error {
	a, err := requireAdmin(r)
	if err != nil {
		return err
	}
	code := r.PathValue("code")
	if err := o.catalog.MayEdit(r.Context(), a, code); err != nil {
		return err
	}
	pg := o.adminPage(r, "admin.proc.title", code)
	cur, err := o.catalog.Get(r.Context(), code)
	if err != nil {
		return err
	}
	body, err := json.MarshalIndent(cur, "", "  ")
	if err != nil {
		return err
	}
	amounts := map[int]int64{}
	for i, f := range cur.Fees {
		v := strings.TrimSpace(strings.ReplaceAll(r.PostFormValue("amount_"+strconv.Itoa(i)), ".", ""))
		if !f.Typical || v == "" {
			continue
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return o.renderProcedure(w, r, http.StatusUnprocessableEntity, string(body), invalid(pg, "fees", "amount_"+strconv.Itoa(i), "admin.proc.fee_amount"), nil)
		}
		amounts[i] = n
	}
	if _, err := o.catalog.ConfirmFees(r.Context(), a, code, amounts); err != nil {
		al, status, err := o.refused(pg, "fees", err)
		if err != nil {
			return err
		}
		return o.renderProcedure(w, r, status, string(body), al, nil)
	}
	return seeOther(w, r, "/quan-tri/thu-tuc/"+url.PathEscape(code)+"/phien-ban?ok=fees_confirmed")
}

type versionRow struct {
	catalog.VersionInfo
	By      string
	Current bool
}

type versionsPage struct {
	web.Page
	Code     string
	Versions []versionRow
	Notice   string
}

func (o *Admin) versions(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireAdmin(r); err != nil {
		return err
	}
	ctx := r.Context()
	vs, err := o.catalog.Versions(ctx, r.PathValue("code"))
	if err != nil {
		return err
	}
	inForce := 0
	if cur, err := o.catalog.Get(ctx, r.PathValue("code")); err == nil {
		inForce = cur.Version
	}
	p := versionsPage{Page: o.adminPage(r, "admin.versions.title", r.PathValue("code")), Code: r.PathValue("code")}
	p.Notice = o.notice(p.Page, r)
	names := map[int64]string{0: p.T("admin.versions.shipped")}
	for _, v := range vs {
		if _, ok := names[v.CreatedBy]; !ok {
			names[v.CreatedBy] = "#" + strconv.FormatInt(v.CreatedBy, 10)
			if who, err := o.auth.Actor(ctx, v.CreatedBy); err == nil {
				names[v.CreatedBy] = who.FullName
			}
		}
		p.Versions = append(p.Versions, versionRow{VersionInfo: v, By: names[v.CreatedBy], Current: v.Version == inForce})
	}
	return o.render(w, http.StatusOK, "versions", p)
}
