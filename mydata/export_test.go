package mydata_test

import (
	"context"
	"errors"
	"io"
	"runtime"
	"testing"

	"github.com/motcua/motcua/audit"
	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/event"
	"github.com/motcua/motcua/mydata"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

// bigFile is the size of the stored file the export streams: far more
// than the export may hold in memory.
const bigFile = 64 << 20

// oneDossier is the dossier module's answer for a citizen with one
// dossier and one big file; its blob is made up as it is read.
type oneDossier struct{ opened int }

func (d *oneDossier) PersonalData(ctx context.Context, a *auth.Actor) (*dossier.Personal, error) {
	return &dossier.Personal{Dossiers: []*dossier.Dossier{{Code: "000.00.07.H40-261207-0001",
		Files: []dossier.File{{ID: 7, Kind: "component", Name: "../ban-chup.pdf", Size: bigFile, SHA256: "ab"}}}}}, nil
}

func (d *oneDossier) OpenBlob(ctx context.Context, sum string) (io.ReadSeekCloser, error) {
	d.opened++
	return pattern{io.LimitReader(endless{}, bigFile)}, nil
}

func (d *oneDossier) Get(ctx context.Context, a *auth.Actor, code string) (*dossier.Dossier, error) {
	return nil, problem.NotFound("dossier_not_found")
}

type endless struct{}

func (endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(i)
	}
	return len(p), nil
}

type pattern struct{ io.Reader }

func (pattern) Seek(int64, int) (int64, error) { return 0, errors.New("not seekable") }
func (pattern) Close() error                   { return nil }

type counter struct{ n int64 }

func (c *counter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }

// TestExportStreams: a 64 MiB file goes into the ZIP without the export
// holding it — what it allocates stays a fraction of what it writes — and
// the export is recorded in the audit log before; an officer exports
// nothing and nothing is recorded.
func TestExportStreams(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		bus := event.New()
		log := audit.New(db)
		log.Subscribe(bus)
		ds := &oneDossier{}
		svc := mydata.New(mydata.Config{DB: db, Bus: bus, Dossiers: ds})
		an := &auth.Actor{User: auth.User{ID: 1, Username: "an", Kind: "citizen"}}

		var w counter
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		if err := svc.Export(ctx, an, &w); err != nil {
			t.Fatal(err)
		}
		runtime.ReadMemStats(&after)
		if w.n < bigFile || ds.opened != 1 {
			t.Fatalf("wrote %d bytes, opened the blob %d times", w.n, ds.opened)
		}
		if alloc := after.TotalAlloc - before.TotalAlloc; alloc > bigFile/4 {
			t.Fatalf("the export allocated %d bytes to write %d: it holds the file instead of streaming it", alloc, w.n)
		}
		es, err := log.List(ctx, audit.Filter{Object: "user:an"})
		if err != nil {
			t.Fatal(err)
		}
		if len(es) != 1 || es[0].Action != "personal_data_exported" || es[0].Details != "1 dossiers, 1 files" {
			t.Fatalf("audit: %+v", es)
		}

		officer := &auth.Actor{User: auth.User{ID: 2, Username: "canbo", Kind: "officer"}}
		var none counter
		if err := svc.Export(ctx, officer, &none); problem.Status(err) != 403 || none.n != 0 {
			t.Fatalf("officer's export: %v, %d bytes", err, none.n)
		}
		if es, err := log.List(ctx, audit.Filter{Object: "user:canbo"}); err != nil || len(es) != 0 {
			t.Fatalf("officer's refused export recorded: %+v %v", es, err)
		}
	})
}
