package notify_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/notify"
	"github.com/motcua/motcua/notify/smssim"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

// TestSMSGateway: the adapter's request, and how the gateway's answers
// are read: 5xx and 429 retried, other 4xx permanent, a repeated ref
// delivered once.
func TestSMSGateway(t *testing.T) {
	var gotKey, gotType string
	sim := smssim.New(nil)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotKey, gotType = r.Header.Get("Idempotency-Key"), r.Header.Get("Content-Type")
		sim.ServeHTTP(w, r)
	}))
	defer srv.Close()
	gw := notify.NewSMSGateway(srv.URL, nil)
	m := notify.Message{ID: 7, Channel: notify.SMS, To: "0912345678", Body: "Hồ sơ đã có kết quả", Ref: "outbox-7.1"}
	ctx := context.Background()

	sim.FailNext(503, 429, 400)
	for _, want := range []struct {
		permanent bool
		status    string
	}{{false, "503"}, {false, "429"}, {true, "400"}} {
		err := gw.Send(ctx, m)
		if err == nil || notify.IsPermanent(err) != want.permanent || !strings.Contains(err.Error(), want.status) {
			t.Fatalf("gateway %s: err %v (permanent %v)", want.status, err, notify.IsPermanent(err))
		}
	}
	for range 2 {
		if err := gw.Send(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	if gotKey != "outbox-7.1" || gotType != "application/json" {
		t.Fatalf("headers: Idempotency-Key %q, Content-Type %q", gotKey, gotType)
	}
	d := sim.Delivered()
	if len(d) != 1 || d[0].To != "0912345678" || d[0].Text != "Hồ sơ đã có kết quả" || d[0].Ref != "outbox-7.1" {
		t.Fatalf("delivered %+v, want the SMS once", d)
	}
	if err := gw.Send(ctx, notify.Message{Ref: "x"}); !notify.IsPermanent(err) {
		t.Fatalf("an SMS without a number: %v, want permanent", err)
	}
}

// TestSMSThroughWorker: an SMS row goes out through the worker with the
// text and link; the gateway failing once delays it, then it arrives.
func TestSMSThroughWorker(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		f.send("sms", notify.Recipient{Phone: "0912345678"})
		f.sms.FailNext(502)
		w := f.worker("w")
		runOnce(t, w)
		if r := f.row(notify.SMS); r.Status != "pending" || !strings.Contains(r.LastErr, "502") {
			t.Fatalf("after 502: %+v", r)
		}
		f.clock.Add(time.Minute)
		runOnce(t, w)
		d := f.sms.Delivered()
		if len(d) != 1 || !strings.HasPrefix(d[0].Text, "Hồ sơ 000.04.07.H40-260302-0001 (Chứng thực chữ ký) đã được tiếp nhận") ||
			!strings.HasSuffix(d[0].Text, publicURL+"/ho-so/000.04.07.H40-260302-0001") {
			t.Fatalf("delivered %+v", d)
		}
	})
}
