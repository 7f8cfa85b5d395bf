package server_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/document"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

// TestRegisterPrintedByPeriod: the printed registers of March 2026 at
// Gia Lâm, as a page and as a PDF read back with pdftotext, hold the
// documents that arrived (incoming) or were issued (outgoing) in March in
// Vietnam's calendar — 00:10 on 1 March and 23:50 on 31 March included,
// though the first is still February in UTC — and none of February's or
// April's; the PDF carries the register's name, period and Appendix IV's
// columns. The filter is the document service's SQL, on both engines.
func TestRegisterPrintedByPeriod(t *testing.T) {
	t.Parallel()
	tool, err := exec.LookPath("pdftotext")
	if err != nil {
		if testing.Short() && os.Getenv("CI") != "true" {
			t.Skip("pdftotext not found: apt-get install -y poppler-utils")
		}
		t.Fatal("pdftotext not found: apt-get install -y poppler-utils")
	}
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		at := func(day string, hm string) time.Time {
			v, err := time.ParseInLocation("2006-01-02 15:04", day+" "+hm, ict)
			if err != nil {
				t.Fatal(err)
			}
			return v
		}
		district := document.Organ{OrganID: demo.DistrictCode, Name: "UBND huyện Nho Quan"}
		in := func(subject, code string, arrived time.Time) document.BulkDocument {
			return document.BulkDocument{Unit: demo.GiaLamCode, Direction: document.In, Medium: document.Paper, Type: "CV", Subject: subject,
				Sender: district, Code: code, Notation: "UBND-VP", Signer: document.Signer{Position: "Chủ tịch", FullName: "Đinh Văn Hùng"},
				At: arrived, Done: arrived.Add(48 * time.Hour)}
		}
		out := func(subject string, issued time.Time) document.BulkDocument {
			return document.BulkDocument{Unit: demo.GiaLamCode, Direction: document.Out, Medium: document.Electronic, Type: "QD", Subject: subject,
				Signer: document.Signer{Position: "Chủ tịch", FullName: "Phạm Văn Quý"}, At: issued.Add(-72 * time.Hour), Done: issued}
		}
		if err := e.app.Documents.Bulk(t.Context(), []document.BulkDocument{
			out("Quyết định tháng Hai", at("2026-02-27", "09:00")),
			in("Đến tháng Hai", "11", at("2026-02-28", "23:30")),
			in("Đến đầu kỳ", "12", at("2026-03-01", "00:10")),
			out("Quyết định tháng Ba", at("2026-03-10", "15:00")),
			in("Đến giữa kỳ", "13", at("2026-03-15", "10:00")),
			in("Đến cuối kỳ", "14", at("2026-03-31", "23:50")),
			in("Đến tháng Tư", "15", at("2026-04-01", "00:05")),
			out("Quyết định tháng Tư", at("2026-04-02", "08:00")),
		}); err != nil {
			t.Fatal(err)
		}
		clerk := e.officeLogin("gialam.vanthu")
		period := "&don-vi=" + demo.GiaLamCode + "&tu=2026-03-01&den=2026-03-31"
		inside := map[string][]string{"den": {"Đến đầu kỳ", "Đến giữa kỳ", "Đến cuối kỳ"}, "di": {"Quyết định tháng Ba"}}
		outside := map[string][]string{"den": {"Đến tháng Hai", "Đến tháng Tư"}, "di": {"Quyết định tháng Hai", "Quyết định tháng Tư"}}
		heads := map[string][]string{
			"den": {"SỔ ĐĂNG KÝ VĂN BẢN ĐẾN", "Ngày đến", "Số đến", "Tác giả", "Ký nhận", "(10)", "01/03/2026", "31/03/2026", "UBND huyện Nho Quan"},
			"di":  {"SỔ ĐĂNG KÝ VĂN BẢN ĐI", "Người ký", "Nơi nhận văn bản", "(10)", "10/03/2026", "Phạm Văn Quý", "02/QĐ-UBND"},
		}
		for _, book := range []string{"den", "di"} {
			status, page, _ := clerk.get("/can-bo/van-ban/in-so?so=" + book + period)
			if status != 200 {
				t.Fatalf("%s page: %d", book, status)
			}
			wantIn(t, book+" page", page, inside[book]...)
			wantIn(t, book+" page links its PDF", page, "/can-bo/van-ban/in-so/pdf?so="+book)
			for _, s := range outside[book] {
				if strings.Contains(page, s) {
					t.Errorf("%s page holds %q, outside the period", book, s)
				}
			}

			status, body, _ := clerk.get("/can-bo/van-ban/in-so/pdf?so=" + book + period)
			if status != 200 || !strings.HasPrefix(body, "%PDF-") {
				t.Fatalf("%s PDF: %d %.40q", book, status, body)
			}
			p := filepath.Join(t.TempDir(), book+".pdf")
			if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
				t.Fatal(err)
			}
			raw, err := exec.Command(tool, p, "-").CombinedOutput()
			if err != nil {
				t.Fatalf("pdftotext: %v\n%s", err, raw)
			}
			text := strings.Join(strings.Fields(string(raw)), " ")
			for _, s := range append(heads[book], inside[book]...) {
				if !strings.Contains(text, s) {
					t.Errorf("%s PDF lacks %q:\n%s", book, s, text)
				}
			}
			for _, s := range outside[book] {
				if strings.Contains(text, s) {
					t.Errorf("%s PDF holds %q, outside the period", book, s)
				}
			}
		}
		// The incoming register in arrival order.
		_, body, _ := clerk.get("/can-bo/van-ban/in-so/pdf?so=den" + period)
		p := filepath.Join(t.TempDir(), "order.pdf")
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		raw, err := exec.Command(tool, p, "-").CombinedOutput()
		if err != nil {
			t.Fatal(err)
		}
		text := string(raw)
		if a, b, c := strings.Index(text, "Đến đầu kỳ"), strings.Index(text, "Đến giữa kỳ"), strings.Index(text, "Đến cuối kỳ"); !(a < b && b < c) {
			t.Errorf("the register is not in arrival order: %d %d %d", a, b, c)
		}
		// A period the wrong way round is refused for the PDF.
		if status, _, _ := clerk.get("/can-bo/van-ban/in-so/pdf?so=den&tu=2026-04-01&den=2026-03-01"); status != 422 {
			t.Errorf("a reversed period's PDF: %d, want 422", status)
		}
	})
}
