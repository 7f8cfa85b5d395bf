package server_test

import (
	"testing"

	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/land"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

// TestLandParcelReadsAudited: a parcel names its users and their ID
// numbers, so an officer's read of it (its page, the API's lookups by
// number and by serial) is on the audit log, at the commune's unit; a
// citizen's read of their own parcel is not.
func TestLandParcelReadsAudited(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		seedLand(t, e)
		const object = "land_parcel:" + demo.GiaLamCode + "/5/120"
		reads := func() (n int) {
			t.Helper()
			if err := db.QueryRowContext(t.Context(), `SELECT COUNT(*) FROM audit_entries a JOIN units u ON u.id = a.unit_id
				WHERE a.action = ? AND a.object = ? AND u.code = ?`, land.ReadParcel, object, demo.GiaLamCode).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		steps := []struct {
			name string
			read func()
			want int
		}{
			{"the API by number", func() {
				e.must(e.call("gialam.chuyenvien", "GET", "/api/v1/land/parcels/"+demo.GiaLamCode+"/5/120", nil, nil), 200)
			}, 1},
			{"the API by serial", func() {
				e.must(e.call("gialam.chuyenvien", "GET", "/api/v1/land/certificates/DA%20120120", nil, nil), 200)
			}, 2},
			{"the parcel's page", func() {
				if st, _, _ := e.officeLogin("gialam.chuyenvien").get(land.ParcelPath(demo.GiaLamCode, "5", "120")); st != 200 {
					t.Fatalf("the parcel's page: %d", st)
				}
			}, 3},
			{"the citizen, their own parcel", func() {
				tok := e.verifiedCitizen(t)
				e.must(e.bearerCall(tok, "GET", "/api/v1/land/parcels/"+demo.GiaLamCode+"/5/120", nil), 200)
				e.must(e.bearerCall(tok, "GET", "/api/v1/me/land-parcels", nil), 200)
			}, 3},
		}
		for _, s := range steps {
			s.read()
			if got := reads(); got != s.want {
				t.Fatalf("after %s: %d reads on record, want %d", s.name, got, s.want)
			}
		}
	})
}
