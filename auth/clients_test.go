package auth_test

import (
	"context"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

func commune1Reader(w *accountsWorld) auth.NewClient {
	return auth.NewClient{Name: "Cổng dịch vụ công tỉnh", Ops: []string{auth.OpDossiersRead, auth.OpEventsRead},
		Rights: []auth.ClientRight{{UnitID: w.c1.ID, Right: auth.ReadDossier}}, RatePerMinute: 5}
}

// A client gets a token with its secret, acts with commune 1's reading
// right only, and is refused with a wrong secret or a scope beyond its own.
func TestClientToken(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		w := newAccountsWorld(t, db)
		ctx := context.Background()
		id, secret, err := w.acc.AddClient(ctx, w.c1Admin, commune1Reader(w))
		is(t, "add", err, nil)
		wantActions(t, w, "client_created client:"+id)

		_, _, _, err = w.svc.ClientToken(ctx, id, secret+"x", "")
		is(t, "wrong secret", err, problem.ErrUnauthorized)
		_, _, _, err = w.svc.ClientToken(ctx, "mc-khong-co", secret, "")
		is(t, "unknown client", err, problem.ErrUnauthorized)
		wantActions(t, w, "client_auth_failed client:"+id, "client_auth_failed client:mc-khong-co")
		_, _, _, err = w.svc.ClientToken(ctx, id, secret, "dossiers:write")
		is(t, "scope beyond the client's", err, problem.ErrInvalid)

		tok, exp, ops, err := w.svc.ClientToken(ctx, id, secret, "dossiers:read")
		is(t, "token", err, nil)
		if !exp.Equal(w.now.Add(auth.ClientTokenTTL)) || !slices.Equal(ops, []string{"dossiers:read"}) {
			t.Fatalf("token expires %v with %v", exp, ops)
		}
		wantActions(t, w, "client_token_issued client:"+id)
		a, err := w.svc.Authenticate(ctx, tok)
		is(t, "authenticate", err, nil)
		if a.Client == nil || a.Username != id || a.Kind != "system" || !a.Client.Allows(auth.OpDossiersRead) || a.Client.Allows(auth.OpEventsRead) {
			t.Fatalf("client actor %+v %+v", a, a.Client)
		}
		// Its right reaches commune 1 only: not commune 2, not the district.
		if !a.Can(auth.ReadDossier, []int64{w.c1.ID, w.district.ID, w.province.ID}) ||
			a.Can(auth.ReadDossier, []int64{w.c2.ID, w.district.ID, w.province.ID}) ||
			a.Can(auth.ReadDossier, []int64{w.district.ID, w.province.ID}) || a.Can(auth.FileDossier, []int64{w.c1.ID}) {
			t.Fatal("the client's right reaches beyond commune 1's dossiers")
		}
		if own, below := a.Reach(auth.ReadDossier); !slices.Equal(own, []int64{w.c1.ID}) || len(below) != 0 {
			t.Fatalf("reach %v %v", own, below)
		}
		// The client account cannot log in as a person.
		if _, _, err := w.svc.Login(ctx, id, secret); err == nil {
			t.Fatal("a client logged in with a password")
		}
		w.now = w.now.Add(auth.ClientTokenTTL + time.Second)
		if _, err := w.svc.Authenticate(ctx, tok); err == nil {
			t.Fatal("an expired client token still works")
		}
	})
}

// Rotation: the old secret keeps working for the grace period, then not;
// revocation ends the client's live tokens at once.
func TestClientRotateRevoke(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		w := newAccountsWorld(t, db)
		ctx := context.Background()
		id, old, err := w.acc.AddClient(ctx, w.c1Admin, commune1Reader(w))
		is(t, "add", err, nil)
		_, err = w.acc.RotateClient(ctx, w.clerk, id)
		is(t, "a clerk rotates", err, problem.ErrForbidden)
		_, err = w.acc.RotateClient(ctx, w.provinceAdmin, "mc-khong-co")
		is(t, "rotate unknown", err, problem.ErrNotFound)
		fresh, err := w.acc.RotateClient(ctx, w.districtAdmin, id)
		is(t, "the district admin rotates", err, nil)
		w.events = nil
		for _, s := range []string{old, fresh} {
			_, _, _, err := w.svc.ClientToken(ctx, id, s, "")
			is(t, "during the grace", err, nil)
		}
		w.now = w.now.Add(auth.ClientGrace + time.Minute)
		_, _, _, err = w.svc.ClientToken(ctx, id, old, "")
		is(t, "old secret after the grace", err, problem.ErrUnauthorized)
		tok, _, _, err := w.svc.ClientToken(ctx, id, fresh, "")
		is(t, "new secret after the grace", err, nil)
		list, err := w.acc.Clients(ctx, w.c1Admin)
		is(t, "list", err, nil)
		if len(list) != 1 || list[0].ClientID != id || list[0].Secrets != 1 || list[0].Rights[0].UnitCode != w.c1.Code {
			t.Fatalf("list %+v", list)
		}
		w.events = nil
		is(t, "revoke", w.acc.RevokeClient(ctx, w.c1Admin, id), nil)
		wantActions(t, w, "client_revoked client:"+id)
		if _, err := w.svc.Authenticate(ctx, tok); err == nil {
			t.Fatal("a revoked client's token still works")
		}
		_, _, _, err = w.svc.ClientToken(ctx, id, fresh, "")
		is(t, "a revoked client's secret", err, problem.ErrUnauthorized)
	})
}

