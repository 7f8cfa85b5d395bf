package dossier_test

import (
	"context"
	"database/sql"
	"fmt"
	"testing"
	"time"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/catalog"
	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/event"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
	"github.com/motcua/motcua/unit"
)

// TestRerouteAnAbolishedDistrict: on 1 July 2025 commune Z merges into the
// new commune S (which receives through its service centre) and district
// H is abolished with S as its successor. H's open dossiers go each to the
// unit competent for its current step under the new chart — a land
// dossier's registration step to the land registration branch serving S,
// a household-business dossier's district step to S by the competence
// rule — one waiting at H's desk goes to S's desk; deadlines stay as they
// were and closed dossiers stay where they were closed.
func TestRerouteAnAbolishedDistrict(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		const (
			pCode, hCode, zCode  = "000.00.00.H40", "000.00.07.H40", "000.03.07.H40"
			sCode, scCode, bCode = "000.08.37.H40", "000.18.37.H40", "000.20.37.H40"
		)
		D, err := unit.Day("2025-07-01")
		if err != nil {
			t.Fatal(err)
		}
		bus := event.New()
		units := unit.New(db, unit.Config{Bus: bus})
		cat := catalog.NewStore(db, nil)
		au := auth.NewService(db, auth.Config{Params: auth.Params{Time: 1, MemKiB: 1024, Threads: 1}, Units: units})
		ds := dossier.NewService(db, units, cat, au, flatCalendar{}, dossier.Config{FilesDir: t.TempDir()})
		event.Subscribe(bus, "dossier.MoveUnit", func(ctx context.Context, tx *store.Tx, e unit.Merged) error {
			return dossier.MoveUnit(ctx, tx, e.From, e.Into, e.Desk)
		})
		event.Subscribe(bus, "dossier.Reroute", ds.Reroute)

		ids := map[string]int64{}
		err = db.InTx(ctx, func(tx *store.Tx) error {
			if _, err := cat.SeedBuiltin(ctx, tx); err != nil {
				return err
			}
			for _, u := range []struct {
				code, name, level, kind, parent string
				from                            time.Time
			}{
				{pCode, "UBND tỉnh Ninh Bình", unit.Province, "", "", time.Time{}},
				{hCode, "UBND huyện Nho Quan", unit.District, "", pCode, time.Time{}},
				{zCode, "UBND xã Gia Lâm", unit.Commune, "", hCode, time.Time{}},
				{sCode, "UBND xã Nho Quan", unit.Commune, "", pCode, D},
				{scCode, "Trung tâm PVHCC xã Nho Quan", unit.Commune, unit.Centre, sCode, D},
				{bCode, "Chi nhánh VPĐKĐĐ khu vực Nho Quan", unit.Province, unit.LandBranch, pCode, D},
			} {
				got, err := units.Create(ctx, tx, unit.Unit{Code: u.code, Name: u.name, Level: u.level, Kind: u.kind, ValidFrom: u.from}, u.parent)
				if err != nil {
					return err
				}
				ids[u.code] = got.ID
			}
			if err := units.Serve(ctx, tx, ids[bCode], ids[sCode], D); err != nil {
				return err
			}
			return units.AddCompetence(ctx, tx, unit.Competence{Plan: "test", From: D, FromLevel: unit.District, ToLevel: unit.Commune})
		})
		if err != nil {
			t.Fatal(err)
		}
		// Test versions in the 2022 shape: the land procedure's district
		// steps name the branch; the household-business one is district work.
		land, err := cat.Get(ctx, "1.012783")
		if err != nil {
			t.Fatal(err)
		}
		for i := range land.Steps {
			if land.Steps[i].Level == unit.District {
				land.Steps[i].Kind = unit.LandBranch
			}
		}
		hh, err := cat.Get(ctx, "2.000575")
		if err != nil {
			t.Fatal(err)
		}
		hh.Steps[0].Level, hh.Steps[1].Level = unit.District, unit.District
		hh.Levels = append(hh.Levels, unit.District)
		err = db.InTx(ctx, func(tx *store.Tx) error {
			for _, p := range []*catalog.Procedure{&land, &hh} {
				v, err := cat.Publish(ctx, tx, *p, 0)
				if err != nil {
					return err
				}
				*p = v
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}

		due := time.Date(2025, 7, 10, 17, 0, 0, 0, unit.Vietnam).UnixMilli()
		type row struct {
			code                  string
			proc                  catalog.Procedure
			status                string
			step                  int
			unit, receiving       string
			closed                bool
			wantUnit, wantReceive string
		}
		rows := []row{
			{"LAND-AT-STEP", land, "processing", 1, hCode, zCode, false, bCode, scCode},
			{"LAND-AT-DISTRICT-DESK", land, "processing", 2, hCode, hCode, false, bCode, scCode},
			{"HH-AT-STEP", hh, "processing", 0, hCode, hCode, false, sCode, scCode},
			{"HH-SUPPLEMENT", hh, "supplement_requested", 1, hCode, hCode, false, sCode, scCode},
			{"RESULT-AT-DESK", hh, "result_ready", 3, hCode, hCode, false, scCode, scCode},
			{"CLOSED", hh, "delivered", 3, hCode, hCode, true, hCode, hCode},
			{"COMMUNE-OPEN", hh, "processing", 2, zCode, zCode, false, sCode, scCode},
		}
		err = db.InTx(ctx, func(tx *store.Tx) error {
			for _, r := range rows {
				var closed any
				if r.closed {
					closed = due
				}
				if _, err := tx.ExecContext(ctx, `INSERT INTO dossiers (code, procedure_code, procedure_version, receiving_unit_id, unit_id,
					channel, status, step, applicant_name, search, form, delivery, submitted_at, received_at, due_at, closed_at, updated_at)
					VALUES (?, ?, ?, ?, ?, 'counter', ?, ?, 'Nguyễn Văn An', '', '{}', 'counter', 1, 1, ?, ?, 1)`,
					r.code, r.proc.Code, r.proc.Version, ids[r.receiving], ids[r.unit], r.status, r.step, due, closed); err != nil {
					return fmt.Errorf("%s: %w", r.code, err)
				}
			}
			if err := units.MergeAt(ctx, tx, zCode, sCode, "NQ 1674", D); err != nil {
				return err
			}
			return units.Abolish(ctx, tx, hCode, sCode, "Luật 72/2025/QH15", D)
		})
		if err != nil {
			t.Fatal(err)
		}
		code := map[int64]string{}
		for c, id := range ids {
			code[id] = c
		}
		for _, r := range rows {
			t.Run(r.code, func(t *testing.T) {
				var unitID, recvID int64
				var gotDue sql.NullInt64
				if err := db.QueryRowContext(ctx, `SELECT unit_id, receiving_unit_id, due_at FROM dossiers WHERE code = ?`, r.code).
					Scan(&unitID, &recvID, &gotDue); err != nil {
					t.Fatal(err)
				}
				if code[unitID] != r.wantUnit || code[recvID] != r.wantReceive {
					t.Errorf("at %s, received at %s; want %s, %s", code[unitID], code[recvID], r.wantUnit, r.wantReceive)
				}
				if gotDue.Int64 != due {
					t.Errorf("due moved from %d to %d", due, gotDue.Int64)
				}
			})
		}
	})
}
