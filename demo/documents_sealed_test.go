package demo_test

import (
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/document"
	"github.com/motcua/motcua/server"
	"github.com/motcua/motcua/server/servertest"
	"github.com/motcua/motcua/sign"
	"github.com/motcua/motcua/sign/signtest"
	"github.com/motcua/motcua/store/storetest"
)

// TestDemoDocumentsSealed: on a server that seals outgoing documents
// (motcua serve --demo with --seal-pkcs11-module…, seal-only) the demo's
// documents load, and an issued one carries the seal, valid.
func TestDemoDocumentsSealed(t *testing.T) {
	ctx := t.Context()
	db := storetest.Open(t, "sqlite")
	servertest.Prepare(t, db)
	ca := signtest.NewCA(t, "Test CA")
	cfg := server.Config{DataDir: t.TempDir(), Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		AuthParams: auth.Params{Time: 1, MemKiB: 8, Threads: 1}, PublicURL: "http://127.0.0.1",
		Now: func() time.Time { return time.Date(2026, 3, 2, 8, 0, 0, 0, ict) }}
	cfg.Documents.Seal = ca.Signer(t, 0, "UBND huyện Nho Quan", "UBND huyện Nho Quan")
	app, err := server.New(ctx, db, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := demo.Load(ctx, db, app.Units, app.Auth); err != nil {
		t.Fatal(err)
	}
	if _, err := demo.LoadDocuments(ctx, app.Documents, app.Auth, demo.World2022); err != nil {
		t.Fatal(err)
	}
	clerk, err := app.Auth.UserByName(ctx, "huyen.vanthu")
	if err != nil {
		t.Fatal(err)
	}
	p, err := app.Documents.List(ctx, clerk, document.Filter{Direction: document.Out, State: document.StateIssued, Unit: demo.DistrictCode, Limit: 1})
	if err != nil || len(p.Documents) != 1 {
		t.Fatalf("an issued demo document: %v %+v", err, p)
	}
	d, err := app.Documents.Get(ctx, clerk, p.Documents[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range d.Files {
		if f.Kind != document.FileIssued {
			continue
		}
		_, content, err := app.Documents.FileContent(ctx, clerk, d.ID, f.ID)
		if err != nil {
			t.Fatal(err)
		}
		sigs, err := sign.Verify(content, ca.Pool())
		if err != nil || len(sigs) != 1 || !sign.AllValid(sigs) {
			t.Fatalf("the issued demo document's seal: %v %+v", err, sigs)
		}
		return
	}
	t.Fatalf("no issued file: %+v", d.Files)
}
