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

// pageParams reads the convention's ?limit and ?cursor; the cursor is
// handed unread to the module that owns the list, which alone made it.
func pageParams(q url.Values) (limit int, cursor string, err error) {
	limit, err = pageLimit(q)
	return limit, q.Get("cursor"), err
}

// page is a list's answer: its items under their plural name and, when
// another page follows, next (absent on the last page).
func page(name string, items any, next string) map[string]any {
	out := map[string]any{name: items}
	if next != "" {
		out["next"] = next
	}
	return out
}
