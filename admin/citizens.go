package admin

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/web"
)

// Citizen accounts belong to no unit: the admins of a province-level unit
// find them here, disable or re-enable them and set a new password (the
// citizen's own way back is the recovery link). auth.Accounts refuses
// every other admin.

type citizensPage struct {
	web.Page
	Query    string
	Citizens []auth.Officer
	Alert    Alert
	Notice   string
}

func (o *Admin) citizens(w http.ResponseWriter, r *http.Request) error {
	a, err := requireAdmin(r)
	if err != nil {
		return err
	}
	return o.renderCitizens(w, r, a, o.adminPage(r, "admin.citizens.title"), http.StatusOK, Alert{})
}

func (o *Admin) renderCitizens(w http.ResponseWriter, r *http.Request, a *auth.Actor, pg web.Page, status int, al Alert) error {
	q := r.URL.Query().Get("q")
	list, err := o.accounts.Citizens(r.Context(), a, q)
	if err != nil {
		return err
	}
	return o.render(w, status, "citizens", citizensPage{Page: pg, Query: q, Citizens: list, Alert: al, Notice: o.notice(pg, r)})
}

func (o *Admin) citizensFail(w http.ResponseWriter, r *http.Request, a *auth.Actor, err error) error {
	p := o.adminPage(r, "admin.citizens.title")
	al, status, err := o.refused(p, "citizen:"+strings.ToLower(r.PathValue("username")), err)
	if err != nil {
		return err
	}
	return o.renderCitizens(w, r, a, p, status, al)
}

func citizensURL(r *http.Request, ok string) string {
	return "/quan-tri/cong-dan?q=" + url.QueryEscape(r.PostFormValue("q")) + "&ok=" + ok
}

func (o *Admin) setCitizenDisabled(w http.ResponseWriter, r *http.Request) error {
	a, err := requireAdmin(r)
	if err != nil {
		return err
	}
	disable := r.PostFormValue("disabled") == "1"
	if err := o.accounts.SetDisabled(r.Context(), a, r.PathValue("username"), disable); err != nil {
		return o.citizensFail(w, r, a, err)
	}
	ok := "enabled"
	if disable {
		ok = "disabled"
	}
	return seeOther(w, r, citizensURL(r, ok))
}

func (o *Admin) resetCitizenPassword(w http.ResponseWriter, r *http.Request) error {
	a, err := requireAdmin(r)
	if err != nil {
		return err
	}
	if err := o.accounts.ResetPassword(r.Context(), a, r.PathValue("username"), r.PostFormValue("password")); err != nil {
		return o.citizensFail(w, r, a, err)
	}
	return seeOther(w, r, citizensURL(r, "password"))
}

// clearTOTP turns an officer's second factor off (a lost phone).
func (o *Admin) clearTOTP(w http.ResponseWriter, r *http.Request) error {
	a, err := requireAdmin(r)
	if err != nil {
		return err
	}
	if err := o.accounts.ClearTOTP(r.Context(), a, r.PathValue("username")); err != nil {
		return o.userFail(w, r, a, "totp", err)
	}
	return seeOther(w, r, userURL(r.PathValue("username"), "totp_cleared"))
}

// setTOTPPolicy turns a unit's TOTP requirement for its admins and
// leaders on or off (the form is on the unit's page).
func (o *Admin) setTOTPPolicy(w http.ResponseWriter, r *http.Request) error {
	a, err := requireAdmin(r)
	if err != nil {
		return err
	}
	u, err := o.units.Managed(r.Context(), a, r.PathValue("code"))
	if err != nil {
		return err
	}
	on := r.PostFormValue("required") == "1"
	if err := o.accounts.SetTOTPPolicy(r.Context(), a, u.ID, on); err != nil {
		return err
	}
	ok := "totp_policy_off"
	if on {
		ok = "totp_policy_on"
	}
	return seeOther(w, r, "/quan-tri/don-vi/"+url.PathEscape(u.Code)+"?ok="+ok)
}
