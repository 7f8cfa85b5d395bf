package admin

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/unit"
	"github.com/motcua/motcua/web"
)

// roleRow is one role of an officer on one unit, ready to show.
type roleRow struct {
	UnitCode, UnitName, Role, RoleName string
}

type officerRow struct {
	auth.Officer
	Roles []roleRow
}

// userForm keeps what was typed into the users page's forms.
type userForm struct {
	Username, FullName, Title, Unit, Role string
	GrantUser, GrantUnit, GrantRole       string
}

type usersPage struct {
	web.Page
	Officers []officerRow
	Units    []unit.Node
	Roles    []option
	Form     userForm
	Alert    Alert
	Notice   string
}

// scopeView returns the administered units and a code → name lookup.
func (o *Admin) scopeView(r *http.Request, a *auth.Actor) ([]unit.Node, map[string]string, error) {
	nodes, err := o.units.Tree(r.Context(), a)
	if err != nil {
		return nil, nil, err
	}
	names := map[string]string{}
	active := nodes[:0:0]
	for _, n := range nodes {
		names[n.Code] = n.Name
		if n.Active {
			active = append(active, n)
		}
	}
	return active, names, nil
}

func roleOptions(p web.Page) []option {
	var out []option
	for _, role := range auth.OfficerRoles {
		out = append(out, option{role, enumText(p, "admin.role.", role)})
	}
	return out
}

func rolesOf(p web.Page, o auth.Officer, names map[string]string) []roleRow {
	var out []roleRow
	for _, g := range o.Grants {
		out = append(out, roleRow{UnitCode: g.UnitCode, UnitName: names[g.UnitCode], Role: g.Role, RoleName: enumText(p, "admin.role.", g.Role)})
	}
	return out
}

func (o *Admin) users(w http.ResponseWriter, r *http.Request) error {
	a, err := requireAdmin(r)
	if err != nil {
		return err
	}
	p := o.adminPage(r, "admin.users.title")
	return o.renderUsers(w, r, a, p, http.StatusOK, userForm{Role: auth.Reception, GrantRole: auth.Reception}, Alert{})
}

func (o *Admin) renderUsers(w http.ResponseWriter, r *http.Request, a *auth.Actor, pg web.Page, status int, f userForm, al Alert) error {
	units, names, err := o.scopeView(r, a)
	if err != nil {
		return err
	}
	officers, err := o.accounts.Officers(r.Context(), a)
	if err != nil {
		return err
	}
	p := usersPage{Page: pg, Units: units, Roles: roleOptions(pg), Form: f, Alert: al, Notice: o.notice(pg, r)}
	for _, off := range officers {
		p.Officers = append(p.Officers, officerRow{Officer: off, Roles: rolesOf(pg, off, names)})
	}
	return o.render(w, status, "users", p)
}

func (o *Admin) usersFail(w http.ResponseWriter, r *http.Request, a *auth.Actor, form string, f userForm, err error) error {
	p := o.adminPage(r, "admin.users.title")
	al, status, err := o.refused(p, form, err)
	if err != nil {
		return err
	}
	return o.renderUsers(w, r, a, p, status, f, al)
}

// unitID resolves a unit code from a form; the services check the scope.
func (o *Admin) unitID(r *http.Request, code string) (int64, error) {
	u, err := o.units.ByCode(r.Context(), code)
	return u.ID, err
}

func (o *Admin) createOfficer(w http.ResponseWriter, r *http.Request) error {
	a, err := requireAdmin(r)
	if err != nil {
		return err
	}
	f := userForm{Username: r.PostFormValue("username"), FullName: r.PostFormValue("full_name"), Title: r.PostFormValue("title"),
		Unit: r.PostFormValue("unit"), Role: r.PostFormValue("role"), GrantRole: auth.Reception}
	uid, err := o.unitID(r, f.Unit)
	if err == nil {
		_, err = o.accounts.CreateOfficer(r.Context(), a, auth.NewUser{
			User: auth.User{Username: f.Username, FullName: f.FullName, Title: f.Title}, Password: r.PostFormValue("password"),
		}, uid, f.Role)
	}
	if err != nil {
		return o.usersFail(w, r, a, "create", f, err)
	}
	return seeOther(w, r, "/quan-tri/nguoi-dung?ok=created")
}

