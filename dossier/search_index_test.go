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
// transaction's new and changed dossiers just before its COMMIT
// (migrations/017, 019).
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
		indexAgrees(t, db)
		// Committed dossiers whose deadline, unit or creator change move in
		// the index (SQLite: a new row id; PostgreSQL: the narrow row),
		// twice in one transaction too, and one deleted after a change.
		var other int64
		if err := db.WriteRowContext(ctx, `INSERT INTO units (code, name, level, created_at) VALUES ('v', 'v', 'commune', 0) RETURNING id`).Scan(&other); err != nil {
			t.Fatal(err)
		}
		if err := db.InTx(ctx, func(tx *store.Tx) error {
			for _, q := range []string{
				`UPDATE dossiers SET due_at = 1780000000123 WHERE code = 'C-00'`,
				`UPDATE dossiers SET due_at = 1780000009999 WHERE code = 'C-00'`,
				`UPDATE dossiers SET unit_id = ` + fmt.Sprint(other) + `, due_at = 1700000000000 WHERE code = 'C-02'`,
				`UPDATE dossiers SET created_by = NULL, receiving_unit_id = ` + fmt.Sprint(other) + ` WHERE code = 'C-04'`,
				`UPDATE dossiers SET due_at = 1700000000000 WHERE code = 'C-05'`,
				`DELETE FROM dossiers WHERE code = 'C-05'`,
			} {
				if _, err := tx.ExecContext(ctx, q); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		indexAgrees(t, db)
		if got := match("common"); len(got) != len(want)-1 || slices.Contains(got, "C-05") {
			t.Errorf("after the changes the index finds %v", got)
		}
	})
}

// TestSearchIndexRefusesIDsPastItsBits: on SQLite the index's row id has
// 31 bits for the dossier's id; a dossier past them fails its transaction
// with a reason rather than colliding with another's row id.
func TestSearchIndexRefusesIDsPastItsBits(t *testing.T) {
	db := storetest.Open(t, "sqlite")
	ctx := t.Context()
	indexSearchOnCommit(db)
	var unitID int64
	if err := db.WriteRowContext(ctx, `INSERT INTO units (code, name, level, created_at) VALUES ('u', 'u', 'commune', 0) RETURNING id`).Scan(&unitID); err != nil {
		t.Fatal(err)
	}
	err := db.InTx(ctx, func(tx *store.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO dossiers (id, code, procedure_code, procedure_version, receiving_unit_id, unit_id,
			channel, status, applicant_name, search, form, delivery, submitted_at, updated_at)
			VALUES (?, 'C-big', 'p', 1, ?, ?, 'online', 'submitted', '', 'big', '{}', 'counter', 0, 0)`, int64(searchIDMask)+1, unitID, unitID)
		return err
	})
	if err == nil || !strings.Contains(err.Error(), "2^31") {
		t.Fatalf("a dossier past 2^31: %v, want its refusal", err)
	}
	var n int
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM dossiers`).Scan(&n); err != nil || n != 0 {
		t.Errorf("%d dossiers after the refusal (%v)", n, err)
	}
}

// indexAgrees checks the search index against the dossiers table. On
// SQLite: FTS5's own integrity check, nothing left pending, one row id per
// dossier, its place in the inbox's order (searchKey), under which the
// index finds its whole search text and its scope. On PostgreSQL: one row
// of dossier_search_rows per dossier, with its columns and words.
func indexAgrees(t *testing.T, db *store.DB) {
	t.Helper()
	ctx := t.Context()
	if db.Dialect == store.Postgres {
		var rows, dossiers, wrong int
		if err := db.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM dossier_search_rows), (SELECT COUNT(*) FROM dossiers),
			(SELECT COUNT(*) FROM dossiers d JOIN dossier_search_rows s ON s.id = d.id WHERE s.due_at IS DISTINCT FROM d.due_at OR s.code <> d.code
			  OR s.unit_id IS DISTINCT FROM d.unit_id OR s.receiving_unit_id IS DISTINCT FROM d.receiving_unit_id
			  OR s.competent_unit_id IS DISTINCT FROM d.competent_unit_id OR s.created_by IS DISTINCT FROM d.created_by
			  OR s.words <> to_tsvector('simple', translate(d.search, '.-/', '   '))
			  OR s.scope <> array_to_tsvector(array_remove(ARRAY['u' || d.unit_id, 'u' || d.receiving_unit_id, 'u' || d.competent_unit_id, 'c' || d.created_by], NULL)))`).
			Scan(&rows, &dossiers, &wrong); err != nil {
			t.Fatal(err)
		}
		if rows != dossiers || wrong != 0 {
			t.Errorf("dossier_search_rows: %d rows for %d dossiers, %d of them differing", rows, dossiers, wrong)
		}
		return
	}
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
