package e2e

import (
	"context"
	"testing"

	"github.com/motcua/motcua/demo"
)

// TestDigitisationInBrowser: the desk scans a paper of a dossier filed
// online, digitises it from the dossier page and finds it on the search
// page; the citizen sees it in "Kho dữ liệu của tôi". Each page is
// photographed and checked by axe.
func TestDigitisationInBrowser(t *testing.T) {
	browser := newBrowser(t)
	m := startMotcua(t)
	code := m.submitDossier(t)
	p, err := m.Catalog.Get(context.Background(), "2.000884")
	if err != nil {
		t.Fatal(err)
	}
	key := p.Components[0].Key
	desk := openTab(t, browser, m.URL, "gialam.tiepnhan", false)
	desk.login(t)
	phase(t, "digitise at the desk", func(t *testing.T) {
		desk.visit(t, "/can-bo/ho-so/"+code)
		desk.upload(t, key, writePDF(t, t.TempDir(), "giay-to.pdf"))
		desk.page(t, "sohoa-dossier")
		desk.button(t, ".of-components", "Số hóa giay-to.pdf", 200)
		desk.wantText(t, "main", "Đã số hóa giấy tờ", "Mã số hóa: TP."+demo.GiaLamCode+".")
	})
	phase(t, "search the digitised papers", func(t *testing.T) {
		desk.visit(t, "/can-bo/so-hoa?q="+code)
		desk.wantText(t, "main", "TP."+demo.GiaLamCode+".", code, "Nguyễn Văn An")
		desk.page(t, "sohoa-search")
	})
	u := openTab(t, browser, m.URL, demo.Citizen.Username, false)
	u.login(t)
	phase(t, "the citizen's data store", func(t *testing.T) {
		u.visit(t, "/kho-du-lieu")
		u.wantText(t, "main", "Kho dữ liệu của tôi", "TP."+demo.GiaLamCode+".", "Chưa được dùng lại.")
		u.page(t, "sohoa-store")
	})
}
