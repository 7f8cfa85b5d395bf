package main

import (
	"errors"
	"flag"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/motcua/motcua/notify"
	"github.com/motcua/motcua/notify/mailsim"
	"github.com/motcua/motcua/notify/smssim"
	"github.com/motcua/motcua/server"
)

// notifyFlags are serve's notification flags (MOTCUA_SMTP_ADDR, …).
type notifyFlags struct {
	smtpAddr, smtpFrom, smsURL, publicURL string
}

func (n *notifyFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&n.smtpAddr, "smtp-addr", "", "SMTP relay host:port for e-mail notifications (none: e-mail waits in the outbox)")
	fs.StringVar(&n.smtpFrom, "smtp-from", "motcua@localhost", "sender of e-mail notifications, e.g. \"Một cửa Nho Quan <motcua@nhoquan.gov.vn>\"")
	fs.StringVar(&n.smsURL, "sms-url", "", "SMS gateway URL (POST JSON {to,text,ref}); none: SMS waits in the outbox (with --demo: a simulator that logs)")
	fs.StringVar(&n.publicURL, "public-url", "", "the site's address as citizens reach it (https://…), for QR codes, payment return and notification links; required except with --demo (default http://ADDR)")
}

// configure fills cfg's notification fields. With --demo and no gateway it
// starts the SMS simulator on loopback, logging each SMS; stop ends it.
func (n *notifyFlags) configure(cfg *server.Config, addr string, demo bool, log *slog.Logger) (stop func(), err error) {
	cfg.PublicURL = n.publicURL
	if cfg.PublicURL == "" && !demo {
		// QR codes, the payment gateway's return address and links in
		// messages are built from it; guessing from the listen address or
		// a request's Host header would print wrong or attacker-chosen URLs.
		return nil, errors.New("--public-url is required: the address citizens reach the site at, e.g. https://motcua.nhoquan.gov.vn (only --demo defaults it to http://ADDR)")
	}
	if cfg.PublicURL == "" {
		host, port, _ := net.SplitHostPort(addr)
		if host == "" || host == "0.0.0.0" || host == "::" {
			host = "localhost"
		}
		cfg.PublicURL = "http://" + net.JoinHostPort(host, port)
	}
	cfg.SMTP = notify.SMTPConfig{Addr: n.smtpAddr, From: n.smtpFrom}
	cfg.SMSURL = n.smsURL
	stopMail := func() {}
	if demo && n.smtpAddr == "" {
		// The demo's e-mail goes to a mail relay of its own, whose
		// messages are shown at /_sim/mail/ (the last 200, in memory).
		mail, err := mailsim.Start("127.0.0.1:0", 200)
		if err != nil {
			return nil, err
		}
		cfg.SMTP.Addr, cfg.MailSimulator = mail.Addr, mail
		stopMail = func() { mail.Close() }
	}
	if !demo || n.smsURL != "" {
		return stopMail, nil
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		stopMail()
		return nil, err
	}
	sim := &http.Server{ReadHeaderTimeout: 5 * time.Second, Handler: smssim.New(func(m smssim.SMS) {
		log.Info("demo SMS (simulated gateway)", "to", m.To, "text", m.Text, "ref", m.Ref)
	})}
	go sim.Serve(ln)
	cfg.SMSURL = "http://" + ln.Addr().String() + "/sms"
	return func() { sim.Close(); stopMail() }, nil
}
