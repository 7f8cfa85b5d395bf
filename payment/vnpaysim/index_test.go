package vnpaysim

import (
	"net/http/httptest"
	"strings"
	"testing"
)

func TestIndexListsOrders(t *testing.T) {
	s := New(Config{TmnCode: "MOTCUA01", HashSecret: "secret"})
	w := httptest.NewRecorder()
	s.Handler().ServeHTTP(w, httptest.NewRequest("GET", "/", nil))
	if w.Code != 200 || !strings.Contains(w.Body.String(), "Chưa có đơn hàng") {
		t.Fatalf("empty index: %d %s", w.Code, w.Body)
	}
	s.mu.Lock()
	s.orders["MC1"] = &order{ref: "MC1", amount: "1000000", info: "nop phi <ho so>"}
	s.mu.Unlock()
	w = httptest.NewRecorder()
	s.Handler().ServeHTTP(w, httptest.NewRequest("GET", "/", nil))
	if body := w.Body.String(); !strings.Contains(body, "MC1") || !strings.Contains(body, "nop phi &lt;ho so&gt;") || !strings.Contains(body, "chờ thanh toán") {
		t.Fatalf("index: %s", body)
	}
}
