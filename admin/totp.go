package admin

import (
	"html/template"
	"net/http"
	"regexp"
	"strings"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/web"
)

// Any officer may turn on the TOTP second factor for their own account.
// The secret travels in a hidden field until a code from the app proves
// it was enrolled; only then is it stored. Turning it off needs a code too.

type totpPage struct {
	web.Page
	Enabled     bool
	Secret, URI string
	QR          template.HTML
	Alert       Alert
	Notice      string
}

// secretRE is what auth.NewTOTPSecret makes: 160 bits in base32. A
// tampered hidden field with a short secret is refused.
var secretRE = regexp.MustCompile(`^[A-Z2-7]{32}$`)

func requireOfficer(r *http.Request) (*auth.Actor, error) {
	a, err := web.RequireActor(r)
	if err != nil {
		return nil, err
	}
	if a.IsCitizen() {
		return nil, problem.Forbidden("totp_officers_only")
	}
	return a, nil
}

func (o *Admin) totpPage(w http.ResponseWriter, r *http.Request) error {
	a, err := requireOfficer(r)
	if err != nil {
		return err
	}
	return o.renderTOTP(w, r, a, o.adminPage(r, "admin.totp.title"), http.StatusOK, "", Alert{})
}

func (o *Admin) renderTOTP(w http.ResponseWriter, r *http.Request, a *auth.Actor, pg web.Page, status int, secret string, al Alert) error {
	on, err := o.auth.HasTOTP(r.Context(), a.ID)
	if err != nil {
		return err
	}
	p := totpPage{Page: pg, Enabled: on, Alert: al, Notice: o.notice(pg, r)}
	if !on {
		if !secretRE.MatchString(secret) {
			secret = auth.NewTOTPSecret()
		}
		p.Secret, p.URI = secret, auth.TOTPURI(secret, a.Username)
		if p.QR, err = web.QRSVG(p.URI, p.T("admin.totp.qr_label"), "adm-qr"); err != nil {
			return err
		}
	}
	return o.render(w, status, "totp", p)
}

func (o *Admin) totpPost(w http.ResponseWriter, r *http.Request) error {
	a, err := requireOfficer(r)
	if err != nil {
		return err
	}
	pg := o.adminPage(r, "admin.totp.title")
	code := strings.TrimSpace(r.PostFormValue("code"))
	secret := r.PostFormValue("secret")
	ok := "totp_on"
	switch r.PostFormValue("action") {
	case "enable":
		if !secretRE.MatchString(secret) {
			return o.renderTOTP(w, r, a, pg, http.StatusUnprocessableEntity, "", invalid(pg, "totp", "code", "admin.totp.bad_secret"))
		}
		err = o.auth.SetTOTP(r.Context(), a.ID, secret, code)
	case "disable":
		ok = "totp_off"
		err = o.auth.DisableTOTP(r.Context(), a.ID, code)
	default:
		return problem.Invalid("action", "invalid_action")
	}
	if err != nil {
		al, status, err := o.refused(pg, "totp", err)
		if err != nil {
			return err
		}
		return o.renderTOTP(w, r, a, pg, status, secret, al)
	}
	return seeOther(w, r, "/tai-khoan/xac-thuc-2-lop?ok="+ok)
}
