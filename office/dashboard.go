package office

import (
	"net/http"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/web"
)

// queueSize is how many of "my queue" the dashboard lists (the rest are a
// link away, in the inbox).
const queueSize = 20

type dashboardPage struct {
	web.Page
	Roles      []roleLine
	States     []stateCount
	Bands      []bandCount
	DueToday   int64
	Queue      []row
	QueueTotal int
}

type roleLine struct {
	Role, Unit string
}

type stateCount struct {
	State dossier.State
	Count int64
}

type bandCount struct {
	Band  string
	Label string
	Count int64
	Link  string
}

func (o *Office) dashboard(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	ctx := r.Context()
	p := dashboardPage{Page: o.page(r, "office.dashboard.title")}
	for _, g := range a.Grants {
		name := g.UnitCode
		if u, err := o.units.ByCode(ctx, g.UnitCode); err == nil {
			name = u.Name
		}
		p.Roles = append(p.Roles, roleLine{Role: g.Role, Unit: name})
	}
	sum, err := o.summary(ctx, a)
	if err != nil {
		return err
	}
	p.States = sum.States
	p.DueToday = sum.DueToday
	for _, b := range []struct {
		band dossier.Band
		n    int64
		link string
	}{
		{dossier.BandOverdue, sum.Overdue, "/can-bo/ho-so?qua-han=1"},
		{dossier.BandDay, sum.Day, ""},
		{dossier.BandSoon, sum.Soon, ""},
		{dossier.BandOK, sum.OK, ""},
		{dossier.BandPaused, sum.Paused, "/can-bo/ho-so?trang-thai=" + string(dossier.SupplementRequested)},
	} {
		p.Bands = append(p.Bands, bandCount{Band: string(b.band), Label: p.T(key("office.band.", string(b.band))), Count: b.n, Link: b.link})
	}
	queue, total, err := o.queue(ctx, a, queueSize)
	if err != nil {
		return err
	}
	p.Queue, p.QueueTotal = o.rows(p.Page, queue), total
	return o.render(w, http.StatusOK, "dashboard", p)
}
