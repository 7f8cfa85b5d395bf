package admin

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/unit"
	"github.com/motcua/motcua/web"
)

// Clients manages system accounts of integrating systems (*auth.Accounts;
// docs/api-clients.md): only those whose rights lie in the admin's units.
type Clients interface {
	Clients(ctx context.Context, a *auth.Actor) ([]auth.Client, error)
	AddClient(ctx context.Context, a *auth.Actor, nc auth.NewClient) (clientID, secret string, err error)
	RotateClient(ctx context.Context, a *auth.Actor, clientID string) (string, error)
	RevokeClient(ctx context.Context, a *auth.Actor, clientID string) error
}

// checkOption is one check box of a list.
type checkOption struct {
	Value   string
	Checked bool
}

type clientForm struct {
	Name, Unit, Right, Rate string
	Below                   bool
	Ops                     []string
}

type clientsPage struct {
	web.Page
	Clients []auth.Client
	Names   map[string]string
	Units   []unit.Node
	Rights  []option
	Ops     []checkOption
	Form    clientForm
	// NewID and Secret: a secret just made, shown this once.
	NewID, Secret string
	Alert         Alert
	Notice        string
}

func (o *Admin) clientsPage(w http.ResponseWriter, r *http.Request) error {
	a, err := requireAdmin(r)
	if err != nil {
		return err
	}
	return o.renderClients(w, r, a, o.adminPage(r, "admin.clients.title"), http.StatusOK,
		clientForm{Right: string(auth.ReadDossier), Rate: "600", Ops: []string{auth.OpDossiersRead}}, "", "", Alert{})
}

func (o *Admin) renderClients(w http.ResponseWriter, r *http.Request, a *auth.Actor, pg web.Page, status int, f clientForm, id, secret string, al Alert) error {
	units, names, err := o.scopeView(r, a)
	if err != nil {
		return err
	}
	list, err := o.clients.Clients(r.Context(), a)
	if err != nil {
		return err
	}
	p := clientsPage{Page: pg, Clients: list, Names: names, Units: units, Form: f, NewID: id, Secret: secret, Alert: al, Notice: o.notice(pg, r)}
	for _, rt := range auth.ClientRights {
		p.Rights = append(p.Rights, option{string(rt), enumText(pg, "admin.clients.right.", string(rt))})
	}
	for _, op := range auth.ClientOps {
		p.Ops = append(p.Ops, checkOption{op, slices.Contains(f.Ops, op)})
	}
	// A page with a secret on it must not be kept by any cache.
	w.Header().Set("Cache-Control", "no-store")
	return o.render(w, status, "clients", p)
}

func (o *Admin) clientsFail(w http.ResponseWriter, r *http.Request, a *auth.Actor, form string, f clientForm, err error) error {
	p := o.adminPage(r, "admin.clients.title")
	al, status, err := o.refused(p, form, err)
	if err != nil {
		return err
	}
	return o.renderClients(w, r, a, p, status, f, "", "", al)
}

func (o *Admin) addClient(w http.ResponseWriter, r *http.Request) error {
	a, err := requireAdmin(r)
	if err != nil {
		return err
	}
	r.ParseForm()
	f := clientForm{Name: r.PostFormValue("name"), Unit: r.PostFormValue("unit"), Right: r.PostFormValue("right"),
		Rate: r.PostFormValue("rate"), Below: r.PostFormValue("below") == "1", Ops: r.PostForm["scope"]}
	rate, _ := strconv.Atoi(strings.TrimSpace(f.Rate))
	if f.Rate == "" {
		rate = 600
	}
	if rate == 0 {
		rate = -1 // not a number: the service names the field
	}
	uid, err := o.unitID(r, f.Unit)
	var id, secret string
	if err == nil {
		id, secret, err = o.clients.AddClient(r.Context(), a, auth.NewClient{Name: f.Name, Ops: f.Ops, RatePerMinute: rate,
			Rights: []auth.ClientRight{{UnitID: uid, Right: auth.Right(f.Right), Below: f.Below}}})
	}
	if err != nil {
		return o.clientsFail(w, r, a, "add", f, err)
	}
	return o.renderClients(w, r, a, o.adminPage(r, "admin.clients.title"), http.StatusOK,
		clientForm{Right: string(auth.ReadDossier), Rate: "600"}, id, secret, Alert{})
}

func (o *Admin) rotateClient(w http.ResponseWriter, r *http.Request) error {
	a, err := requireAdmin(r)
	if err != nil {
		return err
	}
	id := r.PathValue("id")
	secret, err := o.clients.RotateClient(r.Context(), a, id)
	if err != nil {
		return o.clientsFail(w, r, a, "list", clientForm{Right: string(auth.ReadDossier), Rate: "600"}, err)
	}
	return o.renderClients(w, r, a, o.adminPage(r, "admin.clients.title"), http.StatusOK,
		clientForm{Right: string(auth.ReadDossier), Rate: "600"}, id, secret, Alert{})
}

func (o *Admin) revokeClient(w http.ResponseWriter, r *http.Request) error {
	a, err := requireAdmin(r)
	if err != nil {
		return err
	}
	if err := o.clients.RevokeClient(r.Context(), a, r.PathValue("id")); err != nil {
		return o.clientsFail(w, r, a, "list", clientForm{Right: string(auth.ReadDossier), Rate: "600"}, err)
	}
	return seeOther(w, r, "/quan-tri/he-thong-ket-noi?ok=client_revoked")
}
