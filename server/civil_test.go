package server_test

import (
	"strings"
	"testing"

	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/forms/formstest"
	"github.com/motcua/motcua/store/storetest"
)

// TestBirthPaperInTheOffice (issue 10): the result an officer prints for
// a birth registration (1.001193) is a Giấy khai sinh in the form of
// Circular 04/2020/TT-BTP, headed by the national name alone, not the
// "Trích lục khai sinh" with an administrative heading and "Nơi nhận"
// the old template printed. The other civil-status papers are checked
// word by word in package forms (TestCivilStatusPapers).
func TestBirthPaperInTheOffice(t *testing.T) {
	t.Parallel()
	formstest.Require(t)
	e := newEnv(t, storetest.Open(t, "sqlite"))
	d := e.submit("1.001193", demo.GiaLamCode)
	e.mustAct("gialam.tiepnhan", d.Code, "receive", nil)
	status, body, _ := e.officeLogin("gialam.tiepnhan").get("/can-bo/ho-so/" + d.Code + "/bieu-mau/ket-qua")
	if status != 200 || !strings.HasPrefix(body, "%PDF-") {
		t.Fatalf("result: %d %.40q", status, body)
	}
	text := formstest.Raw(t, []byte(body))
	for _, want := range []string{"DỰ THẢO", "GIẤY KHAI SINH", "Số: ……, Quyển số: ……", "Họ, chữ đệm, tên:", "ghi bằng chữ:",
		"Nơi đăng ký khai sinh:", "NGƯỜI THỰC HIỆN", "NGƯỜI KÝ GIẤY KHAI SINH"} {
		if !strings.Contains(text, want) {
			t.Errorf("the birth paper lacks %q:\n%s", want, text)
		}
	}
	for _, absent := range []string{"TRÍCH LỤC KHAI SINH", "Nơi nhận", "ỦY BAN NHÂN DÂN"} {
		if strings.Contains(text, absent) {
			t.Errorf("the birth paper prints %q:\n%s", absent, text)
		}
	}
}
