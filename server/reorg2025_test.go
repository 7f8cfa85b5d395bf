package server_test

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/land"
	"github.com/motcua/motcua/reorg"
	"github.com/motcua/motcua/report"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
	"github.com/motcua/motcua/tally/tallytest"
	"github.com/motcua/motcua/unit"
)

// Units of the generated 2022 world the test files with (demo.communes order).
const (
	giaThuy2022 = "000.02.07.H40"
	sonHa2022   = "000.12.07.H40"
	sonLai2022  = "000.13.07.H40"
)

// TestReorganisationsOf2025 is issue 11's proof: a generated 2022 year,
// with open dossiers added in every open state at communes and at the
// district, carried through the two real plans of 2025 in order. After
// each plan: no dossier lost or duplicated, every open dossier at a unit
// in force, deadlines and states unchanged, closed dossiers where they
// closed, officers' roles at the successors, the registers continuing,
// the II.06a figures of the periods before the date unchanged and adding
// up when rolled up; a dry run changes nothing and a second apply is a
// no-op.
func TestReorganisationsOf2025(t *testing.T) {
	// -short leaves out the slow proof on a developer's machine; CI runs it always.
	if testing.Short() && os.Getenv("CI") != "true" {
		t.Skip("generates a year and applies two plans")
	}
	t.Parallel()
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		if _, err := demo.Generate(ctx, demo.GenerateConfig{DB: db, DataDir: t.TempDir(), Year: 2022, Scale: 0.002, Seed: 11}); err != nil {
			t.Fatal(err)
		}
		e := newEnv(t, db)
		// Monday 16 December 2024, 08:00: the weeks before the first plan.
		e.clock.Set(time.Date(2024, 12, 16, 8, 0, 0, 0, ict))
		clear(e.tokens)
		open := e.openInEveryState()

		plans, err := demo.Plans()
		if err != nil || len(plans) != 2 {
			t.Fatalf("plans: %d %v", len(plans), err)
		}
		// Receipts numbered at Gia Lâm between the plans: the register the
		// second plan must continue.
		var between string
		for i, p := range plans {
			day, err := unit.Day(p.Effective)
			if err != nil {
				t.Fatal(err)
			}
			e.clock.Set(day.Add(8 * time.Hour))
			clear(e.tokens)
			if i == 1 {
				between = e.submit(household, demo.GiaLamCode).Code
				e.mustAct("gialam.tiepnhan", between, "receive", nil)
				e.must(e.call("gialam.tiepnhan", "GET", "/api/v1/dossiers/"+between+"/forms/01", nil, nil), 200)
				open = append(open, between)
			}
			before := e.dossierRows()
			rolesBefore := e.roleRows()
			countsBefore := e.counts(t, day.AddDate(0, -1, 0), day, false)
			digest := e.digest()
			rep, err := e.app.Reorg.DryRun(ctx, nil, p)
			if err != nil || rep.State != reorg.DryRun {
				t.Fatalf("dry run of %s: %s %v %+v", p.ID, rep.State, err, rep.Refused)
			}
			if e.digest() != digest {
				t.Fatalf("the dry run of %s changed the database", p.ID)
			}
			applied, err := e.app.Reorg.Apply(ctx, nil, p)
			if err != nil || applied.State != reorg.Applied {
				t.Fatalf("apply %s: %s %v %+v", p.ID, applied.State, err, applied.Refused)
			}
			if len(applied.Dossiers) != len(rep.Dossiers) || len(applied.Roles) != len(rep.Roles) {
				t.Errorf("%s: applied %d dossier and %d role moves, the dry run said %d and %d", p.ID,
					len(applied.Dossiers), len(applied.Roles), len(rep.Dossiers), len(rep.Roles))
			}
			after := e.dossierRows()
			e.checkDossiers(t, p.ID, before, after)
			e.checkRoles(t, p.ID, rolesBefore)
			digest = e.digest()
			again, err := e.app.Reorg.Apply(ctx, nil, p)
			if err != nil || again.State != reorg.Already || e.digest() != digest {
				t.Fatalf("applying %s again: %s %v (changed: %v)", p.ID, again.State, err, e.digest() != digest)
			}
			if dry, err := e.app.Reorg.DryRun(ctx, nil, p); err != nil || dry.State != reorg.Already {
				t.Fatalf("dry run of %s once applied: %s %v %+v", p.ID, dry.State, err, dry.Refused)
			}
			// The month before the date stays under the old units, and its
			// figures are the same before and after the plan.
			if got := e.counts(t, day.AddDate(0, -1, 0), day, false); !sameCounts(got, countsBefore) {
				t.Errorf("%s: the month before the date changed:\n%v\nwas\n%v", p.ID, got, countsBefore)
			}
			rolled := e.counts(t, day.AddDate(0, -1, 0), day, true)
			if report.Total(rolled) != report.Total(countsBefore) {
				t.Errorf("%s: rolled up to the successors %+v, the old units' sum %+v", p.ID, report.Total(rolled), report.Total(countsBefore))
			}
			// What was in progress at the date is carried into the month after it.
			next := e.counts(t, day, day.AddDate(0, 1, 0), false)
			if in, carried := report.Total(countsBefore).InProgress, report.Total(next).Carried; in != carried {
				t.Errorf("%s: %d in progress at the date, %d carried after it", p.ID, in, carried)
			}
		}
		e.checkTwoTier(t, open, between)
		// The tally followed every act and both plans (which move open
		// dossiers without one): its figures are the recount's, before,
		// across and after the dates.
		since := time.Date(2024, 11, 1, 0, 0, 0, 0, ict)
		tallytest.Compare(t, e.app.Reports, e.app.Calendar, since, e.clock.Now().Add(time.Hour), 120, 3)
		tallytest.CompareBottlenecks(t, e.app.Reports, report.New(db), e.app.Calendar, demo.ProvinceCode, time.Date(2022, 1, 1, 0, 0, 0, 0, ict), e.clock.Now(), 30, 4)
		tallytest.CompareTrend(t, e.app.Reports, report.New(db), e.app.Calendar, demo.ProvinceCode, since, e.clock.Now(), 20, 5)
	})
}

