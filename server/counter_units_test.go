package server_test

import (
	"strings"
	"testing"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

// TestCounterOffersActiveUnitsOnly: a desk officer receiving at several
// communes chooses between them at the counter, but not a commune merged
// away whose grant they still hold (the two-tier demo's desk keeps its
// 2022 commune's): a submission there would be refused (unit_inactive),
// so the counter does not offer it, let alone first.
func TestCounterOffersActiveUnitsOnly(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		const other, into = "000.05.07.H40", "000.06.07.H40"
		e.newOfficer("hai.tiepnhan", auth.Reception, demo.GiaLamCode)
		grant := func(code string) {
			t.Helper()
			err := db.InTx(t.Context(), func(tx *store.Tx) error {
				u, err := e.app.Auth.UserByName(t.Context(), "hai.tiepnhan")
				if err != nil {
					return err
				}
				un, err := e.app.Units.ByCodeTx(t.Context(), tx, code)
				if err != nil {
					return err
				}
				return e.app.Auth.Grant(t.Context(), tx, u.ID, un.ID, auth.Reception)
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		form := func() string {
			t.Helper()
			status, body, _ := e.officeLogin("hai.tiepnhan").get("/can-bo/tiep-nhan/1.001193")
			if status != 200 {
				t.Fatalf("the counter form: %d", status)
			}
			return body
		}
		grant(into)
		if body := form(); !strings.Contains(body, `<option value="`+into+`"`) || !strings.Contains(body, `<option value="`+demo.GiaLamCode+`" selected`) {
			t.Fatalf("the counter does not offer both communes:\n%s", body)
		}
		if err := db.InTx(t.Context(), func(tx *store.Tx) error {
			return e.app.Units.Merge(t.Context(), tx, other, into, "test")
		}); err != nil {
			t.Fatal(err)
		}
		grant(other) // a grant kept at the commune merged away
		body := form()
		if strings.Contains(body, `<option value="`+other+`"`) || !strings.Contains(body, `<option value="`+into+`"`) {
			t.Fatalf("the counter offers the merged commune %s, or no longer %s:\n%s", other, into, body)
		}
	})
}
