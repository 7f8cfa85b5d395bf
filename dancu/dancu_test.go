package dancu_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/dancu"
	"github.com/motcua/motcua/dancu/dancusim"
	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

var an = dancu.Person{IDNumber: "037085001234", FullName: "Nguyễn Văn An", BirthDate: "1985-03-12", Sex: "nam",
	Permanent: "Thôn Tân Lập, xã Gia Lâm, huyện Nho Quan, tỉnh Ninh Bình", Current: "Số 5 phố Tân Nhất, xã Gia Lâm"}

// dossiers is the one dossier an officer may read in these tests.
type dossiers struct{}

func (dossiers) Get(_ context.Context, a *auth.Actor, code string) (*dossier.Dossier, error) {
	if code != "D-1" || (a.Username != "xa1.tiepnhan" && a.Username != "xa1.chuyenvien") {
		return nil, problem.NotFound("dossier_not_found")
	}
	return &dossier.Dossier{Code: code, Applicant: dossier.Applicant{Name: "Nguyễn Văn Ân", IDNumber: an.IDNumber}}, nil
}

// TestLookup: the population database is asked only under a consent
// recorded first, only about the citizen's own verified identity or the
// applicant of a dossier the officer reads; every lookup is recorded and
// the person sees it; faults and timeouts come back fast as
// "unavailable", recorded too.
func TestLookup(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		sim := dancusim.New("tok", []dancu.Person{an})
		srv := httptest.NewServer(sim.Handler())
		t.Cleanup(srv.Close)
		c, err := dancu.NewClient(dancu.ClientConfig{URL: srv.URL, Token: "tok", Agency: "000.00.00.H40"})
		if err != nil {
			t.Fatal(err)
		}
		now := time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)
		s := dancu.New(db, dancu.Config{Register: c, Dossiers: dossiers{}, Now: func() time.Time { return now }, Timeout: 300 * time.Millisecond})
		citizen := &auth.Actor{User: auth.User{ID: 7, Username: "congdan", Kind: "citizen", IDNumber: an.IDNumber},
			Verified: &auth.Verified{Provider: "vneid", IDNumber: an.IDNumber, FullName: an.FullName}}
		unverified := &auth.Actor{User: auth.User{ID: 8, Username: "congdan2", Kind: "citizen", IDNumber: an.IDNumber}}
		// The fake's dossier was received at unit 0 (its receiving unit id is unset).
		officer := &auth.Actor{User: auth.User{ID: 20, Username: "xa1.tiepnhan", Kind: "officer"}, Grants: []auth.Grant{{UnitID: 0, Role: auth.Reception}}}
		specialist := &auth.Actor{User: auth.User{ID: 22, Username: "xa1.chuyenvien", Kind: "officer"}, Grants: []auth.Grant{{UnitID: 0, Role: auth.Specialist}}}
		other := &auth.Actor{User: auth.User{ID: 21, Username: "xa2.tiepnhan", Kind: "officer"}}

		refusals := []struct {
			name string
			by   *auth.Actor
			req  dancu.Request
			code string
		}{
			{"no consent", citizen, dancu.Request{IDNumber: an.IDNumber, DraftID: 1}, "dancu_consent_required"},
			{"not an ID number", citizen, dancu.Request{IDNumber: "12ab", DraftID: 1, Consent: true}, "dancu_id_number"},
			{"someone else's ID number", citizen, dancu.Request{IDNumber: "037190004321", DraftID: 1, Consent: true}, "forbidden"},
			{"an identity VNeID did not verify", unverified, dancu.Request{IDNumber: an.IDNumber, DraftID: 1, Consent: true}, "forbidden"},
			{"an officer without a dossier", officer, dancu.Request{IDNumber: an.IDNumber, Consent: true}, "forbidden"},
			{"an officer, not the dossier's applicant", officer, dancu.Request{IDNumber: "037190004321", DossierCode: "D-1", Consent: true}, "forbidden"},
			{"an officer who reads the dossier, not at its reception", specialist, dancu.Request{IDNumber: an.IDNumber, DossierCode: "D-1", Consent: true}, "forbidden"},
			{"an officer who cannot read the dossier", other, dancu.Request{IDNumber: an.IDNumber, DossierCode: "D-1", Consent: true}, "dossier_not_found"},
		}
		for _, tt := range refusals {
			t.Run(tt.name, func(t *testing.T) {
				_, err := s.Lookup(ctx, tt.by, tt.req)
				if pe := problem.Public(err); err == nil || pe.Code != tt.code {
					t.Fatalf("got %v, want %s", err, tt.code)
				}
			})
		}
		if n := len(sim.Received()); n != 0 {
			t.Fatalf("the register was asked %d times by refused lookups", n)
		}
		if rs, _ := s.About(ctx, citizen); len(rs) != 0 {
			t.Fatalf("refusals recorded as lookups: %+v", rs)
		}

		p, err := s.Lookup(ctx, citizen, dancu.Request{IDNumber: an.IDNumber, DraftID: 5, Consent: true})
		if err != nil {
			t.Fatal(err)
		}
		if *p != an {
			t.Fatalf("found %+v, want %+v", *p, an)
		}
		got := sim.Received()
		if len(got) != 1 || got[0].ConsentID == 0 || got[0].Purpose != dancu.PurposePrefill || got[0].Requester != "congdan" || got[0].Agency != "000.00.00.H40" {
			t.Fatalf("the register received %+v", got)
		}
		// The officer verifies the applicant of D-1 at reception.
		now = now.Add(time.Hour)
		if _, err := s.Lookup(ctx, officer, dancu.Request{IDNumber: an.IDNumber, DossierCode: "D-1", Consent: true}); err != nil {
			t.Fatal(err)
		}
		faults := []struct{ fault, code string }{
			{dancusim.FaultError, "dancu_unavailable"},
			{dancusim.FaultGarbage, "dancu_unavailable"},
			{dancusim.FaultTimeout, "dancu_unavailable"},
		}
		for _, f := range faults {
			t.Run("fault "+f.fault, func(t *testing.T) {
				sim.SetFault(f.fault)
				defer sim.SetFault(dancusim.FaultNone)
				start := time.Now()
				_, err := s.Lookup(ctx, citizen, dancu.Request{IDNumber: an.IDNumber, DraftID: 5, Consent: true})
				if !errors.Is(err, problem.ErrUnavailable) || problem.Public(err).Code != f.code {
					t.Fatalf("got %v", err)
				}
				if d := time.Since(start); d > 3*time.Second {
					t.Fatalf("took %v", d)
				}
			})
		}
		// What the citizen reads: every lookup of their ID number, newest first.
		rs, err := s.About(ctx, citizen)
		if err != nil {
			t.Fatal(err)
		}
		if len(rs) != 5 {
			t.Fatalf("%d records, want 5: %+v", len(rs), rs)
		}
		var officers, unavailable int
		for _, r := range rs {
			if r.ActorName == "xa1.tiepnhan" && r.DossierCode == "D-1" && r.Purpose == dancu.PurposeVerify && r.Outcome == "found" {
				officers++
			}
			if r.Outcome == "unavailable" {
				unavailable++
			}
		}
		if officers != 1 || unavailable != 3 || rs[len(rs)-1].DraftID != 5 || rs[len(rs)-1].Outcome != "found" {
			t.Fatalf("records %+v", rs)
		}
		// A person the register does not know.
		sim2 := dancusim.New("", nil)
		srv2 := httptest.NewServer(sim2.Handler())
		t.Cleanup(srv2.Close)
		c2, _ := dancu.NewClient(dancu.ClientConfig{URL: srv2.URL})
		s2 := dancu.New(db, dancu.Config{Register: c2, Dossiers: dossiers{}})
		if _, err := s2.Lookup(ctx, citizen, dancu.Request{IDNumber: an.IDNumber, Consent: true}); problem.Public(err).Code != "dancu_not_found" {
			t.Fatalf("unknown person: %v", err)
		}
		// Without a register the pages say lookups are off.
		if _, err := dancu.New(db, dancu.Config{}).Lookup(ctx, citizen, dancu.Request{IDNumber: an.IDNumber, Consent: true}); problem.Public(err).Code != "dancu_off" {
			t.Fatalf("no register: %v", err)
		}
	})
}

