package server_test

import (
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/store/storetest"
	"github.com/motcua/motcua/vntext"
)

func page(t *testing.T, url string) (int, string, http.Header) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header
}

func TestPublicPages(t *testing.T) {
	t.Parallel()
	e := newEnv(t, storetest.Open(t, "sqlite"))
	p := interLevel(t)
	d := e.submit(p.Code, demo.GiaLamCode)

	cases := []struct {
		name, path string
		status     int
		want       []string
		not        []string
	}{
		{"home lists the catalog", "/", 200, []string{"Tra cứu thủ tục hành chính", p.Name, `lang="vi"`}, nil},
		{"accent-free search", "/?q=" + urlq(vntext.Fold(p.Name)), 200, []string{p.Name}, nil},
		{"search with no hit", "/?q=zzzz", 200, []string{"Không tìm thấy thủ tục phù hợp"}, []string{p.Name}},
		{"procedure page", "/thu-tuc/" + p.Code, 200, []string{p.Name, p.Components[0].Name, p.LegalBasis[0].String(), "Trình tự thực hiện"}, nil},
		{"missing procedure", "/thu-tuc/0.000000", 404, []string{"Không tìm thấy thủ tục"}, nil},
		{"tracking form", "/tra-cuu", 200, []string{"Mã hồ sơ"}, nil},
		{"tracking a dossier by the phone's last digits", "/tra-cuu?ma=" + d.Code + "&sdt=5678", 200, []string{d.Code, "Nguyễn V. A.", "Chờ tiếp nhận"}, []string{"0912345678", "037085001234"}},
		{"tracking a dossier by the QR code's link", "/tra-cuu?ma=" + d.Code + "&t=" + d.TrackToken, 200, []string{d.Code, "Nguyễn V. A.", "Chờ tiếp nhận"}, []string{"0912345678", "037085001234"}},
		// Issue 8, finding 6: the code alone showed the masked name, the procedure and the status.
		{"a code alone asks for the digits", "/tra-cuu/" + d.Code, 200, []string{"4 số cuối số điện thoại"}, []string{"Nguyễn V. A.", "Chờ tiếp nhận", "Không tìm thấy"}},
		{"wrong digits", "/tra-cuu?ma=" + d.Code + "&sdt=1234", 404, []string{"Không tìm thấy hồ sơ"}, []string{"Nguyễn V. A."}},
		{"tracking a wrong code", "/tra-cuu?ma=000.00.00.H40-000000-0000&sdt=5678", 404, []string{"Không tìm thấy hồ sơ"}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			status, body, h := page(t, e.srv.URL+c.path)
			if status != c.status {
				t.Fatalf("status %d, want %d", status, c.status)
			}
			for _, w := range c.want {
				if !strings.Contains(body, w) {
					t.Errorf("page lacks %q", w)
				}
			}
			for _, n := range c.not {
				if strings.Contains(body, n) {
					t.Errorf("page shows %q", n)
				}
			}
			if !strings.Contains(h.Get("Content-Security-Policy"), "default-src 'none'") {
				t.Errorf("no strict CSP: %q", h.Get("Content-Security-Policy"))
			}
		})
	}
	// The tracking form works without JavaScript: GET ?ma=…&sdt=… shows the dossier.
	status, body, _ := page(t, e.srv.URL+"/tra-cuu?ma="+strings.ToLower(d.Code)+"&sdt=5678")
	if status != 200 || !strings.Contains(body, d.Code) {
		t.Fatalf("form submission: %d", status)
	}
	// The stylesheet has a content-hashed URL and is cached for good.
	_, home, _ := page(t, e.srv.URL+"/")
	css := regexp.MustCompile(`/static/site\.[0-9a-f]{12}\.css`).FindString(home)
	if css == "" {
		t.Fatal("no hashed stylesheet link")
	}
	status, _, h := page(t, e.srv.URL+css)
	if status != 200 || !strings.Contains(h.Get("Cache-Control"), "immutable") {
		t.Fatalf("stylesheet: %d %q", status, h.Get("Cache-Control"))
	}
}