func (o *Admin) grant(w http.ResponseWriter, r *http.Request) error {
	a, err := requireAdmin(r)
	if err != nil {
		return err
	}
	f := userForm{Role: auth.Reception, GrantUser: r.PostFormValue("username"), GrantUnit: r.PostFormValue("unit"), GrantRole: r.PostFormValue("role")}
	uid, err := o.unitID(r, f.GrantUnit)
	if err == nil {
		err = o.accounts.GrantRole(r.Context(), a, f.GrantUser, uid, f.GrantRole)
	}
	if err != nil {
		return o.usersFail(w, r, a, "grant", f, err)
	}
	return seeOther(w, r, "/quan-tri/nguoi-dung?ok=granted")
}

type userPage struct {
	web.Page
	Officer auth.Officer
	Roles   []roleRow
	Self    bool
	Alert   Alert
	Notice  string
}

func (o *Admin) userPage(w http.ResponseWriter, r *http.Request) error {
	a, err := requireAdmin(r)
	if err != nil {
		return err
	}
	return o.renderUser(w, r, a, o.adminPage(r, "admin.user.title"), http.StatusOK, Alert{})
}

func (o *Admin) renderUser(w http.ResponseWriter, r *http.Request, a *auth.Actor, pg web.Page, status int, al Alert) error {
	off, err := o.accounts.Officer(r.Context(), a, r.PathValue("username"))
	if err != nil {
		return err
	}
	_, names, err := o.scopeView(r, a)
	if err != nil {
		return err
	}
	p := userPage{Page: pg, Officer: off, Roles: rolesOf(pg, off, names), Self: off.ID == a.ID, Alert: al, Notice: o.notice(pg, r)}
	p.Title = p.T("admin.user.title_of", off.FullName)
	return o.render(w, status, "user", p)
}

func (o *Admin) userFail(w http.ResponseWriter, r *http.Request, a *auth.Actor, form string, err error) error {
	p := o.adminPage(r, "admin.user.title")
	al, status, err := o.refused(p, form, err)
	if err != nil {
		return err
	}
	return o.renderUser(w, r, a, p, status, al)
}

func userURL(username, ok string) string {
	return "/quan-tri/nguoi-dung/" + url.PathEscape(strings.ToLower(username)) + "?ok=" + ok
}

func (o *Admin) revoke(w http.ResponseWriter, r *http.Request) error {
	a, err := requireAdmin(r)
	if err != nil {
		return err
	}
	uid, err := o.unitID(r, r.PostFormValue("unit"))
	if err == nil {
		err = o.accounts.RevokeRole(r.Context(), a, r.PathValue("username"), uid, r.PostFormValue("role"))
	}
	if err != nil {
		return o.userFail(w, r, a, "roles", err)
	}
	if _, err := o.accounts.Officer(r.Context(), a, r.PathValue("username")); err != nil {
		// The last role in this admin's units is gone: back to the list.
		return seeOther(w, r, "/quan-tri/nguoi-dung?ok=revoked")
	}
	return seeOther(w, r, userURL(r.PathValue("username"), "revoked"))
}

func (o *Admin) setDisabled(w http.ResponseWriter, r *http.Request) error {
	a, err := requireAdmin(r)
	if err != nil {
		return err
	}
	disable := r.PostFormValue("disabled") == "1"
	if err := o.accounts.SetDisabled(r.Context(), a, r.PathValue("username"), disable); err != nil {
		return o.userFail(w, r, a, "status", err)
	}
	ok := "enabled"
	if disable {
		ok = "disabled"
	}
	return seeOther(w, r, userURL(r.PathValue("username"), ok))
}

func (o *Admin) resetPassword(w http.ResponseWriter, r *http.Request) error {
	a, err := requireAdmin(r)
	if err != nil {
		return err
	}
	if err := o.accounts.ResetPassword(r.Context(), a, r.PathValue("username"), r.PostFormValue("password")); err != nil {
		return o.userFail(w, r, a, "password", err)
	}
	return seeOther(w, r, userURL(r.PathValue("username"), "password"))
}