// TestCompare: reception sees which of the applicant's fields the
// register confirms; case, spaces and Unicode forms do not matter,
// diacritics do.
func TestCompare(t *testing.T) {
	fs := dancu.Compare(dossier.Applicant{Name: "nguyễn  văn AN", IDNumber: an.IDNumber, BirthDate: "1985-03-13", Address: an.Current}, &an)
	want := map[string]bool{"name": true, "id_number": true, "birth_date": false, "permanent": true, "current": true}
	for _, f := range fs {
		if f.Match != want[f.Key] {
			t.Errorf("%s: match %v (given %q, register %q)", f.Key, f.Match, f.Given, f.Register)
		}
	}
	if fs := dancu.Compare(dossier.Applicant{Name: "Nguyễn Văn Ân", IDNumber: an.IDNumber}, &an); fs[0].Match {
		t.Error("Ân matched An")
	}
}

// registerFunc is a Register made of a function.
type registerFunc func(ctx context.Context, q dancu.Query) (dancu.Person, error)

func (f registerFunc) Find(ctx context.Context, q dancu.Query) (dancu.Person, error) {
	return f(ctx, q)
}

// TestLookupGuards: one account asks at most PerHour lookups an hour (a
// receptionist cannot walk through ID numbers), the next hour it may
// again; a lookup whose request was cancelled while the register was
// asked is still recorded for the person; a register answering about
// someone else fills nothing.
func TestLookupGuards(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		now := time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)
		asked := 0
		found := registerFunc(func(context.Context, dancu.Query) (dancu.Person, error) { asked++; return an, nil })
		s := dancu.New(db, dancu.Config{Register: found, Dossiers: dossiers{}, Now: func() time.Time { return now }, PerHour: 2})
		officer := &auth.Actor{User: auth.User{ID: 20, Username: "xa1.tiepnhan", Kind: "officer"}, Grants: []auth.Grant{{UnitID: 0, Role: auth.Reception}}}
		req := dancu.Request{IDNumber: an.IDNumber, DossierCode: "D-1", Consent: true}
		for i := range 2 {
			if _, err := s.Lookup(ctx, officer, req); err != nil {
				t.Fatalf("lookup %d: %v", i+1, err)
			}
		}
		if _, err := s.Lookup(ctx, officer, req); !errors.Is(err, problem.ErrTooMany) || problem.Public(err).Code != "dancu_too_many" || asked != 2 {
			t.Fatalf("third lookup in the hour: %v (register asked %d times)", err, asked)
		}
		now = now.Add(time.Hour)
		if _, err := s.Lookup(ctx, officer, req); err != nil || asked != 3 {
			t.Fatalf("the next hour: %v (register asked %d times)", err, asked)
		}

		// The citizen closes the page while the register is being asked.
		citizen := &auth.Actor{User: auth.User{ID: 7, Username: "congdan", Kind: "citizen"},
			Verified: &auth.Verified{Provider: "vneid", IDNumber: an.IDNumber, FullName: an.FullName}}
		cctx, cancel := context.WithCancel(ctx)
		gone := registerFunc(func(ctx context.Context, _ dancu.Query) (dancu.Person, error) { cancel(); return an, nil })
		s = dancu.New(db, dancu.Config{Register: gone, Dossiers: dossiers{}, Now: func() time.Time { return now }})
		_, _ = s.Lookup(cctx, citizen, dancu.Request{IDNumber: an.IDNumber, DraftID: 9, Consent: true})
		rs, err := s.About(ctx, citizen)
		if err != nil {
			t.Fatal(err)
		}
		drafts := 0
		for _, r := range rs {
			if r.DraftID == 9 {
				drafts++
			}
		}
		if drafts != 1 {
			t.Fatalf("the cancelled lookup was recorded %d times: %+v", drafts, rs)
		}

		// A register that answers with another person's record.
		other := an
		other.IDNumber = "037190004321"
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			json.NewEncoder(w).Encode(dancu.Reply(&other))
		}))
		t.Cleanup(srv.Close)
		c, err := dancu.NewClient(dancu.ClientConfig{URL: srv.URL})
		if err != nil {
			t.Fatal(err)
		}
		if p, err := c.Find(ctx, dancu.Query{IDNumber: an.IDNumber, Purpose: dancu.PurposePrefill}); err == nil {
			t.Fatalf("another person's record was taken: %+v", p)
		}
	})
}
