package server_test

import (
	"strings"
	"testing"
	"time"
)

// exchangeRefused continues exchangeRevocation after B refused A's
// revocation (16): A's document is issued again, its trail and its
// recipient say why, the document page warns the officers and the
// outgoing register shows the recipients' statuses; A's clerk asks again,
// and B accepts this time (15: revoked, withdrawn).
func exchangeRefused(t *testing.T, a, b *env, out, in string, last func(p, status, state string) exchangeView,
	atB func(p, state string) docView, runOnce func(*env, int)) {
	t.Helper()
	v := last(out, "16", "issued")
	if x := v.Recipients[0].Exchange; x.Description != "Đã triển khai, không thu hồi." {
		t.Fatalf("16's reason: %+v", x)
	}
	if n := len(v.Trail); v.Trail[n-1].Action != "revocation_refused" || !strings.Contains(v.Trail[n-1].Note, "Đã triển khai") {
		t.Fatalf("A's trail after 16: %+v", v.Trail[n-1])
	}
	clerk := a.officeLogin("huyen.vanthu")
	page := "/can-bo/van-ban/" + strings.TrimPrefix(out, "/api/v1/documents/")
	s, body, _ := clerk.get(page)
	if s != 200 {
		t.Fatalf("A's document page: %d", s)
	}
	wantIn(t, "A's page after 16", body, `id="thu-hoi-bi-tu-choi"`, "Nơi nhận đã từ chối thu hồi",
		"Từ chối thu hồi (16)", "Đã triển khai, không thu hồi.", `id="form-revoke"`)
	s, body, _ = clerk.get("/can-bo/van-ban-di")
	if s != 200 {
		t.Fatalf("A's outgoing register: %d", s)
	}
	// The first decision (06), the returned letter (02), this one (16).
	wantIn(t, "A's outgoing register", body, "UBND xã Gia Lâm <small class=\"of-edxml\">(Đã xử lý xong,",
		"(Bị trả lại,", "(Từ chối thu hồi,")

	// Asked again, later (a 13 stamped as the first is that one again,
	// which B ignores): B accepts this time.
	a.advance(time.Minute)
	a.must(a.call("huyen.vanthu", "POST", out+"/actions/revoke", map[string]any{"note": "Đề nghị thu hồi lần hai."}, nil), 200)
	runOnce(a, 1)
	atB(in, "revocation_requested")
	b.must(b.call("gialam.lanhdao", "POST", in+"/actions/accept-revocation", map[string]any{"note": "Đồng ý."}, nil), 200)
	atB(in, "withdrawn")
	runOnce(b, 1)
	last(out, "15", "revoked")
}
