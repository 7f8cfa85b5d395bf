package dossier

import (
	"context"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/motcua/motcua/store"
)

// searchRows answers an officer's search on PostgreSQL from
// dossier_search_rows (migrations/020): a dossier's words as a stored
// tsvector beside the columns the inbox orders by and the asker's scope
// reads, about 150 bytes a row. The page's dossiers are chosen there, in
// List's order from the table's (due_at, code) index or from its words'
// GIN index and sorted (below); either way it reads narrow rows that stay cached,
// not the dossiers' (a full name's 44,000 hits were 14,000 pages of them
// at 10M). Then only the page's dossiers are read, and tested with where,
// List's conditions, again: the two statements may see different commits.
//
// rowsWhere and rowsArgs are the asker's scope and the unit filter on the
// table (alias s): for a scope of a few units, its words (pgScopeQuery),
// which the GIN index answers with the words of the query, so that a
// commune's search reads the commune's hits only. List sends here only
// searches with no other filter.
// Like listPage, the dossiers with a deadline are read first, then those
// without, each part in the order of the index.
func (s *Service) searchRows(ctx context.Context, terms [][]string, rowsWhere []string, rowsArgs []any, where string, args []any, f Filter) ([]*Dossier, error) {
	// GIN answers a prefix (the last word of a query) by merging every
	// word it begins before it answers anything: "0"* of a code's
	// beginning is every serial number and ID number, 29,000 pages of the
	// index (1.4 s at 10M). The index is asked for the whole words when
	// there are any, and the prefix is tested on the rows it gives.
	conds := append([]string{`s.words @@ to_tsquery('simple', ?)`}, rowsWhere...)
	base := append([]any{tsQuery(terms, true)}, rowsArgs...)
	if whole := wholeWords(terms); whole != nil {
		base[0] = tsQuery(whole, false)
	}
	estConds, estArgs := slices.Clone(conds), slices.Clone(base)
	if base[0] != tsQuery(terms, true) {
		conds = append(conds, `(s.words || ''::tsvector) @@ to_tsquery('simple', ?)`)
		base = append(base, tsQuery(terms, true))
	}
	// Which of the two ways, decided here from the planner's estimate of
	// the hits (its statistics of the words and the scope's words): left
	// to choose with the order and the limit in view, it read a commune's
	// 150,000 hits of "nguyen" from the GIN index to sort them (7 s at
	// 10M) where walking the order finds a page in about 1,500 rows. As in
	// searchWhere, the walk costs limit·N/m rows and the hits m, so hits
	// estimated past T = √(limit·N) are walked.
	var top int64
	if err := s.db.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM dossiers`).Scan(&top); err != nil {
		return nil, err
	}
	est, err := s.pgEstimateWhere(ctx, strings.Join(estConds, " AND "), estArgs...)
	if err != nil {
		return nil, err
	}
	walk := est >= math.Sqrt(float64(f.Limit+max(f.Offset, 0))*float64(top))
	if s.pgSearchWay != 0 {
		walk = s.pgSearchWay > 0
	}
	if walk {
		// The walk reads at most twice T rows of the order: short of a
		// page by then, the words were rarer than the estimate said, and
		// the index's hits answer.
		budget := 2 * int(math.Sqrt(float64(f.Limit+max(f.Offset, 0))*float64(top)))
		walkConds := append([]string{`s.words @@ to_tsquery('simple', ?)`}, rowsWhere...)
		walkArgs := append([]any{tsQuery(terms, true)}, rowsArgs...)
		ids, full, err := s.searchRowsPart(ctx, walkConds, walkArgs, f, max(budget, 1000))
		if err != nil {
			return nil, err
		}
		if full {
			return s.searchRowsPage(ctx, ids, where, args)
		}
	}
	ids, _, err := s.searchRowsPart(ctx, conds, base, f, 0)
	if err != nil {
		return nil, err
	}
	return s.searchRowsPage(ctx, ids, where, args)
}

// searchRowsPart reads the ids of a page of the dossier_search_rows that
// conds select: those with a deadline first, then those without, each
// part in the order of the index, as listPage. walk > 0 walks that many
// rows of the order at most and tests each (a query shape that leaves
// the planner no other way: hiding the words from the index instead had
// it expect so few rows that it read the whole table to sort it, 3 s at
// 10M), and full is whether the page was filled; walk 0 reads the
// index's hits and sorts them (OFFSET 0 keeps the planner from walking
// the order for them).
func (s *Service) searchRowsPart(ctx context.Context, conds []string, base []any, f Filter, walk int) (ids []int64, full bool, err error) {
	part := func(cond, order string, cargs []any, limit, offset int) ([]int64, error) {
		if walk > 0 {
			q := `SELECT s.id FROM (SELECT s.* FROM dossier_search_rows s WHERE ` + cond + ` ORDER BY ` + order + ` LIMIT ?) s WHERE ` +
				strings.Join(conds, " AND ") + ` ORDER BY ` + order + ` LIMIT ? OFFSET ?`
			return store.Int64s(ctx, s.db, q, append(append(append(slices.Clone(cargs), walk), base...), limit, offset)...)
		}
		w := strings.Join(append(slices.Clone(conds), cond), " AND ")
		q := `SELECT s.id FROM (SELECT s.id, s.due_at, s.code FROM dossier_search_rows s WHERE ` + w + ` OFFSET 0) s ORDER BY ` + order + ` LIMIT ? OFFSET ?`
		return store.Int64s(ctx, s.db, q, append(append(slices.Clone(base), cargs...), limit, offset)...)
	}
	off := max(f.Offset, 0)
	if f.After == nil || f.After.DueAt != nil {
		cond, cargs := "s.due_at IS NOT NULL", []any(nil)
		if f.After != nil {
			cond, cargs = "(s.due_at, s.code) > (?, ?)", []any{*f.After.DueAt, f.After.Code}
		}
		if ids, err = part(cond, "s.due_at, s.code", cargs, f.Limit, off); err != nil || len(ids) == f.Limit || walk > 0 {
			return ids, len(ids) == f.Limit, err
		}
		if len(ids) > 0 || off == 0 {
			off = 0
		} else { // the offset is past the first part: skip what is left in the second
			var n int
			q := `SELECT COUNT(*) FROM dossier_search_rows s WHERE ` + strings.Join(append(slices.Clone(conds), cond), " AND ")
			if err := s.db.QueryRowContext(ctx, q, append(slices.Clone(base), cargs...)...).Scan(&n); err != nil {
				return nil, false, err
			}
			off = max(off-n, 0)
		}
	}
	cond, cargs := "s.due_at IS NULL", []any(nil)
	if f.After != nil && f.After.DueAt == nil {
		cond, cargs = "s.due_at IS NULL AND s.code > ?", []any{f.After.Code}
	}
	rest, err := part(cond, "s.code", cargs, f.Limit-len(ids), off)
	ids = append(ids, rest...)
	return ids, len(ids) == f.Limit, err
}

// wholeWords is terms without the last word, which the user may still be
// typing (a prefix), or nil when that is the only word.
func wholeWords(terms [][]string) [][]string {
	out := slices.Clone(terms)
	last := out[len(out)-1]
	if last = last[:len(last)-1]; len(last) > 0 {
		out[len(out)-1] = last
	} else {
		out = out[:len(out)-1]
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// pgScopeQuery is the tsquery of dossier_search_rows' scope column for the
// dossiers of units or created by creator (Scope.where's columns), or ""
// when units are too many to name (maxScopeTerms, as on SQLite).
func pgScopeQuery(units []int64, creator int64) string {
	if len(units) > maxScopeTerms {
		return ""
	}
	return strings.Join(scopeWords(units, creator), " | ")
}

// searchRowsPage reads the dossiers ids that where still selects, in the
// order of ids.
func (s *Service) searchRowsPage(ctx context.Context, ids []int64, where string, args []any) ([]*Dossier, error) {
	if len(ids) == 0 {
		return []*Dossier{}, nil
	}
	in := make([]string, len(ids))
	for i, id := range ids {
		in[i] = strconv.FormatInt(id, 10)
	}
	rows, err := s.queryDossiers(ctx, selectDossier+` WHERE d.id IN (`+strings.Join(in, ",")+`) AND `+where, args...)
	if err != nil {
		return nil, err
	}
	// In the order PostgreSQL gave the ids (its collation orders the
	// codes, as it does for the cursors).
	byID := make(map[int64]*Dossier, len(rows))
	for _, d := range rows {
		byID[d.id] = d
	}
	out := make([]*Dossier, 0, len(rows))
	for _, id := range ids {
		if d := byID[id]; d != nil {
			out = append(out, d)
		}
	}
	return out, nil
}
