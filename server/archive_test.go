package server_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/motcua/motcua/audit"
	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

// TestDossierArchive: the officer hands a dossier to the archive before
// retention anonymises it — a ZIP of ho-so.json (the dossier with its
// history) and its files, from the API and the office page, each export
// on record in the audit log first. A citizen, an officer of another unit
// and an unknown code get errors, not downloads, and leave no record.
func TestDossierArchive(t *testing.T) {
	t.Parallel()
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		d := e.submit(interLevel(t).Code, demo.GiaLamCode)
		desk := "gialam.tiepnhan"
		e.newOfficer("giathuy.tiepnhan", auth.Reception, "000.02.07.H40")

		r := e.must(e.call(desk, "GET", "/api/v1/dossiers/"+d.Code+"/archive", nil, nil), 200)
		if ct := r.header.Get("Content-Type"); ct != "application/zip" {
			t.Fatalf("content type %q", ct)
		}
		if cd := r.header.Get("Content-Disposition"); !strings.Contains(cd, "ho-so-"+d.Code+".zip") {
			t.Fatalf("content disposition %q", cd)
		}
		checkArchive(t, r.body, d.Code)

		status, page, _ := e.officeLogin(desk).get("/can-bo/ho-so/" + d.Code)
		if status != 200 || !strings.Contains(page, `id="archive-copy" href="/can-bo/ho-so/`+d.Code+`/luu-tru"`) {
			t.Fatalf("dossier page: %d, no archive link", status)
		}
		status, zipBody, _ := e.officeLogin(desk).get("/can-bo/ho-so/" + d.Code + "/luu-tru")
		if status != 200 {
			t.Fatalf("office archive: %d %s", status, zipBody)
		}
		checkArchive(t, []byte(zipBody), d.Code)

		for _, c := range []struct {
			who, code string
			want      int
		}{
			{"congdan", d.Code, 403},                 // the applicant: their copy is the data download
			{"giathuy.tiepnhan", d.Code, 404},        // another commune's officer
			{desk, "000.00.00.H40-000000-0000", 404}, // no such dossier
		} {
			r := e.call(c.who, "GET", "/api/v1/dossiers/"+c.code+"/archive", nil, nil)
			if r.status != c.want || r.header.Get("Content-Disposition") != "" || !json.Valid(r.body) {
				t.Errorf("%s, %s: %d %q %s, want %d as a JSON error", c.who, c.code, r.status, r.header.Get("Content-Disposition"), r.body, c.want)
			}
		}
		es, err := e.app.Audit.List(t.Context(), audit.Filter{Object: "dossier:" + d.Code})
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, en := range es {
			if en.Action == "dossier_archive_exported" {
				n++
			}
		}
		if n != 2 {
			t.Fatalf("%d audit entries of archive exports, want 2 (API and page)", n)
		}
	})
}

// checkArchive reads the archive ZIP of code: its JSON names the dossier
// with its history, and every file it lists is in the ZIP with the bytes
// uploaded.
func checkArchive(t *testing.T, body []byte, code string) {
	t.Helper()
	files := unzip(t, body)
	var x struct {
		Format  string
		Dossier struct {
			Code    string
			History []json.RawMessage
		}
		Files []struct{ Path string }
	}
	if err := json.Unmarshal(files["ho-so.json"], &x); err != nil {
		t.Fatalf("ho-so.json: %v", err)
	}
	delete(files, "ho-so.json")
	if x.Format != "motcua.dossier-archive/1" || x.Dossier.Code != code || len(x.Dossier.History) == 0 {
		t.Fatalf("ho-so.json: format %q, dossier %q with %d history entries", x.Format, x.Dossier.Code, len(x.Dossier.History))
	}
	if len(x.Files) == 0 || len(files) != len(x.Files) {
		t.Fatalf("%d files listed, %d in the ZIP", len(x.Files), len(files))
	}
	for _, f := range x.Files {
		if !bytes.Equal(files[f.Path], samplePDF) {
			t.Fatalf("file %s: %d bytes, not the upload", f.Path, len(files[f.Path]))
		}
	}
}
