package document_test

import (
	"encoding/xml"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/calendar"
	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/document"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/sign/signtest"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

// register enters paper document n issued on date at unit (as clerk).
func register(t *testing.T, w *world, clerk, unitCode, n, date, subject string, pages int) int64 {
	t.Helper()
	in := paper(n)
	in.Unit, in.IssuedDate, in.Subject, in.PageAmount = unitCode, date, subject, pages
	d, err := w.docs.RegisterIncoming(t.Context(), w.actor(t, clerk), in)
	if err != nil {
		t.Fatal(err)
	}
	return d.ID
}

func ordinals(f *document.WorkFile) []int64 {
	var ids []int64
	for i, it := range f.Items {
		if it.DocOrdinal != i+1 {
			return nil
		}
		ids = append(ids, it.DocumentID)
	}
	return ids
}

// TestWorkFileLifecycle: the district's specialist opens a work file,
// adds documents out of date order (the file orders them by date, DocOrdinal
// 1…n), removes one (the ordinals close up), closes it when the work
// ended; the file is due for the archive a year later and warned of from
// 30 days before, until it is handed over. Officers of another organ see
// nothing; a document of another organ or already filed is refused.
func TestWorkFileLifecycle(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		w := newWorld(t, db, nil)
		march := register(t, w, "huyen.vanthu", demo.DistrictCode, "31", "2026-02-20", "Kế hoạch chuyển đổi số", 4)
		feb := register(t, w, "huyen.vanthu", demo.DistrictCode, "12", "2026-02-05", "Chỉ thị về chuyển đổi số", 2)
		late := register(t, w, "huyen.vanthu", demo.DistrictCode, "40", "2026-02-26", "Báo cáo sơ kết", 3)
		foreign := register(t, w, "gialam.vanthu", demo.GiaLamCode, "41", "2026-02-26", "Văn bản của xã", 1)

		sp := w.actor(t, "huyen.chuyenvien")
		if _, err := w.docs.CreateFile(ctx, w.actor(t, "huyen.tiepnhan"), document.WorkFileInput{Unit: demo.DistrictCode, Notation: "01.VP", Title: "x", Maintenance: "10 năm"}); !errors.Is(err, problem.ErrForbidden) {
			t.Fatalf("reception officer opens a file: %v", err)
		}
		if _, err := w.docs.CreateFile(ctx, sp, document.WorkFileInput{Unit: demo.DistrictCode, Notation: "01 VP", Title: "x", Maintenance: "10 năm"}); !errors.Is(err, problem.ErrInvalid) {
			t.Fatalf("notation with a space: %v", err)
		}
		f, err := w.docs.CreateFile(ctx, sp, document.WorkFileInput{Unit: demo.DistrictCode, Notation: "01.VP",
			Title: "Hồ sơ chuyển đổi số năm 2026", Maintenance: "10 năm", Rights: "Hạn chế", StartDate: "2026-02-01"})
		if err != nil {
			t.Fatal(err)
		}
		if f.FileCode != demo.DistrictCode+".2026.01.VP" || f.State != document.FileOpen || f.Language != "Tiếng Việt" || f.Creator == "" || f.DocTotal != 0 {
			t.Fatalf("opened: %+v", f)
		}
		if _, err := w.docs.CreateFile(ctx, sp, document.WorkFileInput{Unit: demo.DistrictCode, Notation: "01.VP", Title: "y", Maintenance: "5 năm", StartDate: "2026-03-01"}); !errors.Is(err, problem.ErrConflict) {
			t.Fatalf("same file code twice: %v", err)
		}
		for _, id := range []int64{march, late, feb} {
			if f, err = w.docs.AddToFile(ctx, sp, f.ID, f.Version, id); err != nil {
				t.Fatal(err)
			}
		}
		if got := ordinals(f); !slices.Equal(got, []int64{feb, march, late}) || f.DocTotal != 3 || f.PageTotal != 9 {
			t.Fatalf("ordered by date: %v, %d documents, %d pages", got, f.DocTotal, f.PageTotal)
		}
		if _, err := w.docs.AddToFile(ctx, sp, f.ID, f.Version-1, march); !errors.Is(err, problem.ErrConflict) {
			t.Fatalf("stale version: %v", err)
		}
		if _, err := w.docs.AddToFile(ctx, sp, f.ID, 0, foreign); !errors.Is(err, problem.ErrNotFound) {
			t.Fatalf("a document the specialist may not see: %v", err)
		}
		if _, err := w.docs.AddToFile(ctx, w.actor(t, "huyen.giamsat"), f.ID, 0, late); !errors.Is(err, problem.ErrForbidden) {
			t.Fatalf("a supervisor reads but does not manage files: %v", err)
		}
		other, err := w.docs.CreateFile(ctx, sp, document.WorkFileInput{Unit: demo.DistrictCode, Notation: "02.VP", Title: "Khác", Maintenance: "5 năm"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.docs.AddToFile(ctx, sp, other.ID, 0, march); !errors.Is(err, problem.ErrConflict) {
			t.Fatalf("a document in two files: %v", err)
		}
		if _, err := w.docs.GetFile(ctx, w.actor(t, "gialam.lanhdao"), f.ID); !errors.Is(err, problem.ErrNotFound) {
			t.Fatalf("another organ's leader reads the file: %v", err)
		}
		if f, err = w.docs.RemoveFromFile(ctx, sp, f.ID, 0, march); err != nil {
			t.Fatal(err)
		}
		if got := ordinals(f); !slices.Equal(got, []int64{feb, late}) || f.PageTotal != 5 {
			t.Fatalf("after removal: %v, %d pages", got, f.PageTotal)
		}
		if _, err := w.docs.CloseFile(ctx, sp, other.ID, document.CloseInput{}); !errors.Is(err, problem.ErrState) {
			t.Fatalf("closing an empty file: %v", err)
		}
		if _, err := w.docs.CloseFile(ctx, sp, f.ID, document.CloseInput{EndDate: "2026-03-03"}); !errors.Is(err, problem.ErrInvalid) {
			t.Fatalf("an end date after today: %v", err)
		}
		if f, err = w.docs.CloseFile(ctx, sp, f.ID, document.CloseInput{EndDate: "2026-02-28"}); err != nil {
			t.Fatal(err)
		}
		if f.State != document.FileClosed || f.ArchiveDue != "2027-02-28" || f.WarnFrom != "2027-01-29" || f.ArchiveWarning {
			t.Fatalf("closed: %+v", f)
		}
		if _, err := w.docs.AddToFile(ctx, sp, f.ID, 0, march); !errors.Is(err, problem.ErrState) {
			t.Fatalf("adding to a closed file: %v", err)
		}
		warned := func(name string) []int64 {
			t.Helper()
			fs, err := w.docs.ListFiles(ctx, w.actor(t, name), document.FileFilter{Warning: true})
			if err != nil {
				t.Fatal(err)
			}
			var ids []int64
			for _, x := range fs {
				if !x.ArchiveWarning {
					t.Fatalf("listed without its warning: %+v", x)
				}
				ids = append(ids, x.ID)
			}
			return ids
		}
		// The clock in Vietnam: 28 January 2027 23:59 is still quiet, 29
		// January 00:00 (still 28 January in UTC) starts the warning.
		w.clock.Set(time.Date(2027, 1, 28, 23, 59, 0, 0, calendar.Zone))
		if got := warned("huyen.chuyenvien"); len(got) != 0 {
			t.Fatalf("warned 31 days before: %v", got)
		}
		w.clock.Set(time.Date(2027, 1, 29, 0, 0, 0, 0, calendar.Zone))
		if got := warned("huyen.chuyenvien"); !slices.Equal(got, []int64{f.ID}) {
			t.Fatalf("warned 30 days before: %v", got)
		}
		if got := warned("huyen.giamsat"); !slices.Equal(got, []int64{f.ID}) {
			t.Fatalf("the supervisor sees the warning: %v", got)
		}
		if got := warned("gialam.lanhdao"); len(got) != 0 {
			t.Fatalf("another organ warned: %v", got)
		}
		if f, err = w.docs.GetFile(ctx, sp, f.ID); err != nil || !f.ArchiveWarning {
			t.Fatalf("file page warning: %v %+v", err, f)
		}
		if f, err = w.docs.ArchiveFile(ctx, sp, f.ID, f.Version); err != nil || f.State != document.FileArchived || f.ArchiveWarning {
			t.Fatalf("handed over: %v %+v", err, f)
		}
		if got := warned("huyen.chuyenvien"); len(got) != 0 {
			t.Fatalf("warned after hand-over: %v", got)
		}
	})
}

// TestWorkFileExports reads a file's PDF back with pdftotext (cover and
// list in DocOrdinal order, Vietnamese intact) and parses its XML, checking
// the Appendix VI element names and values.
func TestWorkFileExports(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		w := newWorld(t, db, nil)
		a := register(t, w, "huyen.vanthu", demo.DistrictCode, "31", "2026-02-20", "Kế hoạch chuyển đổi số", 4)
		b := register(t, w, "huyen.vanthu", demo.DistrictCode, "12", "2026-02-05", "Chỉ thị về chuyển đổi số", 2)
		sp := w.actor(t, "huyen.chuyenvien")
		f, err := w.docs.CreateFile(ctx, sp, document.WorkFileInput{Unit: demo.DistrictCode, Notation: "07.VX",
			Title: "Hồ sơ chuyển đổi số năm 2026", Maintenance: "Vĩnh viễn", Rights: "Công khai", StartDate: "2026-02-01"})
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range []int64{a, b} {
			if _, err := w.docs.AddToFile(ctx, sp, f.ID, 0, id); err != nil {
				t.Fatal(err)
			}
		}
		raw, _, err := w.docs.ExportFileXML(ctx, w.actor(t, "huyen.giamsat"), f.ID)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		dec := xml.NewDecoder(strings.NewReader(string(raw)))
		for {
			tok, err := dec.Token()
			if err != nil {
				if err.Error() != "EOF" {
					t.Fatalf("XML not well-formed: %v\n%s", err, raw)
				}
				break
			}
			if se, ok := tok.(xml.StartElement); ok && !slices.Contains(names, se.Name.Local) {
				names = append(names, se.Name.Local)
			}
		}
		want := []string{"File", "FileCode", "OrganId", "FileCatalog", "FileNotation", "Title", "Maintenance", "Rights", "Creator", "Language",
			"StartDate", "EndDate", "DocTotal", "PageTotal", "Description", "Document", "DocOrdinal", "TypeName", "CodeNumber", "CodeNotation",
			"IssuedDate", "OrganName", "Subject", "PageAmount"}
		for _, n := range want {
			if !slices.Contains(names, n) {
				t.Errorf("element %s missing; have %v", n, names)
			}
		}
		var x document.FileXML
		if err := xml.Unmarshal(raw, &x); err != nil {
			t.Fatal(err)
		}
		if x.FileCode != demo.DistrictCode+".2026.07.VX" || x.FileCatalog != 2026 || x.DocTotal != 2 || x.PageTotal != 6 || len(x.Documents) != 2 ||
			x.Documents[0].DocOrdinal != 1 || x.Documents[0].CodeNumber != "12" || x.Documents[1].Subject != "Kế hoạch chuyển đổi số" ||
			x.Documents[0].OrganName != "UBND tỉnh Ninh Bình" || x.Maintenance != "Vĩnh viễn" {
			t.Fatalf("XML values: %+v", x)
		}

		pdf, _, err := w.docs.ExportFilePDF(ctx, sp, f.ID)
		if err != nil {
			t.Fatal(err)
		}
		tool := signtest.Require(t, "pdftotext", "poppler-utils")
		p := filepath.Join(t.TempDir(), "file.pdf")
		if err := os.WriteFile(p, pdf, 0o644); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command(tool, "-layout", p, "-").CombinedOutput()
		if err != nil {
			t.Fatalf("pdftotext: %v\n%s", err, out)
		}
		text := strings.Join(strings.Fields(string(out)), " ")
		inOrder(t, text, "HỒ SƠ", "Hồ sơ chuyển đổi số năm 2026", demo.DistrictCode+".2026.07.VX", "Vĩnh viễn", "Tổng số văn bản (DocTotal): 2",
			"Tổng số trang (PageTotal): 6", "MỤC LỤC VĂN BẢN", "1. Công văn 12/UBND-VX, ngày 2026-02-05", "Chỉ thị về chuyển đổi số",
			"2. Công văn 31/UBND-VX", "Kế hoạch chuyển đổi số")

		if _, _, err := w.docs.ExportFilePDF(ctx, w.actor(t, "khac.lanhdao"), f.ID); !errors.Is(err, problem.ErrNotFound) {
			t.Fatalf("another commune's leader exports: %v", err)
		}
	})
}

// inOrder fails unless each of want occurs in text after the previous one.
func inOrder(t *testing.T, text string, want ...string) {
	t.Helper()
	at := 0
	for _, w := range want {
		i := strings.Index(text[at:], w)
		if i < 0 {
			t.Errorf("%q not found (in order) in the text:\n%s", w, text)
			return
		}
		at += i + len(w)
	}
}
