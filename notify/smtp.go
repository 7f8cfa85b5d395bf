package notify

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/smtp"
	"net/textproto"
	"strings"
)

// SMTPConfig is the mail relay motcua hands e-mail to.
type SMTPConfig struct {
	// Addr is the relay's host:port (e.g. the agency's mail server, 25 or 587).
	Addr string
	// From is the sender, with or without a name:
	// "Một cửa Nho Quan <motcua@nhoquan.ninhbinh.gov.vn>".
	From string
	// Hello is the name given in EHLO (default "localhost").
	Hello string
}

// SMTPSender sends e-mail through an SMTP relay with the standard library
// (net/smtp): plain text in UTF-8, quoted-printable, the subject as RFC
// 2047 encoded-words, so Vietnamese survives every hop. STARTTLS is used
// whenever the relay offers it, with the certificate verified. No
// authentication: motcua expects an agency relay that accepts it by address.
// The standard library is enough for one text/plain message, so no mail
// library is used (github.com/wneessen/go-mail v0.8.1 was the alternative).
type SMTPSender struct {
	cfg    SMTPConfig
	from   *mail.Address
	domain string
}

// NewSMTP checks cfg and returns a sender.
func NewSMTP(cfg SMTPConfig) (*SMTPSender, error) {
	if _, _, err := net.SplitHostPort(cfg.Addr); err != nil {
		return nil, fmt.Errorf("notify: --smtp-addr %q must be host:port: %w", cfg.Addr, err)
	}
	from, err := mail.ParseAddress(cfg.From)
	if err != nil {
		return nil, fmt.Errorf("notify: --smtp-from %q: %w", cfg.From, err)
	}
	_, domain, _ := strings.Cut(from.Address, "@")
	if cfg.Hello == "" {
		cfg.Hello = "localhost"
	}
	return &SMTPSender{cfg: cfg, from: from, domain: domain}, nil
}

// MessageID is the Message-ID of an outbox row's e-mail: the same for
// every attempt, so a repeat after a crash can be recognised as one.
func (s *SMTPSender) MessageID(m Message) string { return "<" + m.Ref + "@" + s.domain + ">" }

// Send delivers m to the relay. A 5xx reply is permanent (the address or
// the message was refused); network errors and 4xx replies are temporary.
func (s *SMTPSender) Send(ctx context.Context, m Message) error {
	c, done, err := s.greet(ctx)
	if err != nil {
		return err
	}
	defer done()
	if err := c.Mail(s.from.Address); err != nil {
		return classify(err)
	}
	if err := c.Rcpt(m.To); err != nil {
		return classify(err)
	}
	w, err := c.Data()
	if err != nil {
		return classify(err)
	}
	if _, err := w.Write(s.compose(m)); err != nil {
		return classify(err)
	}
	if err := w.Close(); err != nil { // the relay's verdict on the message
		return classify(err)
	}
	c.Quit() // accepted already; a failed QUIT changes nothing
	return nil
}

// Check connects to the relay and greets it (EHLO, STARTTLS when
// offered) without sending anything: `motcua doctor` asks this of
// --smtp-addr so a wrong address shows before the first e-mail waits.
func (s *SMTPSender) Check(ctx context.Context) error {
	c, done, err := s.greet(ctx)
	if err != nil {
		return err
	}
	defer done()
	return c.Quit()
}

// greet dials the relay and says EHLO, then starts TLS whenever the relay
// offers it, with the certificate verified. done closes what it opened.
func (s *SMTPSender) greet(ctx context.Context) (c *smtp.Client, done func(), err error) {
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", s.cfg.Addr)
	if err != nil {
		return nil, nil, err
	}
	if dl, ok := ctx.Deadline(); ok {
		conn.SetDeadline(dl)
	}
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	fail := func(err error) (*smtp.Client, func(), error) {
		stop()
		conn.Close()
		return nil, nil, err
	}
	host, _, _ := net.SplitHostPort(s.cfg.Addr)
	if c, err = smtp.NewClient(conn, host); err != nil {
		return fail(classify(err))
	}
	if err := c.Hello(s.cfg.Hello); err != nil {
		c.Close()
		return fail(classify(err))
	}
	if ok, _ := c.Extension("STARTTLS"); ok {
		if err := c.StartTLS(&tls.Config{ServerName: host}); err != nil {
			c.Close()
			return fail(err)
		}
	}
	return c, func() { c.Close(); stop(); conn.Close() }, nil
}

// classify marks SMTP 5xx replies permanent.
func classify(err error) error {
	var te *textproto.Error
	if errors.As(err, &te) && te.Code >= 500 {
		return Permanent(err)
	}
	return err
}

// compose writes the message: headers, then the body in quoted-printable
// with CRLF line ends. Date is the row's creation, so a repeat is
// identical to the first copy.
func (s *SMTPSender) compose(m Message) []byte {
	var b bytes.Buffer
	h := func(k, v string) { b.WriteString(k + ": " + v + "\r\n") }
	h("From", s.from.String())
	h("To", (&mail.Address{Address: m.To}).String())
	h("Subject", foldWords(mime.QEncoding.Encode("utf-8", m.Subject)))
	h("Date", m.Created.Format("Mon, 02 Jan 2006 15:04:05 -0700"))
	h("Message-ID", s.MessageID(m))
	h("MIME-Version", "1.0")
	h("Content-Type", "text/plain; charset=utf-8")
	h("Content-Transfer-Encoding", "quoted-printable")
	h("Auto-Submitted", "auto-generated") // RFC 3834: no vacation replies
	h("X-Motcua-Kind", string(m.Kind))
	b.WriteString("\r\n")
	qp := quotedprintable.NewWriter(&b)
	qp.Write([]byte(strings.ReplaceAll(m.Body, "\r\n", "\n")))
	qp.Close()
	return b.Bytes()
}

// foldWords puts each encoded-word of a long header on its own line, so
// header lines stay under 78 characters.
func foldWords(v string) string { return strings.ReplaceAll(v, "?= =?", "?=\r\n =?") }
