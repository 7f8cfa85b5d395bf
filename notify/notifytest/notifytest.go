// Package notifytest runs an SMTP server inside the test process
// (github.com/emersion/go-smtp on loopback) and decodes what arrives the
// way a mail client would, so tests check e-mail as received, not as sent.
package notifytest

import (
	"bytes"
	"errors"
	"io"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"strings"
	"sync"
	"testing"

	"github.com/emersion/go-smtp"
)

// Mail is one message the server accepted, decoded.
type Mail struct {
	From      string
	To        []string
	Raw       []byte
	Header    mail.Header
	Subject   string // RFC 2047 decoded
	Body      string // transfer-decoded UTF-8
	MessageID string
}

// SMTPServer is an SMTP server that keeps what it accepts.
type SMTPServer struct {
	Addr string

	mu    sync.Mutex
	mails []Mail
	fail  []int
}

// NewSMTP starts a server on 127.0.0.1, stopped when the test ends.
func NewSMTP(t testing.TB) *SMTPServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &SMTPServer{Addr: ln.Addr().String()}
	srv := smtp.NewServer(backend{s})
	srv.Domain = "mail.test"
	srv.AllowInsecureAuth = true
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return s
}

// FailNext makes the server answer the next messages' DATA with these
// reply codes (e.g. 451 twice: "try again later").
func (s *SMTPServer) FailNext(codes ...int) {
	s.mu.Lock()
	s.fail = append(s.fail, codes...)
	s.mu.Unlock()
}

// Mails lists every accepted message, repeats included, in arrival order.
func (s *SMTPServer) Mails() []Mail {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Mail(nil), s.mails...)
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

type backend struct{ s *SMTPServer }

func (b backend) NewSession(*smtp.Conn) (smtp.Session, error) { return &session{s: b.s}, nil }

type session struct {
	s    *SMTPServer
	from string
	to   []string
}

func (x *session) Reset()        { x.from, x.to = "", nil }
func (x *session) Logout() error { return nil }
func (x *session) Mail(from string, _ *smtp.MailOptions) error {
	x.from = from
	return nil
}
func (x *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	x.to = append(x.to, to)
	return nil
}

func (x *session) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	x.s.mu.Lock()
	defer x.s.mu.Unlock()
	if len(x.s.fail) > 0 {
		code := x.s.fail[0]
		x.s.fail = x.s.fail[1:]
		return &smtp.SMTPError{Code: code, EnhancedCode: smtp.EnhancedCode{code / 100, 3, 0}, Message: "simulated failure"}
	}
	m, err := Decode(raw)
	if err != nil {
		return &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 6, 0}, Message: "cannot parse: " + err.Error()}
	}
	m.From, m.To = x.from, append([]string(nil), x.to...)
	x.s.mails = append(x.s.mails, m)
	return nil
}

// Decode parses a raw message as a mail client would.
func Decode(raw []byte) (Mail, error) {
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return Mail{}, err
	}
	m := Mail{Raw: raw, Header: msg.Header, MessageID: msg.Header.Get("Message-ID")}
	if m.Subject, err = new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject")); err != nil {
		return m, err
	}
	body := msg.Body
	switch strings.ToLower(msg.Header.Get("Content-Transfer-Encoding")) {
	case "quoted-printable":
		body = quotedprintable.NewReader(body)
	case "", "7bit", "8bit":
	default:
		return m, errors.New("unexpected transfer encoding " + msg.Header.Get("Content-Transfer-Encoding"))
	}
	b, err := io.ReadAll(body)
	m.Body = strings.ReplaceAll(string(b), "\r\n", "\n")
	return m, err
}
