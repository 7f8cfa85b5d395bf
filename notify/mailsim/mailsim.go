// Package mailsim is a mail relay that keeps what it is sent: a real SMTP
// server on loopback (github.com/emersion/go-smtp) that decodes each
// message as a mail client would. motcua serve --demo with no --smtp-addr
// sends its e-mail there and shows the messages at /_sim/mail/ (Handler),
// so a demo's e-mails can be read without a mail server; the tests'
// notifytest is built on it.
package mailsim

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
	"time"

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
	Received  time.Time
}

// Server is an SMTP server that keeps what it accepts.
type Server struct {
	// Addr is where it listens (host:port).
	Addr string

	srv   *smtp.Server
	keep  int
	mu    sync.Mutex
	mails []Mail
	fail  []int
}

// Start listens on addr (127.0.0.1:0 for any free port) and serves until
// Close. It keeps the last keep messages (0: all, for tests); a demo that
// runs for weeks must not grow without bound.
func Start(addr string, keep int) (*Server, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	s := &Server{Addr: ln.Addr().String(), keep: keep}
	s.srv = smtp.NewServer(backend{s})
	s.srv.Domain = "mail.test"
	s.srv.AllowInsecureAuth = true
	s.srv.MaxMessageBytes = 10 << 20
	s.srv.ReadTimeout = time.Minute
	s.srv.WriteTimeout = time.Minute
	go s.srv.Serve(ln)
	return s, nil
}

// Close stops the server.
func (s *Server) Close() error { return s.srv.Close() }

// FailNext makes the server answer the next messages' DATA with these
// reply codes (e.g. 451 twice: "try again later").
func (s *Server) FailNext(codes ...int) {
	s.mu.Lock()
	s.fail = append(s.fail, codes...)
	s.mu.Unlock()
}

// Mails lists the kept messages, repeats included, in arrival order.
func (s *Server) Mails() []Mail {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Mail(nil), s.mails...)
}

type backend struct{ s *Server }

func (b backend) NewSession(*smtp.Conn) (smtp.Session, error) { return &session{s: b.s}, nil }

type session struct {
	s    *Server
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
	m.From, m.To, m.Received = x.from, append([]string(nil), x.to...), time.Now()
	x.s.mails = append(x.s.mails, m)
	if x.s.keep > 0 && len(x.s.mails) > x.s.keep {
		x.s.mails = append([]Mail(nil), x.s.mails[len(x.s.mails)-x.s.keep:]...)
	}
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
