package report_test

import (
	"context"
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/motcua/motcua/calendar"
	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/report"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
	"github.com/motcua/motcua/unit"
)

// pev is one act of a test dossier with who took it, the steps and the
// written note; every act is at the dossier's one unit.
type pev struct {
	at, action, from, to string
	fromStep, toStep     int
	actor, due, note     string
}

// mkLife writes dossier n at unit code and its acts as dossier.Service
// would have, and returns the id of each act.
func mkLife(t *testing.T, db *store.DB, unitID int64, n int, events []pev) []int64 {
	t.Helper()
	ctx := context.Background()
	ms := func(s string) any {
		if s == "" {
			return nil
		}
		return at(t, s).UnixMilli()
	}
	var received, closed any
	for _, e := range events {
		if e.action == "receive" && received == nil {
			received = ms(e.at)
		}
	}
	last := events[len(events)-1]
	if dossier.State(last.to).Final() {
		closed = ms(last.at)
	}
	var ids []int64
	err := db.InTx(ctx, func(tx *store.Tx) error {
		var id int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO dossiers (code, procedure_code, procedure_version, receiving_unit_id, unit_id,
			channel, status, step, applicant_name, search, form, delivery, submitted_at, received_at, closed_at, updated_at)
			VALUES (?, ?, 1, ?, ?, 'counter', ?, ?, 'Nguyễn Văn A', '', '{}', 'counter', ?, ?, ?, ?) RETURNING id`,
			fmt.Sprintf("T-%04d", n), fmt.Sprintf("1.00000%d", 1+n%2), unitID, unitID, last.to, last.toStep,
			ms(events[0].at), received, closed, ms(last.at)).Scan(&id); err != nil {
			return err
		}
		for _, e := range events {
			var eid int64
			if err := tx.QueryRowContext(ctx, `INSERT INTO dossier_events (dossier_id, at, actor_name, actor_role, action,
				from_status, to_status, from_step, to_step, from_unit_id, to_unit_id, due_at, note)
				VALUES (?, ?, ?, 'specialist', ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
				id, ms(e.at), e.actor, e.action, e.from, e.to, e.fromStep, e.toStep, unitID, unitID, ms(e.due), e.note).Scan(&eid); err != nil {
				return err
			}
			ids = append(ids, eid)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

// execSQL runs statements, failing the test on the first error.
func execSQL(t *testing.T, db *store.DB, stmts ...string) {
	t.Helper()
	for _, q := range stmts {
		if _, err := db.ExecContext(context.Background(), q); err != nil {
			t.Fatalf("%v\n%s", err, q)
		}
	}
}

// TestProcessing: five dossiers of procedure 1.000001 at commune A cross
// step 1 ("Thẩm định", Lan) in 2, 4, 8 (16 less an 8-hour pause), 16 and
// 1 working hours and step 2 ("Phê duyệt", Hùng) in 1, 3, 2 and 24; the
// fifth is still at step 2. Nearest rank: the median of five is the 3rd,
// of four the 2nd; the 90th percentile of either is the largest.
func TestProcessing(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
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
				{unit.Unit{Code: qCode, Name: "UBND tỉnh Q", Level: unit.Province}, ""},
				{unit.Unit{Code: xCode, Name: "UBND xã X", Level: unit.Commune}, qCode},
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
		execSQL(t, db, `INSERT INTO procedure_versions (code, version, body, created_at)
			VALUES ('1.000001', 1, '{"steps":[{"name":"Tiếp nhận"},{"name":"Thẩm định"},{"name":"Phê duyệt"}]}', 0)`)
		A, X := ids[aCode], ids[xCode]
		const lan, hung, mai, nam = "Chuyên viên Lan", "Lãnh đạo Hùng", "Chuyên viên Mai", "Lãnh đạo Nam"
		P, R, S := "processing", "result_ready", "supplement_requested"
		recv := func(at, due string) pev { return pev{at, "receive", "submitted", P, 0, 1, "Một cửa", due, ""} }
		submit := func(at string) pev { return pev{at, "submit", "", "submitted", 0, 0, "Công dân", "", ""} }
		fwd := func(at, who string) pev { return pev{at, "forward", P, P, 1, 2, who, "", ""} }
		approve := func(at, who string) pev { return pev{at, "approve", P, R, 2, 3, who, "", ""} }
		mkLife(t, db, A, 2, []pev{submit("2025-06-02 07:50"), recv("2025-06-02 08:00", "2025-06-13 17:00"),
			fwd("2025-06-02 10:00", lan), approve("2025-06-02 11:00", hung)})
		mkLife(t, db, A, 4, []pev{submit("2025-06-03 07:50"), recv("2025-06-03 08:00", "2025-06-13 17:00"),
			fwd("2025-06-03 13:30", lan), approve("2025-06-03 16:30", hung)})
		mkLife(t, db, A, 6, []pev{submit("2025-06-04 07:50"), recv("2025-06-04 08:00", "2025-06-20 17:00"),
			{"2025-06-04 09:00", "pause", P, P, 1, 1, lan, "", "niêm yết"},
			{"2025-06-05 09:00", "resume", P, P, 1, 1, lan, "2025-06-23 17:00", "hết niêm yết"},
			fwd("2025-06-06 08:00", lan), approve("2025-06-06 10:00", hung)})
		// Due on the 11th at 17:00, while at step 2 (since 08:00 that day): late by 16.5 working hours.
		mkLife(t, db, A, 8, []pev{submit("2025-06-09 07:50"), recv("2025-06-09 08:00", "2025-06-11 17:00"),
			fwd("2025-06-11 08:00", lan), approve("2025-06-16 08:00", hung)})
		// Past due on the 24th at step 2, assigned to Hùng: 4 working days late at the period's end.
		mkLife(t, db, A, 10, []pev{submit("2025-06-23 07:50"), recv("2025-06-23 08:00", "2025-06-24 17:00"),
			fwd("2025-06-23 09:00", lan)})
		execSQL(t, db, `INSERT INTO users (username, full_name, kind, password_hash, created_at) VALUES ('hung', 'Lãnh đạo Hùng', 'officer', '', 0)`,
			`UPDATE dossiers SET assignee_id = (SELECT id FROM users WHERE username = 'hung') WHERE code = 'T-0010'`)
		// Supplements under 1.000002: one with two written items, one with only its note.
		sup := mkLife(t, db, A, 11, []pev{submit("2025-06-02 07:50"), recv("2025-06-02 08:00", "2025-06-20 17:00"),
			{"2025-06-02 09:00", "request-supplement", P, S, 1, 1, mai, "", "Hồ sơ thiếu"}})
		mkLife(t, db, A, 13, []pev{submit("2025-06-03 07:50"), recv("2025-06-03 08:00", "2025-06-20 17:00"),
			{"2025-06-03 10:00", "request-supplement", P, S, 1, 1, mai, "", "  thiếu bản sao  CCCD "}})
		execSQL(t, db, fmt.Sprintf(`INSERT INTO dossier_supplement_requests (event_id, dossier_id, deadline_at, days, source)
			SELECT %d, id, 0, 5, 'unit' FROM dossiers WHERE code = 'T-0011'`, sup[2]),
			fmt.Sprintf(`INSERT INTO dossier_supplement_items (event_id, n, component, name, kind, reason)
			VALUES (%d, 1, 'cccd', 'CCCD', 'copy', 'Thiếu bản sao CCCD'), (%d, 2, 'anh', 'Ảnh', 'original', 'Ảnh chụp mờ')`, sup[2], sup[2]))
		// Refusals: two at reception (one reason, written twice), one after examination.
		mkLife(t, db, A, 14, []pev{submit("2025-06-04 07:50"), {"2025-06-04 08:00", "refuse", "submitted", "refused", 0, 0, "Một cửa", "", "Không thuộc thẩm quyền"}})
		mkLife(t, db, A, 15, []pev{submit("2025-06-05 07:50"), {"2025-06-05 08:00", "refuse", "submitted", "refused", 0, 0, "Một cửa", "", "không thuộc thẩm quyền"}})
		mkLife(t, db, A, 17, []pev{submit("2025-06-05 07:50"), recv("2025-06-05 08:00", "2025-06-20 17:00"),
			{"2025-06-05 09:00", "refuse", P, R, 1, 1, nam, "", "Không đủ điều kiện"}})
		// Pauses: dossier 6's ended posting pause (8 working hours) and 13's open supplement.
		execSQL(t, db, fmt.Sprintf(`INSERT INTO dossier_pauses (dossier_id, started_at, ended_at, reason, kind)
			SELECT id, %d, %d, 'niêm yết', 'posting' FROM dossiers WHERE code = 'T-0006'`,
			at(t, "2025-06-04 09:00").UnixMilli(), at(t, "2025-06-05 09:00").UnixMilli()),
			fmt.Sprintf(`INSERT INTO dossier_pauses (dossier_id, started_at, reason, kind)
			SELECT id, %d, 'bổ sung', 'supplement' FROM dossiers WHERE code = 'T-0013'`, at(t, "2025-06-03 10:00").UnixMilli()))
		// At X, outside P: nothing of it may show in P's or A's figures. Its
		// refusal after examination is a refusal, not a late result.
		mkLife(t, db, X, 20, []pev{submit("2025-06-02 07:50"), recv("2025-06-02 08:00", "2025-06-02 09:00"),
			{"2025-06-02 10:00", "forward", P, P, 1, 2, "Chuyên viên X", "", ""},
			{"2025-06-03 10:00", "refuse", P, R, 2, 2, "Lãnh đạo X", "", "Lý do ở X"}})

		r := report.New(db)
		cal := calendar.New(calendar.Options{})
		june, july := at(t, "2025-06-01 00:00"), at(t, "2025-07-01 00:00")
		for _, u := range []string{aCode, provCode} {
			t.Run(u, func(t *testing.T) {
				got, err := r.Processing(ctx, u, june, july, cal)
				if err != nil {
					t.Fatal(err)
				}
				steps := map[string]report.TimeStat{}
				for _, s := range got.Steps {
					steps[fmt.Sprintf("%s/%d", s.Procedure, s.Step)] = s
				}
				officers := map[string]report.TimeStat{}
				for _, o := range got.Officers {
					officers[o.Name] = o
				}
				for _, c := range []struct {
					what         string
					got          report.TimeStat
					name         string
					n            int
					lo, med, p90 float64
				}{
					{"step 1", steps["1.000001/1"], "Thẩm định", 5, 1, 4, 16},
					{"step 2", steps["1.000001/2"], "Phê duyệt", 4, 1, 2, 24},
					{"Lan", officers[lan], lan, 5, 1, 4, 16},
					{"Hùng", officers[hung], hung, 4, 1, 2, 24},
					// 11 (1 h), 13 (2 h) and 17 (1 h) at step 1 of 1.000002, which has no version on record.
					{"1.000002 step 1", steps["1.000002/1"], "", 3, 1, 1, 2},
					{"Mai", officers[mai], mai, 2, 1, 1, 2},
				} {
					g := c.got
					if g.Name != c.name || g.Count != c.n || g.Min != c.lo || g.Median != c.med || g.P90 != c.p90 {
						t.Errorf("%s: %+v; want %q n=%d min %v median %v p90 %v", c.what, g, c.name, c.n, c.lo, c.med, c.p90)
					}
				}
				if len(got.Steps) != 3 || len(got.Officers) != 4 {
					t.Errorf("steps %+v\nofficers %+v", got.Steps, got.Officers)
				}
				if len(got.Late) != 2 {
					t.Fatalf("late: %+v", got.Late)
				}
				l8, l10 := got.Late[0], got.Late[1]
				if l8.Code != "T-0008" || l8.Step != 2 || l8.StepName != "Phê duyệt" || l8.Officer != hung ||
					l8.Finished == nil || !l8.Finished.Equal(at(t, "2025-06-16 08:00")) || math.Abs(l8.LateHours-16.5) > 1e-9 {
					t.Errorf("dossier 8: %+v", l8)
				}
				if l10.Code != "T-0010" || l10.Step != 2 || l10.Officer != hung || l10.Finished != nil || math.Abs(l10.LateHours-32) > 1e-9 {
					t.Errorf("dossier 10: %+v", l10)
				}
				wantReasons := func(what string, got []report.ReasonCount, want ...report.ReasonCount) {
					if fmt.Sprint(got) != fmt.Sprint(want) {
						t.Errorf("%s: %+v, want %+v", what, got, want)
					}
				}
				wantReasons("supplement reasons", got.SupplementReasons, report.ReasonCount{Reason: "Thiếu bản sao CCCD", Count: 2}, report.ReasonCount{Reason: "Ảnh chụp mờ", Count: 1})
				wantReasons("refusal reasons", got.RefusalReasons, report.ReasonCount{Reason: "Không thuộc thẩm quyền", Count: 2}, report.ReasonCount{Reason: "Không đủ điều kiện", Count: 1})
				if fmt.Sprint(got.Pauses) != fmt.Sprint([]report.PauseStat{{Kind: "posting", Count: 1, Hours: 8}, {Kind: "supplement", Count: 1, Open: 1}}) {
					t.Errorf("pauses: %+v", got.Pauses)
				}
			})
		}
		q, err := r.Processing(ctx, qCode, june, july, cal)
		if err != nil {
			t.Fatal(err)
		}
		if len(q.Steps) != 2 || len(q.Officers) != 2 || len(q.Late) != 0 || len(q.RefusalReasons) != 1 || len(q.SupplementReasons) != 0 {
			t.Errorf("province Q sees only X: %+v", q)
		}
		if _, err := r.Processing(ctx, aCode, july, june, cal); err == nil {
			t.Error("a period ending before it starts was analysed")
		}
	})
}
