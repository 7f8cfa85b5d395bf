package server_test

import (
	"strconv"
	"testing"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/dancu"
	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/mydata"
	"github.com/motcua/motcua/notify"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

type consentView struct {
	Purpose     string
	ID          int64
	GivenAt     string `json:"given_at"`
	WithdrawnAt string `json:"withdrawn_at"`
}

func (e *env) consents(user string) []consentView {
	e.t.Helper()
	var out struct{ Consents []consentView }
	e.must(e.call(user, "GET", "/api/v1/me/consents", nil, &out), 200)
	return out.Consents
}

// channels counts the notices queued for the account, by channel.
func (e *env) channels(a *auth.Actor) map[string]int {
	e.t.Helper()
	v, err := e.app.Notify.PersonalData(e.t.Context(), a, nil)
	if err != nil {
		e.t.Fatal(err)
	}
	out := map[string]int{}
	for _, r := range v.(map[string]any)["notices"].([]store.Record) {
		out[r["channel"].(string)]++
	}
	return out
}

// TestConsentWithdrawalHonoured: the citizen withdraws their consent to
// SMS notices and to the desk's reuse of their stored papers; the
// withdrawal is recorded with its time beside the consent, and from then
// on no SMS is queued and the desk cannot attach their papers, until a
// fresh consent (the desk can again then).
func TestConsentWithdrawalHonoured(t *testing.T) {
	t.Parallel()
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := t.Context()
		an, err := e.app.Auth.UserByName(ctx, "congdan")
		if err != nil {
			t.Fatal(err)
		}
		if err := e.app.Notify.SetPrefs(ctx, an.ID, notify.Prefs{Email: true, SMS: true, Lang: "vi"}); err != nil {
			t.Fatal(err)
		}
		p := interLevel(t)
		a := e.submit(p.Code, demo.GiaLamCode)
		before := e.channels(an)
		if before["sms"] == 0 || before["inapp"] == 0 {
			t.Fatalf("with SMS consented, the submission queued %v", before)
		}
		var sms consentView
		for _, c := range e.consents("congdan") {
			if c.Purpose == mydata.PurposeSMS {
				sms = c
			}
		}
		if sms.ID == 0 || sms.GivenAt == "" || sms.WithdrawnAt != "" {
			t.Fatalf("SMS consent: %+v", sms)
		}
		e.must(e.call("congdan", "POST", "/api/v1/me/consents/notify_sms/"+strconv.FormatInt(sms.ID, 10)+"/withdrawal", nil, nil), 204)
		for _, c := range e.consents("congdan") {
			if c.ID == sms.ID && c.Purpose == mydata.PurposeSMS && (c.WithdrawnAt == "" || c.GivenAt != sms.GivenAt) {
				t.Fatalf("after withdrawal: %+v", c)
			}
		}
		b := e.submit(p.Code, demo.GiaLamCode)
		after := e.channels(an)
		if after["sms"] != before["sms"] || after["inapp"] <= before["inapp"] {
			t.Fatalf("after withdrawing SMS: %v, before %v: no SMS may be queued, in-app notices go on", after, before)
		}

		// The desk digitises a paper of A: it is in congdan's store.
		desk := "gialam.tiepnhan"
		a = e.get(desk, a.Code)
		var paper paperView
		e.must(e.call(desk, "POST", "/api/v1/dossiers/"+a.Code+"/files/"+strconv.FormatInt(a.Files[0].ID, 10)+"/digitise", nil, &paper), 201)
		comp := p.Components[0].Key
		reuse := map[string]string{"paper": paper.Code, "component": comp}
		e.must(e.call("congdan", "POST", "/api/v1/me/consents/paper_reuse/0/withdrawal", nil, nil), 204)
		var withdrawn bool
		for _, c := range e.consents("congdan") {
			withdrawn = withdrawn || c.Purpose == mydata.PurposeReuse && c.WithdrawnAt != ""
		}
		if !withdrawn {
			t.Fatalf("reuse consent not recorded as withdrawn: %+v", e.consents("congdan"))
		}
		if r := e.call(desk, "POST", "/api/v1/dossiers/"+b.Code+"/reuse", reuse, nil); r.status != 404 {
			t.Fatalf("the desk reused a paper after the withdrawal: %d %s", r.status, r.body)
		}
		if err := e.app.MyData.Give(ctx, an, mydata.PurposeReuse); err != nil {
			t.Fatal(err)
		}
		e.must(e.call(desk, "POST", "/api/v1/dossiers/"+b.Code+"/reuse", reuse, nil), 201)
	})
}

// TestPopulationConsentWithdrawn: a withdrawn consent to a population
// lookup stays on record with its time, and no later lookup reaches the
// register without a fresh consent.
func TestPopulationConsentWithdrawn(t *testing.T) {
	t.Parallel()
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e, reg := onceOnlyEnv(t, db)
		ctx := t.Context()
		person := demo.People()[0]
		an, err := e.app.Auth.UserByName(ctx, "congdan")
		if err != nil {
			t.Fatal(err)
		}
		// As VNeID leaves it after sign-in (auth.Actor.Verified).
		an.Verified = &auth.Verified{Provider: "vneid", IDNumber: person.IDNumber, FullName: person.Name}
		lookup := func(consent bool) error {
			_, err := e.app.Population.Lookup(ctx, an, dancu.Request{IDNumber: person.IDNumber, Consent: consent})
			return err
		}
		if err := lookup(true); err != nil {
			t.Fatal(err)
		}
		cs, err := e.app.MyData.Consents(ctx, an)
		if err != nil {
			t.Fatal(err)
		}
		var first mydata.Consent
		for _, c := range cs {
			if c.Purpose == mydata.PurposePopulation {
				first = c
			}
		}
		if first.ID == 0 || !first.Active() {
			t.Fatalf("consents after a lookup: %+v", cs)
		}
		if err := e.app.MyData.Withdraw(ctx, an, mydata.PurposePopulation, first.ID); err != nil {
			t.Fatal(err)
		}
		asked := len(reg.Received())
		if err := lookup(false); err == nil {
			t.Fatal("a lookup without a fresh consent went through")
		}
		if n := len(reg.Received()); n != asked {
			t.Fatalf("the register was asked %d more times without consent", n-asked)
		}
		if err := lookup(true); err != nil {
			t.Fatal(err)
		}
		cs, err = e.app.MyData.Consents(ctx, an)
		if err != nil {
			t.Fatal(err)
		}
		var kept, fresh bool
		for _, c := range cs {
			kept = kept || c.ID == first.ID && !c.Active()
			fresh = fresh || c.Purpose == mydata.PurposePopulation && c.ID != first.ID && c.Active()
		}
		if !kept || !fresh {
			t.Fatalf("consents: %+v, want the withdrawn one kept and a fresh one", cs)
		}
		// Another citizen cannot withdraw it.
		if err := e.app.MyData.Withdraw(ctx, &auth.Actor{User: auth.User{ID: an.ID + 1000, Kind: "citizen"}}, mydata.PurposePopulation, first.ID+1); err == nil {
			t.Fatal("a stranger withdrew congdan's consent")
		}
	})
}
