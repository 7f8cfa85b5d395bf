package e2e

import (
	"context"
	"io"
	"log/slog"
	"testing"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/server"
	"github.com/motcua/motcua/server/servertest"
	"github.com/motcua/motcua/store/storetest"
)

// motcua is the real server with the demo world, on a fresh SQLite
// database, served over HTTP on a loopback port for the browser.
type motcua struct {
	*server.App
	URL string
}

// startMotcua assembles the server exactly as cmd/motcua does (prepare
// the database, then server.New) and loads the demo world. SQLite only:
// the browser tests are about pages, and the store is tested on both
// engines elsewhere.
func startMotcua(t *testing.T) *motcua { t.Helper(); return startMotcuaWith(t, nil) }

// startMotcuaWith is startMotcua with configure changing the Config
// first (its PublicURL is the server's own).
func startMotcuaWith(t *testing.T, configure func(*server.Config)) *motcua {
	t.Helper()
	return startMotcuaOn(t, "sqlite", configure)
}

// startMotcuaOn is startMotcuaWith on the engine named ("sqlite" or
// "postgres"), for the flows whose "Done when" asks for both.
func startMotcuaOn(t *testing.T, engine string, configure func(*server.Config)) *motcua {
	t.Helper()
	ctx := context.Background()
	db := storetest.Open(t, engine)
	servertest.Prepare(t, db)
	srv, public := servertest.Listen(t)
	cfg := server.Config{
		DataDir: t.TempDir(), PublicURL: public,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		// argon2id at production cost would make the demo load slow.
		AuthParams: auth.Params{Time: 1, MemKiB: 1024, Threads: 1},
	}
	if configure != nil {
		configure(&cfg)
	}
	app, err := server.New(ctx, db, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := demo.Load(ctx, db, app.Units, app.Auth); err != nil {
		t.Fatal(err)
	}
	servertest.Serve(t, srv, app.Handler)
	return &motcua{App: app, URL: srv.URL}
}

// submitDossier files a dossier online as the demo citizen (the README's
// example: a signature certification at Gia Lâm commune) and returns its
// code, which the public tracking page shows.
func (m *motcua) submitDossier(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	citizen, err := m.Auth.UserByName(ctx, demo.Citizen.Username)
	if err != nil {
		t.Fatal(err)
	}
	d, _, err := m.Dossiers.Submit(ctx, citizen, dossier.SubmitInput{
		Procedure: "2.000884", Unit: demo.GiaLamCode, Delivery: "counter",
		Applicant: dossier.Applicant{Name: "Nguyễn Văn An", Phone: "0912345678"},
		// The form as the API would decode it from JSON: numbers are float64.
		Form: map[string]any{"ten_giay_to": "Giấy ủy quyền", "ho_ten_nguoi_ky": "Nguyễn Văn An",
			"so_dinh_danh": "037085001234", "so_nguoi_ky": 1.0, "hinh_thuc": "Ký"},
	})
	if err != nil {
		t.Fatalf("submit dossier: %v", err)
	}
	return d.Code
}
