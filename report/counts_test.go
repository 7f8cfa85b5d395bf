package report_test

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/event"
	"github.com/motcua/motcua/report"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
	"github.com/motcua/motcua/unit"
)

const (
	provCode = "000.00.00.H40"
	aCode    = "000.01.01.H40"
	bCode    = "000.02.02.H40"
	cCode    = "000.03.03.H40"
)

// at is an instant "YYYY-MM-DD HH:MM" in Vietnam.
func at(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.ParseInLocation("2006-01-02 15:04", s, unit.Vietnam)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// ev is one act of a test dossier; unit codes name where it was and went.
type ev struct {
	at, action, to, fromUnit, toUnit, due string
}

// mkDossier writes a dossier and its history as dossier.Service would
// have (the report reads them; it is not the report's to write them).
func mkDossier(t *testing.T, db *store.DB, ids map[string]int64, n int, channel string, events []ev) {
	t.Helper()
	ctx := context.Background()
	ms := func(s string) any {
		if s == "" {
			return nil
		}
		return at(t, s).UnixMilli()
	}
	unitOf := func(code string) any {
		if code == "" {
			return nil
		}
		return ids[code]
	}
	first, last := events[0], events[len(events)-1]
	var received, closed any
	for _, e := range events {
		if e.action == "receive" && received == nil {
			received = ms(e.at)
		}
	}
	switch dossier.State(last.to) {
	case dossier.Delivered, dossier.Refused, dossier.Withdrawn, dossier.Stopped:
		closed = ms(last.at)
	}
	err := db.InTx(ctx, func(tx *store.Tx) error {
		var id int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO dossiers (code, procedure_code, procedure_version, receiving_unit_id, unit_id,
			channel, status, applicant_name, search, form, delivery, submitted_at, received_at, closed_at, updated_at)
			VALUES (?, ?, 1, ?, ?, ?, ?, 'Nguyễn Văn A', '', '{}', 'counter', ?, ?, ?, ?) RETURNING id`,
			fmt.Sprintf("T-%04d", n), fmt.Sprintf("1.00000%d", 1+n%2), ids[first.toUnit], ids[last.toUnit], channel, last.to, ms(first.at), received, closed,
			ms(last.at)).Scan(&id); err != nil {
			return err
		}
		from := ""
		for _, e := range events {
			if _, err := tx.ExecContext(ctx, `INSERT INTO dossier_events (dossier_id, at, actor_name, actor_role, action,
				from_status, to_status, from_step, to_step, from_unit_id, to_unit_id, due_at)
				VALUES (?, ?, 'Cán bộ', 'reception', ?, ?, ?, 0, 0, ?, ?, ?)`,
				id, ms(e.at), e.action, from, e.to, unitOf(e.fromUnit), unitOf(e.toUnit), ms(e.due)); err != nil {
				return err
			}
			from = e.to
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestCountsAcrossAMerge: communes A and B merge into C on 1 July 2025
// (D). June's figures stay under A and B, July's are C's, June rolled up
// is A's and B's summed under C, and every received dossier is accounted
// for in each row and in total.
func TestCountsAcrossAMerge(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		D := at(t, "2025-07-01 00:00")
		bus := event.New()
		event.Subscribe(bus, "dossier.MoveUnit", func(ctx context.Context, tx *store.Tx, e unit.Merged) error {
			return dossier.MoveUnit(ctx, tx, e.From, e.Into, e.Desk)
		})
		units := unit.New(db, unit.Config{Bus: bus, Now: func() time.Time { return at(t, "2025-01-01 00:00") }})
		ids := map[string]int64{}
		err := db.InTx(ctx, func(tx *store.Tx) error {
			for _, u := range []struct {
				u      unit.Unit
				parent string
			}{
				{unit.Unit{Code: provCode, Name: "UBND tỉnh Ninh Bình", Level: unit.Province}, ""},
				{unit.Unit{Code: aCode, Name: "UBND xã A", Level: unit.Commune}, provCode},
				{unit.Unit{Code: bCode, Name: "UBND xã B", Level: unit.Commune}, provCode},
				{unit.Unit{Code: cCode, Name: "UBND xã C", Level: unit.Commune, ValidFrom: D}, provCode},
			} {
				got, err := units.Create(ctx, tx, u.u, u.parent)
				if err != nil {
					return err
				}
				ids[got.Code] = got.ID
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		A, B, C := aCode, bCode, cCode
		// Before the merge: the dossiers of A and B as their desks acted on them.
		mkDossier(t, db, ids, 1, "counter", []ev{ // carried into June, resolved on the due day
			{"2025-05-20 09:00", "submit", "submitted", "", A, ""},
			{"2025-05-20 09:10", "receive", "processing", A, A, "2025-06-10 17:00"},
			{"2025-06-10 10:00", "approve", "result_ready", A, A, ""},
			{"2025-06-11 10:00", "deliver", "delivered", A, A, ""}})
		mkDossier(t, db, ids, 2, "online", []ev{ // new in June, late: an apology's new date does not make it on time
			{"2025-06-05 09:00", "submit", "submitted", "", A, ""},
			{"2025-06-05 10:00", "receive", "processing", A, A, "2025-06-12 17:00"},
			{"2025-06-06 10:00", "apologize", "processing", A, A, "2025-06-20 17:00"},
			{"2025-06-13 10:00", "approve", "result_ready", A, A, ""}})
		mkDossier(t, db, ids, 3, "counter", []ev{ // open and overdue at D; resolved late at C
			{"2025-06-15 09:00", "submit", "submitted", "", A, ""},
			{"2025-06-15 09:10", "receive", "processing", A, A, "2025-06-20 17:00"}})
		mkDossier(t, db, ids, 4, "post", []ev{ // open within its time at D, overdue by August
			{"2025-06-25 09:00", "submit", "submitted", "", B, ""},
			{"2025-06-25 09:10", "receive", "processing", B, B, "2025-07-10 17:00"}})
		mkDossier(t, db, ids, 5, "online", []ev{ // withdrawn in June
			{"2025-06-02 09:00", "submit", "submitted", "", B, ""},
			{"2025-06-02 10:00", "receive", "processing", B, B, "2025-06-30 17:00"},
			{"2025-06-20 10:00", "acknowledge-withdrawal", "withdrawn", B, B, ""}})
		mkDossier(t, db, ids, 6, "counter", []ev{ // open at D, stopped at C in July
			{"2025-06-03 09:00", "submit", "submitted", "", B, ""},
			{"2025-06-03 09:10", "receive", "processing", B, B, "2025-07-20 17:00"}})
		mkDossier(t, db, ids, 8, "counter", []ev{ // refused at reception: never received, never counted
			{"2025-06-10 09:00", "submit", "submitted", "", A, ""},
			{"2025-06-10 09:10", "refuse", "refused", A, A, ""}})
		mkDossier(t, db, ids, 9, "counter", []ev{ // finished before June
			{"2025-04-01 09:00", "submit", "submitted", "", A, ""},
			{"2025-04-01 09:10", "receive", "processing", A, A, "2025-04-20 17:00"},
			{"2025-04-18 10:00", "approve", "result_ready", A, A, ""},
			{"2025-04-25 10:00", "deliver", "delivered", A, A, ""}})

		err = db.InTx(ctx, func(tx *store.Tx) error {
			for _, from := range []string{aCode, bCode} {
				if err := units.MergeAt(ctx, tx, from, cCode, "NQ 1674", D); err != nil {
					return err
				}
			}
			return units.RenameAt(ctx, tx, cCode, unit.Renaming{Name: "UBND xã C mới"}, "đổi tên", at(t, "2025-07-20 00:00"))
		})
		if err != nil {
			t.Fatal(err)
		}
		// After the merge: acts at C on what moved there, and C's own dossiers.
		actAt(t, db, 3, ev{"2025-07-03 10:00", "approve", "result_ready", C, C, ""})
		actAt(t, db, 6, ev{"2025-07-05 10:00", "stop", "stopped", C, C, ""})
		mkDossier(t, db, ids, 7, "online", []ev{ // refused after examination
			{"2025-07-02 09:00", "submit", "submitted", "", C, ""},
			{"2025-07-02 10:00", "receive", "processing", C, C, "2025-07-20 17:00"},
			{"2025-07-15 10:00", "refuse", "result_ready", C, C, ""}})
		mkDossier(t, db, ids, 10, "counter", []ev{ // clock paused for a supplement before its due: within
			{"2025-07-20 09:00", "submit", "submitted", "", C, ""},
			{"2025-07-20 09:10", "receive", "processing", C, C, "2025-07-28 17:00"},
			{"2025-07-25 10:00", "request-supplement", "supplement_requested", C, C, ""}})

		r := report.New(db)
		june, july, aug := at(t, "2025-06-01 00:00"), D, at(t, "2025-08-01 00:00")
		cases := []struct {
			name     string
			from, to time.Time
			opts     report.CountOptions
			want     []report.Count
		}{
			{"June stays under the old units", june, july, report.CountOptions{}, []report.Count{
				{Code: aCode, Name: "UBND xã A", Carried: 1, NewOnline: 1, NewCounter: 1, Received: 3,
					Resolved: 2, OnTime: 1, Late: 1, InProgress: 1, Overdue: 1},
				{Code: bCode, Name: "UBND xã B", NewOnline: 1, NewCounter: 2, Received: 3,
					InProgress: 2, Within: 2, Withdrawn: 1}}},
			{"July is the successor's, named as it stood at the end", july, aug, report.CountOptions{}, []report.Count{
				{Code: cCode, Name: "UBND xã C mới", Carried: 3, NewOnline: 1, NewCounter: 1, Received: 5,
					Resolved: 1, Late: 1, InProgress: 2, Within: 1, Overdue: 1, Stopped: 1, Refused: 1}}},
			{"June rolled up to the successor as it stood at D", june, july, report.CountOptions{RollUp: true, At: D}, []report.Count{
				{Code: cCode, Name: "UBND xã C", Carried: 1, NewOnline: 2, NewCounter: 3, Received: 6,
					Resolved: 2, OnTime: 1, Late: 1, InProgress: 3, Within: 2, Overdue: 1, Withdrawn: 1}}},
			{"June rolled up to a day before D stays put", june, july, report.CountOptions{RollUp: true, At: at(t, "2025-06-30 12:00")}, nil},
			{"June and July: the open ones count where they ended the period", june, aug, report.CountOptions{}, []report.Count{
				{Code: aCode, Name: "UBND xã A", Carried: 1, NewOnline: 1, Received: 2, Resolved: 2, OnTime: 1, Late: 1},
				{Code: bCode, Name: "UBND xã B", NewOnline: 1, Received: 1, Withdrawn: 1},
				{Code: cCode, Name: "UBND xã C mới", NewOnline: 1, NewCounter: 4, Received: 5,
					Resolved: 1, Late: 1, InProgress: 2, Within: 1, Overdue: 1, Stopped: 1, Refused: 1}}},
		}
		byPeriod := map[string][]report.Count{}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				got, err := r.Counts(ctx, c.from, c.to, c.opts)
				if err != nil {
					t.Fatal(err)
				}
				want := c.want
				if want == nil {
					want = byPeriod["June stays under the old units"]
				}
				if len(got) != len(want) {
					t.Fatalf("rows:\n got %+v\nwant %+v", got, want)
				}
				for i := range got {
					g := got[i]
					if !g.Balanced() {
						t.Errorf("%s does not balance: %+v", g.Code, g)
					}
					w := want[i]
					g.UnitID, g.Level, g.Kind = 0, "", ""
					w.UnitID, w.Level, w.Kind = 0, "", ""
					if g != w {
						t.Errorf("row %d:\n got %+v\nwant %+v", i, g, w)
					}
				}
				if tot := report.Total(got); !tot.Balanced() {
					t.Errorf("total does not balance: %+v", tot)
				}
				byPeriod[c.name] = got
				// Split by procedure, each unit's rows sum to its row.
				opts := c.opts
				opts.ByProcedure = true
				split, err := r.Counts(ctx, c.from, c.to, opts)
				if err != nil {
					t.Fatal(err)
				}
				sums := map[string]report.Count{}
				procs := map[string]bool{}
				for _, s := range split {
					if s.Procedure == "" {
						t.Errorf("split row without a procedure: %+v", s)
					}
					procs[s.Procedure] = true
					sum := sums[s.Code]
					sum = report.Total([]report.Count{sum, s})
					sums[s.Code] = sum
				}
				if len(procs) != 2 {
					t.Errorf("procedures in the split: %v, want both", procs)
				}
				for _, g := range got {
					s := sums[g.Code]
					s.Code, s.Name, s.Level, s.Kind, s.UnitID = g.Code, g.Name, g.Level, g.Kind, g.UnitID
					if s != g {
						t.Errorf("%s split by procedure sums to %+v, want %+v", g.Code, s, g)
					}
				}
			})
		}
		// What June leaves in progress is what July carries over.
		if j, a := report.Total(byPeriod[cases[0].name]), report.Total(byPeriod[cases[1].name]); j.InProgress != a.Carried {
			t.Errorf("June ends with %d in progress, July carries %d", j.InProgress, a.Carried)
		}
		// Rolled up, June's total is the old units' sum.
		if a, b := report.Total(byPeriod[cases[0].name]), report.Total(byPeriod[cases[2].name]); a != b {
			t.Errorf("rolled-up total %+v, the old units' %+v", b, a)
		}
		if _, err := r.Counts(ctx, july, june, report.CountOptions{}); err == nil {
			t.Error("a period ending before it starts was counted")
		}
		// II.06a of the province: June under A and B as the tree stood then,
		// July under C; each parent row sums its children.
		for _, c := range []struct {
			from, to string
			rows     []string // no code name received
		}{
			{"2025-06-01", "2025-06-30", []string{"1 " + provCode + " UBND tỉnh Ninh Bình 6", "1.1 " + aCode + " UBND xã A 3", "1.2 " + bCode + " UBND xã B 3"}},
			{"2025-07-01", "2025-07-31", []string{"1 " + provCode + " UBND tỉnh Ninh Bình 5", "1.1 " + cCode + " UBND xã C mới 5"}},
			{"2025-06-01", "2025-07-31", []string{"1 " + provCode + " UBND tỉnh Ninh Bình 8", "1.1 " + cCode + " UBND xã C mới 8"}},
		} {
			q, err := report.ParseII06a(url.Values{"unit": {provCode}, "from": {c.from}, "to": {c.to}})
			if err != nil {
				t.Fatal(err)
			}
			rep, err := r.II06a(ctx, q, nil)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, row := range rep.Rows {
				got = append(got, fmt.Sprintf("%s %s %s %d", row.No, row.Code, row.Name, row.Received))
			}
			if !slices.Equal(got, c.rows) {
				t.Errorf("II.06a %s–%s:\n got %q\nwant %q", c.from, c.to, got, c.rows)
			}
			if rep.Total != rep.Rows[0].Figures {
				t.Errorf("II.06a %s–%s: total %+v, the province's row %+v", c.from, c.to, rep.Total, rep.Rows[0].Figures)
			}
		}
	})
}

// actAt appends an act to test dossier n, as dossier.Service would.
func actAt(t *testing.T, db *store.DB, n int, e ev) {
	t.Helper()
	ctx := context.Background()
	err := db.InTx(ctx, func(tx *store.Tx) error {
		var id int64
		var status string
		if err := tx.QueryRowContext(ctx, `SELECT id, status FROM dossiers WHERE code = ?`, fmt.Sprintf("T-%04d", n)).Scan(&id, &status); err != nil {
			return err
		}
		var unitID int64
		if err := tx.QueryRowContext(ctx, `SELECT id FROM units WHERE code = ?`, e.toUnit).Scan(&unitID); err != nil {
			return err
		}
		ms := at(t, e.at).UnixMilli()
		var closed sql.NullInt64
		if dossier.State(e.to).Final() {
			closed = sql.NullInt64{Int64: ms, Valid: true}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO dossier_events (dossier_id, at, actor_name, actor_role, action,
			from_status, to_status, from_step, to_step, from_unit_id, to_unit_id)
			SELECT id, ?, 'Cán bộ', 'leader', ?, status, ?, 0, 0, unit_id, ? FROM dossiers WHERE id = ?`,
			ms, e.action, e.to, unitID, id); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE dossiers SET status = ?, unit_id = ?, closed_at = ? WHERE id = ?`, e.to, unitID, closed, id)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}
