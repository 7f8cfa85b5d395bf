package e2e

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/motcua/motcua/calendar"
	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/report"
	"github.com/motcua/motcua/server"
	"github.com/motcua/motcua/server/servertest"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/vntext"
)

// TestGenerated2022InBrowser shows a generated district-year (`motcua
// demo generate --year 2022 --scale 1 --data DIR`, named by MOTCUA_G2022)
// to the district's leader: the II.06a form, the Decision 766 scorecard
// and the dashboard for 2022, each checked with axe and photographed. A
// copy of the year is served, so the data set stays as generated. It is a
// look at real volume; without MOTCUA_G2022 a small year generated here
// is shown instead, so the suite always runs it.
func TestGenerated2022InBrowser(t *testing.T) {
	ctx := context.Background()
	copyDir := t.TempDir()
	if dir := os.Getenv("MOTCUA_G2022"); dir != "" {
		for _, name := range []string{"motcua.db", "secret.key"} {
			b, err := os.ReadFile(filepath.Join(dir, name))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(copyDir, name), b, 0o600); err != nil {
				t.Fatal(err)
			}
		}
	} else {
		// No year named: a small one generated here (the district-year
		// takes 12 minutes), shown the same way.
		gen, err := store.Open(ctx, store.Config{Dir: copyDir})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := demo.Generate(ctx, demo.GenerateConfig{DB: gen, DataDir: copyDir, Year: 2022, Scale: 0.002, Seed: 1}); err != nil {
			t.Fatal(err)
		}
		gen.Close()
	}
	db, err := store.Open(ctx, store.Config{Dir: copyDir})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	// The figures the pages must show, from the report's own counts.
	from := time.Date(2022, 1, 1, 0, 0, 0, 0, calendar.Zone)
	counts, err := report.New(db).Counts(ctx, from, from.AddDate(1, 0, 0), report.CountOptions{})
	if err != nil {
		t.Fatal(err)
	}
	total := report.Total(counts)
	received, online, counter := vntext.Thousands(total.Received), vntext.Thousands(total.NewOnline), vntext.Thousands(total.NewCounter)
	browser := newBrowser(t)
	srv, public := servertest.Listen(t)
	app, err := server.New(ctx, db, server.Config{DataDir: copyDir, PublicURL: public, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	servertest.Serve(t, srv, app.Handler)

	u := openTab(t, browser, srv.URL, "huyen.lanhdao", false)
	u.login(t)
	year := "don-vi=000.00.07.H40&tu=2022-01-01&den=2022-12-31"
	phase(t, "II.06a", func(t *testing.T) {
		u.visit(t, "/can-bo/thong-ke/ii06a?unit=000.00.07.H40&from=2022-01-01&to=2022-12-31")
		u.wantText(t, "main", received, online, counter)
		u.page(t, "g2022-ii06a")
	})
	phase(t, "the 766 scorecard", func(t *testing.T) {
		u.visit(t, "/can-bo/thong-ke/766?"+year)
		u.wantText(t, "main", "UBND huyện Nho Quan", "chưa tính được")
		u.page(t, "g2022-scorecard-766")
	})
	phase(t, "the dashboard", func(t *testing.T) {
		u.visit(t, "/can-bo/thong-ke/tong-quan?unit=000.00.07.H40&from=2022-01-01&to=2022-12-31")
		u.wantText(t, "main", received, vntext.Thousands(total.Resolved))
		u.page(t, "g2022-dashboard")
	})
}
