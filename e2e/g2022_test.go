package e2e

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"github.com/motcua/motcua/server"
	"github.com/motcua/motcua/server/servertest"
	"github.com/motcua/motcua/store"
)

// TestGenerated2022InBrowser shows a generated district-year (`motcua
// demo generate --year 2022 --scale 1 --data DIR`, named by MOTCUA_G2022)
// to the district's leader: the II.06a form, the Decision 766 scorecard
// and the dashboard for 2022, each checked with axe and photographed. A
// copy of the year is served, so the data set stays as generated. It is a
// look at real volume, not part of the suite: without MOTCUA_G2022 it
// does not run.
func TestGenerated2022InBrowser(t *testing.T) {
	dir := os.Getenv("MOTCUA_G2022")
	if dir == "" {
		t.Skip("MOTCUA_G2022 names no generated year")
	}
	copyDir := t.TempDir()
	for _, name := range []string{"motcua.db", "secret.key"} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(copyDir, name), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	ctx := context.Background()
	db, err := store.Open(ctx, store.Config{Dir: copyDir})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
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
		u.wantText(t, "main", "67.120", "59.066", "8.054")
		u.page(t, "g2022-ii06a")
	})
	phase(t, "the 766 scorecard", func(t *testing.T) {
		u.visit(t, "/can-bo/thong-ke/766?"+year)
		u.wantText(t, "main", "88,00%", "98,51%")
		u.page(t, "g2022-scorecard-766")
	})
	phase(t, "the dashboard", func(t *testing.T) {
		u.visit(t, "/can-bo/thong-ke/tong-quan?unit=000.00.07.H40&from=2022-01-01&to=2022-12-31")
		u.wantText(t, "main", "67.120", "66.467", "88,0%")
		u.page(t, "g2022-dashboard")
	})
}
