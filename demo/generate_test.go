package demo

import (
	"context"
	"math"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/calendar"
	"github.com/motcua/motcua/land"
	"github.com/motcua/motcua/store"
)

func TestGenerateSmallYear(t *testing.T) {
	// -short leaves out the slow proof on a developer's machine; CI runs it always.
	if testing.Short() && os.Getenv("CI") != "true" {
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

	if n := PausesWithoutEvent(t, db); n != 0 {
		t.Errorf("%d dossiers have pauses but no event that stops the clock", n)
	}

	// The year's land dossiers changed the registry as their results were
	// made: every split with a result retired its parcel into two, every
	// transfer changed the user (a lease is recorded), each change linked
	// to its dossier.
	lands := land.New(db, land.Config{})
	lrows, err := db.QueryContext(ctx, `SELECT code, procedure_code FROM dossiers WHERE procedure_code IN ('1.012784', '1.013831')
		AND result_at IS NOT NULL AND result_refused = 0`)
	if err != nil {
		t.Fatal(err)
	}
	var made []string
	for lrows.Next() {
		var code, proc string
		if err := lrows.Scan(&code, &proc); err != nil {
			t.Fatal(err)
		}
		made = append(made, proc+" "+code)
	}
	lrows.Close()
	changes := 0
	for _, m := range made {
		proc, code, _ := strings.Cut(m, " ")
		ch, err := lands.ChangesOf(ctx, code)
		if err != nil {
			t.Fatal(err)
		}
		changes += len(ch)
		if (proc == "1.012784" && (len(ch) != 3 || ch[2].Kind != land.KindSplit)) || (proc == "1.013831" && (len(ch) != 1 || (ch[0].Kind != land.KindTransfer && ch[0].Kind != land.KindLease))) {
			t.Errorf("%s %s changed the registry by %+v", proc, code, ch)
		}
	}
	if len(made) == 0 || st.LandChanges < changes {
		t.Errorf("land: %d results of splits and transfers, %d registry changes of theirs, %d in all", len(made), changes, st.LandChanges)
	}
	t.Logf("land: %d splits and transfers made their results, %d registry changes in the year", len(made), st.LandChanges)

	// What happens on the way, each through its service: fees paid at the
	// VNPAY simulator (a verified IPN) and at the desk, results by post
	// tracked to delivery by the simulated post's webhooks, supplements
	// asked during processing, pauses, refusals, withdrawals, ratings.
	covered := map[string]struct {
		query string
		stat  int
	}{
		"paid online":              {`SELECT COUNT(*) FROM payments WHERE state = 'paid' AND gateway = 'vnpay'`, st.PaidOnline},
		"paid at the desk":         {`SELECT COUNT(*) FROM payments WHERE state = 'paid' AND gateway IN ('cash', 'pos')`, st.PaidDesk},
		"posted":                   {`SELECT COUNT(*) FROM postal_shipments WHERE handed_over_at IS NOT NULL`, st.Posted},
		"rated":                    {`SELECT COUNT(*) FROM ratings`, st.Rated},
		"supplement in processing": {`SELECT COUNT(DISTINCT dossier_id) FROM dossier_pauses WHERE kind = 'supplement'`, st.SupplementedLater},
		"paused":                   {`SELECT COUNT(DISTINCT dossier_id) FROM dossier_pauses WHERE kind <> 'supplement' AND ended_at IS NOT NULL`, st.Paused},
		"refused":                  {`SELECT COUNT(*) FROM dossier_events WHERE action = 'refuse'`, st.Refused},
		"withdrawn":                {`SELECT COUNT(*) FROM dossiers WHERE status = 'withdrawn'`, st.Withdrawn},
	}
	for what, c := range covered {
		var n int
		if err := db.QueryRowContext(ctx, c.query).Scan(&n); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		if n == 0 || n != c.stat {
			t.Errorf("%s: %d in the database, %d in the stats; want the same, more than none", what, n, c.stat)
		}
	}
	// Every result made (not a refusal) is an issued QĐ of the approving
	// unit's decisions register, linked to its dossier, through the
	// listener live results go through (document.Service.OnTransitioned).
	var withResult, resultDocs, linked int
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM dossiers WHERE result_at IS NOT NULL AND result_refused = 0`).Scan(&withResult); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN EXISTS (SELECT 1 FROM dossiers d WHERE d.code = m.dossier_code
		AND d.result_at IS NOT NULL AND d.result_refused = 0) THEN 1 ELSE 0 END), 0)
		FROM documents m WHERE m.dossier_code <> '' AND m.state = 'issued' AND m.type_code = 'QD' AND m.direction = 'out'`).Scan(&resultDocs, &linked); err != nil {
		t.Fatal(err)
	}
	if withResult == 0 || resultDocs != withResult || linked != withResult || st.ResultDocuments != withResult {
		t.Errorf("%d dossiers with a result, %d result documents (%d linked to one; stats %d): want the same", withResult, resultDocs, linked, st.ResultDocuments)
	}

	t.Logf("%d dossiers with a result, %d result documents in the outgoing registers", withResult, resultDocs)
	var delivered2 int
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM postal_shipments s WHERE EXISTS
		(SELECT 1 FROM postal_events e WHERE e.shipment_id = s.id AND e.status = 'delivered')`).Scan(&delivered2); err != nil {
		t.Fatal(err)
	}
	if delivered2 != st.Posted {
		t.Errorf("%d shipments tracked to delivery, want all %d", delivered2, st.Posted)
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
	// -short leaves out the slow proof on a developer's machine; CI runs it always.
	if testing.Short() && os.Getenv("CI") != "true" {
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

// TestGenerateYears generates two years back from 2022: each year has the
// year's volume, every event in its year.
func TestGenerateYears(t *testing.T) {
	// -short leaves out the slow proof on a developer's machine; CI runs it always.
	if testing.Short() && os.Getenv("CI") != "true" {
		t.Skip("generates two small years")
	}
	ctx := context.Background()
	dir := t.TempDir()
	db, err := store.Open(ctx, store.Config{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	const scale = 0.001
	st, err := Generate(ctx, GenerateConfig{DB: db, DataDir: dir, Year: 2022, Years: 2, Scale: scale, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	d, c := Targets(scale)
	if st.Dossiers != 2*(d+c) {
		t.Errorf("stats: %d dossiers over two years, want %d", st.Dossiers, 2*(d+c))
	}
	rows, err := db.QueryContext(ctx, `SELECT MIN(e.at) FROM dossier_events e GROUP BY e.dossier_id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	byYear := map[int]int{}
	for rows.Next() {
		var at int64
		if err := rows.Scan(&at); err != nil {
			t.Fatal(err)
		}
		byYear[time.UnixMilli(at).In(calendar.Zone).Year()]++
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if len(byYear) != 2 || byYear[2021] != d+c || byYear[2022] != d+c {
		t.Errorf("dossiers by year of submission: %v, want %d in 2021 and in 2022", byYear, d+c)
	}
}

func TestCheckYears(t *testing.T) {
	for _, c := range []struct {
		year, years int
		ok          bool
	}{{2022, 1, true}, {2022, 5, true}, {2022, 0, false}, {2022, -2, false}, {2022, MaxYears + 1, false}, {2003, 5, false}, {1999, 1, false}} {
		if err := CheckYears(c.year, c.years); (err == nil) != c.ok {
			t.Errorf("CheckYears(%d, %d) = %v, want ok %v", c.year, c.years, err, c.ok)
		}
	}
}

// PausesWithoutEvent counts the dossiers with a row in dossier_pauses but
// no event that writes one (a pause, or a supplement request during
// processing): tracking reads the pauses only when the history has such an
// event (dossier.everPaused), so the count must be 0.
func PausesWithoutEvent(t *testing.T, db *store.DB) int {
	t.Helper()
	var n int
	if err := db.QueryRowContext(t.Context(), `SELECT COUNT(DISTINCT p.dossier_id) FROM dossier_pauses p
		WHERE NOT EXISTS (SELECT 1 FROM dossier_events e WHERE e.dossier_id = p.dossier_id
			AND (e.action = 'pause' OR e.action = 'request-supplement' AND e.from_status = 'processing'))`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
