package office

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/dvcqg"
	"github.com/motcua/motcua/web"
)

// PortalSync is the national portal sync (*dvcqg.Service) as the back
// office reads it.
type PortalSync interface {
	OutOfSync(ctx context.Context, units []int64, limit int) ([]dvcqg.OutOfSync, error)
	SyncRate(ctx context.Context, units []int64, from, to time.Time) (dvcqg.Rate, error)
}

// portalSyncPage lists the dossiers of the officer's units the national
// portal does not hold entirely, with why, and the units' sync rate
// (Decision 766 counts a dossier only when the portal has it).
type portalSyncPage struct {
	web.Page
	Connected bool
	Rows      []dvcqg.OutOfSync
	Rate      dvcqg.Rate
	Percent   string
}

func (o *Office) portalSync(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	ctx := r.Context()
	p := portalSyncPage{Page: o.page(r, "office.dvcqg.title"), Connected: o.portalConnected}
	if o.portal == nil || o.reach == nil {
		return o.render(w, http.StatusOK, "portal_sync", p)
	}
	// The dossiers an officer may read: the units where they hold
	// dossier.read (a supervisor's reach the units below too).
	units, err := o.reach(ctx, a, auth.ReadDossier)
	if err != nil {
		return err
	}
	if p.Rows, err = o.portal.OutOfSync(ctx, units, 200); err != nil {
		return err
	}
	if units == nil {
		units = []int64{}
	}
	if p.Rate, err = o.portal.SyncRate(ctx, units, time.Time{}, time.Time{}); err != nil {
		return err
	}
	if p.Rate.Total > 0 {
		p.Percent = percent(p.Rate.Synced, p.Rate.Total)
	}
	return o.render(w, http.StatusOK, "portal_sync", p)
}

// percent is n/d as a percentage with one decimal, Vietnamese style (a
// decimal comma).
func percent(n, d int64) string {
	return strings.Replace(strconv.FormatFloat(float64(n)*100/float64(d), 'f', 1, 64), ".", ",", 1) + "%"
}
