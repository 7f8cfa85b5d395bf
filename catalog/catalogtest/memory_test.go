package catalogtest

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/motcua/motcua/catalog"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

// TestMemoryAgreesWithStore: handler tests trust Memory to answer as the
// real store does over a freshly seeded database.
func TestMemoryAgreesWithStore(t *testing.T) {
	ctx := context.Background()
	db := storetest.Open(t, "sqlite")
	real := catalog.NewStore(db, time.Now)
	if err := db.InTx(ctx, func(tx *store.Tx) error {
		_, err := real.SeedBuiltin(ctx, tx)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	mem, err := New()
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []catalog.Query{
		{}, {Text: "khai sinh"}, {Text: "Khai Tử"}, {Text: "1.000656"}, {Level: "commune"}, {Level: "province"},
		{Field: "ho-tich"}, {Field: "ho-tich", Text: "ket hon", Level: "commune"}, {Text: "không có thủ tục này"},
	} {
		want, err := real.Search(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := mem.Search(ctx, q)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("Search(%+v): memory has %d results, store %d", q, len(got), len(want))
		}
	}
	for _, code := range []string{"1.001193", "1.000656"} {
		want, err := real.Get(ctx, code)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := mem.Get(ctx, code)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("Get(%s) differs:\nmemory %+v\nstore  %+v", code, got, want)
		}
	}
	if _, err := mem.Get(ctx, "9.999999"); err == nil {
		t.Error("Get of an unknown code succeeded")
	}
}
