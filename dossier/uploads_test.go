package dossier_test

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

// padded is a distinct PDF of n bytes (distinct so no two uploads share a
// blob, which must not matter to the limits anyway).
func padded(n int, tag string) []byte {
	b := append([]byte{}, pdf...)
	b = append(b, "% "+tag+"\n"...)
	return append(b, bytes.Repeat([]byte{' '}, n-len(b))...)
}

func wantCode(t *testing.T, err error, kind error, code string) {
	t.Helper()
	var pe *problem.Error
	if !errors.Is(err, kind) || !errors.As(err, &pe) || pe.Code != code {
		t.Fatalf("err %v, want %s", err, code)
	}
}

// TestUploadLimits covers issue 8, finding 12: "uploads have no
// per-component or per-dossier quota". Before, a dossier took any number
// of files of any total size. Now a component takes five files per copy
// its quantity asks for (at most ten), and the applicant's files of a
// dossier, or of a draft, at most MaxDossierBytes together; each
// supplement request allows one more set.
func TestUploadLimits(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		w := newWorldWith(t, db, func(c *dossier.Config) { c.MaxDossierBytes = 4000 })
		d := submitted(t, w) // one small file in each of the two components (quantity 1)
		for i := range 4 {
			if _, err := w.ds.Upload(ctx, w.citizen, d.Code, "giay_to_tuy_than", "trang.pdf", bytes.NewReader(padded(100, fmt.Sprint(i)))); err != nil {
				t.Fatalf("file %d of 5: %v", i+2, err)
			}
		}
		_, err := w.ds.Upload(ctx, w.citizen, d.Code, "giay_to_tuy_than", "trang.pdf", bytes.NewReader(padded(100, "six")))
		wantCode(t, err, problem.ErrInvalid, "too_many_component_files")

		// The other component has room for four more files, but not their bytes.
		for i := range 3 {
			if _, err := w.ds.Upload(ctx, w.citizen, d.Code, "giay_to_can_ky", "lon.pdf", bytes.NewReader(padded(1000, fmt.Sprint("big", i)))); err != nil {
				t.Fatalf("large file %d: %v", i, err)
			}
		}
		_, err = w.ds.Upload(ctx, w.citizen, d.Code, "giay_to_can_ky", "lon.pdf", bytes.NewReader(padded(1000, "big3")))
		wantCode(t, err, problem.ErrInvalid, "dossier_files_too_large")
		got, err := w.ds.Get(ctx, w.citizen, d.Code)
		if err != nil || len(got.Files) != 2+4+3 {
			t.Fatalf("%d files, want 9 (%v)", len(got.Files), err)
		}
		// Asked for a supplement, the applicant may bring a new set.
		if _, err := w.ds.Act(ctx, w.reception, d.Code, dossier.RequestSupplement, dossier.ActInput{Note: "Bản chụp mờ, đề nghị chụp lại.", Items: []dossier.SupplementItem{{Name: "Giấy tờ còn thiếu", Reason: "Thiếu"}}}); err != nil {
			t.Fatal(err)
		}
		if _, err := w.ds.Upload(ctx, w.citizen, d.Code, "giay_to_tuy_than", "trang.pdf", bytes.NewReader(padded(100, "six"))); err != nil {
			t.Fatalf("a new set after a supplement request: %v", err)
		}

		// A draft: the same limits when files are added; removing is always allowed.
		dr, err := w.ds.CreateDraft(ctx, w.citizen, w.proc.Code, filled(w))
		if err != nil {
			t.Fatal(err)
		}
		blob, err := w.ds.StoreBlob(ctx, bytes.NewReader(pdf))
		if err != nil {
			t.Fatal(err)
		}
		for range 5 {
			dr.Data.Files = append(dr.Data.Files, dossier.DraftFile{Component: "giay_to_tuy_than", SHA256: blob.SHA256, Name: "a.pdf",
				Size: blob.Size, ContentType: blob.ContentType})
		}
		if err := w.ds.SaveDraft(ctx, w.citizen, dr); err != nil {
			t.Fatalf("five files: %v", err)
		}
		dr.Data.Files = append(dr.Data.Files, dr.Data.Files[0])
		wantCode(t, w.ds.SaveDraft(ctx, w.citizen, dr), problem.ErrInvalid, "too_many_component_files")
		data := filled(w)
		data.Files = dr.Data.Files
		_, err = w.ds.CreateDraft(ctx, w.citizen, w.proc.Code, data)
		wantCode(t, err, problem.ErrInvalid, "too_many_component_files")
		dr.Data.Files = dr.Data.Files[:2]
		if err := w.ds.SaveDraft(ctx, w.citizen, dr); err != nil {
			t.Fatalf("removing files: %v", err)
		}
		big := dossier.DraftFile{Component: "giay_to_can_ky", SHA256: blob.SHA256, Name: "a.pdf", Size: 3000, ContentType: blob.ContentType}
		dr.Data.Files = append(dr.Data.Files, big, big)
		wantCode(t, w.ds.SaveDraft(ctx, w.citizen, dr), problem.ErrInvalid, "dossier_files_too_large")
	})
}

