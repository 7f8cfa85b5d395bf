package server_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/audit"
	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/forms/formstest"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

// TestOneRuleForLateness (issue 10, "One rule for lateness"): a dossier
// finished on its due day, an hour after the due minute, is late by the
// working-hours rule and on time by the end-of-day rule (Civil Code 2015
// arts. 147–148) — and the delivery check, the dossier's overdue flag, the
// overdue filter, the dashboard's overdue tile and form 06 all say the
// same. On the old code there was no end-of-day rule to set.
func TestOneRuleForLateness(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		for _, endOfDay := range []bool{false, true} {
			name := "to the minute"
			if endOfDay {
				name = "end of the last working day"
			}
			t.Run(name, func(t *testing.T) { testOneRuleForLateness(t, newEnv(t, db), endOfDay) })
		}
	})
}

func testOneRuleForLateness(t *testing.T, e *env, endOfDay bool) {
	rule := map[string]any{"province": demo.ProvinceCode, "due_end_of_day": endOfDay}
	if r := e.call("gialam.quantri", "PUT", "/api/v1/calendar/lateness-rule", rule, nil); r.status != 403 {
		t.Fatalf("a commune admin setting the province's rule: %d %s", r.status, r.body)
	}
	e.must(e.call("tinh.quantri", "PUT", "/api/v1/calendar/lateness-rule", rule, nil), 200)
	prov, err := e.app.Units.ByCode(t.Context(), demo.ProvinceCode)
	if err != nil {
		t.Fatal(err)
	}
	logged, err := e.app.Audit.List(t.Context(), audit.Filter{Object: "province:" + strconv.FormatInt(prov.ID, 10)})
	// The engine's database is shared by both subtests: the last entry is this change.
	if err != nil || len(logged) == 0 || logged[len(logged)-1].Action != "lateness_rule_changed" ||
		strings.Contains(logged[len(logged)-1].Details, "end_of_day") != endOfDay {
		t.Fatalf("the change is not in the audit log: %+v (%v)", logged, err)
	}
	var got struct {
		DueEndOfDay bool `json:"due_end_of_day"`
	}
	e.must(e.call("gialam.tiepnhan", "GET", "/api/v1/calendar/lateness-rule", nil, &got), 200)
	if got.DueEndOfDay != endOfDay {
		t.Fatalf("rule in force: %v, want %v", got.DueEndOfDay, endOfDay)
	}

	p := interLevel(t)
	d := e.submit(p.Code, demo.GiaLamCode)
	// Received at 10:00, so the due minute falls in the middle of a day.
	e.advance(2 * time.Hour)
	d = e.mustAct("gialam.tiepnhan", d.Code, "receive", nil)
	due := d.DueAt.In(ict)
	finish := due.Add(time.Hour)
	if endOfDay {
		// The appointment is the close of the last working day, on the
		// API and on form 01 alike; an hour before it is on time.
		if due.Hour() != 17 || due.Minute() != 0 {
			t.Fatalf("appointment %v under the end-of-day rule: want 17:00", due)
		}
		receipt := formstest.Text(t, e.pdf("gialam.tiepnhan", "/api/v1/dossiers/"+d.Code+"/forms/01"))
		if !strings.Contains(receipt, "17 giờ 00") {
			t.Errorf("form 01 does not give the appointment at 17 giờ 00:\n%s", receipt)
		}
		finish = due.Add(-time.Hour)
	} else if h := due.Hour(); h < 8 || h >= 16 {
		t.Fatalf("due %v: want a due minute well before closing time", due)
	}
	d = e.processToResult(d.Code)
	e.clock.Set(finish)
	clear(e.tokens)

	late := !endOfDay
	if v := e.get("gialam.tiepnhan", d.Code); v.Overdue != late {
		t.Errorf("overdue flag %v, want %v", v.Overdue, late)
	}
	var list struct{ Dossiers []dossierView }
	e.must(e.call("gialam.tiepnhan", "GET", "/api/v1/dossiers?overdue=true", nil, &list), 200)
	if listed := len(list.Dossiers) == 1 && list.Dossiers[0].Code == d.Code; listed != late {
		t.Errorf("overdue filter lists it: %v, want %v (%+v)", listed, late, list.Dossiers)
	}
	want := `id="n-overdue">0<`
	if late {
		want = `id="n-overdue">1<`
	}
	if _, body, _ := e.officeLogin("gialam.tiepnhan").get("/can-bo"); !strings.Contains(body, want) {
		t.Errorf("dashboard lacks %s", want)
	}

	_, r := e.act("gialam.tiepnhan", d.Code, "deliver", nil)
	if refused := r.status == 409 && r.errCode() == "apology_required"; refused != late {
		t.Fatalf("delivery refused for want of an apology: %v, want %v (%d %s)", refused, late, r.status, r.body)
	}
	if late {
		e.mustAct("gialam.tiepnhan", d.Code, "apologize", map[string]any{"note": "Chậm do xác minh", "new_due": e.workingLater(time.Hour)})
		e.mustAct("gialam.tiepnhan", d.Code, "deliver", nil)
	}
	slip := formstest.Text(t, e.pdf("gialam.tiepnhan", "/api/v1/dossiers/"+d.Code+"/forms/06"))
	// The column heading names "Quá hạn" once; a late hand-over adds a second.
	if n := strings.Count(slip, "Quá hạn"); (n == 2) != late {
		t.Errorf("form 06 writes “Quá hạn” %d times, late %v:\n%s", n, late, slip)
	}
}
