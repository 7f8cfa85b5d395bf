package stats

import (
	"net/http"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/report"
	"github.com/motcua/motcua/web"
)

type documentsPage struct {
	web.Page
	Picker picker
	Shown  bool
	Rep    *report.DocumentsReport
	Share  string
}

// documents shows the documents report (report.Documents) of a unit and
// the units below it for a period: by state and organ, overdue, and the
// share handled entirely online (docs/documents.md "Reports").
func (s *Stats) documents(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	p := s.page(r, "stats.docs.title")
	pk, err := s.pick(r.Context(), r, p, a)
	if err != nil {
		return err
	}
	data := documentsPage{Page: p, Picker: pk}
	if pk.Error != "" {
		return s.render(w, http.StatusUnprocessableEntity, "documents", data)
	}
	u, err := s.units.ByCode(r.Context(), pk.Unit)
	if err != nil {
		return err
	}
	now := s.now()
	period := report.Period{From: pk.FromDay, To: pk.ToDay, Start: pk.from, End: pk.to}
	if period.End.After(now) {
		period.End = now
	}
	rep, err := s.reports.Documents(r.Context(), u.ID, period, now)
	if err != nil {
		return err
	}
	rep.Unit = u.Code
	data.Shown, data.Rep, data.Share = true, rep, number(p.Lang, rep.Total.OnlineShare, 1)
	return s.render(w, http.StatusOK, "documents", data)
}
