package dvcqg_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/dvcqg"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

// A filed dossier's file URLs come from the portal's answer: the client
// must not send its token, or any request, to a host that is not the
// portal's, whether named directly or reached by a redirect.
func TestFetchOnlyFromThePortal(t *testing.T) {
	var stolen atomic.Int32
	elsewhere := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		stolen.Add(1)
		w.Write([]byte("%PDF-1.4 x"))
	}))
	defer elsewhere.Close()
	portal := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/redirect" {
			http.Redirect(w, r, elsewhere.URL+"/f", http.StatusFound)
			return
		}
		w.Write([]byte("%PDF-1.4 portal"))
	}))
	defer portal.Close()
	c, err := dvcqg.NewClient(dvcqg.ClientConfig{URL: portal.URL + "/api", Token: "secret"})
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	rc, err := c.Fetch(ctx, portal.URL+"/files/1", 1<<20)
	if err != nil {
		t.Fatalf("a file on the portal: %v", err)
	}
	b, _ := io.ReadAll(rc)
	rc.Close()
	if string(b) != "%PDF-1.4 portal" {
		t.Fatalf("read %q", b)
	}
	for _, u := range []string{elsewhere.URL + "/f", portal.URL + "/redirect", "http://169.254.169.254/latest/meta-data",
		"file:///etc/passwd", strings.Replace(portal.URL, "http://", "http://user:pw@", 1) + "/files/1"} {
		if rc, err := c.Fetch(ctx, u, 1<<20); err == nil {
			rc.Close()
			t.Fatalf("fetched %s", u)
		}
	}
	if n := stolen.Load(); n != 0 {
		t.Fatalf("%d requests reached a host that is not the portal", n)
	}
}

type fakePortal struct{ list []dvcqg.Filed }

func (f *fakePortal) ListFiled(context.Context, dvcqg.ListQuery) ([]dvcqg.Filed, error) {
	return f.list, nil
}
func (f *fakePortal) Fetch(context.Context, string, int64) (io.ReadCloser, error) {
	return nil, io.ErrUnexpectedEOF
}

type fakeFiler struct{ units []string }

func (f *fakeFiler) StoreBlob(context.Context, io.Reader) (*dossier.File, error) {
	return &dossier.File{}, nil
}
func (f *fakeFiler) MaxFileBytes() int64 { return 1 << 20 }
func (f *fakeFiler) SubmitFromPortal(_ context.Context, in dossier.SubmitInput, _ []dossier.File) (*dossier.Dossier, error) {
	f.units = append(f.units, in.Unit)
	return nil, nil
}

// The portal's list is not trusted: a dossier for a unit motcua did not
// ask for (another province's, an inactive one) or with a malformed code
// is refused; the others are filed.
func TestPullRefusesWhatWasNotAskedFor(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		portal := &fakePortal{list: []dvcqg.Filed{
			{MaHoSo: "G22.000001", MaDonVi: "000.04.07.H40", MaTTHC: "1.1"},
			{MaHoSo: "G22.000002", MaDonVi: "000.00.01.H99", MaTTHC: "1.1"},
			{MaHoSo: strings.Repeat("9", 200), MaDonVi: "000.04.07.H40", MaTTHC: "1.1"},
			{MaHoSo: "G22\n000003", MaDonVi: "000.04.07.H40", MaTTHC: "1.1"},
		}}
		filer := &fakeFiler{}
		p := dvcqg.NewPuller(db, portal, filer, dvcqg.PullConfig{Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
			Units: func(context.Context) ([]string, error) { return []string{"000.04.07.H40"}, nil }})
		n, err := p.RunOnce(t.Context())
		if n != 1 || err == nil || len(filer.units) != 1 || filer.units[0] != "000.04.07.H40" {
			t.Fatalf("filed %d (%v), error %v; want only the asked unit's well-formed dossier", n, filer.units, err)
		}
	})
}
