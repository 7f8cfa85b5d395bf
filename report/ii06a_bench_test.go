package report_test

import (
	"context"
	"net/url"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/motcua/motcua/calendar"
	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/report"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
	"github.com/motcua/motcua/tally"
)

// BenchmarkII06a: the province's II.06a for the whole generated year, in
// each view and format (read from the tally), against the baseline of the
// same run: Counts recounted from every event (the figures by unit, what
// every report cost before the tally). Scale with MOTCUA_BENCH_SCALE
// (default 0.02, about 1,340 dossiers).
func BenchmarkII06a(b *testing.B) {
	onGeneratedYear(b, func(b *testing.B, db *store.DB) {
		cal, err := calendar.NewStore(context.Background(), db, calendar.StoreConfig{})
		if err != nil {
			b.Fatal(err)
		}
		benchII06a(b, db, cal)
	})
}

// onGeneratedYear runs bench on each engine over a generated 2022 year
// at MOTCUA_BENCH_SCALE (default 0.02, about 1,340 dossiers).
func onGeneratedYear(b *testing.B, bench func(b *testing.B, db *store.DB)) {
	scale := 0.02
	if s := os.Getenv("MOTCUA_BENCH_SCALE"); s != "" {
		if v, err := strconv.ParseFloat(s, 64); err == nil {
			scale = v
		}
	}
	for _, engine := range []string{"sqlite", "postgres"} {
		b.Run(engine, func(b *testing.B) {
			db := storetest.Open(b, engine)
			if _, err := demo.Generate(context.Background(), demo.GenerateConfig{DB: db, DataDir: b.TempDir(), Year: 2022, Scale: scale, Seed: 1}); err != nil {
				b.Fatal(err)
			}
			bench(b, db)
		})
	}
}

func benchII06a(b *testing.B, db *store.DB, cal *calendar.Store) {
	ctx := context.Background()
	t := tally.New(db, cal)
	r := report.New(db).WithTally(t)
	if err := r.BuildTally(ctx, t, cal); err != nil {
		b.Fatal(err)
	}
	from := time.Date(2022, 1, 1, 0, 0, 0, 0, calendar.Zone)
	b.Run("baseline Counts recount", func(b *testing.B) {
		for b.Loop() {
			if _, err := r.Counts(ctx, from, from.AddDate(1, 0, 0), report.CountOptions{Judge: cal, Recount: true}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Counts from the tally", func(b *testing.B) {
		for b.Loop() {
			if _, err := r.Counts(ctx, from, from.AddDate(1, 0, 0), report.CountOptions{Judge: cal}); err != nil {
				b.Fatal(err)
			}
		}
	})
	for _, c := range []struct{ view, format string }{
		{"unit", "json"}, {"field", "json"}, {"procedure", "json"}, {"unit", "xlsx"}, {"unit", "pdf"},
	} {
		b.Run(c.view+" "+c.format, func(b *testing.B) {
			q, err := report.ParseII06a(url.Values{"unit": {demo.ProvinceCode}, "from": {"2022-01-01"}, "to": {"2022-12-31"},
				"view": {c.view}, "format": {c.format}})
			if err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				rep, err := r.II06a(ctx, q, cal)
				if err != nil {
					b.Fatal(err)
				}
				if _, _, err := rep.Encode(q.Format, time.Now()); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
