package api

import (
	"net/url"
	"strconv"

	"github.com/motcua/motcua/problem"
)

// The listing convention (docs/api.md, Listings): ?limit is the page size,
// default defaultPage, at most maxPage (larger asks are cut to maxPage);
// ?cursor is the previous page's next; a page that has a following one
// carries next, the last page none.
const (
	defaultPage = 50
	maxPage     = 200
)

// pageLimit reads ?limit: absent or 0 is the default, not a non-negative
// integer is 422 invalid_limit (an ignored limit would look obeyed).
func pageLimit(q url.Values) (int, error) {
	v := q.Get("limit")
	if v == "" {
		return defaultPage, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, problem.Invalid("limit", "invalid_limit", "limit")
	}
	if n == 0 {
		return defaultPage, nil
	}
	return min(n, maxPage), nil
}
