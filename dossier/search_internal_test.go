package dossier

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

// explain is the plan of q on db, one line per node. On PostgreSQL the
// plan is asked with sequential scans and sorts priced out of reach, so
// that on a test's handful of rows it shows what an index can serve: a
// plan still scanning or sorting means no index serves the query.
func explain(t *testing.T, db *store.DB, q string, args ...any) string {
	t.Helper()
	ctx := t.Context()
	var lines []string
	err := db.InTx(ctx, func(tx *store.Tx) error {
		prefix := "EXPLAIN QUERY PLAN "
		if db.Dialect == store.Postgres {
			prefix = "EXPLAIN "
			for _, set := range []string{"enable_seqscan", "enable_sort"} {
				if _, err := tx.ExecContext(ctx, `SET LOCAL `+set+` = off`); err != nil {
					return err
				}
			}
		}
		rows, err := tx.QueryContext(ctx, prefix+q, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				return err
			}
			// SQLite: id, parent, notused, detail; PostgreSQL: one text column.
			if s, ok := vals[len(vals)-1].(string); ok {
				lines = append(lines, s)
			} else if b, ok := vals[len(vals)-1].([]byte); ok {
				lines = append(lines, string(b))
			}
		}
		return rows.Err()
	})
	if err != nil {
		t.Fatal(err)
	}
	return strings.Join(lines, "\n")
}

// TestSearchAndInboxUseIndexes checks the plans, not the time: the search
// asks the full-text index (FTS5's virtual table, PostgreSQL's GIN index
// of words) for its hits rather than scanning the dossiers, and reads the
// hits it got by primary key; the inbox's order is read from an index
// rather than sorted, with and without a state, and per unit of a small
// scope from each unit column's index.
func TestSearchAndInboxUseIndexes(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		terms := searchWords("Nguyễn Văn A")
		probe, parg := `SELECT rowid FROM dossier_words WHERE dossier_words MATCH ? LIMIT ?`, any(ftsMatch(terms, true))
		if db.Dialect == store.Postgres {
			probe, parg = `SELECT s.id FROM dossier_search_rows s WHERE s.words @@ to_tsquery('simple', ?) LIMIT ?`, tsQuery(terms, true)
		}
		like, largs, _ := wordsLike(terms)
		searchIndex := map[store.Dialect]string{store.SQLite: "SCAN dossier_words VIRTUAL TABLE INDEX", store.Postgres: "dossier_search_rows_words"}[db.Dialect]
		// (explain prices sorts out of reach, so PostgreSQL's plan for a
		// few ids in the test may walk an order instead; no scan either way.)
		byID := map[store.Dialect][]string{store.SQLite: {"SEARCH d USING INTEGER PRIMARY KEY"}}[db.Dialect]
		arms := scopeArms([]int64{1}, 2)
		wide, wideArgs := Scope{Units: []int64{1, 2, 3, 4, 5}, CreatedBy: 2}.where()
		wide = tested(wide)
		cases := []struct {
			name, sql string
			args      []any
			want      []string // in the plan
			notWant   []string
		}{
			{"search: the index's hits", probe, []any{parg, 500}, []string{searchIndex}, []string{"SCAN d\n", "Seq Scan"}},
			{"search: the hits read by id", listSQL("d.id IN (1,2,3) AND " + like + " AND d.due_at IS NOT NULL ORDER BY d.due_at, d.code"),
				append(slices.Clone(largs), 21, 0), byID, []string{"SCAN d\n", "Seq Scan"}},
			{"inbox", listSQL("d.due_at IS NOT NULL ORDER BY d.due_at, d.code"), []any{21, 0}, []string{"dossiers_due_code"}, []string{"TEMP B-TREE", "Sort"}},
			// PostgreSQL may read the codes' unique index instead: no sort either.
			{"inbox, no deadline", listSQL("d.due_at IS NULL ORDER BY d.code"), []any{21, 0}, nil, []string{"TEMP B-TREE", "Sort", "SCAN d\n", "Seq Scan"}},
			{"inbox by state", listSQL("d.status = ? AND d.due_at IS NOT NULL AND (d.due_at, d.code) > (?, ?) ORDER BY d.due_at, d.code"),
				[]any{"processing", 1, "x", 21, 0}, []string{"dossiers_status_due_code"}, []string{"TEMP B-TREE", "Sort"}},
			{"inbox of a wide scope", listSQL(wide + " AND d.due_at IS NOT NULL ORDER BY d.due_at, d.code"), append(wideArgs, 21, 0),
				[]string{"dossiers_due_code"}, []string{"TEMP B-TREE", "Sort"}},
			// Only the merged arms (at most limit each) are sorted.
			{"inbox per unit", armsSQL("d.due_at IS NOT NULL", "d.due_at, d.code", arms),
				[]any{1, 21, 1, 21, 1, 21, 2, 21, 21, 0},
				[]string{"dossiers_unit_due_code", "dossiers_recv_due_code", "dossiers_competent_due_code", "dossiers_creator_due_code"},
				[]string{"SCAN d\n", "Seq Scan"}},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				plan := explain(t, db, c.sql, c.args...) + "\n"
				for _, w := range c.want {
					if !strings.Contains(plan, w) {
						t.Errorf("plan has no %q:\n%s", w, plan)
					}
				}
				for _, w := range c.notWant {
					if strings.Contains(plan, w) {
						t.Errorf("plan has %q:\n%s", w, plan)
					}
				}
			})
		}
	})
}

