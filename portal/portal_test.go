package portal

import (
	"context"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/catalog/catalogtest"
	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/postal"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/unit"
	"github.com/motcua/motcua/web"
)

// These tests render the citizens' pages against the built-in catalog in
// memory and fakes for the rest: no database, no app. The full-app tests
// in package server cover the paths end to end.

type fakeUnits struct {
	Units
	all []unit.Unit
}

func (f fakeUnits) List(context.Context) ([]unit.Unit, error) { return f.all, nil }
func (f fakeUnits) ByCode(_ context.Context, code string) (unit.Unit, error) {
	for _, u := range f.all {
		if u.Code == code {
			return u, nil
		}
	}
	return unit.Unit{}, problem.NotFound("unit_not_found", "Không tìm thấy đơn vị.")
}

type fakeDossiers struct {
	Dossiers
	popular []dossier.ProcedureCount
	tracks  map[string]*dossier.Tracking
}

func (f fakeDossiers) Popular(context.Context, time.Duration, int) ([]dossier.ProcedureCount, error) {
	return f.popular, nil
}

// Track knows its dossiers with token "tok1" or phone digits "5678"; H429
// is throttled, whatever comes with it.
func (f fakeDossiers) Track(_ context.Context, code string, proof dossier.TrackProof) (*dossier.Tracking, error) {
	if code == "H429" {
		return nil, problem.WithRetry(problem.New(problem.ErrTooMany, "track_throttled", 3), 150*time.Second)
	}
	if t, ok := f.tracks[code]; ok && (proof.Token == "tok1" || proof.PhoneLast4 == "5678") {
		return t, nil
	}
	return nil, problem.NotFound("dossier_not_found", "x")
}

// fakePostal: no dossier goes by post.
type fakePostal struct{ Postal }

func (fakePostal) Track(context.Context, string) (*postal.Public, error) {
	return nil, problem.NotFound("shipment_not_found", "x")
}

var units = []unit.Unit{
	{ID: 1, Code: "T01", Name: "Tỉnh Ninh Bình", Level: "province", Kind: unit.Committee, Active: true},
	{ID: 2, Code: "H01", Name: "Huyện Nho Quan", Level: "district", Kind: unit.Committee, ParentID: 1, Active: true},
	{ID: 3, Code: "X01", Name: "Xã Gia Thủy", Level: "commune", Kind: unit.Committee, ParentID: 2, Active: true},
	{ID: 4, Code: "X02", Name: "Xã Đã Sáp Nhập", Level: "commune", Kind: unit.Committee, ParentID: 2, MergedInto: "X01"},
	// A commune's service centre receives for it; citizens choose the commune.
	{ID: 5, Code: "C01", Name: "Trung tâm Phục vụ hành chính công xã Gia Thủy", Level: "commune", Kind: unit.Centre, ParentID: 3, Active: true},
}

