package layout_test

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/document/layout"
	"github.com/motcua/motcua/forms/formstest"
	"github.com/motcua/motcua/sign/signtest"
)

// ict is Vietnam time, in which documents are dated.
var ict = time.FixedZone("ICT", 7*3600)

// decision is a commune's quyết định as the decree's sample (Appendix I,
// form 1.3) lays it out.
func decision(paragraphs int) layout.Document {
	body := []string{
		"Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015; Luật sửa đổi, bổ sung một số điều của Luật Tổ chức Chính phủ và Luật Tổ chức chính quyền địa phương ngày 22 tháng 11 năm 2019;",
		"Theo đề nghị của Công chức Văn hóa - Xã hội.",
		"QUYẾT ĐỊNH:",
		"Điều 1. Thành lập Tổ công tác chuyển đổi số cộng đồng xã Đông Dư gồm các ông, bà có tên tại danh sách kèm theo Quyết định này.",
	}
	for i := 0; i < paragraphs; i++ {
		body = append(body, fmt.Sprintf("Nội dung %d. Tổ công tác có nhiệm vụ hướng dẫn người dân sử dụng dịch vụ công trực tuyến, cài đặt và kích hoạt tài khoản định danh điện tử, thanh toán không dùng tiền mặt và tra cứu tình trạng hồ sơ trên Cổng Dịch vụ công quốc gia.", i+1))
	}
	body = append(body, "Điều 2. Văn phòng - Thống kê, Công chức Văn hóa - Xã hội và các ông, bà có tên tại Điều 1 chịu trách nhiệm thi hành Quyết định này.")
	return layout.Document{
		Issuer:     layout.Issuer{Parent: "UBND huyện Gia Lâm", Name: "Ủy ban nhân dân xã Đông Dư", Abbrev: "UBND"},
		Place:      "Đông Dư",
		Date:       time.Date(2026, 2, 5, 9, 30, 0, 0, ict),
		Number:     15,
		Symbol:     layout.SymbolOf("QĐ", "UBND", ""),
		TypeName:   "Quyết định",
		Subject:    "Về việc thành lập Tổ công tác chuyển đổi số cộng đồng",
		Body:       body,
		Signer:     layout.Signer{Competence: "TM. Ủy ban nhân dân\nKT. Chủ tịch", Position: "Phó Chủ tịch", FullName: "Đặng Văn Quân"},
		Recipients: []string{"Như Điều 2", "UBND huyện Gia Lâm (để b/c)", "Chủ tịch, các PCT UBND xã"},
		Filing:     "VT, VHXH",
	}
}

