package report_test

import (
	"context"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/calendar"
	"github.com/motcua/motcua/report"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
	"github.com/motcua/motcua/unit"
)

const (
	qCode = "000.00.00.H41" // another province
	xCode = "000.09.09.H41"
)

// scoreWorld is June 2025 in province P (communes A and B) and, outside
// it, commune X of province Q. Each dossier's part in the scorecard is
// said beside it; the expected figures below are counted from these notes.
func scoreWorld(t *testing.T, db *store.DB) map[string]int64 {
	t.Helper()
	ctx := context.Background()
	units := unit.New(db, unit.Config{Now: func() time.Time { return at(t, "2025-01-01 00:00") }})
	ids := map[string]int64{}
	err := db.InTx(ctx, func(tx *store.Tx) error {
		for _, u := range []struct {
			u      unit.Unit
			parent string
		}{
			{unit.Unit{Code: provCode, Name: "UBND tỉnh P", Level: unit.Province}, ""},
			{unit.Unit{Code: aCode, Name: "UBND xã A", Level: unit.Commune}, provCode},
			{unit.Unit{Code: bCode, Name: "UBND xã B", Level: unit.Commune}, provCode},
			{unit.Unit{Code: qCode, Name: "UBND tỉnh Q", Level: unit.Province}, ""},
			{unit.Unit{Code: xCode, Name: "UBND xã X", Level: unit.Commune}, qCode},
		} {
			got, err := units.Create(ctx, tx, u.u, u.parent)
			if err != nil {
				return err
			}
			ids[got.Code] = got.ID
		}
		// The catalog: mkDossier files even-numbered dossiers under
		// 1.000001 and odd ones under 1.000002.
		for _, p := range []struct{ code, levels, online string }{
			{"1.000001", "commune", "full"},
			{"1.000002", "commune", "none"},
			{"1.000003", "province", "partial"},
			{"1.000004", "district", "full"},
		} {
			if _, err := tx.ExecContext(ctx, `INSERT INTO procedures (code, version, name, field, field_code, levels, online, search)
				VALUES (?, 1, ?, 'Hộ tịch', 'HT', ?, ?, '')`, p.code, "Thủ tục "+p.code, p.levels, p.online); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	A, B, X := aCode, bCode, xCode
	mkDossier(t, db, ids, 1, "counter", []ev{ // early; result file; 18 working hours
		{"2025-06-02 07:50", "submit", "submitted", "", A, ""},
		{"2025-06-02 08:00", "receive", "processing", A, A, "2025-06-06 17:00"},
		{"2025-06-04 10:00", "approve", "result_ready", A, A, ""}})
	mkDossier(t, db, ids, 2, "online", []ev{ // on time (the due day); rated not satisfied; paid online; 17 h
		{"2025-06-03 08:00", "submit", "submitted", "", A, ""},
		{"2025-06-03 09:00", "receive", "processing", A, A, "2025-06-05 17:00"},
		{"2025-06-05 10:00", "approve", "result_ready", A, A, ""}})
	mkDossier(t, db, ids, 3, "online", []ev{ // late; result file; paid in cash; 26 h
		{"2025-06-09 07:40", "submit", "submitted", "", A, ""},
		{"2025-06-09 08:00", "receive", "processing", A, A, "2025-06-10 17:00"},
		{"2025-06-12 10:00", "approve", "result_ready", A, A, ""}})
	mkDossier(t, db, ids, 4, "counter", []ev{ // in progress, past its deadline at the end of June
		{"2025-06-20 08:00", "submit", "submitted", "", A, ""},
		{"2025-06-20 08:10", "receive", "processing", A, A, "2025-06-27 17:00"}})
	mkDossier(t, db, ids, 5, "online", []ev{ // in progress within its deadline
		{"2025-06-25 08:00", "submit", "submitted", "", A, ""},
		{"2025-06-25 08:10", "receive", "processing", A, A, "2025-07-10 17:00"}})
	mkDossier(t, db, ids, 6, "counter", []ev{ // received, then withdrawn: neither resolved nor in progress
		{"2025-06-05 08:00", "submit", "submitted", "", A, ""},
		{"2025-06-05 08:10", "receive", "processing", A, A, "2025-06-20 17:00"},
		{"2025-06-10 10:00", "acknowledge-withdrawal", "withdrawn", A, A, ""}})
	mkDossier(t, db, ids, 7, "online", []ev{ // at B: early, result file
		{"2025-06-02 08:00", "submit", "submitted", "", B, ""},
		{"2025-06-02 08:30", "receive", "processing", B, B, "2025-06-06 17:00"},
		{"2025-06-03 10:00", "approve", "result_ready", B, B, ""}})
	mkDossier(t, db, ids, 8, "online", []ev{ // at X, outside P: late, counted only in Q
		{"2025-06-02 08:00", "submit", "submitted", "", X, ""},
		{"2025-06-02 08:30", "receive", "processing", X, X, "2025-06-03 17:00"},
		{"2025-06-13 10:00", "approve", "result_ready", X, X, ""}})
	mkDossier(t, db, ids, 9, "online", []ev{ // resolved in May: outside the period
		{"2025-05-02 08:00", "submit", "submitted", "", A, ""},
		{"2025-05-02 08:30", "receive", "processing", A, A, "2025-05-06 17:00"},
		{"2025-05-05 10:00", "approve", "result_ready", A, A, ""}})
	err = db.InTx(ctx, func(tx *store.Tx) error {
		for _, q := range []string{
			`INSERT INTO dossier_files (dossier_id, component, kind, name, content_type, size, sha256, uploaded_at)
				SELECT id, 'result', 'result', 'kq.pdf', 'application/pdf', 1, 'x', 0 FROM dossiers WHERE code IN ('T-0001', 'T-0003', 'T-0007')`,
			`INSERT INTO ratings (dossier_id, score, created_at) SELECT id, 'not_satisfied', 0 FROM dossiers WHERE code = 'T-0002'`,
			`INSERT INTO ratings (dossier_id, score, created_at) SELECT id, 'very_satisfied', 0 FROM dossiers WHERE code = 'T-0001'`,
			`INSERT INTO payments (ref, dossier_code, unit_code, unit_name, state, gateway, amount, lines, payer_name, created_at, paid_at, updated_at)
				VALUES ('R1', 'T-0002', '', '', 'paid', 'vnpay', 50000, '[]', 'A', 0, 1, 0),
				('R2', 'T-0003', '', '', 'paid', 'cash', 20000, '[]', 'A', 0, 1, 0),
				('R3', 'T-0005', '', '', 'requested', '', 20000, '[]', 'A', 0, NULL, 0)`,
			// Digitisation (package sohoa): components of 1, 2, 3 and 4
			// digitised; result codes for 1 and 3 (2's result has none), and
			// for 7 at B; 1's and 7's results went to a data store (a holder),
			// 3's did not; 5 reused 1's paper.
			`INSERT INTO sohoa_papers (code, kind, dossier_id, dossier_code, procedure_code, procedure_name, component, file_id, name,
				content_type, size, sha256, unit_id, holder_user_id, holder_id_number, holder_name, search, by_name, at)
				SELECT 'TP.' || code, 'component', id, code, procedure_code, '', 'c1', id, 'a.pdf', 'application/pdf', 1, 'x', unit_id, NULL, '', '', '', '', 0
				FROM dossiers WHERE code IN ('T-0001', 'T-0002', 'T-0003', 'T-0004')`,
			`INSERT INTO sohoa_papers (code, kind, dossier_id, dossier_code, procedure_code, procedure_name, component, file_id, name,
				content_type, size, sha256, unit_id, holder_user_id, holder_id_number, holder_name, search, by_name, at)
				SELECT 'KQ.' || code, 'result', id, code, procedure_code, '', 'result', 1000 + id, 'kq.pdf', 'application/pdf', 1, 'x', unit_id,
				NULL, CASE WHEN code = 'T-0003' THEN '' ELSE '037085001234' END, '', '', '', 0
				FROM dossiers WHERE code IN ('T-0001', 'T-0003', 'T-0007')`,
			`INSERT INTO sohoa_reuses (paper_id, dossier_id, dossier_code, component, file_id, by_name, at)
				SELECT p.id, d.id, d.code, 'c1', 9999, '', 0 FROM sohoa_papers p, dossiers d WHERE p.code = 'TP.T-0001' AND d.code = 'T-0005'`,
			// The national portal (package dvcqg) holds all of 1, 2 and 3;
			// 4 is known to it but a call is still waiting.
			`INSERT INTO dvcqg_sync (dossier_id, ma_ho_so, receiving_unit_id, unit_id, synced, received_at, updated_at)
				SELECT id, code, unit_id, unit_id, CASE WHEN code = 'T-0004' THEN 0 ELSE 1 END, 0, 0
				FROM dossiers WHERE code IN ('T-0001', 'T-0002', 'T-0003', 'T-0004')`,
		} {
			if _, err := tx.ExecContext(ctx, q); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

// want is an indicator's expected figures: numerator/denominator and
// score, or the reason it is not computable.
type want struct {
	num, den int64
	score    float64
	reason   string
}

// TestScorecard: the scorecard of commune A, of province P (A and B) and
// of commune B, each figure counted by hand from scoreWorld's notes.
func TestScorecard(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		scoreWorld(t, db)
		r := report.New(db)
		cal := calendar.New(calendar.Options{})
		june, july := at(t, "2025-06-01 00:00"), at(t, "2025-07-01 00:00")
		held := func(what string) want { return want{reason: "no_data_held:" + what} }
		none := want{reason: "no_data_in_period"}
		cases := []struct {
			unit              string
			score, computable float64
			ind               map[string]want
			avgHours          float64
		}{
			{aCode, 40.13, 68, map[string]want{
				"1.1": held("announcements"),
				// Of 1 to 6 received, the portal holds 1, 2 and 3 entirely.
				"1.4": {3, 6, 3, ""},
				// 1, 2, 3 resolved, 4 and 5 in progress; 1 early, 2 on time, 5 within.
				"2.1": {3, 5, 12, ""},
				// A is a commune: 1.000001 (online) and 1.000002 (not).
				"3.1": {1, 2, 2.5, ""},
				// 1.000001 had an online dossier (2).
				"3.2": {1, 1, 4, ""},
				// 1 to 6 received in June, 2, 3 and 5 online.
				"3.3": {3, 6, 4, ""},
				// 1 and 3 of the resolved 1, 2, 3 have a result file.
				"4.1": {2, 3, 4, ""},
				// Of 1 to 6 received: 1 and 3 digitised with result codes, 4
				// digitised and in progress; 2 resolved without a result code.
				"4.2": {3, 6, 2.5, ""},
				// 5 reused 1's paper.
				"4.3": {1, 6, 0.83, ""},
				// Of 1, 2, 3 resolved, 1's result went to a store.
				"4.4": {1, 3, 1.33, ""},
				"4.5": held("population_database"),
				// 2 paid online, 3 in cash; 5's fee is unpaid.
				"5.1": held("payment_platform_sync"), "5.2": {1, 2, 3.75, ""},
				// Of 1, 2, 3: 2 rated not satisfied, 3 late.
				"6.1": held("complaints"), "6.2": {1, 3, 2.22, ""},
			}, 61.0 / 3},
			{provCode, 0, 68, map[string]want{
				"1.4": {3, 7, 2.57, ""},
				"2.1": {4, 6, 13.33, ""},
				// The province level adds 1.000003 (partial online, no dossier).
				"3.1": {2, 3, 3.33, ""}, "3.2": {1, 2, 2, ""},
				"3.3": {4, 7, 4, ""}, "4.1": {3, 4, 4.5, ""}, "6.2": {2, 4, 3.33, ""},
				// 7 at B: received, not digitised, its result stored.
				"4.2": {3, 7, 2.14, ""}, "4.3": {1, 7, 0.71, ""}, "4.4": {2, 4, 2, ""},
			}, (61.0 + 9.5) / 4}, // 7: 06-02 08:30 to 06-03 10:00 is 7 + 2.5 h
			{bCode, 0, 62, map[string]want{
				"1.4": {0, 1, 0, ""},
				"2.1": {1, 1, 20, ""}, "5.2": none, "6.2": {1, 1, 6, ""},
				"4.2": {0, 1, 0, ""}, "4.3": {0, 1, 0, ""}, "4.4": {1, 1, 4, ""},
			}, 9.5},
		}
		for _, c := range cases {
			t.Run(c.unit, func(t *testing.T) {
				sc, err := r.Scorecard(ctx, c.unit, june, july, cal)
				if err != nil {
					t.Fatal(err)
				}
				if sc.Max != 100 || len(sc.Groups) != 6 {
					t.Fatalf("max %v over %d groups, want 100 over 6", sc.Max, len(sc.Groups))
				}
				if sc.Computable != c.computable {
					t.Errorf("computable points %v, want %v", sc.Computable, c.computable)
				}
				if c.score != 0 && math.Abs(sc.Score-c.score) > 0.005 {
					t.Errorf("score %v, want %v", sc.Score, c.score)
				}
				got := map[string]report.Indicator{}
				var sum, groupMax float64
				for _, g := range sc.Groups {
					var gs, gm float64
					for _, in := range g.Indicators {
						got[in.Key] = in
						gm += in.Max
						if in.Computable {
							gs += in.Score
						} else if in.Reason == "" || in.Score != 0 {
							t.Errorf("%s: not computable without a reason, or scored %v", in.Key, in.Score)
						}
					}
					if gm != g.Max {
						t.Errorf("group %s: indicators' points %v, the group's %v", g.Key, gm, g.Max)
					}
					if math.Abs(gs-g.Score) > 1e-9 {
						t.Errorf("group %s scores %v, its indicators %v", g.Key, g.Score, gs)
					}
					sum += g.Score
					groupMax += g.Max
				}
				if math.Abs(sum-sc.Score) > 1e-9 || groupMax != 100 {
					t.Errorf("groups sum to %v of %v, the scorecard says %v", sum, groupMax, sc.Score)
				}
				for key, w := range c.ind {
					in, ok := got[key]
					switch {
					case !ok:
						t.Errorf("%s missing", key)
					case w.reason != "":
						if in.Computable || in.Reason != w.reason {
							t.Errorf("%s: computable %v, reason %q; want not computable, %q", key, in.Computable, in.Reason, w.reason)
						}
					case !in.Computable || in.Numerator != w.num || in.Denominator != w.den || math.Abs(in.Score-w.score) > 0.005:
						t.Errorf("%s: %d/%d scored %v (computable %v, %s); want %d/%d scored %v",
							key, in.Numerator, in.Denominator, in.Score, in.Computable, in.Reason, w.num, w.den, w.score)
					}
				}
				if avg := got["2.2"]; !avg.Computable || avg.Unit != "hours" || math.Abs(avg.Value-c.avgHours) > 1e-9 || avg.Max != 0 {
					t.Errorf("2.2: %+v, want an average of %v working hours for information", avg, c.avgHours)
				}
				for _, key := range []string{"1.1", "1.2", "1.3", "4.5", "5.1", "6.1"} {
					if in := got[key]; in.Computable || !strings.HasPrefix(in.Reason, "no_data_held:") {
						t.Errorf("%s needs data motcua does not hold, yet: %+v", key, in)
					}
				}
			})
		}
		if _, err := r.Scorecard(ctx, "000.77.77.H40", june, july, cal); err == nil {
			t.Error("a unit that does not exist was scored")
		}
		if _, err := r.Scorecard(ctx, aCode, july, june, cal); err == nil {
			t.Error("a period ending before it starts was scored")
		}
	})
}

// TestScoreDossiersMatchTheScorecard: for every dossier indicator of every
// unit, the drill-down lists the denominator's dossiers, as many counted
// as the scorecard's numerator, and its pages put together are the list.
func TestScoreDossiersMatchTheScorecard(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		scoreWorld(t, db)
		r := report.New(db)
		cal := calendar.New(calendar.Options{})
		june, july := at(t, "2025-06-01 00:00"), at(t, "2025-07-01 00:00")
		checked := 0
		for _, u := range []string{aCode, bCode, provCode, qCode} {
			sc, err := r.Scorecard(ctx, u, june, july, cal)
			if err != nil {
				t.Fatal(err)
			}
			for _, g := range sc.Groups {
				for _, in := range g.Indicators {
					if !in.Dossiers || !in.Computable {
						continue
					}
					all, err := r.ScoreDossiers(ctx, u, june, july, in.Key, cal, report.ScoreFilter{Limit: 500})
					if err != nil {
						t.Fatal(err)
					}
					var counted int64
					for _, d := range all.Dossiers {
						if d.Counted {
							counted++
						}
					}
					if int64(len(all.Dossiers)) != in.Denominator || counted != in.Numerator ||
						all.Numerator != in.Numerator || all.Denominator != in.Denominator {
						t.Errorf("%s %s: listed %d, %d counted; scorecard %d/%d", u, in.Key, len(all.Dossiers), counted, in.Numerator, in.Denominator)
					}
					var paged []report.ScoreDossier
					for off := 0; off < len(all.Dossiers)+2; off += 2 {
						p, err := r.ScoreDossiers(ctx, u, june, july, in.Key, cal, report.ScoreFilter{Offset: off, Limit: 2})
						if err != nil {
							t.Fatal(err)
						}
						paged = append(paged, p.Dossiers...)
					}
					for i := range paged {
						if i >= len(all.Dossiers) || paged[i].Code != all.Dossiers[i].Code {
							t.Fatalf("%s %s: page entry %d is %+v, not the list's", u, in.Key, i, paged[i])
						}
					}
					if len(paged) != len(all.Dossiers) {
						t.Errorf("%s %s: pages hold %d, the list %d", u, in.Key, len(paged), len(all.Dossiers))
					}
					yes := true
					only, err := r.ScoreDossiers(ctx, u, june, july, in.Key, cal, report.ScoreFilter{Only: &yes})
					if err != nil {
						t.Fatal(err)
					}
					if int64(len(only.Dossiers)) != in.Numerator {
						t.Errorf("%s %s: %d listed as counted, numerator %d", u, in.Key, len(only.Dossiers), in.Numerator)
					}
					checked++
				}
			}
		}
		if checked < 12 {
			t.Errorf("only %d indicator lists checked", checked)
		}
		// The late dossier at A is listed for on time, not counted, with its dates.
		p, err := r.ScoreDossiers(ctx, aCode, june, july, "2.1", cal, report.ScoreFilter{})
		if err != nil {
			t.Fatal(err)
		}
		var late *report.ScoreDossier
		for i := range p.Dossiers {
			if p.Dossiers[i].Code == "T-0003" {
				late = &p.Dossiers[i]
			}
		}
		if late == nil || late.Counted || late.Due == nil || !late.Due.Equal(at(t, "2025-06-10 17:00")) ||
			late.Finished == nil || !late.Finished.Equal(at(t, "2025-06-12 10:00")) || late.ProcedureName != "Thủ tục 1.000002" {
			t.Errorf("the late dossier: %+v", late)
		}
		for _, bad := range []struct{ key, code string }{{"9.9", "indicator_not_found"}, {"1.1", "indicator_no_dossiers"}, {"3.1", "indicator_no_dossiers"}} {
			if _, err := r.ScoreDossiers(ctx, aCode, june, july, bad.key, cal, report.ScoreFilter{}); err == nil || !strings.Contains(err.Error(), bad.code) {
				t.Errorf("%s: %v, want %s", bad.key, err, bad.code)
			}
		}
	})
}
