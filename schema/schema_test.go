package schema_test

import (
	"testing"

	"github.com/motcua/motcua/schema"
)

// Each module numbers its migrations 1, 2, 3… with no gap, and no table is
// created by two modules.
func TestMigrationNumbersAreContiguousPerModule(t *testing.T) {
	for _, m := range schema.Modules() {
		t.Run(m.Name, func(t *testing.T) {
			ms, err := m.Migrations()
			if err != nil {
				t.Fatal(err)
			}
			if len(ms) == 0 {
				t.Fatal("no migrations embedded")
			}
			for i, mg := range ms {
				if mg.Version != i+1 {
					t.Fatalf("migration %d is numbered %03d; numbers must run 1, 2, 3…", i+1, mg.Version)
				}
			}
		})
	}
}
