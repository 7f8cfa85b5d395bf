package dossier_test

import (
	"testing"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

// TestOnBehalf (issue 8, finding 7): the applicant's identity is free
// text, and a citizen account could file under anyone's name and ID
// number unmarked. Now only the account's verified ID number leaves a
// dossier unmarked; anything else, and anything an officer or the
// community team files, is marked as filed on behalf, with the account
// that filed it, for the officer at reception.
func TestOnBehalf(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		w := newWorld(t, db)
		actor := func(name string) *auth.Actor {
			au := auth.NewService(db, auth.Config{Params: auth.Params{Time: 1, MemKiB: 1024, Threads: 1}, Units: w.units})
			a, err := au.UserByName(ctx, name)
			if err != nil {
				t.Fatal(err)
			}
			return a
		}
		own := w.citizen.IDNumber // demo citizen, verified ID number 037085001234
		if own == "" {
			t.Fatal("the demo citizen has no ID number")
		}
		// The same citizen after signing in with VNeID: the identity it
		// verified decides, so giving no ID number is filing for someone else.
		vn := *w.citizen
		vn.Verified = &auth.Verified{Provider: "vneid", IDNumber: own, FullName: "Nguyễn Văn An", BirthDate: "1985-03-12"}
		tests := []struct {
			name   string
			by     *auth.Actor
			app    dossier.Applicant
			reason string
		}{
			{"a citizen for themself", w.citizen, dossier.Applicant{Name: "Nguyễn Văn An", IDNumber: own}, ""},
			{"a citizen under another's ID number", w.citizen, dossier.Applicant{Name: "Lê Thị Hoa", IDNumber: "001190000001"}, dossier.OnBehalfOtherID},
			{"a citizen under their own name, another ID number", w.citizen, dossier.Applicant{Name: "Nguyễn Văn An", IDNumber: "001190000001"}, dossier.OnBehalfOtherID},
			{"a citizen giving no ID number", w.citizen, dossier.Applicant{Name: "Lê Thị Hoa"}, dossier.OnBehalfUnverified},
			{"an account with no verified ID number", w.other, dossier.Applicant{Name: "Trần Thị Bình", IDNumber: "001190000002"}, dossier.OnBehalfUnverified},
			{"a VNeID citizen for themself", &vn, dossier.Applicant{Name: "Nguyễn Văn An", IDNumber: own, BirthDate: "1985-03-12"}, ""},
			{"a VNeID citizen for another person", &vn, dossier.Applicant{Name: "Nguyễn Thị Lan", IDNumber: "037190004321"}, dossier.OnBehalfOtherPerson},
			{"a VNeID citizen giving no ID number", &vn, dossier.Applicant{Name: "Nguyễn Thị Lan"}, dossier.OnBehalfOtherPerson},
			{"the desk at the counter", w.reception, dossier.Applicant{Name: "Nguyễn Văn An", IDNumber: own}, dossier.OnBehalfStaff},
			{"the community digital team", actor("gialam.congnghe"), dossier.Applicant{Name: "Nguyễn Văn An", IDNumber: own}, dossier.OnBehalfStaff},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				d := submit(t, w, tt.by, tt.app)
				// As the officer at reception reads it.
				got, err := w.ds.Get(ctx, w.reception, d.Code)
				if err != nil {
					t.Fatal(err)
				}
				if got.Applicant.BirthDate != tt.app.BirthDate {
					t.Errorf("date of birth %q, want %q", got.Applicant.BirthDate, tt.app.BirthDate)
				}
				for _, x := range []*dossier.Dossier{d, got} {
					wantBy := ""
					if tt.reason != "" {
						wantBy = tt.by.Username
					}
					if x.OnBehalf != (tt.reason != "") || x.OnBehalfReason != tt.reason || x.FiledBy != wantBy {
						t.Errorf("on behalf %v, reason %q, by %q; want %v, %q, %q", x.OnBehalf, x.OnBehalfReason, x.FiledBy,
							tt.reason != "", tt.reason, wantBy)
					}
				}
			})
		}
	})
}
