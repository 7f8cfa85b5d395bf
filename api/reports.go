package api

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/report"
)

// ii06a serves the periodic report Biểu II.06a/VPCP/KSTT for a unit and a
// period (report.ParseII06a: unit, from, to, view, format) to an officer
// holding auth.ReadReports at that unit: its leaders and supervisors, and
// those of any unit above it. An unknown unit is 404 unit_not_found, one
// out of the caller's scope 403 forbidden.
func (s *Server) ii06a(w http.ResponseWriter, r *http.Request) error {
	a, err := requireActor(r)
	if err != nil {
		return err
	}
	q, err := report.ParseII06a(r.URL.Query())
	if err != nil {
		return err
	}
	if err := s.Units.Entitled(r.Context(), a, auth.ReadReports, q.Unit); err != nil {
		if errors.Is(err, problem.ErrForbidden) {
			return problem.Forbidden("report_unit", q.Unit)
		}
		return err
	}
	q.Now = s.now()
	rep, err := s.Reports.II06a(r.Context(), q, s.Calendar.Current())
	if err != nil {
		return err
	}
	body, ctype, err := rep.Encode(q.Format, time.Now())
	if err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", ctype)
	if q.Format != report.FormatJSON {
		h.Set("Content-Disposition", `attachment; filename="`+q.FileName()+`"`)
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	h.Set("Cache-Control", "private, no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)
	_, err = w.Write(body)
	return err
}
