// Package servertest prepares a test database the way cmd/motcua prepares
// a real one before it builds the app: server.New neither migrates nor
// seeds.
package servertest

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/motcua/motcua/catalog"
	"github.com/motcua/motcua/schema"
	"github.com/motcua/motcua/store"
)

// Prepare applies every module's migrations to db (nothing to do on a
// storetest database) and seeds the built-in procedure catalog.
func Prepare(t testing.TB, db *store.DB) {
	t.Helper()
	ctx := t.Context()
	if _, err := schema.Migrate(ctx, db); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	cat := catalog.NewStore(db, nil)
	if err := db.InTx(ctx, func(tx *store.Tx) error {
		_, err := cat.SeedBuiltin(ctx, tx)
		return err
	}); err != nil {
		t.Fatalf("seed the catalog: %v", err)
	}
}

// Listen returns an HTTP test server that is listening but not yet
// serving, and its URL: the app is built with that URL as its public
// address (--public-url), then served with Serve.
func Listen(t testing.TB) (*httptest.Server, string) {
	t.Helper()
	srv := httptest.NewUnstartedServer(nil)
	return srv, "http://" + srv.Listener.Addr().String()
}

// Serve starts srv with h and closes it when the test ends.
func Serve(t testing.TB, srv *httptest.Server, h http.Handler) {
	srv.Config.Handler = h
	srv.Start()
	t.Cleanup(srv.Close)
}
