package api

import (
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/sign"
)

// maxVerifyBytes is the largest PDF the verification endpoint reads.
const maxVerifyBytes = 20 << 20

// verifyResult is the answer of POST /api/v1/verify.
type verifyResult struct {
	// Valid is true when there is at least one signature and every one
	// is valid (intact, nothing changed after the last, trusted when a
	// trust list is configured).
	Valid bool `json:"valid"`
	// TrustList tells whether chains were checked against a trust list.
	TrustList  bool                 `json:"trust_list"`
	Signatures []sign.SignatureInfo `json:"signatures"`
}

// verify checks the signatures of a PDF anyone uploads: as the "file"
// part of a multipart form, or as the raw body. Nothing is stored.
func (s *Server) verify(w http.ResponseWriter, r *http.Request) error {
	doc, err := readPDF(w, r)
	if err != nil {
		return err
	}
	sigs, err := sign.Verify(doc, s.Trust)
	if errors.Is(err, sign.ErrNotPDF) {
		return errNotPDF
	}
	if err != nil {
		return err
	}
	if sigs == nil {
		sigs = []sign.SignatureInfo{}
	}
	return writeJSON(w, http.StatusOK, verifyResult{Valid: sign.AllValid(sigs), TrustList: s.Trust != nil, Signatures: sigs})
}

// errNotPDF is the public error for an upload that is not a readable PDF.
var errNotPDF = problem.Invalid("file", "not_pdf")

var errNoPDF = problem.Invalid("file", "file_required.pdf")

// readPDF reads an uploaded PDF of at most maxVerifyBytes: the "file"
// part of a multipart body, or the whole body otherwise.
func readPDF(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	tooLarge := problem.New(problem.ErrTooLarge, "file_too_large", maxVerifyBytes>>20)
	r.Body = http.MaxBytesReader(w, r.Body, maxVerifyBytes+1<<20)
	var body io.Reader = r.Body
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/") {
		mr, err := r.MultipartReader()
		if err != nil {
			return nil, errNoPDF
		}
		for {
			part, err := mr.NextPart()
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				return nil, tooLarge
			}
			if err != nil {
				return nil, errNoPDF
			}
			if part.FormName() == "file" {
				body = part
				break
			}
			part.Close()
		}
	}
	doc, err := io.ReadAll(io.LimitReader(body, maxVerifyBytes+1))
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &mbe) || len(doc) > maxVerifyBytes:
		return nil, tooLarge
	case err != nil:
		return nil, errNoPDF
	case len(doc) == 0:
		return nil, errNoPDF
	}
	return doc, nil
}
