package e2e

import (
	"archive/zip"
	"bytes"
	"encoding/base64"
	"io"
	"strings"
	"testing"

	"github.com/motcua/motcua/demo"
)

// TestPersonalDataInBrowser: in a real browser the demo citizen opens
// "Dữ liệu cá nhân của tôi", downloads their data through the page's
// button (the ZIP's JSON holds their dossier's code), withdraws their
// consent to e-mail notices and sees it recorded with its time, and on
// their dossier's page follows "Ai đã xem hồ sơ" to find the officer who
// read it, by name. Each page passes axe and is saved as screenshots.
func TestPersonalDataInBrowser(t *testing.T) {
	browser := newBrowser(t)
	m := startMotcua(t)
	code := m.submitDossier(t)
	const desk = "gialam.tiepnhan"
	officer, err := m.Auth.UserByName(t.Context(), desk)
	if err != nil {
		t.Fatal(err)
	}
	// The officer opens the dossier: a read the audit log records.
	o := openTab(t, browser, m.URL, desk, false)
	o.login(t)
	o.visit(t, "/can-bo/ho-so/"+code)
	o.wantText(t, "main", code)

	u := openTab(t, browser, m.URL, demo.Citizen.Username, false)
	u.login(t)
	u.visit(t, "/ho-so-cua-toi")
	if p := u.follow(t, "main", "Dữ liệu cá nhân của tôi"); p != "/tai-khoan/du-lieu" {
		t.Fatalf("the link led to %s", p)
	}
	u.wantText(t, "h1", "Dữ liệu cá nhân của tôi")
	u.wantText(t, "#consent-list", "Nhận thông báo qua thư điện tử", "Cán bộ dùng lại giấy tờ")
	u.page(t, "mydata")

	// The download button's link, fetched by the page with its session.
	b64 := eval[string](t, u.ctx, `fetch(document.getElementById('download-data').href).then(r => {
		if (!r.ok || r.headers.get('content-type') !== 'application/zip') throw new Error('status ' + r.status);
		return r.arrayBuffer();
	}).then(b => { let s = ''; for (const c of new Uint8Array(b)) s += String.fromCharCode(c); return btoa(s); })`)
	body, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(body), int64(len(body)))
	if err != nil {
		t.Fatalf("the download is not a ZIP: %v", err)
	}
	var data []byte
	for _, f := range zr.File {
		if f.Name == "du-lieu-ca-nhan.json" {
			rc, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			data, _ = io.ReadAll(rc)
			rc.Close()
		}
	}
	if !bytes.Contains(data, []byte(`"code": "`+code+`"`)) {
		t.Fatalf("the JSON does not hold dossier %s (%d bytes)", code, len(data))
	}

	// Withdraw the consent to e-mail notices.
	sel := q(`#consent-list tr:has(input[name=purpose][value=notify_email]) button`)
	if p := u.press(t, sel, 200, "Rút lại (e-mail)"); p != "/tai-khoan/du-lieu?da=rut" {
		t.Fatalf("after withdrawing: at %s", p)
	}
	u.wantText(t, "[role=status]", "rút lại")
	u.wantText(t, "#consent-list", "Đã rút lúc")
	u.page(t, "mydata-withdrawn")
	u.visit(t, "/tai-khoan/thong-bao")
	if on := eval[bool](t, u.ctx, `document.getElementById('ch-email').checked`); on {
		t.Error("e-mail notices still on after the withdrawal")
	}

	// Who read the dossier.
	u.visit(t, "/ho-so/"+code)
	if p := u.follow(t, "main", "Ai đã xem hồ sơ"); p != "/ho-so/"+code+"/truy-cap" {
		t.Fatalf("the link led to %s", p)
	}
	u.wantText(t, "#access-list", officer.FullName, "Xem hồ sơ", "Bạn")
	if got := u.text(t, "#access-list"); !strings.Contains(got, "Gia Lâm") {
		t.Errorf("the officer's unit is not named:\n%s", got)
	}
	u.page(t, "mydata-accesses")
}
