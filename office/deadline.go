package office

import (
	"time"

	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/web"
)

// row is one dossier in a list, with its deadline measured in working time.
type row struct {
	*dossier.Dossier
	Band      string
	BandLabel string
	DueText   string
}

func (o *Office) rows(p web.Page, ds []*dossier.Dossier) []row {
	out := make([]row, 0, len(ds))
	for _, d := range ds {
		out = append(out, o.row(p, d))
	}
	return out
}

func (o *Office) row(p web.Page, d *dossier.Dossier) row {
	dl := o.dossiers.Deadline(d)
	rw := row{Dossier: d, Band: string(dl.Band), DueText: deadlineText(p, dl)}
	if dl.Band != dossier.BandNone {
		rw.BandLabel = p.T(key("office.band.", string(dl.Band)))
	}
	return rw
}

// deadlineText says how much working time is left, or how late.
func deadlineText(p web.Page, dl dossier.Deadline) string {
	switch dl.Band {
	case dossier.BandNone:
		if dl.Late > 0 {
			return p.T("office.due.delivered_late", workText(p, dl.Late))
		}
		return ""
	case dossier.BandOverdue:
		if dl.Late > 0 {
			return p.T("office.due.late", workText(p, dl.Late))
		}
		return p.T("office.due.late_offhours")
	case dossier.BandPaused:
		return p.T("office.due.paused", workText(p, dl.Left))
	}
	return p.T("office.due.left", workText(p, dl.Left))
}

// workText writes a working duration in working days of 8 hours, hours
// and minutes ("2 ngày 3 giờ").
func workText(p web.Page, d time.Duration) string {
	d = d.Round(time.Minute)
	days := int(d / dossier.WorkingDay)
	rest := d % dossier.WorkingDay
	h, m := int(rest/time.Hour), int(rest%time.Hour/time.Minute)
	switch {
	case days > 0 && h > 0:
		return p.T("office.work.days_hours", days, h)
	case days > 0:
		return p.T("office.work.days", days)
	case h > 0 && m > 0:
		return p.T("office.work.hours_minutes", h, m)
	case h > 0:
		return p.T("office.work.hours", h)
	}
	return p.T("office.work.minutes", m)
}
