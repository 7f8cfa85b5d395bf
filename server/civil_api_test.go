package server_test

import (
	"net/url"
	"slices"
	"testing"

	"github.com/motcua/motcua/civil"
	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

type civilPeoplePage struct {
	People []struct {
		Code     string `json:"code"`
		FullName string `json:"full_name"`
	} `json:"people"`
	Next string `json:"next"`
}

type civilPersonView struct {
	Code           string `json:"code"`
	FullName       string `json:"full_name"`
	Unit           string `json:"unit"`
	Postings       []civil.Posting
	Qualifications []civil.Qualification
}

type civilCycleView struct {
	Unit        string `json:"unit"`
	Year        int    `json:"year"`
	Lead        bool   `json:"lead"`
	Evaluations []struct {
		ID     int64 `json:"id"`
		Person struct {
			Code string `json:"code"`
		} `json:"person"`
		Step        string        `json:"step"`
		Level       string        `json:"level"`
		Figures     civil.Figures `json:"figures"`
		FiguresKept bool          `json:"figures_kept"`
	} `json:"evaluations"`
}

// TestCivilAPI (issue 16): the registry's and the evaluations' reads in
// the API follow the pages' scope — the unit's admin pages through its
// records, one reads a record (the person too, their own), a leader reads
// the cycle with each officer's one-stop figures and an officer only
// their own evaluation; citizens are refused everywhere; every read of
// another's personal data leaves one audit row.
func TestCivilAPI(t *testing.T) {
	t.Parallel()
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := t.Context()
		if _, err := demo.LoadCivil(ctx, e.app.Auth, e.app.Civil); err != nil {
			t.Fatal(err)
		}
		// The specialist handles a dossier this year (the clock is March 2026).
		d := e.submit("1.001193", demo.GiaLamCode)
		e.mustAct("gialam.tiepnhan", d.Code, "receive", nil)
		e.processToResult(d.Code)
		audited := func(action, object string) int {
			t.Helper()
			var n int
			if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_entries WHERE action = ? AND object = ?`, action, object).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		people := "/api/v1/civil/units/" + url.PathEscape(demo.GiaLamCode) + "/people"

		// The admin pages through Gia Lâm's five records, two at a time.
		var codes []string
		next, pages := "", 0
		for {
			var pg civilPeoplePage
			e.must(e.call("gialam.quantri", "GET", people+"?limit=2&cursor="+url.QueryEscape(next), nil, &pg), 200)
			pages++
			for _, p := range pg.People {
				codes = append(codes, p.Code)
			}
			if next = pg.Next; next == "" || pages > 5 {
				break
			}
		}
		slices.Sort(codes)
		if want := []string{"NB-00008", "NB-00009", "NB-00010", "NB-00011", "NB-00012"}; !slices.Equal(codes, want) || pages != 3 {
			t.Errorf("paged records: %v in %d pages, want %v in 3", codes, pages, want)
		}
		if n := audited(civil.ReadPeople, "unit:"+demo.GiaLamCode); n != pages {
			t.Errorf("%d pages read, %d audited", pages, n)
		}

		cycle := "/api/v1/civil/units/" + url.PathEscape(demo.GiaLamCode) + "/cycles/2026/evaluations"
		refusals := []struct {
			name, user, path string
			status           int
			code             string
		}{
			{"the district's admin reads the commune's records", "huyen.quantri", people, 200, ""},
			{"a leader does not keep the registry", "gialam.lanhdao", people, 403, "forbidden"},
			{"a citizen", demo.Citizen.Username, people, 403, "forbidden"},
			{"anonymous", "", people, 401, "unauthorized"},
			{"a cursor not made by the list", "gialam.quantri", people + "?cursor=bm9wZQ", 422, "invalid_page_cursor"},
			{"the admin reads a record", "gialam.quantri", "/api/v1/civil/people/NB-00009", 200, ""},
			{"the person reads their own", "gialam.chuyenvien", "/api/v1/civil/people/NB-00009", 200, ""},
			{"a colleague's record", "gialam.tiepnhan", "/api/v1/civil/people/NB-00009", 404, "civil_person_not_found"},
			{"a citizen reads a record", demo.Citizen.Username, "/api/v1/civil/people/NB-00009", 403, "forbidden"},
			{"no such record", "gialam.quantri", "/api/v1/civil/people/NB-99999", 404, "civil_person_not_found"},
			{"the cycle before it is opened", "gialam.lanhdao", cycle, 404, "civil_cycle_not_found"},
			{"an officer before it is opened", "gialam.chuyenvien", cycle, 403, "forbidden"},
			{"a year that is no number", "gialam.lanhdao", "/api/v1/civil/units/" + url.PathEscape(demo.GiaLamCode) + "/cycles/nam-nay/evaluations", 422, "civil_year_not_number"},
			{"a citizen reads a cycle", demo.Citizen.Username, cycle, 403, "forbidden"},
		}
		for _, c := range refusals {
			r := e.call(c.user, "GET", c.path, nil, nil)
			if r.status != c.status || r.errCode() != c.code {
				t.Errorf("%s: %d %q, want %d %q", c.name, r.status, r.errCode(), c.status, c.code)
			}
			if c.status >= 400 && r.message() == "" {
				t.Errorf("%s: no sentence with the code", c.name)
			}
		}
		var rec civilPersonView
		e.must(e.call("gialam.quantri", "GET", "/api/v1/civil/people/NB-00009", nil, &rec), 200)
		if rec.FullName != "Vũ Đức Long" || rec.Unit != demo.GiaLamCode || len(rec.Postings) != 1 || rec.Postings[0].UnitCode != demo.GiaLamCode ||
			rec.Postings[0].From != "2014-06-01" || len(rec.Qualifications) != 2 {
			t.Errorf("the record: %+v", rec)
		}
		// The admin's two reads are on record, the person's own is not.
		if n := audited(civil.ReadPerson, "civil_person:NB-00009"); n != 2 {
			t.Errorf("record reads audited: %d, want 2 (the admin's)", n)
		}

		// The leader opens the cycle; the API shows each step and figure.
		lead, err := e.app.Auth.UserByName(ctx, "gialam.lanhdao")
		if err != nil {
			t.Fatal(err)
		}
		spec, err := e.app.Auth.UserByName(ctx, "gialam.chuyenvien")
		if err != nil {
			t.Fatal(err)
		}
		c, err := e.app.Civil.Open(ctx, lead, lead.Grants[0].UnitID, 2026)
		if err != nil {
			t.Fatal(err)
		}
		var all, own, district civilCycleView
		e.must(e.call("gialam.lanhdao", "GET", cycle, nil, &all), 200)
		e.must(e.call("gialam.chuyenvien", "GET", cycle, nil, &own), 200)
		e.must(e.call("huyen.lanhdao", "GET", cycle, nil, &district), 200)
		if !all.Lead || len(all.Evaluations) != 5 || all.Year != 2026 || all.Unit != demo.GiaLamCode || !district.Lead || len(district.Evaluations) != 5 {
			t.Fatalf("the leaders' cycle: %+v; the district's: %d", all, len(district.Evaluations))
		}
		if own.Lead || len(own.Evaluations) != 1 || own.Evaluations[0].Person.Code != "NB-00009" {
			t.Fatalf("the specialist's cycle: %+v", own)
		}
		want, err := e.app.Civil.Figures(ctx, spec.ID, 2026)
		if err != nil {
			t.Fatal(err)
		}
		ev := own.Evaluations[0]
		if ev.Step != civil.StateSelf || ev.FiguresKept || ev.Figures != want || want.Handled != 1 || want.Ended != 1 || want.OnTime != 1 {
			t.Errorf("the specialist's evaluation: %+v, figures recounted %+v", ev, want)
		}
		for _, x := range all.Evaluations {
			if x.Person.Code == "NB-00009" && x.Figures != want {
				t.Errorf("the leader sees the specialist's figures %+v, want %+v", x.Figures, want)
			}
		}
		// Decided, the evaluation shows the figures kept with the decision.
		steps := []struct {
			who string
			act string
			in  civil.Input
		}{
			{"gialam.chuyenvien", civil.ActSelf, civil.Input{Text: "Hoàn thành đúng hạn.", Level: civil.Good}},
			{"gialam.lanhdao", civil.ActReview, civil.Input{Text: "Nhất trí.", Votes: map[string]int{civil.Good: 4}}},
			{"gialam.lanhdao", civil.ActDecide, civil.Input{Level: civil.Good}},
		}
		for _, s := range steps {
			a, err := e.app.Auth.UserByName(ctx, s.who)
			if err != nil {
				t.Fatal(err)
			}
			cur, err := e.app.Civil.Evaluation(ctx, lead, ev.ID)
			if err != nil {
				t.Fatal(err)
			}
			s.in.Version = cur.Version
			if err := e.app.Civil.Act(ctx, a, ev.ID, s.act, s.in); err != nil {
				t.Fatalf("%s %s: %v", s.who, s.act, err)
			}
		}
		own = civilCycleView{}
		e.must(e.call("gialam.chuyenvien", "GET", cycle, nil, &own), 200)
		if got := own.Evaluations[0]; got.Step != civil.StateDecided || got.Level != civil.Good || !got.FiguresKept || got.Figures != want {
			t.Errorf("decided: %+v", got)
		}
		// The two leaders' reads are on record; the specialist's of their own are not.
		if n := audited(civil.ReadEvaluations, "civil_cycle:"+itoa(c.ID)); n != 2 {
			t.Errorf("cycle reads audited: %d, want 2 (the leaders')", n)
		}
	})
}
