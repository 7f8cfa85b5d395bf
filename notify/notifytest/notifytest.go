// Package notifytest runs an SMTP server inside the test process (package
// mailsim: github.com/emersion/go-smtp on loopback) and decodes what
// arrives the way a mail client would, so tests check e-mail as received,
// not as sent.
package notifytest

import (
	"strings"
	"testing"

	"github.com/motcua/motcua/notify/mailsim"
)

// Mail is one message the server accepted, decoded.
type Mail = mailsim.Mail

// SMTPServer is an SMTP server that keeps everything it accepts.
type SMTPServer struct {
	*mailsim.Server
}

// NewSMTP starts a server on 127.0.0.1, stopped when the test ends.
func NewSMTP(t testing.TB) *SMTPServer {
	t.Helper()
	s, err := mailsim.Start("127.0.0.1:0", 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return &SMTPServer{s}
}

// Unique lists the accepted messages with repeats of a Message-ID
// dropped, as a mail store that deduplicates by Message-ID shows them.
func (s *SMTPServer) Unique() []Mail {
	seen := map[string]bool{}
	var out []Mail
	for _, m := range s.Mails() {
		if m.MessageID != "" && seen[m.MessageID] {
			continue
		}
		seen[m.MessageID] = true
		out = append(out, m)
	}
	return out
}

// To lists the unique messages sent to addr.
func (s *SMTPServer) To(addr string) []Mail {
	var out []Mail
	for _, m := range s.Unique() {
		for _, to := range m.To {
			if strings.EqualFold(to, addr) {
				out = append(out, m)
			}
		}
	}
	return out
}

// Decode parses a raw message as a mail client would.
func Decode(raw []byte) (Mail, error) { return mailsim.Decode(raw) }