// openInEveryState files and moves dossiers so that every open state is
// held somewhere — at communes each plan merges and at the district the
// second abolishes — and returns their codes.
func (e *env) openInEveryState() []string {
	e.t.Helper()
	note := func(s string) map[string]any { return map[string]any{"note": s} }
	items := map[string]any{"note": "Bổ sung giấy tờ.", "items": []map[string]any{{"name": "Bản sao giấy tờ", "reason": "Chưa nộp"}}}
	var codes []string
	add := func(code string) string { codes = append(codes, code); return code }

	add(e.submit(certify, sonHa2022).Code) // submitted
	ret := add(e.submit(household, sonLai2022).Code)
	e.mustAct("sonlai.tiepnhan", ret, "request-supplement", items) // returned at reception

	proc := add(e.submit(household, demo.GiaLamCode).Code)
	e.mustAct("gialam.tiepnhan", proc, "receive", nil) // processing at the commune

	sup := add(e.submit(household, demo.GiaLamCode).Code)
	e.mustAct("gialam.tiepnhan", sup, "receive", nil)
	e.mustAct("gialam.chuyenvien", sup, "request-supplement", items) // supplement requested

	ready := add(e.submit(certify, sonLai2022).Code)
	e.mustAct("sonlai.tiepnhan", ready, "receive", nil)
	e.mustAct("sonlai.chuyenvien", ready, "forward", nil)
	e.mustAct("sonlai.lanhdao", ready, "approve", nil) // result ready

	wd := add(e.submit(household, demo.GiaLamCode).Code)
	e.mustAct("gialam.tiepnhan", wd, "receive", nil)
	e.mustAct("congdan", wd, "withdraw", note("Không còn nhu cầu.")) // withdrawal requested

	p := e.procedure(household)
	in := submission(p, demo.GiaLamCode)
	in["competent_unit"] = giaThuy2022
	var tr dossierView
	e.must(e.call("congdan", "POST", "/api/v1/dossiers", in, &tr), 201)
	add(tr.Code)
	e.mustAct("gialam.tiepnhan", tr.Code, "receive", nil) // transferring to Gia Thủy

	// Gia Lâm holds parcels since the generated year (demo.Generate gives
	// a commune parcels for its land dossiers), so its transfers name
	// parcels the applicant holds: seedLand's 120 and 122.
	seedLand(e.t, e)
	transfer := func(number string) string {
		d, r := e.fileLand(landTransfer, map[string]any{"loai_bien_dong": "Chuyển nhượng", "so_to_ban_do": "5", "so_thua": number,
			"so_phat_hanh_gcn": "DA " + number + number, "ben_nhan_quyen": "Trần Thị Bình", "so_dinh_danh_ben_nhan": landBuyer})
		e.must(r, 201)
		return d.Code
	}
	received := add(transfer("120"))
	e.mustAct("gialam.tiepnhan", received, "receive", nil) // at the district's registration step
	paused := add(transfer("122"))
	d := e.mustAct("gialam.tiepnhan", paused, "receive", nil)
	d = e.toStep(d, "specialist")
	e.mustAct(officer("specialist", d.Unit), paused, "pause", map[string]any{"kind": "financial_obligation",
		"note": "Chờ nộp nghĩa vụ tài chính."}) // paused at the district

	// The district holds parcels too (it receives land dossiers in 2022).
	if _, err := e.app.Land.Import(e.t.Context(), []land.ParcelInput{{Commune: demo.DistrictCode, Sheet: "5", Number: "130", AreaDM2: 30000,
		LandUse: []string{"ONT"}, Geometry: land.Rect(0, 0, 30, 10), Holders: []land.Holder{{IDNumber: landApplicant, Name: "Nguyễn Văn An"}},
		Certificate: land.Certificate{Serial: "DA 130130", BookNumber: "CH00130"}}}, "test"); err != nil {
		e.t.Fatal(err)
	}
	in = submission(e.procedure(landTransfer), demo.DistrictCode)
	for k, v := range map[string]any{"loai_bien_dong": "Chuyển nhượng", "so_to_ban_do": "5", "so_thua": "130", "so_phat_hanh_gcn": "DA 130130",
		"ben_nhan_quyen": "Trần Thị Bình", "so_dinh_danh_ben_nhan": landBuyer} {
		in["form"].(map[string]any)[k] = v
	}
	var dd dossierView
	e.must(e.call("congdan", "POST", "/api/v1/dossiers", in, &dd), 201)
	for _, c := range e.procedure(landTransfer).Components {
		if c.Required {
			e.upload("congdan", dd.Code, c.Key, "scan.pdf", samplePDF)
		}
	}
	atDistrict := add(dd.Code)
	e.mustAct("huyen.tiepnhan", atDistrict, "receive", nil) // received at the district
	states := map[string]bool{}
	for _, c := range codes {
		states[e.get("congdan", c).Status] = true
	}
	for _, s := range []string{"submitted", "returned", "processing", "supplement_requested", "result_ready", "withdrawal_requested", "transferring"} {
		if !states[s] {
			e.t.Fatalf("no open dossier in state %s: %v", s, states)
		}
	}
	return codes
}

