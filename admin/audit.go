package admin

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	"github.com/motcua/motcua/audit"
	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/web"
)

// Audit reads the audit log within a supervisor's units (*audit.Log).
type Audit interface {
	Search(ctx context.Context, a *auth.Actor, q audit.Query) (*audit.Page, error)
}

type auditRow struct {
	audit.Entry
	Unit string
}

type auditPage struct {
	web.Page
	Q          audit.Query
	Rows       []auditRow
	Total      int
	First      int // 1-based number of the first row shown
	Last       int
	Prev, Next string // links to the neighbouring pages, "" when none
	Alert      Alert
}

// auditLog is /quan-tri/nhat-ky: the audit log of the units where the
// officer holds the supervisor role and the units below, newest first,
// filtered by day, action and actor. Supervisors are not admins: the page
// is theirs, and the log's Search enforces the scope.
func (o *Admin) auditLog(w http.ResponseWriter, r *http.Request) error {
	a, err := web.RequireActor(r)
	if err != nil {
		return err
	}
	p := auditPage{Page: o.adminPage(r, "admin.audit.title")}
	status := http.StatusOK
	q, err := audit.ParseQuery(r.URL.Query())
	if err != nil {
		if p.Alert, status, err = o.refused(p.Page, "filter", err); err != nil {
			return err
		}
		q = audit.Query{From: q.From, To: q.To, Action: q.Action, Actor: q.Actor}
		// The refused filter is shown again, and nothing is listed but the
		// scope is still checked.
		if _, err := o.audit.Search(r.Context(), a, audit.Query{Limit: 1}); err != nil {
			return err
		}
		p.Q = q
		return o.render(w, status, "audit", p)
	}
	res, err := o.audit.Search(r.Context(), a, q)
	if err != nil {
		return err
	}
	p.Q, p.Total = q, res.Total
	for _, e := range res.Entries {
		row := auditRow{Entry: e}
		if l, ok := res.Units[e.UnitID]; ok {
			row.Unit = l.Name
		}
		p.Rows = append(p.Rows, row)
	}
	if len(p.Rows) > 0 {
		p.First, p.Last = res.Offset+1, res.Offset+len(p.Rows)
	}
	link := func(offset int) string {
		v := url.Values{}
		for k, s := range map[string]string{"from": q.From, "to": q.To, "action": q.Action, "actor": q.Actor} {
			if s != "" {
				v.Set(k, s)
			}
		}
		if offset > 0 {
			v.Set("offset", strconv.Itoa(offset))
		}
		if q.Limit != 0 {
			v.Set("limit", strconv.Itoa(res.Limit))
		}
		return "/quan-tri/nhat-ky?" + v.Encode()
	}
	if res.Offset > 0 {
		p.Prev = link(max(res.Offset-res.Limit, 0))
	}
	if res.Offset+len(p.Rows) < res.Total {
		p.Next = link(res.Offset + res.Limit)
	}
	return o.render(w, http.StatusOK, "audit", p)
}
