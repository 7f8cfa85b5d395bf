package report

import (
	"bytes"
	"encoding/json"
	"time"

	"github.com/motcua/motcua/problem"
)

// Encode renders the report in format (FormatJSON, FormatXLSX or
// FormatPDF), made at now: its bytes and their media type. Every surface
// (API, leader's page, CLI) hands out these same bytes.
func (r *II06a) Encode(format string, now time.Time) ([]byte, string, error) {
	switch format {
	case FormatJSON, "":
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", " ")
		err := enc.Encode(r)
		return b.Bytes(), "application/json; charset=utf-8", err
	case FormatXLSX:
		var b bytes.Buffer
		err := r.WriteXLSX(&b)
		return b.Bytes(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", err
	case FormatPDF:
		pdf, err := r.PDF(now)
		return pdf, "application/pdf", err
	}
	return nil, "", problem.Invalid("format", "invalid_format", format)
}
