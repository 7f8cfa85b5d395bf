package server_test

import (
	"fmt"
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/motcua/motcua/audit"
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

// TestListPagesAudit: the audit log pages by the same convention, newest
// first: a cursor walk with limit 1 and 2 gives exactly the entries of one
// large page, each once, in order, within the supervisor's scope; the
// last page has no next, total stays the whole selection, a bad cursor is
// 422 invalid_page_cursor.
func TestListPagesAudit(t *testing.T) {
	t.Parallel()
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		for range 3 {
			d := e.submit(certify, demo.GiaLamCode)
			e.mustAct("gialam.tiepnhan", d.Code, "receive", nil)
			e.get("gialam.chuyenvien", d.Code) // an officer's read: on record
		}
		var all audit.Page
		e.must(e.call("huyen.giamsat", "GET", "/api/v1/audit?limit=200", nil, &all), 200)
		if all.Next != "" || len(all.Entries) < 9 {
			t.Fatalf("one large page: %d entries, next %q", len(all.Entries), all.Next)
		}
		var want []int64
		for _, en := range all.Entries {
			want = append(want, en.ID)
		}
		for _, limit := range []int{1, 2} {
			var got []int64
			cursor := ""
			for pages := 0; ; pages++ {
				if pages > 100 {
					t.Fatal("paging does not end")
				}
				var p audit.Page
				e.must(e.call("huyen.giamsat", "GET", fmt.Sprintf("/api/v1/audit?limit=%d&cursor=%s", limit, cursor), nil, &p), 200)
				if p.Total != all.Total || len(p.Entries) > limit {
					t.Fatalf("page of %d, total %d (want at most %d, total %d)", len(p.Entries), p.Total, limit, all.Total)
				}
				for _, en := range p.Entries {
					got = append(got, en.ID)
				}
				if p.Next == "" {
					break
				}
				cursor = url.QueryEscape(p.Next)
			}
			if !slices.Equal(got, want) {
				t.Errorf("limit %d: paged %v, want %v", limit, got, want)
			}
		}
		// A filter holds across pages.
		var reads []int64
		cursor := ""
		for {
			var p audit.Page
			e.must(e.call("huyen.giamsat", "GET", "/api/v1/audit?action=dossier_read&limit=1&cursor="+cursor, nil, &p), 200)
			for _, en := range p.Entries {
				if en.Action != "dossier_read" {
					t.Errorf("filtered page holds %+v", en)
				}
				reads = append(reads, en.ID)
			}
			if p.Next == "" {
				break
			}
			cursor = url.QueryEscape(p.Next)
		}
		if len(reads) != 3 {
			t.Errorf("paged %d dossier reads, want 3", len(reads))
		}
		for _, c := range []string{"cursor=%21", "cursor=e30", "cursor=eyJiZWZvcmUiOi0xfQ"} { // !, {}, {"before":-1}
			if r := e.call("huyen.giamsat", "GET", "/api/v1/audit?"+c, nil, nil); r.status != 422 || r.errCode() != "invalid_page_cursor" {
				t.Errorf("%s: %d %q, want 422 invalid_page_cursor", c, r.status, r.errCode())
			}
		}
	})
}

// TestListPagesEvents: the events feed also takes the convention's
// cursor (its own after keeps working): both walks give the same events,
// each once, and the last page has no next.
func TestListPagesEvents(t *testing.T) {
	t.Parallel()
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		for range 2 {
			d := e.submit(certify, demo.GiaLamCode)
			e.mustAct("gialam.tiepnhan", d.Code, "receive", nil)
		}
		walk := func(param string) []string {
			t.Helper()
			var ids []string
			next := ""
			for pages := 0; ; pages++ {
				if pages > 50 {
					t.Fatal("the feed does not end")
				}
				var p struct {
					Events []struct{ ID string }
					Next   string
				}
				e.must(e.call("gialam.tiepnhan", "GET", "/api/v1/events?limit=1&"+param+"="+url.QueryEscape(next), nil, &p), 200)
				for _, ev := range p.Events {
					ids = append(ids, ev.ID)
				}
				if p.Next == "" {
					return ids
				}
				next = p.Next
			}
		}
		byAfter, byCursor := walk("after"), walk("cursor")
		if len(byAfter) < 4 || !slices.Equal(byAfter, byCursor) {
			t.Fatalf("after walk %v, cursor walk %v (want the same, two submissions and two receipts at least)", byAfter, byCursor)
		}
		seen := map[string]bool{}
		for _, id := range byCursor {
			if seen[id] {
				t.Fatalf("event %s twice in %v", id, byCursor)
			}
			seen[id] = true
		}
		e.must(e.call("gialam.tiepnhan", "GET", "/api/v1/events?cursor=x", nil, nil), 422)
	})
}
