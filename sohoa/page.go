package sohoa

import (
	"context"

	"github.com/motcua/motcua/cursor"
)

// paperKey is where a page of papers resumes: after the paper recorded at
// At (Unix milliseconds) with this id. Ids are unique, so (at, id), newest
// first, is a total order and no paper is repeated or skipped between
// pages, whatever is digitised in between.
type paperKey struct {
	At int64 `json:"at"`
	ID int64 `json:"id"`
}

func parsePaperKey(s string) (*paperKey, error) {
	var k paperKey
	ok, err := cursor.Decode(s, &k, func() bool { return k.ID > 0 })
	if !ok {
		return nil, err
	}
	return &k, nil
}

// papersPage is papersAfter for the listing convention: at most limit
// papers and the cursor of the next page, empty on the last.
func (s *Service) papersPage(ctx context.Context, where string, args []any, limit int, k *paperKey) ([]Paper, string, error) {
	// One more than the page tells whether a next page exists.
	ps, err := s.papersAfter(ctx, where, args, limit+1, k)
	if err != nil || len(ps) <= limit {
		return ps, "", err
	}
	ps = ps[:limit]
	last := ps[limit-1]
	return ps, cursor.Encode(paperKey{At: last.At.UnixMilli(), ID: last.id}), nil
}