func newSite(t *testing.T, d fakeDossiers) *httptest.Server {
	t.Helper()
	cat, err := catalogtest.New()
	if err != nil {
		t.Fatal(err)
	}
	w, err := web.New(web.Config{Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	p, err := New(Config{Web: w, Catalog: cat, Units: fakeUnits{all: units}, Dossiers: d, Postal: fakePostal{}})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	p.Register(mux)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

// get returns the status and the page's text with entities decoded.
func get(t *testing.T, srv *httptest.Server, path string) (int, string) {
	t.Helper()
	resp, err := http.Get(srv.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, html.UnescapeString(string(b))
}

func TestHome(t *testing.T) {
	cat, _ := catalogtest.New()
	birth, _ := cat.Get(context.Background(), "1.001193")
	death, _ := cat.Get(context.Background(), "1.000656")

	t.Run("before any dossier: the fixed popular list", func(t *testing.T) {
		srv := newSite(t, fakeDossiers{})
		code, body := get(t, srv, "/")
		if code != 200 {
			t.Fatalf("status %d", code)
		}
		for _, want := range []string{"Thủ tục được sử dụng nhiều", birth.Name, death.Name, "Xã Gia Thủy", "Huyện Nho Quan"} {
			if !strings.Contains(body, want) {
				t.Errorf("home page lacks %q", want)
			}
		}
		if strings.Contains(body, "Xã Đã Sáp Nhập") {
			t.Error("home page lists a merged (inactive) unit")
		}
		if strings.Contains(body, "Trung tâm Phục vụ") {
			t.Error("home page lists a service centre beside its commune")
		}
	})
	t.Run("popular follows the dossiers filed", func(t *testing.T) {
		srv := newSite(t, fakeDossiers{popular: []dossier.ProcedureCount{{Procedure: "1.000656", Count: 9}}})
		_, body := get(t, srv, "/")
		pop := body[strings.Index(body, "Thủ tục được sử dụng nhiều"):]
		if end := strings.Index(pop, "</section>"); end > 0 {
			pop = pop[:end]
		}
		if !strings.Contains(pop, death.Name) || strings.Contains(pop, birth.Name) {
			t.Errorf("popular section should list only %q:\n%s", death.Name, pop)
		}
	})
	t.Run("search narrows the list", func(t *testing.T) {
		srv := newSite(t, fakeDossiers{})
		_, body := get(t, srv, "/?q=1.000656")
		if !strings.Contains(body, `href="/thu-tuc/1.000656"`) || strings.Contains(body, `href="/thu-tuc/1.001193"`) {
			t.Errorf("searching a code should list %q alone", death.Name)
		}
	})
}

func TestProcedurePage(t *testing.T) {
	cat, _ := catalogtest.New()
	birth, _ := cat.Get(context.Background(), "1.001193")
	srv := newSite(t, fakeDossiers{})
	code, body := get(t, srv, "/thu-tuc/1.001193")
	if code != 200 {
		t.Fatalf("status %d", code)
	}
	if !strings.Contains(body, birth.Name) {
		t.Errorf("page lacks the procedure's name %q", birth.Name)
	}
	for _, c := range birth.Components {
		if !strings.Contains(body, c.Name) {
			t.Errorf("page lacks component %q", c.Name)
		}
	}
	// Issue 10: the data the law attaches to the procedure is on the page.
	for _, want := range []string{
		"Điều 16 Luật Hộ tịch số 60/2014/QH13 ngày 20/11/2014", // legal basis with its article
		"mã lĩnh vực G15-TP07",                   // national field code
		"mã giấy tờ 000.00.00.G15-KQ004389",      // the birth certificate's component code
		"mức thu tham khảo, chờ đơn vị xác nhận", // the provincial fee is not confirmed yet
		"có hiệu lực từ",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if code, _ := get(t, srv, "/thu-tuc/9.999999"); code != 404 {
		t.Errorf("unknown procedure: status %d, want 404", code)
	}
}

// TestProcedurePageSaysCertificateOnBlank: a land procedure tells the
// citizen that the certificate is printed on the official blank by the
// land registration office, not by the one-stop system (issue 10).
func TestProcedurePageSaysCertificateOnBlank(t *testing.T) {
	srv := newSite(t, fakeDossiers{})
	code, body := get(t, srv, "/thu-tuc/1.012784")
	if code != 200 {
		t.Fatalf("status %d", code)
	}
	if !strings.Contains(body, "được in trên phôi do Bộ Nông nghiệp và Môi trường") {
		t.Errorf("page does not say the certificate is printed on the official blank")
	}
}

func TestTrackPage(t *testing.T) {
	at := time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)
	srv := newSite(t, fakeDossiers{tracks: map[string]*dossier.Tracking{
		"H001": {Code: "H001", ProcedureName: "Đăng ký khai sinh", Applicant: "Trần Thị Bình", Unit: "Xã Gia Thủy",
			Status: dossier.Processing, SubmittedAt: at, Overdue: true,
			Steps: []dossier.TrackEvent{{At: at, Action: "receive", Unit: "Xã Gia Thủy"}}},
	}})
	found := []string{"Hồ sơ H001", "Đăng ký khai sinh", "Trần Thị Bình", "Đang xử lý", "Tiếp nhận hồ sơ"}
	// Issue 8, finding 6: a code alone shows nothing, whether it exists or
	// not; with the QR's token or the phone's last digits it shows the dossier.
	tests := []struct {
		name, path string
		status     int
		want, not  []string
	}{
		{"the QR code's link", "/tra-cuu?ma=H001&t=tok1", 200, found, nil},
		{"the form: code and phone digits", "/tra-cuu?ma=h001&sdt=5678", 200, found, nil},
		{"an old link with the token", "/tra-cuu/H001?t=tok1", 200, found, nil},
		{"a code alone asks for the digits", "/tra-cuu/H001", 200, []string{`value="H001"`, "4 số cuối số điện thoại", "autofocus"}, found},
		{"an unknown code alone: the same page", "/tra-cuu/H404", 200, []string{`value="H404"`, "4 số cuối số điện thoại"}, []string{"Không tìm thấy"}},
		{"wrong digits", "/tra-cuu?ma=H001&sdt=1234", 404, []string{"Không tìm thấy hồ sơ có mã H001"}, found},
		{"unknown code with digits", "/tra-cuu?ma=H404&sdt=5678", 404, []string{"Không tìm thấy hồ sơ có mã H404"}, nil},
		{"throttled", "/tra-cuu?ma=H429&sdt=5678", 429, []string{"Bạn đã tra cứu quá nhiều lần. Vui lòng thử lại sau 3 phút."}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, err := http.Get(srv.URL + tt.path)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			body := html.UnescapeString(string(b))
			if resp.StatusCode != tt.status {
				t.Errorf("status %d, want %d", resp.StatusCode, tt.status)
			}
			for _, w := range tt.want {
				if !strings.Contains(body, w) {
					t.Errorf("page lacks %q", w)
				}
			}
			for _, w := range tt.not {
				if strings.Contains(body, w) {
					t.Errorf("page shows %q", w)
				}
			}
			if ra := resp.Header.Get("Retry-After"); (tt.status == 429) != (ra == "150") {
				t.Errorf("Retry-After %q", ra)
			}
		})
	}
}
