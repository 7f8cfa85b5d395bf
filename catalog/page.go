package catalog

import (
	"context"

	"github.com/motcua/motcua/cursor"
)

// searchKey is where a page of SearchPage resumes: after the procedure of
// this field and code. Codes are unique, so (field, code) is a total order
// and no procedure is repeated or skipped between pages.
type searchKey struct {
	Field string `json:"field"`
	Code  string `json:"code"`
}

// SearchPage is one page of Search for the API's listing convention
// (docs/api.md, Listings): at most limit procedures after the cursor
// (empty: the first page), and the next page's cursor, empty on the last.
func (s *Store) SearchPage(ctx context.Context, q Query, limit int, after string) ([]Summary, string, error) {
	var k searchKey
	ok, err := cursor.Decode(after, &k, func() bool { return k.Code != "" })
	if err != nil {
		return nil, "", err
	}
	var from *searchKey
	if ok {
		from = &k
	}
	// One more than the page tells whether a next page exists.
	out, err := s.search(ctx, q, from, limit+1)
	if err != nil || len(out) <= limit {
		return out, "", err
	}
	out = out[:limit]
	last := out[limit-1]
	return out, cursor.Encode(searchKey{Field: last.Field, Code: last.Code}), nil
}
