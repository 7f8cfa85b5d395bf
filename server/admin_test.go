package server_test

import (
	"testing"
	"time"

	"github.com/motcua/motcua/audit"
	"github.com/motcua/motcua/catalog"
	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

// TestProcedureEditIsANewVersion: the province's admin edits a procedure;
// new dossiers use the new version, a dossier already filed keeps its own.
// A commune's or district's admin may not (issue 8, finding 1: a commune
// admin set a 99,999,999 đ fee on a procedure the whole province uses).
func TestProcedureEditIsANewVersion(t *testing.T) {
	t.Parallel()
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		p := interLevel(t)
		before := e.submit(p.Code, demo.GiaLamCode)

		edited := e.procedure(p.Code)
		edited.Name = p.Name + " (sửa đổi)"
		edited.Version = 0
		if r := e.call("gialam.tiepnhan", "PUT", "/api/v1/procedures/"+p.Code, edited, nil); r.status != 403 {
			t.Fatalf("non-admin edit: %d", r.status)
		}
		fee := edited
		fee.Fees = []catalog.Fee{{Name: "Lệ phí", Kind: "fixed", Amount: 99_999_999}}
		for _, admin := range []string{"gialam.quantri", "huyen.quantri"} {
			if r := e.call(admin, "PUT", "/api/v1/procedures/"+p.Code, fee, nil); r.status != 403 {
				t.Fatalf("%s edited the province's procedure: %d %s", admin, r.status, r.body)
			}
		}
		bad := edited
		bad.Steps = nil
		if r := e.call("tinh.quantri", "PUT", "/api/v1/procedures/"+p.Code, bad, nil); r.status != 422 || r.errCode() != "invalid_procedure" {
			t.Fatalf("invalid edit: %d %s", r.status, r.body)
		}
		var got catalog.Procedure
		e.must(e.call("tinh.quantri", "PUT", "/api/v1/procedures/"+p.Code, edited, &got), 200)
		if got.Version != 2 || e.procedure(p.Code).Name != edited.Name {
			t.Fatalf("after edit: version %d name %q", got.Version, e.procedure(p.Code).Name)
		}
		if logged, err := e.app.Audit.List(t.Context(), audit.Filter{Object: "procedure:" + p.Code}); err != nil || len(logged) != 1 ||
			logged[0].Action != "procedure_version" || logged[0].ActorName != "tinh.quantri" {
			t.Fatalf("audit log of the edit: %+v (%v)", logged, err)
		}
		var old, fresh struct {
			ProcedureVersion int    `json:"procedure_version"`
			ProcedureName    string `json:"procedure_name"`
		}
		e.must(e.call("congdan", "GET", "/api/v1/dossiers/"+before.Code, nil, &old), 200)
		after := e.submit(p.Code, demo.GiaLamCode)
		e.must(e.call("congdan", "GET", "/api/v1/dossiers/"+after.Code, nil, &fresh), 200)
		if old.ProcedureVersion != 1 || old.ProcedureName != p.Name || fresh.ProcedureVersion != 2 {
			t.Fatalf("versions: old %+v, new %+v", old, fresh)
		}
	})
}

// TestProcedurePublishedForAUnit: a version the province publishes for
// Gia Lâm (catalog.Procedure.Unit) may then be edited by Gia Lâm's admin
// and the district's above it, but not moved out of their reach.
func TestProcedurePublishedForAUnit(t *testing.T) {
	t.Parallel()
	e := newEnv(t, storetest.Open(t, "sqlite"))
	p := e.procedure("1.001193")
	p.Version = 0
	p.Unit = demo.GiaLamCode
	if r := e.call("gialam.quantri", "PUT", "/api/v1/procedures/"+p.Code, p, nil); r.status != 403 {
		t.Fatalf("a commune admin took the province's procedure: %d", r.status)
	}
	e.must(e.call("tinh.quantri", "PUT", "/api/v1/procedures/"+p.Code, p, nil), 200)
	p.Name += " (xã Gia Lâm)"
	e.must(e.call("gialam.quantri", "PUT", "/api/v1/procedures/"+p.Code, p, nil), 200)
	e.must(e.call("huyen.quantri", "PUT", "/api/v1/procedures/"+p.Code, p, nil), 200)
	for user, unit := range map[string]string{"gialam.quantri": demo.DistrictCode, "huyen.quantri": ""} {
		moved := p
		moved.Unit = unit
		if r := e.call(user, "PUT", "/api/v1/procedures/"+p.Code, moved, nil); r.status != 403 {
			t.Fatalf("%s moved the procedure to %q: %d", user, unit, r.status)
		}
	}
	if got := e.procedure(p.Code); got.Version != 4 || got.Unit != demo.GiaLamCode {
		t.Fatalf("after the edits: version %d of unit %q", got.Version, got.Unit)
	}
}

