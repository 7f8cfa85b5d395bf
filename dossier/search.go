package dossier

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/vntext"
)

// Search (issue 15) finds dossiers by code, applicant name, ID number or
// phone, accent-free, through each engine's full-text index over the
// folded search column (migration 012): FTS5 on SQLite, a GIN index of
// words on PostgreSQL. Both answer the same: every term of the query must
// be a word of that text, the last one may be a word's beginning, and a
// term with separators ("000.00.01.h12-2512", a code's beginning) must be
// a run of consecutive words, its last one a beginning if it is the last
// term. So "nguyen van a" finds "Nguyễn Văn A" and "Nguyễn Văn Anh", not
// "Hoa", and "nguy van" finds neither.

// searchWords splits a query into terms, each a list of words: the query
// is folded (vntext.Fold) and every character that is not a letter or a
// digit separates words, as in both engines' tokenizers.
func searchWords(q string) [][]string {
	var out [][]string
	for _, t := range vntext.Terms(q) {
		if ws := strings.FieldsFunc(t, notWordRune); len(ws) > 0 {
			out = append(out, ws)
		}
	}
	return out
}

func notWordRune(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }

// The words of every term but the last are whole words, typed to the
// end; only the last term's last word may be a word's beginning, still
// being typed. (Both engines skip through a whole word's list of dossiers,
// but a prefix is first merged from every word it begins: "nguyen"* alone
// took 0.1–0.3 s at 1M dossiers.)

// ftsMatch is the FTS5 query of terms in the index's search column: each
// a phrase, the last one's last word a prefix if prefix, all of them
// required. Words hold only letters and digits, so quoting them needs no
// escape.
func ftsMatch(terms [][]string, prefix bool) string {
	parts := make([]string, len(terms))
	for i, ws := range terms {
		parts[i] = `"` + strings.Join(ws, " ") + `"`
	}
	if prefix {
		parts[len(parts)-1] += "*"
	}
	return "search : (" + strings.Join(parts, " ") + ")"
}

// tsQuery is the same query for PostgreSQL's to_tsquery: words of a term
// follow each other (<->), the last term's last word a prefix (:*) if
// prefix, terms joined by &.
func tsQuery(terms [][]string, prefix bool) string {
	parts := make([]string, len(terms))
	for i, ws := range terms {
		parts[i] = strings.Join(ws, " <-> ")
	}
	if prefix {
		parts[len(parts)-1] += ":*"
	}
	return strings.Join(parts, " & ")
}

// pgRowWords is a dossier's words on PostgreSQL, read from its row of
// dossier_search_rows (migrations/020) by primary key: a test of each row
// of a walk of the inbox's order. As a correlated subquery it is never
// answered from the words' GIN index: a walk is taken only for words
// common enough that a page is found within T rows, and given the index
// PostgreSQL's planner chose a bitmap of it ANDed with the unit's, which
// at 10M went lossy and rechecked 1.2M rows per arm (12 s for "nguyen
// thi", BENCHMARKS.md "Inbox and search at scale").
const pgRowWords = `(SELECT s.words FROM dossier_search_rows s WHERE s.id = d.id)`

