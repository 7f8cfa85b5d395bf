package demo

import (
	"context"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/motcua/motcua/calendar"
	"github.com/motcua/motcua/store"
)

func TestGenerateSmallYear(t *testing.T) {
	if testing.Short() {
		t.Skip("generates a few hundred dossiers")
	}
	ctx := context.Background()
	dir := t.TempDir()
	db, err := store.Open(ctx, store.Config{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	const scale = 0.005
	st, err := Generate(ctx, GenerateConfig{DB: db, DataDir: dir, Year: 2022, Scale: scale, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Log(st)
	wantD, wantC := Targets(scale)

	var total, online, district, late, delivered int
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN d.channel = 'online' THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN r.code = ? THEN 1 ELSE 0 END), 0), COALESCE(SUM(d.apologized), 0),
		COALESCE(SUM(CASE WHEN d.status = 'delivered' THEN 1 ELSE 0 END), 0)
		FROM dossiers d JOIN units r ON r.id = d.receiving_unit_id`, DistrictCode).Scan(&total, &online, &district, &late, &delivered); err != nil {
		t.Fatal(err)
	}
	if total != wantD+wantC || st.Dossiers != total {
		t.Errorf("dossiers = %d (stats %d), want %d", total, st.Dossiers, wantD+wantC)
	}
	if district != wantD || total-district != wantC || st.District != wantD || st.Commune != wantC {
		t.Errorf("district/commune = %d/%d, want %d/%d", district, total-district, wantD, wantC)
	}
	if share := float64(online) / float64(total); math.Abs(share-OnlineShare2022) > 0.02 || online != st.Online {
		t.Errorf("online share = %.3f (%d, stats %d), want 0.88 ± 0.02", share, online, st.Online)
	}
	if late != st.Late || late == 0 || late > total/20 {
		t.Errorf("late = %d (stats %d): want a few", late, st.Late)
	}
	if delivered != st.Delivered || delivered < total*9/10 {
		t.Errorf("delivered = %d (stats %d) of %d", delivered, st.Delivered, total)
	}

	// Every history starts with submit; delivered ones end with deliver,
	// late ones have an apology before it; every event is on a working day of 2022.
	rows, err := db.QueryContext(ctx, `SELECT d.code, d.status, d.apologized, e.action, e.at
		FROM dossier_events e JOIN dossiers d ON d.id = e.dossier_id ORDER BY d.id, e.id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	type hist struct {
		status     string
		apologized bool
		actions    []string
	}
	cal := calendar.New(calendar.Options{})
	byCode := map[string]*hist{}
	var order []string
	for rows.Next() {
		var code, status, action string
		var apologized, at int64
		if err := rows.Scan(&code, &status, &apologized, &action, &at); err != nil {
			t.Fatal(err)
		}
		h := byCode[code]
		if h == nil {
			h = &hist{status: status, apologized: apologized == 1}
			byCode[code] = h
			order = append(order, code)
		}
		h.actions = append(h.actions, action)
		when := time.UnixMilli(at).In(calendar.Zone)
		if when.Year() != 2022 || !cal.IsWorkingDay(when) {
			t.Errorf("%s: %s at %s, not a working day of 2022", code, action, when)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if len(order) != total {
		t.Fatalf("%d dossiers have a history, want %d", len(order), total)
	}
	for _, code := range order {
		h := byCode[code]
		a := h.actions
		if a[0] != "submit" {
			t.Errorf("%s: history starts with %s", code, a[0])
		}
		if h.status == "delivered" && a[len(a)-1] != "deliver" {
			t.Errorf("%s: delivered, history ends with %s", code, a[len(a)-1])
		}
		if h.apologized {
			apology := -1
			for i, x := range a {
				if x == "apologize" {
					apology = i
				}
			}
			if apology < 0 || apology > len(a)-2 || a[len(a)-1] != "deliver" {
				t.Errorf("%s: late without an apology before delivery: %v", code, a)
			}
		}
	}
}

func TestAllocate(t *testing.T) {
	got := allocate(294, []float64{2.2, 1, 1, 1.2})
	sum := 0
	for _, n := range got {
		sum += n
	}
	if sum != 294 {
		t.Errorf("allocate sums to %d: %v", sum, got)
	}
}

func TestGenerateDeterministic(t *testing.T) {
	if testing.Short() {
		t.Skip("generates dossiers twice")
	}
	ctx := context.Background()
	run := func() []string {
		dir := t.TempDir()
		db, err := store.Open(ctx, store.Config{Dir: dir})
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if _, err := Generate(ctx, GenerateConfig{DB: db, DataDir: dir, Scale: 0.001, Seed: 7}); err != nil {
			t.Fatal(err)
		}
		rows, err := db.QueryContext(ctx, `SELECT d.code || ' ' || d.procedure_code || ' ' || d.channel || ' ' || d.applicant_name || ' ' || e.action || ' ' || e.at
			FROM dossier_events e JOIN dossiers d ON d.id = e.dossier_id ORDER BY e.id`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var out []string
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				t.Fatal(err)
			}
			out = append(out, s)
		}
		return out
	}
	a, b := run(), run()
	if len(a) == 0 || !slices.Equal(a, b) {
		t.Errorf("two runs with one seed differ (%d and %d events)", len(a), len(b))
	}
}