// TestAnnouncementsMoveDeadlines: a day off the province's admin adds is
// skipped by the next deadline and shows in the holiday list; withdrawn,
// it counts no more. No other admin may add or withdraw one (issue 8,
// finding 1: a commune admin declared a province-wide day off, and it
// could not be deleted).
func TestAnnouncementsMoveDeadlines(t *testing.T) {
	t.Parallel()
	e := newEnv(t, storetest.Open(t, "sqlite"))
	cal := e.app.Calendar
	// Monday 2 March 2026, 08:00, 1 working day → Tuesday 08:00.
	from := e.clock.Now()
	if due := cal.AddWorking(from, 8*time.Hour); due.Day() != 3 {
		t.Fatalf("before: due %v", due)
	}
	ann := map[string]string{"date": "2026-03-03", "kind": "off", "name": "Nghỉ do bão (UBND tỉnh)"}
	if r := e.call("gialam.tiepnhan", "POST", "/api/v1/calendar/announcements", ann, nil); r.status != 403 {
		t.Fatalf("non-admin: %d", r.status)
	}
	for _, admin := range []string{"gialam.quantri", "huyen.quantri"} {
		if r := e.call(admin, "POST", "/api/v1/calendar/announcements", ann, nil); r.status != 403 {
			t.Fatalf("%s announced for the province: %d %s", admin, r.status, r.body)
		}
	}
	if r := e.call("tinh.quantri", "POST", "/api/v1/calendar/announcements", map[string]string{"date": "2026-03-07", "kind": "nope", "name": "x"}, nil); r.status != 422 {
		t.Fatalf("invalid kind: %d %s", r.status, r.body)
	}
	e.must(e.call("tinh.quantri", "POST", "/api/v1/calendar/announcements", ann, nil), 201)
	if due := cal.AddWorking(from, 8*time.Hour); due.Day() != 4 {
		t.Fatalf("after the extra day off: due %v, want Wednesday 4 March", due)
	}
	if r := e.call("huyen.quantri", "DELETE", "/api/v1/calendar/announcements/2026-03-03", nil, nil); r.status != 403 {
		t.Fatalf("district admin withdrew: %d", r.status)
	}
	e.must(e.call("tinh.quantri", "DELETE", "/api/v1/calendar/announcements/2026-03-03", nil, nil), 204)
	if r := e.call("tinh.quantri", "DELETE", "/api/v1/calendar/announcements/2026-03-03", nil, nil); r.status != 404 {
		t.Fatalf("withdrawn twice: %d", r.status)
	}
	if due := cal.AddWorking(from, 8*time.Hour); due.Day() != 3 {
		t.Fatalf("after the withdrawal: due %v, want Tuesday 3 March again", due)
	}
	e.must(e.call("tinh.quantri", "POST", "/api/v1/calendar/announcements", ann, nil), 201)
	logged, err := e.app.Audit.List(t.Context(), audit.Filter{Object: "announcement:2026-03-03"})
	if err != nil || len(logged) != 3 || logged[0].Action != "announcement_added" || logged[1].Action != "announcement_withdrawn" {
		t.Fatalf("audit log of the announcement: %+v (%v)", logged, err)
	}
	var hol struct{ Days []struct{ Date, Name string } }
	e.must(e.call("", "GET", "/api/v1/calendar/holidays/2026", nil, &hol), 200)
	found := false
	for _, d := range hol.Days {
		found = found || d.Date == "2026-03-03"
	}
	if !found {
		t.Fatalf("announced day missing from %+v", hol.Days)
	}
	if r := e.call("", "GET", "/api/v1/calendar/holidays/1800", nil, nil); r.status != 422 {
		t.Fatalf("year 1800: %d", r.status)
	}
}
