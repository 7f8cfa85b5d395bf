package postsim_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/motcua/motcua/postal"
	"github.com/motcua/motcua/postal/postsim"
)

// TestPageAdvancesAndSigns: the page lists a shipment with its buttons; a
// button moves it on and the event reaches the webhook, signed.
func TestPageAdvancesAndSigns(t *testing.T) {
	var mu sync.Mutex // the webhook runs on the server's goroutines
	var got []postal.WireEvent
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if r.Header.Get(postal.SignatureHeader) != postal.Sign([]byte("bi-mat"), body) {
			http.Error(w, "bad signature", http.StatusUnauthorized)
			return
		}
		var ev postal.WireEvent
		json.Unmarshal(body, &ev)
		mu.Lock()
		got = append(got, ev)
		mu.Unlock()
	}))
	defer hook.Close()
	sim := postsim.New(postsim.Config{Token: "t", Secret: "bi-mat", WebhookURL: hook.URL})
	// Mounted under a prefix, as in the demo: links and redirects stay under it.
	mux := http.NewServeMux()
	mux.Handle("/_sim/post/", http.StripPrefix("/_sim/post", sim))
	srv := httptest.NewServer(mux)
	defer srv.Close()

	c, _ := postal.NewClient(postal.ClientConfig{URL: srv.URL + "/_sim/post", Token: "t"})
	o, err := c.Create(t.Context(), postal.WireOrder{OrderCode: "MC-1", ReceiverName: "Nguyễn Văn An", ReceiverPhone: "0912345678", ReceiverAddress: "Thôn Tân Lập"})
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get(srv.URL + "/_sim/post/")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(page), o.ItemCode) || !strings.Contains(string(page), `action="shipments/`+o.ItemCode+`/advance"`) {
		t.Fatalf("the page does not list %s:\n%s", o.ItemCode, page)
	}
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for _, status := range []string{"", "DELIVERY_FAILED", ""} {
		resp, err := noFollow.PostForm(srv.URL+"/_sim/post/shipments/"+o.ItemCode+"/advance", url.Values{"status": {status}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if loc, _ := resp.Location(); resp.StatusCode != http.StatusSeeOther || loc.Path != "/_sim/post/" {
			t.Fatalf("advance %q: %d to %v", status, resp.StatusCode, loc)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	want := []string{"ACCEPTED", "DELIVERY_FAILED", "OUT_FOR_DELIVERY"} // a failed attempt is followed by another
	if len(got) != len(want) {
		t.Fatalf("webhook got %d events, want %d", len(got), len(want))
	}
	for i, ev := range got {
		if ev.StatusCode != want[i] || ev.ItemCode != o.ItemCode || ev.OrderCode != "MC-1" || ev.EventID == "" {
			t.Errorf("event %d: %+v, want %s", i, ev, want[i])
		}
	}
}
