package server_test

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"io"
	"strings"
	"testing"

	"github.com/motcua/motcua/audit"
	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

// exported is the part of du-lieu-ca-nhan.json the tests read.
type exported struct {
	Format   string
	Dossiers []struct{ Code string }
	Account  struct {
		Account map[string]any
	}
	Files []struct {
		Dossier, Path, SHA256 string
	}
	Consents []struct{ Purpose string }
}

// unzip reads every entry of the ZIP body, by name.
func unzip(t *testing.T, body []byte) map[string][]byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(body), int64(len(body)))
	if err != nil {
		t.Fatalf("not a ZIP: %v", err)
	}
	out := map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		out[f.Name] = b
	}
	return out
}

// readExport opens the ZIP body, decodes its JSON and returns the files'
// contents by path.
func readExport(t *testing.T, body []byte) (exported, map[string][]byte) {
	t.Helper()
	files := unzip(t, body)
	var x exported
	if err := json.Unmarshal(files["du-lieu-ca-nhan.json"], &x); err != nil || x.Format == "" {
		t.Fatalf("du-lieu-ca-nhan.json: %v (%d entries)", err, len(files))
	}
	delete(files, "du-lieu-ca-nhan.json")
	return x, files
}

// TestPersonalDataExport: the citizen downloads a ZIP whose JSON holds
// their dossiers and none of another citizen's, with every file of
// theirs in it; each export writes an audit entry; an officer may not
// export. The access log of a dossier names the officer who read it, with
// their unit, to its citizen only.
func TestPersonalDataExport(t *testing.T) {
	t.Parallel()
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := t.Context()
		if err := e.app.DB.InTx(ctx, func(tx *store.Tx) error {
			_, err := e.app.Auth.CreateUser(ctx, tx, newCitizen("hangxom"))
			return err
		}); err != nil {
			t.Fatal(err)
		}
		p := interLevel(t)
		mine := e.submit(p.Code, demo.GiaLamCode)
		var theirs dossierView
		e.must(e.call("hangxom", "POST", "/api/v1/dossiers", submission(p, demo.GiaLamCode), &theirs), 201)
		desk := "gialam.tiepnhan"
		e.get(desk, mine.Code) // an officer's read, recorded

		r := e.must(e.call("congdan", "GET", "/api/v1/me/data-export", nil, nil), 200)
		if ct := r.header.Get("Content-Type"); ct != "application/zip" {
			t.Fatalf("content type %q", ct)
		}
		x, files := readExport(t, r.body)
		if len(x.Dossiers) != 1 || x.Dossiers[0].Code != mine.Code {
			t.Fatalf("exported dossiers %+v, want only %s", x.Dossiers, mine.Code)
		}
		if bytes.Contains(r.body, []byte(theirs.Code)) {
			t.Fatalf("the export holds another citizen's dossier %s", theirs.Code)
		}
		if x.Account.Account["username"] != "congdan" {
			t.Fatalf("account: %+v", x.Account.Account)
		}
		if len(x.Files) == 0 || len(files) != len(x.Files) {
			t.Fatalf("%d files listed, %d in the ZIP", len(x.Files), len(files))
		}
		for _, f := range x.Files {
			if f.Dossier != mine.Code || !bytes.Equal(files[f.Path], samplePDF) {
				t.Fatalf("file %s of %s: %d bytes", f.Path, f.Dossier, len(files[f.Path]))
			}
		}
		// Another citizen's export holds their own dossier, not congdan's.
		r = e.must(e.call("hangxom", "GET", "/api/v1/me/data-export", nil, nil), 200)
		if x, _ := readExport(t, r.body); len(x.Dossiers) != 1 || x.Dossiers[0].Code != theirs.Code || bytes.Contains(r.body, []byte(mine.Code)) {
			t.Fatalf("hangxom's export: %+v", x.Dossiers)
		}
		es, err := e.app.Audit.List(ctx, audit.Filter{Object: "user:congdan"})
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, en := range es {
			if en.Action == "personal_data_exported" {
				n++
			}
		}
		if n != 1 {
			t.Fatalf("%d audit entries of congdan's export, want 1: %+v", n, es)
		}
		if r := e.call(desk, "GET", "/api/v1/me/data-export", nil, nil); r.status != 403 {
			t.Fatalf("officer export: %d %s", r.status, r.body)
		}

		// Who read the dossier: the desk officer, by name and unit.
		var acc struct {
			Accesses []struct {
				Action, Who, Kind, Unit string
				Self                    bool
			}
		}
		e.must(e.call("congdan", "GET", "/api/v1/dossiers/"+mine.Code+"/accesses", nil, &acc), 200)
		officer, err := e.app.Auth.UserByName(ctx, desk)
		if err != nil {
			t.Fatal(err)
		}
		var read, submitted bool
		for _, a := range acc.Accesses {
			read = read || a.Action == "dossier_read" && a.Who == officer.FullName && a.Kind == "officer" && strings.Contains(a.Unit, "Gia Lâm")
			submitted = submitted || a.Action == "submit" && a.Self
		}
		if !read || !submitted {
			t.Fatalf("accesses of %s: %+v, want the desk's read (%s) and the citizen's submission", mine.Code, acc.Accesses, officer.FullName)
		}
		for _, who := range []string{"hangxom", desk} {
			if r := e.call(who, "GET", "/api/v1/dossiers/"+mine.Code+"/accesses", nil, nil); r.status != 404 && r.status != 403 {
				t.Fatalf("%s reads congdan's access log: %d %s", who, r.status, r.body)
			}
		}
		b := e.portalVisitor(t, "vi")
		b.login("congdan")
		if pg := b.get("/ho-so/" + mine.Code + "/truy-cap"); pg.status != 200 || !pg.has(officer.FullName) {
			t.Fatalf("access page: %d\n%s", pg.status, mainOf(pg.body))
		}
		other := e.portalVisitor(t, "vi")
		other.login("hangxom")
		if pg := other.get("/ho-so/" + mine.Code + "/truy-cap"); pg.status != 404 {
			t.Fatalf("another citizen's access page: %d", pg.status)
		}
	})
}
