package report_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/motcua/motcua/calendar"
	"github.com/motcua/motcua/report"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
	"github.com/motcua/motcua/unit"
)

// benchDossiers is the size of the benchmarks' year: a small district's
// commune desks (the seed district has 67,120 a year; see BENCHMARKS.md).
const benchDossiers = 5000

// benchYear writes a province of ten communes and benchDossiers dossiers
// received through 2025, as dossier.Service would have: received, two
// steps, a result (nine in ten), some late, most online, some with a
// result file, a fee paid or a rating.
func benchYear(b *testing.B, db *store.DB) {
	b.Helper()
	ctx := context.Background()
	jan := time.Date(2025, 1, 1, 0, 0, 0, 0, unit.Vietnam)
	units := unit.New(db, unit.Config{Now: func() time.Time { return jan }})
	var communes []int64
	err := db.InTx(ctx, func(tx *store.Tx) error {
		if _, err := units.Create(ctx, tx, unit.Unit{Code: provCode, Name: "UBND tỉnh P", Level: unit.Province}, ""); err != nil {
			return err
		}
		for i := range 10 {
			u, err := units.Create(ctx, tx, unit.Unit{Code: fmt.Sprintf("000.%02d.%02d.H40", i+1, i+1), Name: fmt.Sprintf("UBND xã %d", i), Level: unit.Commune}, provCode)
			if err != nil {
				return err
			}
			communes = append(communes, u.ID)
		}
		for _, p := range []string{"1.000001", "1.000002"} {
			if _, err := tx.ExecContext(ctx, `INSERT INTO procedures (code, version, name, field, field_code, levels, online, search)
				VALUES (?, 1, ?, 'Hộ tịch', 'HT', 'commune', 'full', '')`, p, "Thủ tục "+p); err != nil {
				return err
			}
		}
		for i := range benchDossiers {
			u := communes[i%len(communes)]
			recv := jan.Add(time.Duration(i) * (360 * 24 * time.Hour / benchDossiers)).Add(8 * time.Hour)
			due := recv.AddDate(0, 0, 5)
			channel, status := "online", "result_ready"
			if i%10 >= 8 {
				channel = "counter"
			}
			acts := []struct {
				at               time.Time
				action, from, to string
				fromStep, toStep int
				due              any
			}{
				{recv.Add(-10 * time.Minute), "submit", "", "submitted", 0, 0, nil},
				{recv, "receive", "submitted", "processing", 0, 1, due.UnixMilli()},
				{recv.Add(time.Duration(1+i%3) * 24 * time.Hour), "forward", "processing", "processing", 1, 2, nil},
				{recv.Add(time.Duration(2+i%7) * 24 * time.Hour), "approve", "processing", "result_ready", 2, 3, nil},
			}
			if i%10 == 9 {
				acts, status = acts[:3], "processing"
			}
			var id int64
			code := fmt.Sprintf("B-%06d", i)
			if err := tx.QueryRowContext(ctx, `INSERT INTO dossiers (code, procedure_code, procedure_version, receiving_unit_id, unit_id,
				channel, status, applicant_name, search, form, delivery, submitted_at, received_at, updated_at)
				VALUES (?, ?, 1, ?, ?, ?, ?, 'Nguyễn Văn A', '', '{}', 'counter', ?, ?, ?) RETURNING id`,
				code, fmt.Sprintf("1.00000%d", 1+i%2), u, u, channel, status, acts[0].at.UnixMilli(), recv.UnixMilli(), recv.UnixMilli()).Scan(&id); err != nil {
				return err
			}
			for _, a := range acts {
				if _, err := tx.ExecContext(ctx, `INSERT INTO dossier_events (dossier_id, at, actor_name, actor_role, action,
					from_status, to_status, from_step, to_step, from_unit_id, to_unit_id, due_at)
					VALUES (?, ?, ?, 'specialist', ?, ?, ?, ?, ?, ?, ?, ?)`,
					id, a.at.UnixMilli(), fmt.Sprintf("Cán bộ %d", i%23), a.action, a.from, a.to, a.fromStep, a.toStep, u, u, a.due); err != nil {
					return err
				}
			}
			if i%3 == 0 {
				if _, err := tx.ExecContext(ctx, `INSERT INTO dossier_files (dossier_id, component, kind, name, content_type, size, sha256, uploaded_at)
					VALUES (?, 'result', 'result', 'kq.pdf', 'application/pdf', 1, 'x', 0)`, id); err != nil {
					return err
				}
			}
			if i%4 == 0 {
				gw := map[bool]string{true: "vnpay", false: "cash"}[i%8 == 0]
				if _, err := tx.ExecContext(ctx, `INSERT INTO payments (ref, dossier_code, unit_code, unit_name, state, gateway, amount, lines, payer_name, created_at, paid_at, updated_at)
					VALUES (?, ?, '', '', 'paid', ?, 20000, '[]', 'A', 0, 1, 0)`, "R"+code, code, gw); err != nil {
					return err
				}
			}
			if i%5 == 0 {
				score := map[bool]string{true: "not_satisfied", false: "satisfied"}[i%25 == 0]
				if _, err := tx.ExecContext(ctx, `INSERT INTO ratings (dossier_id, score, created_at) VALUES (?, ?, 0)`, id, score); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
}

// BenchmarkScorecard: the province's scorecard for the year beside its
// baseline, the II.06a Counts of the same year on the same database in the
// same run (the scorecard reads the same dossiers and events, plus the
// unit tree, result files, payments, ratings and the catalog), and the
// processing analytics (every event with its actor and note).
func BenchmarkScorecard(b *testing.B) {
	for _, engine := range []string{"sqlite", "postgres"} {
		b.Run(engine, func(b *testing.B) {
			db := storetest.Open(b, engine)
			benchYear(b, db)
			ctx := context.Background()
			r := report.New(db)
			cal := calendar.New(calendar.Options{})
			from, to := time.Date(2025, 1, 1, 0, 0, 0, 0, unit.Vietnam), time.Date(2026, 1, 1, 0, 0, 0, 0, unit.Vietnam)
			b.Run("Counts", func(b *testing.B) {
				for b.Loop() {
					if _, err := r.Counts(ctx, from, to, report.CountOptions{Judge: cal}); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("Scorecard", func(b *testing.B) {
				for b.Loop() {
					sc, err := r.Scorecard(ctx, provCode, from, to, cal)
					if err != nil || sc.Groups[1].Indicators[0].Denominator != benchDossiers {
						b.Fatal(err, sc.Groups[1].Indicators[0])
					}
				}
			})
			b.Run("Processing", func(b *testing.B) {
				for b.Loop() {
					if _, err := r.Processing(ctx, provCode, from, to, cal); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
	}
}
