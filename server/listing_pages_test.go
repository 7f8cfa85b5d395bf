package server_test

import (
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

// listWalk is one paginated list endpoint under the listing convention
// (docs/api.md, Listings) as a caller sees it.
type listWalk struct {
	user  string
	path  string // with its filters, without limit or cursor
	items string // the items' plural name in the answer
	key   string // a field unique to an item
}

// pageOf reads one page: the items' keys and next ("" when absent).
func (e *env) pageOf(w listWalk, query url.Values) (keys []string, next string, present bool) {
	e.t.Helper()
	sep := "?"
	if strings.Contains(w.path, "?") {
		sep = "&"
	}
	var raw map[string]json.RawMessage
	e.must(e.call(w.user, "GET", w.path+sep+query.Encode(), nil, &raw), 200)
	var items []map[string]any
	if err := json.Unmarshal(raw[w.items], &items); err != nil {
		e.t.Fatalf("%s: %s: %v", w.path, raw[w.items], err)
	}
	for _, it := range items {
		keys = append(keys, fmt.Sprint(it[w.key]))
	}
	if n, ok := raw["next"]; ok {
		present = true
		if err := json.Unmarshal(n, &next); err != nil {
			e.t.Fatalf("%s: next %s: %v", w.path, n, err)
		}
	}
	return keys, next, present
}

// walkPages pages through w with limit and returns every key in order,
// failing when a page is larger than the limit, a page that is not the
// last is short or a page carries an empty next.
func (e *env) walkPages(w listWalk, limit int) []string {
	e.t.Helper()
	var all []string
	cursor := ""
	for pages := 1; ; pages++ {
		if pages > 100 {
			e.t.Fatalf("%s: paging does not end", w.path)
		}
		q := url.Values{"limit": {strconv.Itoa(limit)}}
		if cursor != "" {
			q.Set("cursor", cursor)
		}
		keys, next, present := e.pageOf(w, q)
		if len(keys) > limit {
			e.t.Fatalf("%s: page of %d with limit %d", w.path, len(keys), limit)
		}
		all = append(all, keys...)
		if !present {
			return all
		}
		if next == "" || len(keys) != limit {
			e.t.Fatalf("%s: next %q on a page of %d (limit %d)", w.path, next, len(keys), limit)
		}
		cursor = next
	}
}

// checkWalk: one large page holds at least least items and no next;
// paging with small limits gives exactly its items, each once, in its
// order; a bad limit or cursor is 422 with its stable code.
func (e *env) checkWalk(w listWalk, least int) []string {
	e.t.Helper()
	want, _, present := e.pageOf(w, url.Values{"limit": {"200"}})
	if present {
		e.t.Errorf("%s: one page holding everything has a next", w.path)
	}
	if len(want) < least {
		e.t.Fatalf("%s: %d items, want at least %d: %v", w.path, len(want), least, want)
	}
	seen := map[string]bool{}
	for _, k := range want {
		if seen[k] {
			e.t.Fatalf("%s: %s twice in one page %v", w.path, k, want)
		}
		seen[k] = true
	}
	for _, limit := range []int{1, 2, 3} {
		if got := e.walkPages(w, limit); !slices.Equal(got, want) {
			e.t.Errorf("%s limit %d: paged %v, want %v", w.path, limit, got, want)
		}
	}
	sep := "?"
	if strings.Contains(w.path, "?") {
		sep = "&"
	}
	for _, c := range []struct{ query, code string }{
		{"limit=-1", "invalid_limit"},
		{"limit=ten", "invalid_limit"},
		{"cursor=%21%21", "invalid_page_cursor"},
		{"cursor=e30", "invalid_page_cursor"},         // {}: no key
		{"cursor=bm90LWpzb24", "invalid_page_cursor"}, // not-json
	} {
		r := e.call(w.user, "GET", w.path+sep+c.query, nil, nil)
		if r.status != 422 || r.errCode() != c.code {
			e.t.Errorf("%s %s: %d %q, want 422 %q", w.path, c.query, r.status, r.errCode(), c.code)
		}
	}
	return want
}

// TestListPagesProcedures: the procedure search pages by field and code,
// with its filters on every page, for anyone.
func TestListPagesProcedures(t *testing.T) {
	t.Parallel()
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		all := e.checkWalk(listWalk{path: "/api/v1/procedures", items: "procedures", key: "code"}, 30)
		district := e.checkWalk(listWalk{path: "/api/v1/procedures?level=district", items: "procedures", key: "code"}, 3)
		if len(district) >= len(all) {
			t.Errorf("level=district paged %d of the catalog's %d", len(district), len(all))
		}
		// A cursor of another list is no cursor of this one.
		_, next, _ := e.pageOf(listWalk{path: "/api/v1/procedures", items: "procedures", key: "code"}, url.Values{"limit": {"1"}})
		if r := e.call("gialam.tiepnhan", "GET", "/api/v1/partner-agencies?cursor="+url.QueryEscape(next), nil, nil); r.status != 422 || r.errCode() != "invalid_page_cursor" {
			t.Errorf("a procedures cursor on agencies: %d %s", r.status, r.body)
		}
	})
}