// row is what a plan may and may not change of a dossier.
type row struct {
	code, status                            string
	unit, receiving, competent, due, closed int64
}

func (e *env) dossierRows() map[string]row {
	e.t.Helper()
	rows, err := e.app.DB.QueryContext(e.t.Context(), `SELECT code, status, unit_id, receiving_unit_id,
		COALESCE(competent_unit_id, 0), COALESCE(due_at, 0), COALESCE(closed_at, 0) FROM dossiers`)
	if err != nil {
		e.t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]row{}
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.code, &r.status, &r.unit, &r.receiving, &r.competent, &r.due, &r.closed); err != nil {
			e.t.Fatal(err)
		}
		if _, dup := out[r.code]; dup {
			e.t.Fatalf("dossier %s twice", r.code)
		}
		out[r.code] = r
	}
	return out
}

// active is the set of units in force now.
func (e *env) active() map[int64]unit.Unit {
	e.t.Helper()
	all, err := e.app.Units.List(e.t.Context())
	if err != nil {
		e.t.Fatal(err)
	}
	out := map[int64]unit.Unit{}
	for _, u := range all {
		if u.Active {
			out[u.ID] = u
		}
	}
	return out
}

func (e *env) checkDossiers(t *testing.T, plan string, before, after map[string]row) {
	t.Helper()
	if len(after) != len(before) {
		t.Fatalf("%s: %d dossiers before, %d after", plan, len(before), len(after))
	}
	active := e.active()
	moved := 0
	for code, b := range before {
		a, ok := after[code]
		switch {
		case !ok:
			t.Fatalf("%s: dossier %s lost", plan, code)
		case a.status != b.status || a.due != b.due || a.closed != b.closed:
			t.Errorf("%s: dossier %s changed state or deadline: %+v → %+v", plan, code, b, a)
		case b.closed != 0 && (a.unit != b.unit || a.receiving != b.receiving):
			t.Errorf("%s: closed dossier %s moved: %+v → %+v", plan, code, b, a)
		case b.closed == 0:
			for _, id := range []int64{a.unit, a.receiving, a.competent} {
				if _, ok := active[id]; id != 0 && !ok {
					t.Errorf("%s: open dossier %s (%s) at unit %d, which is not in force", plan, code, a.status, id)
				}
			}
			if a.unit != b.unit {
				moved++
			}
		}
	}
	if moved == 0 {
		t.Errorf("%s moved no open dossier", plan)
	}
}

