package admin

import (
	"context"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/unit"
	"github.com/motcua/motcua/web"
)

// These tests drive the admin pages against a fake unit store: no
// database, no app. The full-app tests in package server cover the paths
// end to end.

var (
	admin = &auth.Actor{User: auth.User{ID: 1, Username: "quantri", Kind: "officer"},
		Grants: []auth.Grant{{UnitID: 2, UnitCode: "H01", Role: auth.Admin}}}
	clerk = &auth.Actor{User: auth.User{ID: 2, Username: "mai", Kind: "officer"},
		Grants: []auth.Grant{{UnitID: 3, UnitCode: "X01", Role: auth.Reception}}}
)

// The district the admin manages: two communes, one merged into the other.
var tree = []unit.Node{
	{Unit: unit.Unit{ID: 2, Code: "H01", Name: "Huyện Nho Quan", Level: unit.District, Active: true}},
	{Unit: unit.Unit{ID: 3, Code: "X01", Name: "Xã Gia Thủy", Level: unit.Commune, ParentID: 2, ParentCode: "H01", Active: true}, Depth: 1},
	{Unit: unit.Unit{ID: 4, Code: "X02", Name: "Xã Gia Lâm", Level: unit.Commune, ParentID: 2, ParentCode: "H01", MergedInto: "X01"}, Depth: 1},
}

type fakeUnits struct {
	Units
	added    []string
	addErr   error
	treeAsks []string
}

func (f *fakeUnits) Tree(_ context.Context, a *auth.Actor) ([]unit.Node, error) {
	f.treeAsks = append(f.treeAsks, a.Username)
	return tree, nil
}

func (f *fakeUnits) Managed(_ context.Context, _ *auth.Actor, code string) (unit.Unit, error) {
	for _, n := range tree {
		if n.Code == code {
			return n.Unit, nil
		}
	}
	return unit.Unit{}, problem.NotFound("unit_not_found", "Không tìm thấy đơn vị.")
}

func (f *fakeUnits) ByCode(ctx context.Context, code string) (unit.Unit, error) {
	return f.Managed(ctx, nil, code)
}

func (f *fakeUnits) Departments(_ context.Context, id int64) ([]unit.Department, error) {
	if id == 3 {
		return []unit.Department{{Code: "VP", Name: "Văn phòng UBND xã"}}, nil
	}
	return nil, nil
}

func (f *fakeUnits) SupplementDaysOf(context.Context, int64) (int, error) {
	return unit.DefaultSupplementDays, nil
}

func (f *fakeUnits) History(context.Context, int64) ([]unit.Change, error) {
	return []unit.Change{{Code: "X01", Name: "Xã Gia Thủy", Reason: "created", From: 1700000000000}}, nil
}

func (f *fakeUnits) AddChild(_ context.Context, a *auth.Actor, parent string, c unit.Unit) (unit.Unit, error) {
	if f.addErr != nil {
		return unit.Unit{}, f.addErr
	}
	f.added = append(f.added, a.Username+" "+parent+" "+c.Code+" "+c.Name+" "+c.Level+" "+c.Kind+" "+c.StatCode)
	return c, nil
}

// fakeAuth answers the unit page's question about its TOTP policy: not required.
type fakeAuth struct{ Auth }

func (fakeAuth) TOTPRequired(context.Context, int64) (bool, error) { return false, nil }

type world struct {
	srv   *httptest.Server
	units *fakeUnits
	reorg *fakeReorg
	as    *auth.Actor
}

func newWorld(t *testing.T) *world {
	t.Helper()
	w, err := web.New(web.Config{Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	fu := &fakeUnits{}
	fr := &fakeReorg{}
	adm, err := New(Config{Web: w, Units: fu, Auth: fakeAuth{}, Reorg: fr})
	if err != nil {
		t.Fatal(err)
	}
	wd := &world{units: fu, reorg: fr}
	mux := http.NewServeMux()
	adm.Register(mux)
	wd.srv = httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		if wd.as != nil {
			r = r.WithContext(web.WithActor(r.Context(), wd.as))
		}
		mux.ServeHTTP(rw, r)
	}))
	t.Cleanup(wd.srv.Close)
	return wd
}

var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

func (w *world) do(t *testing.T, method, path string, form url.Values) (int, string, string) {
	t.Helper()
	req, _ := http.NewRequest(method, w.srv.URL+path, strings.NewReader(form.Encode()))
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := noRedirect.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Location"), html.UnescapeString(string(b))
}