// TestListPagesPapers: digitised papers page newest first, ties (papers
// digitised in the same millisecond) broken by id, both the officer's
// search within their units and the citizen's data store; another
// commune's desk pages through none.
func TestListPagesPapers(t *testing.T) {
	t.Parallel()
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		desk := "gialam.tiepnhan"
		for i := range 4 {
			d := e.get(desk, e.submit(certify, demo.GiaLamCode).Code)
			for _, f := range d.Files {
				e.must(e.call(desk, "POST", "/api/v1/dossiers/"+d.Code+"/files/"+strconv.FormatInt(f.ID, 10)+"/digitise", nil, nil), 201)
			}
			if i%2 == 1 {
				e.advance(time.Minute) // some papers share a time, some do not
			}
		}
		e.checkWalk(listWalk{user: desk, path: "/api/v1/digitised", items: "papers", key: "code"}, 4)
		e.checkWalk(listWalk{user: "congdan", path: "/api/v1/me/data-store", items: "papers", key: "code"}, 4)
		e.checkWalk(listWalk{user: "congdan", path: "/api/v1/digitised", items: "papers", key: "code"}, 4)
		e.newOfficer("giathuy.tiepnhan", auth.Reception, "000.02.07.H40")
		if got := e.walkPages(listWalk{user: "giathuy.tiepnhan", path: "/api/v1/digitised", items: "papers", key: "code"}, 2); len(got) != 0 {
			t.Errorf("another commune's desk paged %v", got)
		}
	})
}

// TestListPagesAgencies: the partner agencies' registry pages by province,
// name and id; the all filter holds on every page.
func TestListPagesAgencies(t *testing.T) {
	t.Parallel()
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		for i := range 5 {
			ag := map[string]any{"province": demo.ProvinceCode, "name": fmt.Sprintf("Công an xã %c", 'E'-i), "email": fmt.Sprintf("ca%d@example.vn", i)}
			var got agencyView
			e.must(e.call("tinh.quantri", "POST", "/api/v1/partner-agencies", ag, &got), 201)
			if i == 2 { // retired: listed only with all=true
				ag["active"] = false
				e.must(e.call("tinh.quantri", "PUT", "/api/v1/partner-agencies/"+strconv.FormatInt(got.ID, 10), ag, nil), 200)
			}
		}
		active := e.checkWalk(listWalk{user: "gialam.chuyenvien", path: "/api/v1/partner-agencies", items: "agencies", key: "id"}, 4)
		all := e.checkWalk(listWalk{user: "gialam.chuyenvien", path: "/api/v1/partner-agencies?all=true", items: "agencies", key: "id"}, 5)
		if len(all) != len(active)+1 {
			t.Errorf("all=true paged %d agencies, active %d: want one retired more", len(all), len(active))
		}
		if r := e.call("congdan", "GET", "/api/v1/partner-agencies?cursor=%21", nil, nil); r.status != 403 {
			t.Errorf("a citizen with a bad cursor: %d %s, want 403 (the right first)", r.status, r.body)
		}
	})
}

// TestListPagesReport766: the 766 drill-down pages by cursor too (its
// offset keeps working); the figures stay the whole selection's on
// every page.
func TestListPagesReport766(t *testing.T) {
	t.Parallel()
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		reports766World(t, e)
		reports766World(t, e)
		w := listWalk{user: "huyen.lanhdao", path: "/api/v1/reports/766/2.1/dossiers?unit=" + demo.DistrictCode + "&from=2026-03-01&to=2026-03-02", items: "dossiers", key: "code"}
		e.checkWalk(w, 4)
		var first, second struct{ Numerator, Denominator int64 }
		e.must(e.call(w.user, "GET", w.path+"&limit=1", nil, &first), 200)
		_, next, _ := e.pageOf(w, url.Values{"limit": {"1"}})
		e.must(e.call(w.user, "GET", w.path+"&limit=1&cursor="+url.QueryEscape(next), nil, &second), 200)
		if first != second || first.Denominator != 4 {
			t.Errorf("figures on pages 1 and 2: %+v, %+v (want the whole selection's, 4 dossiers)", first, second)
		}
	})
}