// searchWhere is the condition selecting the dossiers whose search text
// matches terms, for a page of limit dossiers of an asker who reads share
// of the dossiers in the order being walked (1 when the page is read per
// unit of the asker's scope, scopeArms; 0: a citizen, who reads only
// their own few, read by owner and tested).
//
// Two ways answer, and each costs about one row read per row it touches:
// reading the m dossiers the full-text index finds and sorting them (m
// reads), or walking the inbox's order and testing each row, which finds
// a page after about limit/(m/N × share) rows of the N. The index is
// asked for at most T = √(limit·N/share) hits, where both cost the same:
// fewer, and they are the answer; T of them, and the words are common
// enough for the walk to cost less than T. Either way a search reads at
// most about T rows (4,600 for a page of 21 at 1M dossiers per unit, 14,500
// at 10M), whatever the engine's planner would have guessed.
//
// An officer's search without a state or overdue filter is answered by
// searchInOrder (SQLite) or searchRows (PostgreSQL) first, which read
// about a page's worth; searchWhere answers the rest.
func (s *Service) searchWhere(ctx context.Context, terms [][]string, limit int, share float64) (string, []any, error) {
	if share <= 0 {
		return wordsLike(terms)
	}
	var top int64
	if err := s.db.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM dossiers`).Scan(&top); err != nil {
		return "", nil, err
	}
	threshold := int(min(max(math.Sqrt(float64(limit)*float64(top)/min(share, 1)), 500), 50000))
	// walk is the condition for walking the order. PostgreSQL is given the
	// words, not LIKE tests: given those, it expected one row and read the
	// whole table to sort it (1.4 s for "tran thi" at 1M); read by row
	// (pgRowWords).
	walk := func() (string, []any, error) {
		if s.db.Dialect == store.Postgres {
			return pgRowWords + ` @@ to_tsquery('simple', ?)`, []any{tsQuery(terms, true)}, nil
		}
		return wordsLike(terms)
	}
	hits := func(prefix bool) ([]int64, error) {
		if s.db.Dialect == store.Postgres {
			return store.Int64s(ctx, s.db, `SELECT s.id FROM dossier_search_rows s WHERE s.words @@ to_tsquery('simple', ?) LIMIT ?`,
				tsQuery(terms, prefix), threshold)
		}
		return store.Int64s(ctx, s.db, `SELECT rowid & ? FROM dossier_words WHERE dossier_words MATCH ? LIMIT ?`, searchIDMask, ftsMatch(terms, prefix), threshold)
	}
	// A prefix of more than 6 characters (FTS5 indexes those up to 6 as
	// words of their own, migrations/019) is merged whole however few hits are asked for,
	// and PostgreSQL merges any prefix and reads each row it finds to
	// check it (0.2–0.5 s for "hoang thi"* at 1M, 25 ms for the words);
	// if the whole words are that common, the prefix is too, and the walk
	// answers without the merge.
	last := terms[len(terms)-1]
	if s.db.Dialect == store.Postgres {
		// Even the whole words' probe reads up to T rows of the table
		// (GIN answers pages, each row checked: 0.6 s for "nguyen van" at
		// 1M under load), so the planner's estimate, from the statistics
		// migration 013 made, is asked first. It is close for common words
		// (within 1.5× of the count at 1M) and low for names, whose words
		// come together, so a word it calls common is common.
		if est, err := s.pgEstimate(ctx, tsQuery(terms, false)); err != nil {
			return "", nil, err
		} else if est >= 2*float64(threshold) {
			return walk()
		}
	}
	if s.db.Dialect == store.Postgres || utf8.RuneCountInString(last[len(last)-1]) > 6 {
		ids, err := hits(false)
		if err != nil {
			return "", nil, err
		}
		if len(ids) >= threshold {
			return walk()
		}
	}
	ids, err := hits(true)
	if err != nil {
		return "", nil, err
	}
	if len(ids) >= threshold {
		return walk()
	}
	if len(ids) == 0 {
		return "1=0", nil, nil
	}
	// The hits are named by id, so that every engine reads them by primary
	// key; the words are tested again because the dossier may have changed
	// since the index was read.
	in := make([]string, len(ids))
	for i, id := range ids {
		in[i] = strconv.FormatInt(id, 10)
	}
	w, args, err := wordsLike(terms)
	return "d.id IN (" + strings.Join(in, ",") + ") AND " + w, args, err
}

// pgEstimate is PostgreSQL's estimate of the dossiers matching the
// to_tsquery q.
func (s *Service) pgEstimate(ctx context.Context, q string) (float64, error) {
	return s.pgEstimateWhere(ctx, `s.words @@ to_tsquery('simple', ?)`, q)
}

// pgEstimateWhere is PostgreSQL's estimate of the rows of
// dossier_search_rows s that where selects.
func (s *Service) pgEstimateWhere(ctx context.Context, where string, args ...any) (float64, error) {
	var plan string
	if err := s.db.QueryRowContext(ctx, `EXPLAIN (FORMAT JSON) SELECT 1 FROM dossier_search_rows s WHERE `+where, args...).Scan(&plan); err != nil {
		return 0, err
	}
	var out []struct {
		Plan struct {
			Rows float64 `json:"Plan Rows"`
		}
	}
	if err := json.Unmarshal([]byte(plan), &out); err != nil || len(out) == 0 {
		return 0, fmt.Errorf("dossier: reading PostgreSQL's plan %q: %v", plan, err)
	}
	return out[0].Plan.Rows, nil
}

// wordsLike tests terms on each row as the index would: the search text
// with its separators made spaces, and a space on either side, must
// contain " word1 word2 " for each term, or " word1 word2" for the last.
// (A run of two separators in the text, which codes never have, would
// need two spaces here.)
func wordsLike(terms [][]string) (string, []any, error) {
	conds := make([]string, len(terms))
	args := make([]any, len(terms))
	for i, ws := range terms {
		conds[i] = `(' ' || replace(replace(replace(d.search, '.', ' '), '-', ' '), '/', ' ') || ' ') LIKE ?`
		args[i] = "% " + strings.Join(ws, " ") + " %"
	}
	args[len(args)-1] = "% " + strings.Join(terms[len(terms)-1], " ") + "%"
	return strings.Join(conds, " AND "), args, nil
}
