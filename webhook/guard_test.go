package webhook

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/problem"
)

// The signature matches the example of the Standard Webhooks
// specification (and its reference libraries' test vector).
func TestSign(t *testing.T) {
	got, err := Sign("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, []byte(`{"test": 2432232314}`))
	if err != nil {
		t.Fatal(err)
	}
	if want := "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="; got != want {
		t.Fatalf("signature %s, want %s", got, want)
	}
	if _, err := Sign("whsec_not base64!", "x", 1, nil); err == nil {
		t.Fatal("a secret that is not base64 signed")
	}
}

func TestCheckURL(t *testing.T) {
	g := &Guard{}
	allowed := &Guard{Allow: []string{"127.0.0.1", "10.9.0.0/16", "lgsp.internal"}}
	for _, c := range []struct {
		g    *Guard
		url  string
		code string // "" when accepted
	}{
		{g, "https://1.1.1.1/hook", ""},
		{g, "http://1.1.1.1/hook", "webhook_url_scheme"},
		{g, "ftp://1.1.1.1/hook", "webhook_url_scheme"},
		{g, "https:///hook", "webhook_url_invalid"},
		{g, "https://user:pw@1.1.1.1/hook", "webhook_url_invalid"},
		{g, "http://127.0.0.1:8080/hook", "webhook_url_private"},
		{g, "https://10.0.0.5/hook", "webhook_url_private"},
		{g, "https://172.16.3.4/hook", "webhook_url_private"},
		{g, "https://192.168.1.1/hook", "webhook_url_private"},
		{g, "https://169.254.169.254/latest", "webhook_url_private"},
		{g, "https://100.64.1.1/hook", "webhook_url_private"},
		{g, "https://0.0.0.0/hook", "webhook_url_private"},
		{g, "https://[::1]/hook", "webhook_url_private"},
		{g, "https://[fd00::1]/hook", "webhook_url_private"},
		{g, "https://[::ffff:10.0.0.1]/hook", "webhook_url_private"},
		{g, "https://localhost/hook", "webhook_url_private"},
		{g, "https://[::7f00:1]/hook", "webhook_url_private"},             // IPv4-compatible 127.0.0.1
		{g, "https://[64:ff9b::a00:5]/hook", "webhook_url_private"},       // NAT64 of 10.0.0.5
		{g, "https://[64:ff9b:1::a9fe:a9fe]/hook", "webhook_url_private"}, // local-use NAT64
		{g, "https://[2002:a9fe:a9fe::1]/hook", "webhook_url_private"},    // 6to4 of 169.254.169.254
		{g, "https://[2001:0:a00:5::1]/hook", "webhook_url_private"},      // Teredo
		{g, "https://[fec0::1]/hook", "webhook_url_private"},              // site-local
		{g, "https://198.18.0.1/hook", "webhook_url_private"},             // benchmarking
		{g, "https://240.0.0.1/hook", "webhook_url_private"},              // reserved
		{g, "https://[2606:4700:4700::1111]/hook", ""},
		{allowed, "http://127.0.0.1:8080/hook", ""},
		{allowed, "https://10.9.3.4/hook", ""},
		{allowed, "https://10.8.3.4/hook", "webhook_url_private"},
		{allowed, "http://10.9.3.4/hook", "webhook_url_scheme"}, // http to loopback only
	} {
		err := c.g.CheckURL(context.Background(), c.url)
		var pe *problem.Error
		switch {
		case c.code == "" && err != nil:
			t.Errorf("%s refused: %v", c.url, err)
		case c.code != "" && (!errors.As(err, &pe) || pe.Code != c.code):
			t.Errorf("%s: %v, want %s", c.url, err, c.code)
		}
	}
}

// The connection itself is checked: a sender whose guard does not allow
// loopback never reaches a server there, whatever the subscription said.
func TestClientRefusesPrivateAtSendTime(t *testing.T) {
	hit := false
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hit = true }))
	defer srv.Close()
	_, err := (&Guard{}).Client(time.Second).Get(srv.URL)
	if err == nil || !errors.Is(err, errPrivate) || hit {
		t.Fatalf("a private address was dialled: %v (reached: %v)", err, hit)
	}
	resp, err := (&Guard{Allow: []string{"127.0.0.1"}}).Client(time.Second).Get(srv.URL)
	if err != nil || !hit {
		t.Fatalf("an allowed address was refused: %v", err)
	}
	resp.Body.Close()
}

// No redirect is followed: a receiver cannot bounce a delivery inside.
func TestClientFollowsNoRedirect(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://169.254.169.254/latest", http.StatusFound)
	}))
	defer srv.Close()
	resp, err := (&Guard{Allow: []string{"127.0.0.1"}}).Client(time.Second).Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("status %d", resp.StatusCode)
	}
}

func TestTypeOf(t *testing.T) {
	for a, want := range map[dossier.Action]string{
		dossier.SubmitAction: "dossier.submitted", dossier.Receive: "dossier.received", dossier.Forward: "dossier.step_done",
		dossier.Approve: "dossier.result_ready", dossier.Deliver: "dossier.delivered", "something-new": "dossier.updated",
	} {
		if got := TypeOf(a); got != want {
			t.Errorf("%s: %s, want %s", a, got, want)
		}
	}
	for _, typ := range actionTypes {
		found := false
		for _, x := range Types {
			found = found || x == typ
		}
		if !found {
			t.Errorf("%s is not listed in Types", typ)
		}
	}
}