// TestSearchWordsLikeAgreesWithFTS: on SQLite, common words are tested
// row by row with LIKE (searchWhere), and on both engines the index's hits
// are tested again with it; that test must select exactly what the
// full-text index does (FTS5, PostgreSQL's words), or a search would
// answer differently as its words grow common, or lose hits.
func TestSearchWordsLikeAgreesWithFTS(t *testing.T) {
	storetest.Engines(t, testWordsLikeAgrees)
}

func testWordsLikeAgrees(t *testing.T, db *store.DB) {
	ctx := t.Context()
	texts := []string{
		"000.04.07.h40-260301-0001 nguyen van a 037085000001 0912345678",
		"000.04.07.h40-260301-0002 nguyen van anh",
		"000.04.07.h40-260302-0003 tran thi binh 0987654321",
		"000.02.07.h40-260302-0004 le nguyen hoa 037190004321",
		"1.001193/ab-cd tuan anh",
	}
	var unitID int64
	if _, err := db.ExecContext(ctx, `INSERT INTO units (code, name, level, created_at) VALUES ('u', 'u', 'commune', 0)`); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRowContext(ctx, `SELECT id FROM units WHERE code = 'u'`).Scan(&unitID); err != nil {
		t.Fatal(err)
	}
	// As NewService would: the index takes the new rows at COMMIT.
	indexSearchOnCommit(db)
	if err := db.InTx(ctx, func(tx *store.Tx) error {
		for i, text := range texts {
			if _, err := tx.ExecContext(ctx, `INSERT INTO dossiers (code, procedure_code, procedure_version, receiving_unit_id, unit_id, channel, status,
				applicant_name, search, form, delivery, submitted_at, updated_at) VALUES (?, 'p', 1, ?, ?, 'online', 'submitted', '', ?, '{}', 'counter', 0, 0)`,
				fmt.Sprint(i), unitID, unitID, text); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	ids := func(where string, args ...any) []int64 {
		rows, err := db.QueryContext(ctx, `SELECT d.id FROM dossiers d WHERE `+where+` ORDER BY d.id`, args...)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var out []int64
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				t.Fatal(err)
			}
			out = append(out, id)
		}
		return out
	}
	for _, q := range []string{"nguyen van a", "nguyen", "anh", "an", "a", "guyen", "000.04.07.H40-260301", "260302-0004", "h40 0004",
		"1.001193", "001193", "ab-cd", "cd tuan", "0912", "4321", "binh tran", "x", "nguy van", "van a", "van an", "nguyen van anh"} {
		terms := searchWords(q)
		index, arg := `d.id IN (SELECT rowid & 2147483647 FROM dossier_words WHERE dossier_words MATCH ?)`, ftsMatch(terms, true)
		if db.Dialect == store.Postgres {
			index, arg = `d.id IN (SELECT s.id FROM dossier_search_rows s WHERE s.words @@ to_tsquery('simple', ?))`, tsQuery(terms, true)
		}
		fts := ids(index, arg)
		w, args, _ := wordsLike(terms)
		if like := ids(w, args...); !slices.Equal(fts, like) {
			t.Errorf("%q: FTS5 finds %v, LIKE %v", q, fts, like)
		}
		if db.Dialect == store.Postgres {
			if walk := ids(pgRowWords+` @@ to_tsquery('simple', ?)`, arg); !slices.Equal(fts, walk) {
				t.Errorf("%q: the index finds %v, the walk's words %v", q, fts, walk)
			}
		}
	}
}
