package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"time"

	"github.com/motcua/motcua/calendar"
	"github.com/motcua/motcua/payment"
	"github.com/motcua/motcua/payment/vnpaysim"
	"github.com/motcua/motcua/server"
)

// paymentFlags are the VNPAY terminal's flags (MOTCUA_VNPAY_TMN_CODE,
// MOTCUA_VNPAY_HASH_SECRET, MOTCUA_VNPAY_URL, MOTCUA_VNPAY_API_URL).
type paymentFlags struct {
	tmnCode, hashSecret, url, apiURL string
}

func (p *paymentFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&p.tmnCode, "vnpay-tmn-code", "", "VNPAY terminal code (vnp_TmnCode); none: fees are paid at the desk (with --demo: the simulator's)")
	fs.StringVar(&p.hashSecret, "vnpay-hash-secret", "", "VNPAY hash secret for vnp_SecureHash")
	fs.StringVar(&p.url, "vnpay-url", "", "VNPAY payment page, e.g. https://sandbox.vnpayment.vn/paymentv2/vpcpay.html (with --demo and none: the simulator at /_sim/vnpay/)")
	fs.StringVar(&p.apiURL, "vnpay-api-url", "", "VNPAY merchant API for the transaction list (default: derived from --vnpay-url)")
}

// configure fills cfg.Payment. With demo and no --vnpay-url, the VNPAY
// simulator is mounted on this server under /_sim/vnpay/ with its own
// terminal code and secret; the returned text says what was set up.
func (p *paymentFlags) configure(cfg *server.Config, addr string, demo bool, log *slog.Logger) (string, error) {
	if p.url == "" && demo {
		sim := vnpaysim.New(vnpaysim.Config{TmnCode: vnpaysim.DemoTmnCode, HashSecret: vnpaysim.DemoHashSecret,
			IPNURL: "/api/v1/payments/vnpay/ipn", Log: log})
		cfg.Payment = server.PaymentConfig{VNPaySimulator: sim, VNPay: payment.VNPayConfig{
			TmnCode: vnpaysim.DemoTmnCode, HashSecret: vnpaysim.DemoHashSecret,
			URL:    server.VNPaySimulatorPath + "/paymentv2/vpcpay.html",
			APIURL: "http://" + loopback(addr) + server.VNPaySimulatorPath + "/merchant_webapi/api/transaction"}}
		return fmt.Sprintf("Online payment: VNPAY simulator at %s%s/ (terminal %s, hash secret %s); no real money moves.",
			"http://"+publicHost(addr), server.VNPaySimulatorPath, vnpaysim.DemoTmnCode, vnpaysim.DemoHashSecret), nil
	}
	if p.tmnCode == "" && p.hashSecret == "" && p.url == "" {
		return "Online payment: off; fees are paid at the desk (set --vnpay-tmn-code, --vnpay-hash-secret, --vnpay-url).", nil
	}
	if p.tmnCode == "" || p.hashSecret == "" || p.url == "" {
		return "", fmt.Errorf("VNPAY needs --vnpay-tmn-code, --vnpay-hash-secret and --vnpay-url together")
	}
	cfg.Payment.VNPay = payment.VNPayConfig{TmnCode: p.tmnCode, HashSecret: p.hashSecret, URL: p.url, APIURL: p.apiURL}
	return fmt.Sprintf("Online payment: VNPAY terminal %s at %s.", p.tmnCode, p.url), nil
}

// loopback is how this server reaches itself at addr.
func loopback(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return addr
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "127.0.0.1"
	}
	return net.JoinHostPort(host, port)
}

// publicHost is how a browser on this machine reaches addr.
func publicHost(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return addr
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "localhost"
	}
	return net.JoinHostPort(host, port)
}

// runPayments runs `motcua payments reconcile --date YYYY-MM-DD`: the day's
// payments confirmed here against the gateway's list. It prints the report
// and fails (exit status 1) when anything does not match, for cron.
func runPayments(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) == 0 || args[0] != "reconcile" {
		return fmt.Errorf("usage: motcua payments reconcile --date YYYY-MM-DD [--demo] [--vnpay-…] [--data DIR | --db URL]")
	}
	fs := flag.NewFlagSet("payments reconcile", flag.ContinueOnError)
	var dbf dbFlags
	dbf.register(fs)
	var pf paymentFlags
	pf.register(fs)
	date := fs.String("date", "", "the day to reconcile, YYYY-MM-DD (default: yesterday)")
	demoSim := fs.Bool("demo", false, "reconcile against the simulator of a running `motcua serve --demo` at --addr")
	addr := fs.String("addr", "127.0.0.1:8080", "with --demo: the address that server listens on")
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	day := time.Now().In(calendar.Zone).AddDate(0, 0, -1)
	if *date != "" {
		d, err := time.ParseInLocation("2006-01-02", *date, calendar.Zone)
		if err != nil {
			return fmt.Errorf("--date: want YYYY-MM-DD, got %q", *date)
		}
		day = d
	}
	if *demoSim && pf.url == "" {
		pf = paymentFlags{tmnCode: vnpaysim.DemoTmnCode, hashSecret: vnpaysim.DemoHashSecret,
			url: "http://" + loopback(*addr) + server.VNPaySimulatorPath + "/paymentv2/vpcpay.html"}
	}
	cfg := server.Config{DataDir: dbf.data, SecretKey: dbf.key, Blobs: dbf.blobs, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	if _, err := pf.configure(&cfg, *addr, false, cfg.Log); err != nil {
		return err
	}
	if cfg.Payment.VNPay.TmnCode == "" {
		return fmt.Errorf("no gateway to reconcile with: set --vnpay-tmn-code, --vnpay-hash-secret and --vnpay-url (or --demo)")
	}
	db, err := dbf.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := prepare(ctx, db); err != nil {
		return err
	}
	app, err := server.New(ctx, db, cfg)
	if err != nil {
		return err
	}
	rep, err := app.Payments.Reconcile(ctx, day)
	if err != nil {
		return err
	}
	if err := payment.WriteReport(stdout, rep); err != nil {
		return err
	}
	if n := len(rep.Mismatches); n > 0 {
		return fmt.Errorf("%d mismatch(es) on %s", n, rep.Day)
	}
	return nil
}
