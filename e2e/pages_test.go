package e2e

import (
	"strings"
	"testing"
)

// TestPublicPagesInBrowser walks the citizen's path through the public
// pages the way a keyboard user would: search the catalog without accents,
// open a procedure, track a dossier by typing its code. Every page is
// photographed at phone and desktop width and checked with axe.
func TestPublicPagesInBrowser(t *testing.T) {
	ctx := newBrowser(t)
	m := startMotcua(t)
	code := m.submitDossier(t)

	t.Run("home: search without accents", func(t *testing.T) {
		visit(t, ctx, m.URL+"/")
		screenshots(t, ctx, "home")
		checkA11y(t, ctx, "home")
		const count = `document.querySelectorAll('main .list li').length`
		all := eval[int](t, ctx, count)

		// Without accents, as many people type on a phone; submitted with Enter.
		url := typeAndEnter(t, ctx, "q", "tach thua dat")
		if !strings.Contains(url, "q=tach+thua+dat") {
			t.Errorf("search went to %s, want ?q=tach+thua+dat", url)
		}
		if got := text(t, ctx, "main .list"); !strings.Contains(got, "Tách thửa") {
			t.Errorf("results for %q do not show Tách thửa:\n%s", "tach thua dat", got)
		}
		if n := eval[int](t, ctx, count); n >= all {
			t.Errorf("search shows %d of %d procedures: it did not filter", n, all)
		}
		screenshots(t, ctx, "search")
		checkA11y(t, ctx, "search")
	})

	t.Run("procedure page", func(t *testing.T) {
		visit(t, ctx, m.URL+"/thu-tuc/1.001193")
		if h1 := text(t, ctx, "h1"); !strings.Contains(h1, "khai sinh") {
			t.Errorf("procedure page heading %q, want the birth registration procedure", h1)
		}
		screenshots(t, ctx, "procedure")
		checkA11y(t, ctx, "procedure")
	})

	t.Run("a code alone asks for the phone's last digits", func(t *testing.T) {
		// Issue 8, finding 6: the code alone showed the dossier.
		visit(t, ctx, m.URL+"/tra-cuu/"+code)
		if got := text(t, ctx, "main"); strings.Contains(got, "Chờ tiếp nhận") || !strings.Contains(got, "4 số cuối số điện thoại") {
			t.Errorf("the code alone shows:\n%s", got)
		}
		checkA11y(t, ctx, "tracking-ask")
	})

	t.Run("tracking a dossier by its code and the phone's last digits", func(t *testing.T) {
		visit(t, ctx, m.URL+"/tra-cuu")
		checkA11y(t, ctx, "tracking-form")
		typeInto(t, ctx, "ma", code)
		url := typeAndEnter(t, ctx, "sdt", "5678")
		if !strings.HasSuffix(url, "/tra-cuu?ma="+code+"&sdt=5678") {
			t.Errorf("tracking form went to %s, want /tra-cuu?ma=%s&sdt=5678", url, code)
		}
		if got := text(t, ctx, "main"); !strings.Contains(got, code) || !strings.Contains(got, "Chờ tiếp nhận") {
			t.Errorf("tracking page does not show dossier %s waiting for reception:\n%s", code, got)
		}
		screenshots(t, ctx, "tracking")
		checkA11y(t, ctx, "tracking")
	})
}
