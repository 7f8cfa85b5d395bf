package mailsim_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/smtp"
	"strings"
	"testing"

	"github.com/motcua/motcua/notify/mailsim"
)

func send(t *testing.T, addr, to, subject, body string) {
	t.Helper()
	msg := "From: motcua@example.vn\r\nTo: " + to + "\r\nSubject: " + subject + "\r\nMessage-ID: <" + subject + "@test>\r\n" +
		"Content-Type: text/plain; charset=utf-8\r\n\r\n" + body + "\r\n"
	if err := smtp.SendMail(addr, nil, "motcua@example.vn", []string{to}, []byte(msg)); err != nil {
		t.Fatal(err)
	}
}

// TestKeepsTheLastMessagesAndShowsThem: messages sent over real SMTP are
// kept decoded, only the last keep of them, and the page lists them newest
// first with what they hold escaped.
func TestKeepsTheLastMessagesAndShowsThem(t *testing.T) {
	s, err := mailsim.Start("127.0.0.1:0", 3)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for i := range 5 {
		send(t, s.Addr, "an@example.vn", fmt.Sprintf("m%d", i), fmt.Sprintf("Hồ sơ số %d <b>đã tiếp nhận</b>", i))
	}
	ms := s.Mails()
	if len(ms) != 3 || ms[0].Subject != "m2" || ms[2].Subject != "m4" || ms[2].To[0] != "an@example.vn" || ms[2].MessageID != "<m4@test>" {
		t.Fatalf("kept %d: %+v", len(ms), ms)
	}
	srv := httptest.NewServer(s)
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	page := string(b)
	if resp.StatusCode != 200 || !strings.Contains(page, "Hồ sơ số 4 &lt;b&gt;đã tiếp nhận&lt;/b&gt;") || strings.Contains(page, "<b>") {
		t.Fatalf("page %d:\n%s", resp.StatusCode, page)
	}
	if strings.Index(page, ">m4<") > strings.Index(page, ">m2<") || strings.Contains(page, ">m1<") {
		t.Fatalf("want m4, m3, m2 newest first, m1 gone:\n%s", page)
	}
	resp, err = http.Post(srv.URL+"/", "text/plain", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 405 {
		t.Fatalf("POST: %d", resp.StatusCode)
	}
}
