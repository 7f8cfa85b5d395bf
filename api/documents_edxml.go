package api

import (
	"net/http"
	"strconv"
)

// getDocumentEdXML answers a document's edXML message (QCVN 102:2016),
// with its file in base64, to whoever may read the document.
func (s *Server) getDocumentEdXML(w http.ResponseWriter, r *http.Request) error {
	a, err := requireActor(r)
	if err != nil {
		return err
	}
	id, err := documentID(r)
	if err != nil {
		return err
	}
	b, err := s.Documents.EdXML(r.Context(), a, id)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/xml; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="van-ban-`+strconv.FormatInt(id, 10)+`.edxml"`)
	w.Header().Set("Cache-Control", "private, no-store")
	_, err = w.Write(b)
	return err
}
