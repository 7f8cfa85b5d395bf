package store_test

import (
	"database/sql"
	"testing"

	"github.com/motcua/motcua/store"
)

// The encoding is fixed: digests written by one version are verified by
// the next, so a change here breaks every anchored history row.
func TestNetstringsDigest(t *testing.T) {
	var b store.Netstrings
	b.Put("a")
	b.Put("")
	b.Null(sql.NullInt64{Int64: 42, Valid: true})
	b.Null(sql.NullInt64{})
	if string(b) != "1:a,0:,2:42,0:," {
		t.Fatalf("encoding %q", b)
	}
	if got, want := b.Digest(), "ba9a15c8b0a6d47d34ad57a14fbbb73185e44e65dc37b759050e1a7c9e69f9a4"; got != want {
		t.Fatalf("digest %s, want %s (sha256sum of the same bytes)", got, want)
	}
}
