package dossier

import (
	"context"
	"math"
	"strings"
	"unicode"

	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/vntext"
)

// Search (issue 15) finds dossiers by code, applicant name, ID number or
// phone, accent-free, through each engine's full-text index over the
// folded search column (migration 012): FTS5 on SQLite, a GIN index of
// words on PostgreSQL. Both answer the same: every term of the query must
// begin a word of that text, and a term with separators ("000.00.01.h12-2512",
// a code's beginning) must begin a run of consecutive words. So
// "nguyen van a" finds "Nguyễn Văn A" and "Nguyễn Văn Anh", not "Hoa".

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

// ftsMatch is the FTS5 query of terms: each a phrase whose last word is a
// prefix, all of them required. Words hold only letters and digits, so
// quoting them needs no escape.
func ftsMatch(terms [][]string) string {
	parts := make([]string, len(terms))
	for i, ws := range terms {
		parts[i] = `"` + strings.Join(ws, " ") + `"*`
	}
	return strings.Join(parts, " ")
}

// tsQuery is the same query for PostgreSQL's to_tsquery: words of a term
// follow each other (<->), the last a prefix (:*), terms joined by &.
func tsQuery(terms [][]string) string {
	parts := make([]string, len(terms))
	for i, ws := range terms {
		parts[i] = strings.Join(ws, " <-> ") + ":*"
	}
	return strings.Join(parts, " & ")
}

// pgSearchWords is the indexed expression of dossiers_search_words; the
// query must repeat it exactly for PostgreSQL to use the index.
const pgSearchWords = `to_tsvector('simple', translate(d.search, '.-/', '   '))`

// searchWhere is the condition selecting the dossiers whose search text
// matches terms, for a page of limit dossiers of an asker who reads the
// dossiers of scope units (0: a citizen, who reads only their own).
//
// PostgreSQL's planner knows from its statistics how common the words are
// and chooses between the index and reading the inbox's order, testing
// each row. SQLite's does not, so it is told. Reading the index costs one
// row read per dossier it finds (m of them), whoever asks; reading the
// inbox's order and testing each row costs about limit/(share of the
// dossiers found × share of those the asker reads), which is small for
// common words ("nguyen" names about two Vietnamese in five) but large
// for rarer words in a commune's inbox. The index is read while m²·share
// stays under limit·N, share estimated as scope/(units in all): a
// commune of a province reads a few percent of its dossiers. A citizen's
// few dossiers are read by owner and tested.
func (s *Service) searchWhere(ctx context.Context, terms [][]string, limit, scope int) (string, []any, error) {
	if s.db.Dialect == store.Postgres {
		return pgSearchWords + ` @@ to_tsquery('simple', ?)`, []any{tsQuery(terms)}, nil
	}
	if scope == 0 {
		return wordsLike(terms)
	}
	var top, units int64
	if err := s.db.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM dossiers`).Scan(&top); err != nil {
		return "", nil, err
	}
	// The units table is the unit module's; its count is read through it.
	all, err := s.units.List(ctx)
	if err != nil {
		return "", nil, err
	}
	units = int64(max(len(all), 1))
	share := min(float64(scope)/float64(units), 1)
	threshold := int64(min(max(math.Sqrt(float64(limit)*float64(top)/share), 500), 50000))
	match := ftsMatch(terms)
	var n int64
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT rowid FROM dossier_search WHERE dossier_search MATCH ? LIMIT ?)`,
		match, threshold).Scan(&n); err != nil {
		return "", nil, err
	}
	if n < threshold {
		return `d.id IN (SELECT rowid FROM dossier_search WHERE dossier_search MATCH ?)`, []any{match}, nil
	}
	return wordsLike(terms)
}

// wordsLike tests terms on each row as the index would: the search text
// with its separators made spaces, and a space before it, must contain
// " word1 word2…" for each term. (A run of two separators in the text,
// which codes never have, would need two spaces here.)
func wordsLike(terms [][]string) (string, []any, error) {
	conds := make([]string, len(terms))
	args := make([]any, len(terms))
	for i, ws := range terms {
		conds[i] = `(' ' || replace(replace(replace(d.search, '.', ' '), '-', ' '), '/', ' ')) LIKE ?`
		args[i] = "% " + strings.Join(ws, " ") + "%"
	}
	return strings.Join(conds, " AND "), args, nil
}
