package dossier

import (
	"context"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/motcua/motcua/store"
)

// searchInOrder answers an officer's search on SQLite from the index's
// own order (migrations/019): its row ids are the dossiers' places in the
// inbox's order, deadline first, so reading a query's hits in row-id order
// reads them most urgent first, and a page costs about its own length in
// hits instead of every hit (or a walk of the whole order) as searchWhere
// does. The row id holds the deadline to the second and the id, not the
// code, so the hits are read on to the end of the second of the page's
// last one (whose dossiers may sort before it by code), and what was read
// is sorted in List's order.
//
// where and args are List's conditions without the search's; scopeMatch
// is the index's query of the asker's units (scopeTerms), or "". Each hit
// is read by primary key and tested with where and the words again (the
// index and the rows are read by separate statements: a dossier may have
// changed between them). A hit that where refuses still costs its read,
// so the walk gives up after searchBudget hits and ok is false: the
// caller answers with searchWhere then (a filter of few dossiers whose
// order is far from the inbox's, such as a state, or a scope the index
// was not told of).
func (s *Service) searchInOrder(ctx context.Context, terms [][]string, scopeMatch, where string, args []any, f Filter) (page []*Dossier, ok bool, err error) {
	match := ftsMatch(terms, true)
	if scopeMatch != "" {
		match += " AND " + scopeMatch
	}
	need := max(f.Offset, 0) + f.Limit
	var start int64 // the first row id to read
	cond, cargs := where, slices.Clone(args)
	if a := f.After; a != nil {
		start = searchKey(a.DueAt, 0)
		if a.DueAt != nil {
			cond += " AND (d.due_at IS NULL OR (d.due_at, d.code) > (?, ?))"
			cargs = append(cargs, *a.DueAt, a.Code)
		} else {
			cond += " AND d.due_at IS NULL AND d.code > ?"
			cargs = append(cargs, a.Code)
		}
	}
	like, largs, err := wordsLike(terms)
	if err != nil {
		return nil, false, err
	}
	cond, cargs = cond+" AND "+like, append(cargs, largs...)

	type hit struct {
		key int64
		d   *Dossier
	}
	var found []hit
	end := int64(math.MaxInt64) // the last row id to read: once need are found, the end of the last one's second
	chunk, examined := max(2*need, s.searchChunk), 0
	for {
		keys, err := store.Int64s(ctx, s.db, `SELECT rowid FROM dossier_words WHERE dossier_words MATCH ? AND rowid >= ? AND rowid <= ? ORDER BY rowid LIMIT ?`,
			match, start, end, chunk)
		if err != nil {
			return nil, false, err
		}
		if len(keys) > 0 {
			ids := make([]string, len(keys))
			for i, k := range keys {
				ids[i] = strconv.FormatInt(k&searchIDMask, 10)
			}
			// NOT INDEXED: by primary key, which SQLite still may. Given the
			// scope's columns, it walked a commune's whole unit index to meet
			// the 64 ids (200 ms at 10M, profiled).
			rows, err := s.queryDossiers(ctx, selectDossier+` NOT INDEXED WHERE d.id IN (`+strings.Join(ids, ",")+`) AND `+cond, cargs...)
			if err != nil {
				return nil, false, err
			}
			byID := make(map[int64]*Dossier, len(rows))
			for _, d := range rows {
				byID[d.id] = d
			}
			for _, k := range keys {
				if d := byID[k&searchIDMask]; d != nil {
					found = append(found, hit{k, d})
				}
			}
			examined += len(keys)
		}
		if len(found) >= need && end == math.MaxInt64 {
			end = found[need-1].key | searchIDMask
		}
		if len(keys) < chunk || keys[len(keys)-1] >= end {
			break // every hit up to end is read
		}
		if examined >= s.searchBudget {
			return nil, false, nil
		}
		start, chunk = keys[len(keys)-1]+1, min(chunk*2, max(s.searchChunk, 1024))
	}
	out := make([]*Dossier, 0, len(found))
	for _, h := range found {
		if h.key <= end {
			out = append(out, h.d)
		}
	}
	slices.SortFunc(out, inboxOrder)
	off := min(max(f.Offset, 0), len(out))
	return out[off:min(off+f.Limit, len(out))], true, nil
}

// searchBudget is how many hits searchInOrder reads before it leaves the
// page to searchWhere: about 20-40 ms of reads by primary key at 10M
// dossiers on the project machine.
const searchBudget = 2048

// inboxOrder is List's order: by deadline, those without one last, then
// by code.
func inboxOrder(a, b *Dossier) int {
	switch {
	case (a.DueAt == nil) != (b.DueAt == nil):
		if a.DueAt == nil {
			return 1
		}
		return -1
	case a.DueAt != nil && !a.DueAt.Equal(*b.DueAt):
		return a.DueAt.Compare(*b.DueAt)
	}
	return strings.Compare(a.Code, b.Code)
}

// maxScopeTerms is the most units a search asks the index for by name
// (scopeTerms, pgScopeQuery): a commune's desk reads one to three. A wider
// scope (a district's inspector, a province's department) reads a large
// share of the dossiers, and testing each hit costs less than the index's
// stepping through that many lists at every hit.
const maxScopeTerms = 8

// scopeTerms is the index's query of the dossiers of units or created by
// creator (Scope.where's columns, in the index's scope column), or "" when
// units are too many to name.
func scopeTerms(units []int64, creator int64) string {
	if len(units) > maxScopeTerms {
		return ""
	}
	return "scope : (" + strings.Join(scopeWords(units, creator), " OR ") + ")"
}

// scopeWords are the scope's words in both engines' indexes: u and a
// unit's id, c and the creator's.
func scopeWords(units []int64, creator int64) []string {
	out := make([]string, 0, len(units)+1)
	for _, id := range units {
		out = append(out, "u"+strconv.FormatInt(id, 10))
	}
	return append(out, "c"+strconv.FormatInt(creator, 10))
}
