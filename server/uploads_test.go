package server_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/scan"
	"github.com/motcua/motcua/scan/scantest"
	"github.com/motcua/motcua/server"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

// pdfWith is a small PDF that carries s in a comment: a file of an
// allowed type, so only the scanner can refuse it.
func pdfWith(s string) []byte {
	return []byte("%PDF-1.4\n% " + s + "\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
}

// storedFiles lists every file under dir/files (blobs and temporary files).
func storedFiles(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	root := filepath.Join(dir, "files")
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if os.IsNotExist(err) {
			return nil
		}
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		out[strings.TrimPrefix(path, root)] = b
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// storedBlobs reads every blob of the app's store (the database's on
// PostgreSQL, where nothing of a blob is on disk but uploads in progress).
func storedBlobs(t *testing.T, app *server.App) map[string][]byte {
	t.Helper()
	sums, young, err := app.Blobs.Old(t.Context(), time.Now().Add(24*time.Hour))
	if err != nil || young != 0 {
		t.Fatalf("list blobs: %v (%d young)", err, young)
	}
	out := map[string][]byte{}
	for _, sum := range sums {
		f, err := app.Blobs.Open(t.Context(), sum)
		if err != nil {
			t.Fatal(err)
		}
		out[sum], err = io.ReadAll(f)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// TestUploadsScanned covers issue 8, finding 12 (uploads): before, nothing
// scanned an upload, and a PDF carrying the EICAR test string was stored
// and attached like any other. With --clamd (here a real clamd with the
// test's own signatures), an infected upload through the API or the
// back-office page is refused with 422 file_infected and nothing of it is
// kept, no row and no file; a clean one is accepted. A clamd that does not
// answer refuses uploads (503 scanner_unavailable) rather than letting
// them through unscanned.
func TestUploadsScanned(t *testing.T) {
	t.Parallel()
	clamd := scantest.Start(t)
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		c, err := scan.New(clamd.Unix, 10*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		var dataDir string
		e := newEnvWith(t, db, func(cfg *server.Config) { cfg.Scanner, dataDir = c, cfg.DataDir })
		p := interLevel(t)
		d := e.submit(p.Code, demo.GiaLamCode)
		comp := p.Components[0].Key
		before := len(e.get("congdan", d.Code).Files)

		r := e.upload("congdan", d.Code, comp, "giay to.pdf", pdfWith(scantest.EICAR))
		if r.status != 422 || r.errCode() != "file_infected" || !bytes.Contains(r.body, []byte(scantest.EICARSignature)) {
			t.Fatalf("EICAR through the API: %d %s", r.status, r.body)
		}
		b := e.officeLogin("gialam.tiepnhan")
		_, body, final := b.upload(d.Code, comp, "quet.pdf", pdfWith(scantest.Custom))
		if !strings.Contains(final, "loi=file_infected") || !strings.Contains(body, "Tệp chứa mã độc nên không được nhận.") {
			t.Fatalf("infected file through the office page: at %s", final)
		}
		if got := len(e.get("congdan", d.Code).Files); got != before {
			t.Fatalf("%d files after the refused uploads, want %d", got, before)
		}

		// The portal's submission wizard stores into a draft: same refusal.
		citizen, err := e.app.Auth.UserByName(t.Context(), "congdan")
		if err != nil {
			t.Fatal(err)
		}
		dr, err := e.app.Dossiers.CreateDraft(t.Context(), citizen, signatureProc, dossier.DraftData{Unit: demo.GiaLamCode})
		if err != nil {
			t.Fatal(err)
		}
		pb := e.portalVisitor(t, "")
		pb.login("congdan")
		files := pb.get(fmt.Sprintf("/nop-ho-so/%s/%d/tai-lieu", signatureProc, dr.ID))
		res := pb.upload(files.action(t, "/tai-lieu/giay_to_tuy_than?"), "cccd.pdf", pdfWith(scantest.EICAR))
		if res.url.Query().Get("loi") != "file_infected" || !res.has("Tệp chứa mã độc nên không được nhận.") {
			t.Fatalf("infected file through the wizard: at %s", res.url)
		}
		if dr, err = e.app.Dossiers.GetDraft(t.Context(), citizen, dr.ID); err != nil || len(dr.Data.Files) != 0 {
			t.Fatalf("draft after the refused upload: %+v %v", dr, err)
		}
		for name, content := range storedFiles(t, dataDir) {
			if bytes.Contains(content, []byte(scantest.EICAR)) || bytes.Contains(content, []byte(scantest.Custom)) {
				t.Fatalf("an infected upload was kept on disk as %s", name)
			}
		}
		for sum, content := range storedBlobs(t, e.app) {
			if bytes.Contains(content, []byte(scantest.EICAR)) || bytes.Contains(content, []byte(scantest.Custom)) {
				t.Fatalf("an infected upload was kept in the blob store as %s", sum)
			}
		}

		if r := e.upload("congdan", d.Code, comp, "sach.pdf", pdfWith("nothing to see")); r.status != 201 {
			t.Fatalf("clean file: %d %s", r.status, r.body)
		}
		if got := len(e.get("congdan", d.Code).Files); got != before+1 {
			t.Fatalf("%d files after the clean upload, want %d", got, before+1)
		}
	})
	t.Run("clamd down", func(t *testing.T) {
		down, err := scan.New("unix:"+filepath.Join(t.TempDir(), "no-clamd.sock"), time.Second)
		if err != nil {
			t.Fatal(err)
		}
		var dataDir string
		e := newEnvWith(t, storetest.Open(t, "sqlite"), func(cfg *server.Config) { cfg.Scanner, dataDir = down, cfg.DataDir })
		d := e.submit(interLevel(t).Code, demo.GiaLamCode) // its own uploads fail too
		if got := len(e.get("congdan", d.Code).Files); got != 0 {
			t.Fatalf("%d files stored while clamd was down", got)
		}
		r := e.upload("congdan", d.Code, interLevel(t).Components[0].Key, "a.pdf", samplePDF)
		if r.status != 503 || r.errCode() != "scanner_unavailable" || r.header.Get("Retry-After") != "60" {
			t.Fatalf("clamd down: %d %s", r.status, r.body)
		}
		if files := storedFiles(t, dataDir); len(files) != 0 {
			t.Fatalf("files kept while clamd was down: %v", len(files))
		}
	})
}

// TestFlaggedPDFShownToOfficer covers issue 8, finding 12: "PDFs with
// /JavaScript are kept as uploaded" and opened by the officer unwarned
// (the dossier page even previews PDFs inline). The file is still kept as
// uploaded, but flagged: the API says so, and the office page warns in
// Vietnamese and does not preview it inline.
func TestFlaggedPDFShownToOfficer(t *testing.T) {
	t.Parallel()
	e := newEnv(t, storetest.Open(t, "sqlite"))
	p := interLevel(t)
	d := e.submit(p.Code, demo.GiaLamCode)
	comp := p.Components[0].Key
	js := []byte("%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R/OpenAction<</S/JavaScript/JS(app.launchURL('http://x'))>>>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
	r := e.upload("congdan", d.Code, comp, "to-khai.pdf", js)
	if r.status != 201 || !bytes.Contains(r.body, []byte(`"flags":["javascript"]`)) {
		t.Fatalf("upload: %d %s", r.status, r.body)
	}
	var f struct{ ID int64 }
	json.Unmarshal(r.body, &f)
	if got := e.call("gialam.tiepnhan", "GET", "/api/v1/dossiers/"+d.Code+"/files/"+itoa(f.ID), nil, nil); !bytes.Equal(got.body, js) {
		t.Fatal("the flagged file is not kept as uploaded")
	}
	b := e.officeLogin("gialam.tiepnhan")
	_, page, _ := b.get("/can-bo/ho-so/" + d.Code)
	warning := "Cảnh báo: tệp PDF này chứa mã JavaScript"
	if strings.Count(page, warning) != 1 {
		t.Fatalf("the dossier page warns %d times, want once", strings.Count(page, warning))
	}
	fileURL := "/can-bo/ho-so/" + d.Code + "/tep/" + itoa(f.ID)
	if !strings.Contains(page, `href="`+fileURL+`"`) || strings.Contains(page, `<iframe src="`+fileURL+`"`) {
		t.Fatal("a flagged PDF must be linked, not previewed inline")
	}
	if !strings.Contains(page, "<iframe src=") {
		t.Fatal("ordinary PDFs lost their preview")
	}
}