// TestFileNamesClean covers issue 8, finding 12: "file names with bidi
// control characters are shown as given". A right-to-left override makes
// "hoa-don<RLO>fdp.exe" read as "hoa-donexe.pdf"; such characters, other
// format characters (zero-width) and controls are dropped when a name is
// stored, and again when one stored earlier is shown.
func TestFileNamesClean(t *testing.T) {
	w := newWorld(t, storetest.Open(t, "sqlite"))
	ctx := t.Context()
	d := submitted(t, w)
	long := strings.Repeat("ắ", 150) // 3 bytes each: cut at a character boundary
	cases := []struct{ name, given, want string }{
		{"right-to-left override", "hoa-don\u202efdp.exe", "hoa-donfdp.exe"},
		{"isolates and marks", "\u2067Giấy\u2069 tờ\u200f.pdf", "Giấy tờ.pdf"},
		{"zero width and BOM", "CC\u200bCD\ufeff.pdf", "CCCD.pdf"},
		{"controls and line separators", "a\x07b\u2028c\u0085.pdf", "abc.pdf"},
		{"a Windows path", `C:\Users\an\Giấy khai sinh.pdf`, "Giấy khai sinh.pdf"},
		{"invalid UTF-8", "ten\xff.pdf", "ten\ufffd.pdf"},
		{"only format characters", "\u202e\u202c", "tep-dinh-kem"},
		{"long", long, strings.Repeat("ắ", 66)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f, err := w.ds.Upload(ctx, w.reception, d.Code, "giay_to_can_ky", c.given, bytes.NewReader(padded(200, c.name)))
			if err != nil {
				t.Fatal(err)
			}
			if f.Name != c.want || !utf8.ValidString(f.Name) {
				t.Fatalf("stored %q, want %q", f.Name, c.want)
			}
			// Cleanup of the component so the next case has room.
			if _, err := w.db.ExecContext(ctx, `DELETE FROM dossier_files WHERE id = ?`, f.ID); err != nil {
				t.Fatal(err)
			}
		})
	}

	t.Run("names stored before are shown clean", func(t *testing.T) {
		if _, err := w.db.ExecContext(ctx, `UPDATE dossier_files SET name = ?`, "hoa-don\u202efdp.exe"); err != nil {
			t.Fatal(err)
		}
		got, err := w.ds.Get(ctx, w.citizen, d.Code)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range got.Files {
			if f.Name != "hoa-donfdp.exe" {
				t.Fatalf("shown as %q", f.Name)
			}
		}
		if _, err := w.ds.CreateDraft(ctx, w.citizen, w.proc.Code, filled(w)); err != nil {
			t.Fatal(err)
		}
		if _, err := w.db.ExecContext(ctx, `UPDATE drafts SET data = ?`, `{"files":[{"component":"x","name":"a\u202eb.pdf"}]}`); err != nil {
			t.Fatal(err)
		}
		drafts, err := w.ds.Drafts(ctx, w.citizen)
		if err != nil {
			t.Fatal(err)
		}
		if len(drafts) != 1 {
			t.Fatalf("%d drafts", len(drafts))
		}
		for _, dr := range drafts {
			if n := dr.Data.Files[0].Name; n != "ab.pdf" {
				t.Fatalf("draft file shown as %q", n)
			}
		}
	})
}

// TestBlobPermissions covers the uploads part of issue 8 ("files created
// 0600"): a stored upload is readable by motcua's user alone, and so are
// the directories that hold it. Before, they were created 0750.
func TestBlobPermissions(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "files")
	w := newWorldWith(t, storetest.Open(t, "sqlite"), func(c *dossier.Config) { c.FilesDir = dir })
	f, err := w.ds.StoreBlob(t.Context(), bytes.NewReader(pdf))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]os.FileMode{
		dir:                              0o700 | os.ModeDir,
		filepath.Join(dir, "tmp"):        0o700 | os.ModeDir,
		filepath.Join(dir, f.SHA256[:2]): 0o700 | os.ModeDir,
		filepath.Join(dir, f.SHA256[:2], f.SHA256): 0o600,
	}
	for path, mode := range want {
		st, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode() != mode {
			t.Errorf("%s: %v, want %v", path, st.Mode(), mode)
		}
	}
}

// TestFlagsSurviveTheDraft: a PDF with JavaScript uploaded into a draft
// is flagged on the dossier it becomes; the flag is judged from the
// stored file at submission, not from what the draft's data says.
func TestFlagsSurviveTheDraft(t *testing.T) {
	w := newWorld(t, storetest.Open(t, "sqlite"))
	ctx := t.Context()
	dr, err := w.ds.CreateDraft(ctx, w.citizen, w.proc.Code, filled(w))
	if err != nil {
		t.Fatal(err)
	}
	js := []byte("%PDF-1.4\n1 0 obj<</Type/Catalog/Names<</JavaScript 2 0 R>>>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
	for _, body := range [][]byte{js, pdf} {
		f, err := w.ds.StoreBlob(ctx, bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		comp := "giay_to_tuy_than"
		if bytes.Equal(body, pdf) {
			comp = "giay_to_can_ky"
		}
		dr.Data.Files = append(dr.Data.Files, dossier.DraftFile{Component: comp, SHA256: f.SHA256, Name: comp + ".pdf",
			Size: f.Size, ContentType: f.ContentType})
	}
	if err := w.ds.SaveDraft(ctx, w.citizen, dr); err != nil {
		t.Fatal(err)
	}
	d, _, err := w.ds.SubmitDraft(ctx, w.citizen, dr.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range d.Files {
		want := []string(nil)
		if f.Component == "giay_to_tuy_than" {
			want = []string{dossier.FlagJavaScript}
		}
		if strings.Join(f.Flags, ",") != strings.Join(want, ",") {
			t.Errorf("%s: flags %v, want %v", f.Component, f.Flags, want)
		}
	}
}
