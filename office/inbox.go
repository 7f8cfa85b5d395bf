package office

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/catalog"
	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/web"
)

// pageSize is how many dossiers one inbox page lists.
const pageSize = 20

// channels a dossier can arrive by.
var channels = []string{"online", "counter", "post", dossier.ChannelNationalPortal}

type inboxPage struct {
	web.Page
	F          inboxFilter
	States     []option
	Procedures []option
	Units      []option
	Channels   []option
	Rows       []row
	PageNo     int
	Prev, Next string
	Filtered   bool
}

// inboxFilter is the inbox's query string (Vietnamese names, like the URLs).
type inboxFilter struct {
	Q, State, Procedure, Unit, Channel string
	Overdue, Mine                      bool
}

func (f inboxFilter) query(page int) string {
	v := url.Values{}
	for k, s := range map[string]string{"q": f.Q, "trang-thai": f.State, "thu-tuc": f.Procedure, "don-vi": f.Unit, "kenh": f.Channel} {
		if s != "" {
			v.Set(k, s)
		}
	}
	if f.Overdue {
		v.Set("qua-han", "1")
	}
	if f.Mine {
		v.Set("cua-toi", "1")
	}
	if page > 1 {
		v.Set("trang", strconv.Itoa(page))
	}
	if len(v) == 0 {
		return "/can-bo/ho-so"
	}
	return "/can-bo/ho-so?" + v.Encode()
}

func (o *Office) inbox(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	ctx := r.Context()
	q := r.URL.Query()
	p := inboxPage{Page: o.page(r, "office.inbox.title"), PageNo: 1}
	f := inboxFilter{Q: strings.TrimSpace(q.Get("q")), Overdue: q.Get("qua-han") == "1", Mine: q.Get("cua-toi") == "1"}
	if n, err := strconv.Atoi(q.Get("trang")); err == nil && n > 1 && n < 10000 {
		p.PageNo = n
	}
	// Filter values are kept only when they name something that exists,
	// so a tampered URL lists nothing odd and never errors.
	p.States = []option{{Label: p.T("office.inbox.any")}}
	for _, s := range dossier.States {
		sel := string(s) == q.Get("trang-thai")
		if sel {
			f.State = string(s)
		}
		p.States = append(p.States, option{Value: string(s), Label: p.T(key("state.", string(s))), Selected: sel})
	}
	procs, err := o.catalog.Search(ctx, catalog.Query{})
	if err != nil {
		return err
	}
	p.Procedures = []option{{Label: p.T("office.inbox.any")}}
	for _, pr := range procs {
		sel := pr.Code == q.Get("thu-tuc")
		if sel {
			f.Procedure = pr.Code
		}
		p.Procedures = append(p.Procedures, option{Value: pr.Code, Label: pr.Code + " — " + pr.Name, Selected: sel})
	}
	units, err := o.visibleUnits(ctx, a)
	if err != nil {
		return err
	}
	p.Units = []option{{Label: p.T("office.inbox.any")}}
	for _, u := range units {
		sel := u.Code == q.Get("don-vi")
		if sel {
			f.Unit = u.Code
		}
		p.Units = append(p.Units, option{Value: u.Code, Label: u.Name, Selected: sel})
	}
	p.Channels = []option{{Label: p.T("office.inbox.any")}}
	for _, c := range channels {
		sel := c == q.Get("kenh")
		if sel {
			f.Channel = c
		}
		p.Channels = append(p.Channels, option{Value: c, Label: p.T(key("office.channel.", c)), Selected: sel})
	}
	p.F = f
	p.Filtered = f != inboxFilter{}

	list, err := o.dossiers.List(ctx, a, dossier.Filter{
		Status: dossier.State(f.State), Unit: f.Unit, Procedure: f.Procedure, Channel: f.Channel,
		Overdue: f.Overdue, Mine: f.Mine, Query: f.Q,
		Limit: pageSize + 1, Offset: (p.PageNo - 1) * pageSize,
	})
	if err != nil {
		return err
	}
	if len(list) > pageSize {
		list = list[:pageSize]
		p.Next = f.query(p.PageNo + 1)
	}
	if p.PageNo > 1 {
		p.Prev = f.query(p.PageNo - 1)
	}
	p.Rows = o.rows(p.Page, list)
	return o.render(w, http.StatusOK, "inbox", p)
}
