package dossier_test

import (
	"testing"
	"time"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/calendar"
	"github.com/motcua/motcua/catalog"
	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

// TestReceptionUsesVersionInForce (issue 10): a dossier is decided under
// the procedure version in force on its reception day. A version the
// province published ahead of time, for a later date, applies neither to
// a dossier filed before that date nor to one received before it; it
// applies to one received on or after it, whenever it was filed.
func TestReceptionUsesVersionInForce(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		// The clock starts today (the shipped catalog is in force since 2025).
		w := newWorld(t, db)
		y, m, day := time.Now().In(calendar.Zone).Date()
		at := func(days, hour int) time.Time { return time.Date(y, m, day+days, hour, 0, 0, 0, calendar.Zone) }
		clk := &clock{t: at(0, 9)}
		cat := catalog.NewStore(db, clk.Now)
		au := auth.NewService(db, auth.Config{Params: auth.Params{Time: 1, MemKiB: 1024, Threads: 1}, Units: w.units})
		w.ds = dossier.NewService(db, w.units, cat, au, flatCalendar{}, dossier.Config{FilesDir: t.TempDir(), Now: clk.Now})

		// The shipped catalog was seeded (version 1, in force since July
		// 2025). Today the province schedules version 2 for ten days on.
		next := w.proc
		next.Name += " (sửa đổi)"
		next.EffectiveFrom = catalog.Today(at(10, 0))
		if err := db.InTx(ctx, func(tx *store.Tx) error {
			_, err := cat.Publish(ctx, tx, next, 0)
			return err
		}); err != nil {
			t.Fatal(err)
		}

		early := submit(t, w, w.citizen, dossier.Applicant{Name: "Nguyễn Văn An", Phone: "0912345678"})
		late := submit(t, w, w.citizen, dossier.Applicant{Name: "Lê Thị Hoa", Phone: "0912345679"})
		for _, d := range []*dossier.Dossier{early, late} {
			if d.ProcedureVersion != 1 {
				t.Fatalf("filed today under version %d, want 1 (version 2 is in force in ten days)", d.ProcedureVersion)
			}
		}

		tests := []struct {
			name string
			code string
			at   time.Time
			want int
		}{
			{"received the next day: the version in force then", early.Code, at(1, 8), 1},
			{"received on the tenth day: the new version, though filed under the old", late.Code, at(10, 7), 2},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				clk.mu.Lock()
				clk.t = tt.at
				clk.mu.Unlock()
				d, err := w.ds.Act(ctx, w.reception, tt.code, dossier.Receive, dossier.ActInput{})
				if err != nil {
					t.Fatal(err)
				}
				if d.ProcedureVersion != tt.want {
					t.Errorf("received %s under version %d, want %d", tt.at.Format(time.DateOnly), d.ProcedureVersion, tt.want)
				}
			})
		}
	})
}
