package office

import (
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/motcua/motcua/dossier"
)

func TestInbox(t *testing.T) {
	w := newWorld(t, dossiers(25)...)
	w.as = receptionist

	t.Run("first page", func(t *testing.T) {
		code, _, body := w.do(t, "GET", "/can-bo/ho-so", nil)
		if code != 200 {
			t.Fatalf("status %d", code)
		}
		for _, want := range []string{`href="/can-bo/ho-so/H001"`, `href="/can-bo/ho-so/H020"`, "Người nộp 7", "Đang xử lý", "Còn dưới 3 ngày",
			`href="/can-bo/ho-so?trang=2" rel="next"`} {
			if !strings.Contains(body, want) {
				t.Errorf("inbox lacks %q", want)
			}
		}
		if strings.Contains(body, `href="/can-bo/ho-so/H021"`) {
			t.Error("the first page lists more than 20 dossiers")
		}
		// The unit filter offers the units the officer may see: a
		// receptionist's own X01 only — not the unit below it (only a
		// supervisor reads below), its district or a neighbouring commune.
		for unit, want := range map[string]bool{"X01": true, "X01-TP": false, "H01": false, "X02": false} {
			if got := strings.Contains(body, `<option value="`+unit+`"`); got != want {
				t.Errorf("unit filter offers %s: %v, want %v", unit, got, want)
			}
		}
	})
	t.Run("second page", func(t *testing.T) {
		_, _, body := w.do(t, "GET", "/can-bo/ho-so?trang=2", nil)
		if !strings.Contains(body, `href="/can-bo/ho-so/H025"`) || strings.Contains(body, `href="/can-bo/ho-so/H020"`) ||
			!strings.Contains(body, `rel="prev"`) || strings.Contains(body, `rel="next"`) {
			t.Error("page 2 should list H021..H025 with a link back only")
		}
	})
	t.Run("filters reach the service; unknown values are dropped", func(t *testing.T) {
		w.dossiers.filters = nil
		q := url.Values{"trang-thai": {"processing"}, "don-vi": {"X01"}, "thu-tuc": {"1.001193"}, "kenh": {"post"},
			"qua-han": {"1"}, "cua-toi": {"1"}, "q": {" Bình "}}
		w.do(t, "GET", "/can-bo/ho-so?"+q.Encode(), nil)
		want := dossier.Filter{Status: dossier.Processing, Unit: "X01", Procedure: "1.001193", Channel: "post",
			Overdue: true, Mine: true, Query: "Bình", Limit: 21}
		if got := w.dossiers.filters[0]; !reflect.DeepEqual(got, want) {
			t.Errorf("List got %+v\nwant %+v", got, want)
		}
		q = url.Values{"trang-thai": {"nonsense"}, "don-vi": {"X02"}, "thu-tuc": {"0.000000"}, "kenh": {"fax"}}
		w.do(t, "GET", "/can-bo/ho-so?"+q.Encode(), nil)
		if got := w.dossiers.filters[1]; !reflect.DeepEqual(got, dossier.Filter{Limit: 21}) {
			t.Errorf("tampered filter reached List: %+v", got)
		}
	})
}

func TestOfficersOnly(t *testing.T) {
	w := newWorld(t, dossiers(1)...)
	code, loc, _ := w.do(t, "GET", "/can-bo/ho-so", nil)
	if code != 303 || !strings.HasPrefix(loc, "/dang-nhap?next=") {
		t.Errorf("anonymous: %d to %q, want the login page", code, loc)
	}
	w.as = citizen
	code, _, body := w.do(t, "GET", "/can-bo/ho-so/H001", nil)
	if code != 403 || !strings.Contains(body, "Trang này dành cho cán bộ") {
		t.Errorf("citizen: %d, want 403 with the explanation", code)
	}
}