// An admin manages only clients whose rights lie in the units they
// administer; rights not meant for machines are refused.
func TestClientScopeOfAdmins(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		w := newAccountsWorld(t, db)
		ctx := context.Background()
		district := auth.NewClient{Name: "Kho dữ liệu huyện", Ops: []string{auth.OpReportsRead},
			Rights: []auth.ClientRight{{UnitID: w.district.ID, Right: auth.ReadReports, Below: true}}}
		_, _, err := w.acc.AddClient(ctx, w.c1Admin, district)
		is(t, "a commune admin grants at the district", err, problem.ErrForbidden)
		id, _, err := w.acc.AddClient(ctx, w.districtAdmin, district)
		is(t, "the district admin", err, nil)
		if list, _ := w.acc.Clients(ctx, w.c1Admin); len(list) != 0 {
			t.Fatalf("the commune admin sees the district's client: %+v", list)
		}
		is(t, "the commune admin revokes it", w.acc.RevokeClient(ctx, w.c1Admin, id), problem.ErrNotFound)
		for name, nc := range map[string]auth.NewClient{
			"manage accounts": {Name: "x", Ops: []string{auth.OpDossiersRead}, Rights: []auth.ClientRight{{UnitID: w.c1.ID, Right: auth.ManageAccounts}}},
			"no scope":        {Name: "x", Rights: []auth.ClientRight{{UnitID: w.c1.ID, Right: auth.ReadDossier}}},
			"unknown scope":   {Name: "x", Ops: []string{"admin:all"}, Rights: []auth.ClientRight{{UnitID: w.c1.ID, Right: auth.ReadDossier}}},
			"no name":         {Ops: []string{auth.OpDossiersRead}, Rights: []auth.ClientRight{{UnitID: w.c1.ID, Right: auth.ReadDossier}}},
		} {
			_, _, err := w.acc.AddClient(ctx, w.c1Admin, nc)
			is(t, name, err, problem.ErrInvalid)
		}
		// The operator (command line) manages every client.
		all, err := w.svc.ClientsAsOperator(ctx)
		if err != nil || len(all) != 1 {
			t.Fatalf("operator list %v %v", all, err)
		}
		is(t, "operator revokes", w.svc.RevokeClientAsOperator(ctx, id), nil)
	})
}

// Each client has its own bucket: one client over its rate is refused
// (with a wait) while another goes on.
func TestClientRateLimit(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		w := newAccountsWorld(t, db)
		ctx := context.Background()
		id, secret, _ := w.acc.AddClient(ctx, w.c1Admin, commune1Reader(w)) // 5 a minute
		other, otherSecret, _ := w.acc.AddClient(ctx, w.c1Admin, commune1Reader(w))
		tok, _, _, err := w.svc.ClientToken(ctx, id, secret, "")
		is(t, "token", err, nil)
		for i := 0; i < 4; i++ {
			_, err := w.svc.Authenticate(ctx, tok)
			is(t, "within the rate", err, nil)
		}
		_, err = w.svc.Authenticate(ctx, tok)
		is(t, "over the rate", err, problem.ErrTooMany)
		if d, ok := problem.RetryAfter(err); !ok || d <= 0 || d > time.Minute {
			t.Fatalf("retry after %v %v", d, ok)
		}
		_, _, _, err = w.svc.ClientToken(ctx, other, otherSecret, "")
		is(t, "another client", err, nil)
		w.now = w.now.Add(13 * time.Second)
		_, err = w.svc.Authenticate(ctx, tok)
		is(t, "after a while", err, nil)
		// Wrong secrets are slowed per client id (and so are their audit rows).
		for i := 0; i < 10; i++ {
			_, _, _, err = w.svc.ClientToken(ctx, other, "sai", "")
			is(t, "a wrong secret", err, problem.ErrUnauthorized)
		}
		_, _, _, err = w.svc.ClientToken(ctx, other, "sai", "")
		is(t, "the eleventh wrong secret", err, problem.ErrTooMany)
	})
}

// Client ids no client has share one bucket of failures: an attacker
// sending a new made-up id each time does not get ten free tries (and ten
// audit rows) per id, and a real client with a wrong secret keeps its own.
func TestClientUnknownIDsThrottledTogether(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		w := newAccountsWorld(t, db)
		ctx := context.Background()
		id, secret, _ := w.acc.AddClient(ctx, w.c1Admin, commune1Reader(w))
		var err error
		for i := 0; i < 10; i++ {
			_, _, _, err = w.svc.ClientToken(ctx, "mc-bia-"+strconv.Itoa(i), "sai", "")
			is(t, "an unknown id", err, problem.ErrUnauthorized)
		}
		_, _, _, err = w.svc.ClientToken(ctx, "mc-bia-moi", "sai", "")
		is(t, "the eleventh unknown id", err, problem.ErrTooMany)
		_, _, _, err = w.svc.ClientToken(ctx, id, "sai", "")
		is(t, "a real client's wrong secret", err, problem.ErrUnauthorized)
		_, _, _, err = w.svc.ClientToken(ctx, id, secret, "")
		is(t, "a real client's secret", err, nil)
	})
}
