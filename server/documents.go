package server

import (
	"github.com/motcua/motcua/document"
	"github.com/motcua/motcua/forms"
	"github.com/motcua/motcua/sign"
	"github.com/motcua/motcua/store"
)

// DocumentsConfig connects the signing of outgoing documents.
type DocumentsConfig struct {
	// Keys gives the leaders' keys and each organ's seal (document.Keys);
	// nil issues documents without digital signatures.
	Keys document.Keys
	// Images gives the signature and seal images; nil signs without
	// images (the seal is then the text form, its number and time).
	Images document.Images
	// TSA time-stamps the signatures (PAdES B-T) when set.
	TSA *sign.TSA
}

// newDocuments builds the document service: its signatures' text in
// Liberation Serif (Times New Roman's metrics, as Decree 30 asks), the
// trust list incoming signatures are checked against.
func newDocuments(db *store.DB, a *App, cfg Config) (*document.Service, error) {
	font, err := forms.Font(false)
	if err != nil {
		return nil, err
	}
	bold, err := forms.Font(true)
	if err != nil {
		return nil, err
	}
	return document.New(db, a.Units, document.Config{Now: cfg.Now, Bus: a.Events, Trust: cfg.Trust,
		Keys: cfg.Documents.Keys, Images: cfg.Documents.Images, TSA: cfg.Documents.TSA, Font: font, BoldFont: bold}), nil
}
