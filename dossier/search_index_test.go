package dossier

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

// TestSearchIndexedAtCommit: on SQLite the full-text index takes a
// transaction's new dossiers just before its COMMIT (migrations/017).
// Concurrent calls (one group-commit batch or several), some failing after
// their insert and one changing its row's words after it, leave the index
// holding exactly the committed dossiers with their last words — FTS5's
// own integrity check against the dossiers table agrees — and nothing
// pending. On PostgreSQL the engine's index answers the same.
func TestSearchIndexedAtCommit(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		indexSearchOnCommit(db)
		var unitID int64
		if err := db.WriteRowContext(ctx, `INSERT INTO units (code, name, level, created_at) VALUES ('u', 'u', 'commune', 0) RETURNING id`).Scan(&unitID); err != nil {
			t.Fatal(err)
		}
		const n = 24
		errRefused := errors.New("refused after the insert")
		var wg sync.WaitGroup
		errs := make([]error, n)
		for i := range n {
			wg.Go(func() {
				errs[i] = db.InTx(ctx, func(tx *store.Tx) error {
					var id int64
					if err := tx.QueryRowContext(ctx, `INSERT INTO dossiers (code, procedure_code, procedure_version, receiving_unit_id, unit_id,
						channel, status, applicant_name, search, form, delivery, submitted_at, updated_at)
						VALUES (?, 'p', 1, ?, ?, 'online', 'submitted', '', ?, '{}', 'counter', 0, 0) RETURNING id`,
						fmt.Sprintf("C-%02d", i), unitID, unitID, fmt.Sprintf("first%02d common", i)).Scan(&id); err != nil {
						return err
					}
					switch {
					case i%4 == 3:
						return errRefused
					case i%4 == 1: // still pending: the flush indexes the new words
						_, err := tx.ExecContext(ctx, `UPDATE dossiers SET search = ? WHERE id = ?`, fmt.Sprintf("second%02d common", i), id)
						return err
					}
					return nil
				})
			})
		}
		wg.Wait()
		var want []string
		for i, err := range errs {
			switch {
			case i%4 == 3 && !errors.Is(err, errRefused):
				t.Fatalf("call %d: %v, want its refusal", i, err)
			case i%4 != 3 && err != nil:
				t.Fatalf("call %d: %v", i, err)
			case i%4 != 3:
				want = append(want, fmt.Sprintf("C-%02d", i))
			}
		}
		match := func(word string) []string {
			t.Helper()
			q := `SELECT code FROM dossiers WHERE id IN (SELECT rowid & 2147483647 FROM dossier_words WHERE dossier_words MATCH ?) ORDER BY code`
			if db.Dialect == store.Postgres {
				q = `SELECT d.code FROM dossiers d JOIN dossier_search_rows s ON s.id = d.id WHERE s.words @@ to_tsquery('simple', ?) ORDER BY d.code`
			}
			codes, err := store.Strings(ctx, db, q, word)
			if err != nil {
				t.Fatal(err)
			}
			return codes
		}
		if got := match("common"); !slices.Equal(got, want) {
			t.Errorf("the index finds %v, want the %d committed: %v", got, len(want), want)
		}
		if got := match("first01"); len(got) != 0 {
			t.Errorf("words replaced before the commit still found: %v", got)
		}
		if got := match("second01"); !slices.Equal(got, []string{"C-01"}) {
			t.Errorf("words set before the commit: %v", got)
		}
		if db.Dialect == store.SQLite {
			indexAgrees(t, db)
		}
	})
}

// indexAgrees checks SQLite's search index against the dossiers table: FTS5's
// own integrity check, nothing left pending, one row id per dossier, its
// place in the inbox's order (searchKey), under which the index finds its
// whole search text and its scope.
func indexAgrees(t *testing.T, db *store.DB) {
	t.Helper()
	ctx := t.Context()
	if _, err := db.ExecContext(ctx, `INSERT INTO dossier_words (dossier_words) VALUES ('integrity-check')`); err != nil {
		t.Errorf("FTS5 integrity check: %v", err)
	}
	var pending int
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM dossier_words_pending`).Scan(&pending); err != nil || pending != 0 {
		t.Errorf("%d dossiers still pending after their commits (%v)", pending, err)
	}
	keys, err := store.Int64s(ctx, db, `SELECT rowid FROM dossier_words ORDER BY rowid`)
	if err != nil {
		t.Fatal(err)
	}
	want, err := store.Int64s(ctx, db, `SELECT `+searchKeySQL+` FROM dossiers d ORDER BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(keys, want) {
		t.Errorf("the index holds %d row ids, the dossiers make %d: %v, want %v", len(keys), len(want), keys[:min(len(keys), 8)], want[:min(len(want), 8)])
	}
	rows, err := db.QueryContext(ctx, `SELECT `+searchKeySQL+`, d.search, `+searchScopeSQL+` FROM dossiers d`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var key int64
		var text, scope string
		if err := rows.Scan(&key, &text, &scope); err != nil {
			t.Fatal(err)
		}
		words := strings.FieldsFunc(text, notWordRune)
		q := `search : "` + strings.Join(words, " ") + `" AND scope : "` + scope + `"`
		var n int
		if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM dossier_words WHERE dossier_words MATCH ? AND rowid = ?`, q, key).Scan(&n); err != nil || n != 1 {
			t.Errorf("row id %d: the index does not find %q (%v)", key, q, err)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
}