func TestHome(t *testing.T) {
	w := newWorld(t)
	code, loc, _ := w.do(t, "GET", "/quan-tri", nil)
	if code != 303 || !strings.HasPrefix(loc, "/dang-nhap?next=") {
		t.Errorf("anonymous: %d to %q, want the login page", code, loc)
	}
	w.as = clerk
	if code, _, body := w.do(t, "GET", "/quan-tri", nil); code != 403 || !strings.Contains(body, "Chỉ quản trị đơn vị") {
		t.Errorf("an officer without the admin role: %d, want 403 with the reason", code)
	}
	w.as = admin
	code, _, body := w.do(t, "GET", "/quan-tri", nil)
	if code != 200 {
		t.Fatalf("status %d", code)
	}
	for _, href := range []string{"/quan-tri/don-vi", "/quan-tri/nguoi-dung", "/quan-tri/thu-tuc", "/quan-tri/lich", "/tai-khoan/xac-thuc-2-lop"} {
		if !strings.Contains(body, `href="`+href+`"`) {
			t.Errorf("home lacks a link to %s", href)
		}
	}
}

func TestUnitTree(t *testing.T) {
	w := newWorld(t)
	w.as = admin
	code, _, body := w.do(t, "GET", "/quan-tri/don-vi", nil)
	if code != 200 {
		t.Fatalf("status %d", code)
	}
	if len(w.units.treeAsks) != 1 || w.units.treeAsks[0] != "quantri" {
		t.Errorf("Tree asked for %v, want the signed-in admin", w.units.treeAsks)
	}
	// The communes nest inside the district's list item.
	district := strings.Index(body, `<a href="/quan-tri/don-vi/H01">Huyện Nho Quan</a>`)
	nested := strings.Index(body, `<ul class="adm-tree">`+"\n"+`<li><a href="/quan-tri/don-vi/X01">Xã Gia Thủy</a>`)
	if district < 0 || nested < district {
		t.Errorf("the tree does not nest X01 under H01:\n%s", body)
	}
	if !strings.Contains(body, "X02 · Cấp xã · UBND · đã sáp nhập vào X01") {
		t.Error("the merged commune is not marked as merged")
	}
}

func TestUnitPage(t *testing.T) {
	w := newWorld(t)
	w.as = admin
	code, _, body := w.do(t, "GET", "/quan-tri/don-vi/H01?ok=unit_added", nil)
	if code != 200 {
		t.Fatalf("status %d", code)
	}
	for _, want := range []string{"Đơn vị: Huyện Nho Quan", "Đã thêm đơn vị.", `href="/quan-tri/don-vi/X01"`} {
		if !strings.Contains(body, want) {
			t.Errorf("unit page lacks %q", want)
		}
	}
	if code, _, _ := w.do(t, "GET", "/quan-tri/don-vi/X99", nil); code != 404 {
		t.Errorf("a unit the admin does not manage: %d, want 404", code)
	}

	t.Run("add a commune", func(t *testing.T) {
		form := url.Values{"code": {"X03"}, "name": {"Xã Quỳnh Lưu"}, "level": {unit.Commune}, "kind": {unit.Committee}, "stat_code": {" 14428 "}}
		code, loc, _ := w.do(t, "POST", "/quan-tri/don-vi/H01/them", form)
		if code != 303 || loc != "/quan-tri/don-vi/X03?ok=unit_added" {
			t.Fatalf("got %d to %q", code, loc)
		}
		if len(w.units.added) != 1 || w.units.added[0] != "quantri H01 X03 Xã Quỳnh Lưu commune committee 14428" {
			t.Errorf("AddChild got %v", w.units.added)
		}
	})
	t.Run("a refused code is shown beside the form, typed values kept", func(t *testing.T) {
		w.units.addErr = problem.Conflict("unit_exists", "Mã đơn vị đã tồn tại.")
		form := url.Values{"code": {"X01"}, "name": {"Xã Trùng Mã"}, "level": {unit.Commune}}
		code, _, body := w.do(t, "POST", "/quan-tri/don-vi/H01/them", form)
		if code != 409 {
			t.Fatalf("status %d, want 409", code)
		}
		if !strings.Contains(body, `value="Xã Trùng Mã"`) {
			t.Error("the typed name is lost")
		}
		// The page words the service's code in its own catalog.
		if !strings.Contains(body, "Chưa lưu: mã đơn vị đã được dùng.") {
			t.Error("the refusal is not explained on the page")
		}
	})
}