// roleRows lists every (user, role, unit) held.
func (e *env) roleRows() [][2]int64 {
	e.t.Helper()
	rows, err := e.app.DB.QueryContext(e.t.Context(), `SELECT user_id, unit_id FROM user_roles`)
	if err != nil {
		e.t.Fatal(err)
	}
	defer rows.Close()
	var out [][2]int64
	for rows.Next() {
		var r [2]int64
		if err := rows.Scan(&r[0], &r[1]); err != nil {
			e.t.Fatal(err)
		}
		out = append(out, r)
	}
	return out
}

// checkRoles: every officer who held a role at a unit the plan ended
// holds a role at a unit in force.
func (e *env) checkRoles(t *testing.T, plan string, before [][2]int64) {
	t.Helper()
	active := e.active()
	now := map[int64]bool{}
	for _, r := range e.roleRows() {
		if _, ok := active[r[1]]; ok {
			now[r[0]] = true
		}
	}
	ended := 0
	for _, r := range before {
		if _, ok := active[r[1]]; ok {
			continue
		}
		ended++
		if !now[r[0]] {
			t.Errorf("%s: user %d held a role at unit %d, which ended, and holds none at a unit in force", plan, r[0], r[1])
		}
	}
	if ended == 0 {
		t.Errorf("%s ended no unit that held roles", plan)
	}
}

func (e *env) counts(t *testing.T, from, to time.Time, rollUp bool) []report.Count {
	t.Helper()
	rows, err := e.app.Reports.Counts(t.Context(), from, to, report.CountOptions{Judge: e.app.Calendar.Current(), RollUp: rollUp,
		At: e.clock.Now()})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if !r.Balanced() {
			t.Errorf("unbalanced row %+v", r)
		}
	}
	return rows
}

func sameCounts(a, b []report.Count) bool {
	return fmt.Sprint(a) == fmt.Sprint(b)
}

