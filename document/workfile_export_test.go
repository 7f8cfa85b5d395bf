package document_test

import (
	"bytes"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/document"
	"github.com/motcua/motcua/forms/formstest"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

// TestWorkFilePDFTypeset: the work file's PDF is set by package typeset —
// Liberation Serif embedded as subsets (the regular and bold faces it
// uses, nothing else), a title of nearly 500 characters wrapped over
// several lines with every word kept, a list long enough for more pages
// numbered from page 2 (none on page 1), every document's subject in
// order, and the same file exporting to the same bytes.
func TestWorkFilePDFTypeset(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		formstest.Require(t)
		ctx := t.Context()
		w := newWorld(t, db, nil)
		sp := w.actor(t, "huyen.chuyenvien")
		title := strings.TrimSpace(strings.Repeat("Hồ sơ triển khai chuyển đổi số cộng đồng và dịch vụ công trực tuyến toàn trình của huyện năm 2026; ", 5))
		if n := utf8.RuneCountInString(title); n < 450 || n > 500 {
			t.Fatalf("the test's premise: a title of %d characters", n)
		}
		f, err := w.docs.CreateFile(ctx, sp, document.WorkFileInput{Unit: demo.DistrictCode, Notation: "11.VP",
			Title: title, Maintenance: "Vĩnh viễn", Rights: "Công khai", StartDate: "2026-02-01", Description: "Xuất thử"})
		if err != nil {
			t.Fatal(err)
		}
		var subjects []string
		for i := range 5 {
			s := fmt.Sprintf("Văn bản số %d: ", i+1) + strings.Repeat("hướng dẫn người dân sử dụng dịch vụ công trực tuyến, ", 8)
			subjects = append(subjects, strings.TrimSpace(s))
			id := register(t, w, "huyen.vanthu", demo.DistrictCode, strconv.Itoa(50+i), fmt.Sprintf("2026-02-%02d", 10+i), subjects[i], i+1)
			if _, err := w.docs.AddToFile(ctx, sp, f.ID, 0, id); err != nil {
				t.Fatal(err)
			}
		}
		pdf, _, err := w.docs.ExportFilePDF(ctx, sp, f.ID)
		if err != nil {
			t.Fatal(err)
		}

		if names, want := formstest.Subsets(t, pdf), []string{"MCTAAA+LiberationSerif", "MCTAAB+LiberationSerif-Bold"}; !slices.Equal(names, want) {
			t.Errorf("fonts %q; want %q (typeset's Liberation Serif, regular and bold)", names, want)
		}

		text := formstest.Text(t, pdf)
		flat := strings.Join(strings.Fields(text), " ")
		if !strings.Contains(flat, title) {
			t.Errorf("the long title does not read back whole:\n%s", text)
		}
		for _, l := range strings.Split(text, "\n") {
			if strings.Contains(l, title) {
				t.Errorf("the title is on one line %q; want it wrapped to the page", l)
			}
		}
		inOrder(t, flat, append([]string{"MỤC LỤC VĂN BẢN"}, subjects...)...)
		inOrder(t, flat, "Tổng số trang (PageTotal): 15", "Ghi chú (Description): Xuất thử")

		pages := strings.Split(strings.TrimRight(text, "\f"), "\f")
		if len(pages) < 2 {
			t.Fatalf("%d page(s); want the list to run over", len(pages))
		}
		for i, p := range pages {
			head := strings.TrimSpace(strings.SplitN(strings.TrimLeft(p, "\n "), "\n", 2)[0])
			if i == 0 && head != f.Creator {
				t.Errorf("page 1 starts %q; want the organ (no page number)", head)
			}
			if i > 0 && head != strconv.Itoa(i+1) {
				t.Errorf("page %d starts %q; want its number", i+1, head)
			}
		}

		again, _, err := w.docs.ExportFilePDF(ctx, sp, f.ID)
		if err != nil || !bytes.Equal(again, pdf) {
			t.Errorf("the same file exported twice differs (%v)", err)
		}
	})
}
