package portal

import (
	"errors"
	"io"
	"net/http"
	"path/filepath"
	"time"

	"github.com/motcua/motcua/calendar"
	"github.com/motcua/motcua/sign"
	"github.com/motcua/motcua/web"
)

// maxVerifyBytes is the largest PDF the verification page accepts.
const maxVerifyBytes = 20 << 20

// verifyPage is the public signature verification page (/xac-thuc):
// anyone uploads a signed PDF and sees who signed it, when, with which
// certificates, and whether it changed since. Nothing is stored.
type verifyPage struct {
	web.Page
	Max, MaxMB int
	TrustList  bool
	// Error is a problem with the upload itself (no file, not a PDF…).
	Error string
	// Checked is true once a file was verified; the rest describes it.
	Checked    bool
	FileName   string
	Valid      bool
	Signatures []signatureView
}

// signatureView is one signature, its times formatted and its problems
// translated.
type signatureView struct {
	sign.SignatureInfo
	N                      int
	SigningTime, TimeStamp string
	Problems               []string
}

func (p *Portal) newVerifyPage(r *http.Request) verifyPage {
	return verifyPage{Page: p.web.Page(r, "verify.title"), Max: maxVerifyBytes, MaxMB: maxVerifyBytes >> 20, TrustList: p.trust != nil}
}

func (p *Portal) verifyForm(w http.ResponseWriter, r *http.Request) error {
	return p.render(w, http.StatusOK, "verify", p.newVerifyPage(r))
}

// verifyUpload verifies the uploaded PDF and shows the result on the
// same page, so the form is there for the next file.
func (p *Portal) verifyUpload(w http.ResponseWriter, r *http.Request) error {
	page := p.newVerifyPage(r)
	name, doc, errKey, code := readUpload(w, r)
	if errKey != "" {
		page.Error = page.T(errKey, page.MaxMB)
		return p.render(w, code, "verify", page)
	}
	sigs, err := sign.Verify(doc, p.trust)
	if errors.Is(err, sign.ErrNotPDF) {
		page.Error = page.T("verify.err.not_pdf")
		return p.render(w, http.StatusUnprocessableEntity, "verify", page)
	}
	if err != nil {
		return err
	}
	page.Checked, page.FileName, page.Valid = true, name, sign.AllValid(sigs)
	for i, s := range sigs {
		v := signatureView{SignatureInfo: s, N: i + 1, SigningTime: isoTime(s.SigningTime), TimeStamp: isoTime(s.TimeStamp)}
		for _, code := range s.Problems {
			key := "verify.problem." + code // one key per sign.ProblemCodes
			v.Problems = append(v.Problems, page.T(key))
		}
		page.Signatures = append(page.Signatures, v)
	}
	return p.render(w, http.StatusOK, "verify", page)
}

// isoTime shows a time in Vietnam time, ISO 8601, as Decree 30 writes
// signing times.
func isoTime(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.In(calendar.Zone).Format("2006-01-02T15:04:05-07:00")
}

// readUpload reads the "file" part of the multipart form. On failure it
// returns the message key and status to show.
func readUpload(w http.ResponseWriter, r *http.Request) (name string, doc []byte, errKey string, code int) {
	r.Body = http.MaxBytesReader(w, r.Body, maxVerifyBytes+1<<20)
	mr, err := r.MultipartReader()
	if err != nil {
		return "", nil, "verify.err.no_file", http.StatusUnprocessableEntity
	}
	for {
		part, err := mr.NextPart()
		var mbe *http.MaxBytesError
		switch {
		case errors.As(err, &mbe):
			return "", nil, "verify.err.too_large", http.StatusRequestEntityTooLarge
		case err != nil:
			return "", nil, "verify.err.no_file", http.StatusUnprocessableEntity
		case part.FormName() != "file":
			part.Close()
			continue
		}
		doc, err := io.ReadAll(io.LimitReader(part, maxVerifyBytes+1))
		switch {
		case errors.As(err, &mbe) || len(doc) > maxVerifyBytes:
			return "", nil, "verify.err.too_large", http.StatusRequestEntityTooLarge
		case err != nil || len(doc) == 0:
			return "", nil, "verify.err.no_file", http.StatusUnprocessableEntity
		}
		return filepath.Base(part.FileName()), doc, "", 0
	}
}