// digest sums up everything a plan may change.
func (e *env) digest() string {
	e.t.Helper()
	h := sha256.New()
	for _, q := range []string{
		`SELECT id, code, name, level, kind, stat_code, COALESCE(parent_id, 0), COALESCE(merged_into, 0), active, valid_from, COALESCE(valid_to, 0) FROM units ORDER BY id`,
		`SELECT id, unit_id, code, name, COALESCE(parent_id, 0), valid_from, COALESCE(valid_to, 0), reason FROM unit_history ORDER BY id`,
		`SELECT id, unit_id, area_id, valid_from, COALESCE(valid_to, 0) FROM unit_areas ORDER BY id`,
		`SELECT id, plan, procedure, from_level, to_level, to_kind FROM unit_competence ORDER BY id`,
		`SELECT id, unit_id, receiving_unit_id, COALESCE(competent_unit_id, 0), COALESCE(assignee_id, 0), status, version FROM dossiers ORDER BY id`,
		`SELECT user_id, unit_id, role FROM user_roles ORDER BY user_id, unit_id, role`,
		`SELECT unit_id, series, year, n FROM form_counters ORDER BY unit_id, series, year`,
		`SELECT id, state FROM reorg_plans ORDER BY id`,
		`SELECT COUNT(*) FROM audit_entries`,
	} {
		rows, err := e.app.DB.QueryContext(e.t.Context(), q)
		if err != nil {
			e.t.Fatal(err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				e.t.Fatal(err)
			}
			fmt.Fprintln(h, vals...)
		}
		rows.Close()
	}
	return hex.EncodeToString(h.Sum(nil))
}

// checkTwoTier: after both plans the district is gone, the land dossiers
// left at its registration step are at the land registration branch, Gia
// Lâm's desk officer receives at the new commune's service centre, and
// the receipt register numbered at old Gia Lâm continues there.
func (e *env) checkTwoTier(t *testing.T, open []string, between string) {
	t.Helper()
	active := e.active()
	for _, u := range active {
		if u.Level == unit.District {
			t.Errorf("district %s %s still in force", u.Code, u.Name)
		}
	}
	land := 0
	for _, c := range open {
		d := e.get("congdan", c)
		if d.Status == "processing" && strings.HasPrefix(d.StepRole, "specialist") && e.procedureOf(c) == landTransfer {
			u, err := e.app.Units.ByCode(t.Context(), d.Unit)
			if err != nil || u.Kind != unit.LandBranch {
				t.Errorf("land dossier %s at a registration step is at %s (%s), want the land registration branch", c, d.Unit, u.Kind)
			}
			land++
		}
	}
	if land == 0 {
		t.Error("no land dossier at a registration step to check")
	}
	d := e.get("gialam.tiepnhan", between)
	desk, err := e.app.Units.ByCode(t.Context(), d.ReceivingUnit)
	if err != nil || desk.Kind != unit.Centre {
		t.Fatalf("Gia Lâm's dossier's desk is %s (%s), want the new commune's service centre", d.ReceivingUnit, desk.Kind)
	}
	var old, now int64
	if err := e.app.DB.QueryRowContext(t.Context(), `SELECT COALESCE(MAX(c.n), 0) FROM form_counters c JOIN units u ON u.id = c.unit_id
		WHERE u.code = ? AND c.year = 2025`, demo.GiaLamCode).Scan(&old); err != nil {
		t.Fatal(err)
	}
	if err := e.app.DB.QueryRowContext(t.Context(), `SELECT COALESCE(MAX(n), 0) FROM form_counters WHERE unit_id = ? AND year = 2025`,
		desk.ID).Scan(&now); err != nil {
		t.Fatal(err)
	}
	if old == 0 || now < old {
		t.Errorf("receipt register of 2025: old Gia Lâm reached %d, the new desk continues from %d", old, now)
	}
}

func (e *env) procedureOf(code string) string {
	var p string
	if err := e.app.DB.QueryRowContext(e.t.Context(), `SELECT procedure_code FROM dossiers WHERE code = ?`, code).Scan(&p); err != nil {
		e.t.Fatal(err)
	}
	return p
}
