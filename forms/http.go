package forms

import (
	"net/http"
	"strconv"
	"time"

	"github.com/motcua/motcua/calendar"
	"github.com/motcua/motcua/problem"
)

// The forms' face on HTTP, shared by the API and the back office.

// Write sends the PDF, to be shown in the browser (and printed from its
// viewer) or, with download, saved under its file name. Forms hold
// personal data: never cached by shared caches.
func (doc *Document) Write(w http.ResponseWriter, download bool) error {
	disposition := "inline"
	if download {
		disposition = "attachment"
	}
	h := w.Header()
	h.Set("Content-Type", "application/pdf")
	h.Set("Content-Disposition", disposition+`; filename="`+doc.Name+`"`)
	h.Set("Content-Length", strconv.Itoa(len(doc.PDF)))
	h.Set("Cache-Control", "private, no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)
	_, err := w.Write(doc.PDF)
	return err
}

// ParseDay reads a day written YYYY-MM-DD (Vietnam time); "" is the zero
// time, which Book reads as its default.
func ParseDay(field, v string) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	t, err := time.ParseInLocation("2006-01-02", v, calendar.Zone)
	if err != nil {
		return time.Time{}, problem.Invalid(field, "invalid_date", field)
	}
	return t, nil
}
