package server_test

import (
	"strings"
	"testing"

	"github.com/motcua/motcua/audit"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

// TestConfirmTypicalFees (issue 10): the shipped catalog gives the late
// birth-registration fee, which the provincial People's Council sets, as
// indicative; the public page says so until the province's admin confirms
// the amount in the admin pages. A commune's admin may not; the
// confirmation is a new version naming who confirmed, with an audit row.
func TestConfirmTypicalFees(t *testing.T) {
	t.Parallel()
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		const code, mark = "1.001193", "mức thu tham khảo, chờ đơn vị xác nhận"
		_, body, _ := page(t, e.srv.URL+"/thu-tuc/"+code)
		for _, want := range []string{mark, "1.001193.000.00.00.H40", "Điều 16 Luật Hộ tịch số 60/2014/QH13"} {
			if !strings.Contains(body, want) {
				t.Errorf("public page before confirming lacks %q", want)
			}
		}

		commune := e.admSignIn(t, "gialam.quantri")
		commune.get("/quan-tri/thu-tuc/" + code) // any admin may read it; this picks up the form's CSRF token
		if status, _ := commune.post("/quan-tri/thu-tuc/"+code+"/muc-thu", form("amount_0", "8000")); status != 403 {
			t.Fatalf("a commune admin confirmed the province's fee: %d", status)
		}

		province := e.admSignIn(t, "tinh.quantri")
		if status, body := province.get("/quan-tri/thu-tuc/" + code); status != 200 || !strings.Contains(body, "Xác nhận mức thu") {
			t.Fatalf("the admin page offers no fee confirmation: %d", status)
		}
		status, body := province.post("/quan-tri/thu-tuc/"+code+"/muc-thu", form("amount_0", "8.000"))
		if status != 200 || !strings.Contains(body, "Đã xác nhận mức thu") {
			t.Fatalf("confirming: %d %s", status, body)
		}
		p := e.procedure(code)
		if p.Version != 2 || p.HasTypicalFees() || p.Fees[0].Amount != 8000 || p.FeeConfirmation == nil || p.FeeConfirmation.By != "tinh.quantri" {
			t.Fatalf("after confirming: version %d fees %+v confirmation %+v", p.Version, p.Fees, p.FeeConfirmation)
		}
		if logged, err := e.app.Audit.List(t.Context(), audit.Filter{Object: "procedure:" + code}); err != nil || len(logged) != 1 ||
			logged[0].Action != "procedure_fees_confirmed" || logged[0].ActorName != "tinh.quantri" {
			t.Fatalf("audit log of the confirmation: %+v (%v)", logged, err)
		}
		if _, body, _ := page(t, e.srv.URL+"/thu-tuc/"+code); strings.Contains(body, mark) || !strings.Contains(body, "8.000") {
			t.Errorf("public page after confirming still says %q or lacks the amount", mark)
		}
	})
}
