package server_test

import (
	"fmt"
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

// TestListPages: the listing convention (docs/api.md, Listings) on
// GET /api/v1/dossiers. Paging with a small limit returns every dossier of
// the caller's scope exactly once, in the order of one large page, whether
// dossiers share a deadline (ties broken by code) or have none yet (not
// received: last); the last page has no next; a bad limit or cursor is a
// 422 with a stable code, and another commune's officer pages through none.
func TestListPages(t *testing.T) {
	t.Parallel()
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		var filed []string
		for i := range 7 {
			d := e.submit(certify, demo.GiaLamCode)
			filed = append(filed, d.Code)
			switch {
			case i < 3: // three received at the same minute: one deadline
				e.mustAct("gialam.tiepnhan", d.Code, "receive", nil)
			case i < 5: // two received later: later deadlines
				e.advance(26 * time.Hour)
				e.mustAct("gialam.tiepnhan", d.Code, "receive", nil)
			} // two left unreceived: no deadline
		}
		type page struct {
			Dossiers []dossierView
			Next     *string
		}
		walk := func(user, query string, limit int) (codes []string, pages int) {
			t.Helper()
			cursor := ""
			for {
				q := url.Values{"limit": {fmt.Sprint(limit)}}
				if query != "" {
					q.Set("q", query)
				}
				if cursor != "" {
					q.Set("cursor", cursor)
				}
				var p page
				e.must(e.call(user, "GET", "/api/v1/dossiers?"+q.Encode(), nil, &p), 200)
				pages++
				if len(p.Dossiers) > limit {
					t.Fatalf("page of %d with limit %d", len(p.Dossiers), limit)
				}
				for _, d := range p.Dossiers {
					codes = append(codes, d.Code)
				}
				if p.Next == nil {
					return codes, pages
				}
				if *p.Next == "" || len(p.Dossiers) != limit {
					t.Fatalf("next %q on a page of %d (limit %d)", *p.Next, len(p.Dossiers), limit)
				}
				cursor = *p.Next
				if pages > 50 {
					t.Fatal("paging does not end")
				}
			}
		}
		var all page
		e.must(e.call("gialam.tiepnhan", "GET", "/api/v1/dossiers?limit=200", nil, &all), 200)
		if all.Next != nil {
			t.Errorf("one page holding everything has next %q", *all.Next)
		}
		var want []string
		for _, d := range all.Dossiers {
			want = append(want, d.Code)
		}
		for _, c := range filed {
			if !slices.Contains(want, c) {
				t.Fatalf("dossier %s missing from the officer's list %v", c, want)
			}
		}
		for _, limit := range []int{1, 2, 3, len(want)} {
			got, pages := walk("gialam.tiepnhan", "", limit)
			if !slices.Equal(got, want) {
				t.Errorf("limit %d: paged %v, want %v", limit, got, want)
			}
			if wantPages := (len(want) + limit - 1) / limit; pages != wantPages {
				t.Errorf("limit %d: %d pages, want %d", limit, pages, wantPages)
			}
		}
		// Filters hold on every page.
		if got, _ := walk("gialam.tiepnhan", filed[4], 1); !slices.Equal(got, []string{filed[4]}) {
			t.Errorf("q=%s paged %v", filed[4], got)
		}
		// The citizen pages through their own dossiers only.
		if got, _ := walk("congdan", "", 2); len(got) != len(filed) {
			t.Errorf("citizen paged %d dossiers, want their %d", len(got), len(filed))
		}
		// Scope applies to every page: Gia Thủy's desk sees none of Gia Lâm's.
		e.newOfficer("giathuy.tiepnhan", auth.Reception, "000.02.07.H40")
		if got, _ := walk("giathuy.tiepnhan", "", 2); len(got) != 0 {
			t.Errorf("another commune's officer paged %v", got)
		}
		for _, c := range []struct{ query, code string }{
			{"limit=-1", "invalid_limit"},
			{"limit=ten", "invalid_limit"},
			{"cursor=%21%21", "invalid_page_cursor"},
			{"cursor=e30", "invalid_page_cursor"},         // {} : no key
			{"cursor=bm90LWpzb24", "invalid_page_cursor"}, // not-json
			{"offset=-2", "invalid_offset"},
		} {
			r := e.call("gialam.tiepnhan", "GET", "/api/v1/dossiers?"+c.query, nil, nil)
			if r.status != 422 || r.errCode() != c.code {
				t.Errorf("%s: %d %q, want 422 %q", c.query, r.status, r.errCode(), c.code)
			}
		}
		// Above the maximum is cut to it, as before (not refused).
		e.must(e.call("gialam.tiepnhan", "GET", "/api/v1/dossiers?limit=1000", nil, nil), 200)
	})
}