func render(t *testing.T, d layout.Document) *layout.Rendered {
	t.Helper()
	r, err := layout.Render(d)
	if err != nil {
		t.Fatal(err)
	}
	if dir := os.Getenv("LAYOUT_OUT"); dir != "" { // to look at the PDF
		if err := os.WriteFile(filepath.Join(dir, strings.ReplaceAll(t.Name(), "/", "_")+".pdf"), r.PDF, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return r
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

// pdfinfo is `pdfinfo` of the PDF as key → value.
func pdfinfo(t *testing.T, pdf []byte) map[string]string {
	t.Helper()
	tool := signtest.Require(t, "pdfinfo", "poppler-utils")
	p := filepath.Join(t.TempDir(), "doc.pdf")
	if err := os.WriteFile(p, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(tool, p).CombinedOutput()
	if err != nil {
		t.Fatalf("pdfinfo: %v\n%s", err, out)
	}
	info := map[string]string{}
	for _, line := range strings.Split(string(out), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok {
			info[k] = strings.TrimSpace(v)
		}
	}
	return info
}

// TestRenderDecision reads a one-page decision back as a reader would:
// its parts in the decree's order, A4, one page, the serif embedded.
func TestRenderDecision(t *testing.T) {
	formstest.Require(t)
	r := render(t, decision(0))
	// The head is two columns: the agency's on the left, the nation's on
	// the right, each read on its own.
	// The head ends where the type name ("QUYẾT ĐỊNH") starts.
	split, head := 0, 0.0
	for _, w := range formstest.Words(t, r.PDF) {
		if w.Text == "CỘNG" && split == 0 {
			split = int(w.XMin) - 2
		}
		if w.Text == "QUYẾT" && head == 0 {
			head = w.YMin
		}
	}
	if split == 0 || head == 0 {
		t.Fatal("no national name or no type name on the page")
	}
	flat := func(s string) string { return strings.Join(strings.Fields(s), " ") }
	inOrder(t, flat(formstest.TextIn(t, r.PDF, 0, 0, split, int(head))),
		"UBND HUYỆN GIA LÂM", "ỦY BAN NHÂN DÂN XÃ ĐÔNG DƯ", "Số: 15/QĐ-UBND")
	inOrder(t, flat(formstest.TextIn(t, r.PDF, split, 0, int(r.PageW)-split, int(head))),
		"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "Đông Dư, ngày 05 tháng 02 năm 2026")
	inOrder(t, formstest.Flat(t, r.PDF),
		"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Số: 15/QĐ-UBND",
		"QUYẾT ĐỊNH", "Về việc thành lập Tổ công tác chuyển đổi số cộng đồng",
		"Căn cứ Luật Tổ chức chính quyền địa phương", "QUYẾT ĐỊNH:", "Điều 1.", "Điều 2.",
		"Nơi nhận:", "TM. ỦY BAN NHÂN DÂN", "- Như Điều 2;", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH",
		"- Lưu: VT, VHXH.", "Đặng Văn Quân")

	info := pdfinfo(t, r.PDF)
	var w, h float64
	if _, err := fmt.Sscanf(info["Page size"], "%g x %g pts", &w, &h); err != nil || w < 595 || w > 596 || h < 841 || h > 842.5 {
		t.Errorf("page size %q, want A4 portrait", info["Page size"])
	}
	if info["Pages"] != "1" || r.Pages != 1 {
		t.Errorf("pages: pdfinfo %q, Rendered %d; want 1", info["Pages"], r.Pages)
	}
	fonts := formstest.Fonts(t, r.PDF)
	names := map[string]bool{}
	for _, f := range fonts {
		if !f.Embedded || !f.Unicode {
			t.Errorf("font %s: embedded %v, unicode map %v; want both", f.Name, f.Embedded, f.Unicode)
		}
		names[f.Name[strings.Index(f.Name, "+")+1:]] = true
	}
	for _, want := range []string{"LiberationSerif", "LiberationSerif-Bold", "LiberationSerif-Italic", "LiberationSerif-BoldItalic"} {
		if !names[want] {
			t.Errorf("font %s not embedded; fonts: %+v", want, fonts)
		}
	}
}

// TestMargins finds every word of a two-page decision inside the decree's
// margins: left 30 mm, right 15 mm, top and bottom 20 mm (the page number
// sits in the top margin, as the decree places it).
func TestMargins(t *testing.T) {
	formstest.Require(t)
	r := render(t, decision(8))
	const mm = 72 / 25.4
	for _, w := range formstest.Words(t, r.PDF) {
		if _, err := strconv.Atoi(w.Text); err == nil && w.YMax < 20*mm {
			continue // the page number
		}
		if w.XMin < 30*mm-0.5 || w.XMax > r.PageW-15*mm+0.5 || w.YMin < 20*mm-0.5 || w.YMax > r.PageH-20*mm+0.5 {
			t.Errorf("page %d: %q at (%.1f, %.1f)–(%.1f, %.1f) is outside the margins", w.Page, w.Text, w.XMin, w.YMin, w.XMax, w.YMax)
		}
	}
}

// TestPageNumbers: a body that runs over gets page numbers centred in the
// top margin from page 2, none on page 1.
func TestPageNumbers(t *testing.T) {
	formstest.Require(t)
	r := render(t, decision(14))
	info := pdfinfo(t, r.PDF)
	if r.Pages < 2 || info["Pages"] != strconv.Itoa(r.Pages) {
		t.Fatalf("pages: Rendered %d, pdfinfo %q; want the same, at least 2", r.Pages, info["Pages"])
	}
	numbers := map[int]string{}
	for _, w := range formstest.Words(t, r.PDF) {
		if w.YMax < 20*72/25.4 {
			numbers[w.Page] += w.Text
			mid := (w.XMin + w.XMax) / 2
			centre := (30*72/25.4 + r.PageW - 15*72/25.4) / 2
			if mid < centre-3 || mid > centre+3 {
				t.Errorf("page %d: number %q centred at %.1f, want %.1f", w.Page, w.Text, mid, centre)
			}
		}
	}
	if numbers[1] != "" {
		t.Errorf("page 1 carries %q in its top margin; the decree numbers from page 2", numbers[1])
	}
	for p := 2; p <= r.Pages; p++ {
		if numbers[p] != strconv.Itoa(p) {
			t.Errorf("page %d: number %q in the top margin", p, numbers[p])
		}
	}
	if r.Signature.Page != r.Pages {
		t.Errorf("signature on page %d of %d; the block follows the body", r.Signature.Page, r.Pages)
	}
}

// TestOfficialLetter: a công văn has no type name; its subject is "V/v …"
// under the number, and its symbol puts the issuer before the field.
func TestOfficialLetter(t *testing.T) {
	formstest.Require(t)
	d := decision(0)
	d.TypeName, d.Number, d.Symbol = "", 7, layout.SymbolOf("", "UBND", "VX")
	d.Subject = "triển khai thu phí không dùng tiền mặt"
	d.Date = time.Date(2026, 11, 3, 8, 0, 0, 0, ict)
	d.Addressees = []string{"Các thôn trên địa bàn xã", "Bưu điện văn hóa xã Đông Dư;"}
	text := formstest.Flat(t, render(t, d).PDF)
	inOrder(t, text, "Số: 07/UBND-VX", "ngày 03 tháng 11 năm 2026", "V/v triển khai thu phí",
		"Kính gửi: - Các thôn trên địa bàn xã; - Bưu điện văn hóa xã Đông Dư.", "Căn cứ")
	if strings.Contains(text, "QUYẾT ĐỊNH Về việc") {
		t.Errorf("a công văn shows a type title:\n%s", text)
	}
}

// TestPlaceDate: the day below 10 and the months January and February
// take a leading zero; other months do not; the date is Vietnam's.
func TestPlaceDate(t *testing.T) {
	for _, c := range []struct {
		at   time.Time
		want string
	}{
		{time.Date(2026, 1, 2, 9, 0, 0, 0, ict), "Đông Dư, ngày 02 tháng 01 năm 2026"},
		{time.Date(2026, 2, 28, 9, 0, 0, 0, ict), "Đông Dư, ngày 28 tháng 02 năm 2026"},
		{time.Date(2026, 3, 9, 9, 0, 0, 0, ict), "Đông Dư, ngày 09 tháng 3 năm 2026"},
		{time.Date(2026, 12, 10, 9, 0, 0, 0, ict), "Đông Dư, ngày 10 tháng 12 năm 2026"},
		{time.Date(2026, 2, 28, 18, 30, 0, 0, time.UTC), "Đông Dư, ngày 01 tháng 3 năm 2026"}, // 01:30 on 1 March in Vietnam
	} {
		if got := layout.PlaceDate("Đông Dư", c.at); got != c.want {
			t.Errorf("PlaceDate(%v) = %q, want %q", c.at, got, c.want)
		}
	}
}

// TestNumberSymbol: numbers below 10 take a leading zero; "/" between
// number and symbol, "-" between the symbol's groups, no spaces.
func TestNumberSymbol(t *testing.T) {
	for _, c := range []struct {
		n                 int
		typ, issuer, unit string
		want              string
	}{
		{15, "QĐ", "UBND", "", "15/QĐ-UBND"},
		{5, "QĐ", "UBND", "", "05/QĐ-UBND"},
		{12, "", "UBND", "VX", "12/UBND-VX"},
		{1, "TB", "UBND", "", "01/TB-UBND"},
		{123, "", "UBND", "", "123/UBND"},
	} {
		if got := layout.NumberSymbol(c.n, layout.SymbolOf(c.typ, c.issuer, c.unit)); got != c.want {
			t.Errorf("NumberSymbol(%d, %q %q %q) = %q, want %q", c.n, c.typ, c.issuer, c.unit, got, c.want)
		}
	}
	if !regexp.MustCompile(`^\d{2,}/\S+$`).MatchString(layout.NumberSymbol(3, "QĐ-UBND")) {
		t.Error("a number and symbol holds a space")
	}
}

// TestRenderIsStable: the same document renders to the same bytes, so a
// document rendered again after signing can be compared with what was
// signed; the PDF is dated with the document's date, not the clock.
func TestRenderIsStable(t *testing.T) {
	a, b := render(t, decision(3)), render(t, decision(3))
	if !bytes.Equal(a.PDF, b.PDF) {
		t.Error("two renderings of one document differ")
	}
	if !bytes.Contains(a.PDF, []byte("/CreationDate(D:20260205093000+07'00')")) {
		t.Error("the PDF is not dated with the document's date, 5 February 2026 09:30 in Vietnam")
	}
}

// TestRenderRefusesIncomplete: a document without what the decree
// requires is not rendered.
func TestRenderRefusesIncomplete(t *testing.T) {
	for name, mutate := range map[string]func(*layout.Document){
		"no issuer":  func(d *layout.Document) { d.Issuer.Name = "" },
		"no number":  func(d *layout.Document) { d.Number = 0 },
		"no subject": func(d *layout.Document) { d.Subject = "" },
		"no signer":  func(d *layout.Document) { d.Signer.FullName = "" },
		"no date":    func(d *layout.Document) { d.Date = time.Time{} },
	} {
		d := decision(0)
		mutate(&d)
		if _, err := layout.Render(d); err == nil {
			t.Errorf("%s: rendered", name)
		}
	}
}

// TestUnnumbered: a document laid out to be signed before the clerk numbers
// it shows the symbol after a blank number and the year after a blank day
// and month; the signature's blank is where it is on the numbered one.
func TestUnnumbered(t *testing.T) {
	formstest.Require(t)
	d := decision(0)
	d.Number, d.Unnumbered = 0, true
	r := render(t, d)
	flat := formstest.Flat(t, r.PDF)
	inOrder(t, flat, "Số: ……/QĐ-UBND", "Đông Dư, ngày …… tháng …… năm 2026", "QUYẾT ĐỊNH", "Đặng Văn Quân")
	if strings.Contains(flat, "15/QĐ") || strings.Contains(flat, "ngày 05") {
		t.Errorf("the unnumbered document shows a number or a day:\n%s", flat)
	}
	if numbered := render(t, decision(0)); numbered.Signature != r.Signature {
		t.Errorf("signature spot %+v, numbered %+v; the head's blanks moved the body", r.Signature, numbered.Signature)
	}
}
