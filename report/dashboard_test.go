package report_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/motcua/motcua/calendar"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/report"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
	"github.com/motcua/motcua/unit"
)

// clockCal counts every hour as a working hour and judges to the minute:
// the figures below are then plain arithmetic on the dates.
type clockCal struct{}

func (clockCal) WorkingBetween(a, b time.Time) time.Duration { return max(0, b.Sub(a)) }
func (clockCal) Judge(due, finish time.Time) calendar.Timeliness {
	if finish.After(due) {
		return calendar.Late
	}
	return calendar.Early
}

// TestDashboardReads: province P with communes A and B, and province X
// beside it. The dashboard of P sees A's and B's dossiers month by month
// and unit by unit, B's overdue dossier, the step that made A's late and
// A's rating — and nothing of X.
func TestDashboardReads(t *testing.T) {
	const pCode, xCode, xaCode = "000.00.00.H41", "000.00.00.H42", "000.09.09.H42"
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		units := unit.New(db, unit.Config{Now: func() time.Time { return at(t, "2024-01-01 00:00") }})
		ids := map[string]int64{}
		err := db.InTx(ctx, func(tx *store.Tx) error {
			for _, u := range []struct {
				u      unit.Unit
				parent string
			}{
				{unit.Unit{Code: pCode, Name: "UBND tỉnh P", Level: unit.Province}, ""},
				{unit.Unit{Code: aCode, Name: "UBND xã A", Level: unit.Commune}, pCode},
				{unit.Unit{Code: bCode, Name: "UBND xã B", Level: unit.Commune}, pCode},
				{unit.Unit{Code: xCode, Name: "UBND tỉnh X", Level: unit.Province}, ""},
				{unit.Unit{Code: xaCode, Name: "UBND xã XA", Level: unit.Commune}, xCode},
			} {
				got, err := units.Create(ctx, tx, u.u, u.parent)
				if err != nil {
					return err
				}
				ids[got.Code] = got.ID
			}
			for _, code := range []string{"1.000001", "1.000002"} {
				if _, err := tx.ExecContext(ctx, `INSERT INTO procedure_versions (code, version, body, created_at)
					VALUES (?, 1, '{"name":"Thủ tục thử","steps":[{"name":"Thẩm định"}]}', 0)`, code); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		A, B, XA := aCode, bCode, xaCode
		mkDossier(t, db, ids, 1, "counter", []ev{ // early in January
			{"2025-01-10 09:00", "submit", "submitted", "", A, ""},
			{"2025-01-10 09:10", "receive", "processing", A, A, "2025-01-20 17:00"},
			{"2025-01-15 10:00", "approve", "result_ready", A, A, ""}})
		mkDossier(t, db, ids, 2, "online", []ev{ // late in February, made late at its examination
			{"2025-01-25 09:00", "submit", "submitted", "", A, ""},
			{"2025-01-25 10:00", "receive", "processing", A, A, "2025-02-05 17:00"},
			{"2025-02-10 10:00", "approve", "result_ready", A, A, ""}})
		mkDossier(t, db, ids, 3, "online", []ev{ // open and past due at the end of February
			{"2025-02-03 09:00", "submit", "submitted", "", B, ""},
			{"2025-02-03 10:00", "receive", "processing", B, B, "2025-02-20 17:00"}})
		mkDossier(t, db, ids, 4, "counter", []ev{ // another province's
			{"2025-01-12 09:00", "submit", "submitted", "", XA, ""},
			{"2025-01-12 10:00", "receive", "processing", XA, XA, "2025-01-14 17:00"}})
		if _, err := db.ExecContext(ctx, `UPDATE dossiers SET due_at = ? WHERE code = 'T-0003'`, at(t, "2025-02-20 17:00").UnixMilli()); err != nil {
			t.Fatal(err)
		}
		if _, err := db.ExecContext(ctx, `UPDATE dossiers SET due_at = ? WHERE code = 'T-0004'`, at(t, "2025-01-14 17:00").UnixMilli()); err != nil {
			t.Fatal(err)
		}
		for _, r := range []struct{ code, score, at string }{{"T-0001", "satisfied", "2025-01-16 08:00"}, {"T-0004", "not_satisfied", "2025-01-16 08:00"}} {
			if _, err := db.ExecContext(ctx, `INSERT INTO ratings (dossier_id, score, created_at) SELECT id, ?, ? FROM dossiers WHERE code = ?`,
				r.score, at(t, r.at).UnixMilli(), r.code); err != nil {
				t.Fatal(err)
			}
		}

		r := report.New(db)
		jan, feb, mar := at(t, "2025-01-01 00:00"), at(t, "2025-02-01 00:00"), at(t, "2025-03-01 00:00")
		sc, err := r.ScopeAt(ctx, pCode, mar)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := r.ScopeAt(ctx, "không-có", mar); !errors.Is(err, problem.ErrNotFound) {
			t.Errorf("an unknown unit's scope: %v, want not found", err)
		}

		t.Run("trend by month", func(t *testing.T) {
			months, err := r.Trend(ctx, sc, jan, mar, clockCal{})
			if err != nil {
				t.Fatal(err)
			}
			want := []report.Count{
				{NewOnline: 1, NewCounter: 1, Received: 2, Resolved: 1, Early: 1, InProgress: 1, Within: 1},
				{Carried: 1, NewOnline: 1, Received: 2, Resolved: 1, Late: 1, InProgress: 1, Overdue: 1},
			}
			if len(months) != 2 || !months[0].Start.Equal(jan) || !months[1].Start.Equal(feb) {
				t.Fatalf("months %+v", months)
			}
			for i, m := range months {
				if m.Count != want[i] {
					t.Errorf("month %d:\n got %+v\nwant %+v", i+1, m.Count, want[i])
				}
			}
			// Each month is Counts of that month summed over P's units.
			for i, m := range months {
				end := mar
				if i == 0 {
					end = feb
				}
				rows, err := r.Counts(ctx, m.Start, end, report.CountOptions{Judge: clockCal{}})
				if err != nil {
					t.Fatal(err)
				}
				var inP []report.Count
				for _, row := range rows {
					if row.Code != xaCode {
						inP = append(inP, row)
					}
				}
				if tot := report.Total(inP); tot != m.Count {
					t.Errorf("month %d is %+v, Counts says %+v", i+1, m.Count, tot)
				}
			}
			if _, err := r.Trend(ctx, sc, jan, jan.AddDate(4, 0, 0), nil); !errors.Is(err, problem.ErrInvalid) {
				t.Errorf("a four-year trend: %v, want invalid", err)
			}
		})

		t.Run("by unit below P", func(t *testing.T) {
			rows, err := r.ByChild(ctx, sc, jan, mar, clockCal{})
			if err != nil {
				t.Fatal(err)
			}
			want := []report.Count{
				{Code: aCode, Name: "UBND xã A", NewOnline: 1, NewCounter: 1, Received: 2, Resolved: 2, Early: 1, Late: 1},
				{Code: bCode, Name: "UBND xã B", NewOnline: 1, Received: 1, InProgress: 1, Overdue: 1},
			}
			if len(rows) != len(want) {
				t.Fatalf("rows %+v", rows)
			}
			for i := range rows {
				g := rows[i]
				g.UnitID, g.Level, g.Kind = 0, "", ""
				if g != want[i] {
					t.Errorf("row %d:\n got %+v\nwant %+v", i, g, want[i])
				}
			}
			if rate, ok := rows[0].OnTimeRate(); !ok || rate != 50 {
				t.Errorf("A on time %v %v, want 50%%", rate, ok)
			}
			if _, ok := rows[1].OnTimeRate(); ok {
				t.Error("B resolved nothing yet has an on-time rate")
			}
			share, _ := report.Total(rows).OnlineShare()
			if share < 66.6 || share > 66.7 {
				t.Errorf("online share %v, want two of three", share)
			}
		})

		t.Run("overdue list", func(t *testing.T) {
			late, err := r.Overdue(ctx, sc, mar, clockCal{}, 50)
			if err != nil {
				t.Fatal(err)
			}
			if len(late) != 1 {
				t.Fatalf("overdue %+v, want B's one", late)
			}
			l := late[0]
			// 20 Feb 17:00 to 1 Mar 00:00: 8 days and 7 hours, 25 days of 8 hours.
			if l.Code != "T-0003" || l.Unit != "UBND xã B" || l.Step != "Thẩm định" || l.HoursLate != 199 || l.DaysLate != 25 {
				t.Errorf("overdue %+v", l)
			}
			if none, _ := r.Overdue(ctx, sc, at(t, "2025-02-20 16:00"), clockCal{}, 50); len(none) != 0 {
				t.Errorf("overdue before its due: %+v", none)
			}
		})

		t.Run("bottleneck steps", func(t *testing.T) {
			bs, err := r.Bottlenecks(ctx, sc, jan, mar, clockCal{})
			if err != nil {
				t.Fatal(err)
			}
			if len(bs) != 1 || bs[0].Step != "Thẩm định" || bs[0].Stays != 2 || bs[0].Late != 1 {
				t.Fatalf("bottlenecks %+v", bs)
			}
			// 15 Jan 10:00 − 10 Jan 09:10 and 10 Feb − 25 Jan.
			if bs[0].MedianHours != 384 || bs[0].P90Hours != 384 {
				t.Errorf("hours %+v", bs[0])
			}
		})

		t.Run("satisfaction", func(t *testing.T) {
			s, err := r.Satisfaction(ctx, sc, jan, mar)
			if err != nil {
				t.Fatal(err)
			}
			if s.Total != 1 || s.Satisfied != 1 {
				t.Errorf("ratings %+v, want A's one", s)
			}
			if rate, _ := s.SatisfiedRate(); rate != 100 {
				t.Errorf("satisfied %v%%", rate)
			}
		})

		t.Run("by procedure", func(t *testing.T) {
			procs, err := r.ByProcedure(ctx, sc, jan, mar, clockCal{})
			if err != nil {
				t.Fatal(err)
			}
			// T-0001 and T-0003 are 1.000002, T-0002 is 1.000001.
			if p := procs["1.000002"]; p.Received != 2 || p.Online != 1 || p.Resolved != 1 || p.OnTime != 1 {
				t.Errorf("1.000002: %+v", p)
			}
			if p := procs["1.000001"]; p.Received != 1 || p.Online != 1 || p.Resolved != 1 || p.OnTime != 0 {
				t.Errorf("1.000001: %+v", p)
			}
		})
	})
}
