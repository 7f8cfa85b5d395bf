// Command motcua runs the one-stop system: `motcua serve` for the web
// server, plus the administrator's commands (migrate, user add, calendar,
// version, and sign and verify for PDF signatures). Flags can also be
// given as MOTCUA_* environment variables.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"runtime/debug"
	"syscall"

	"github.com/motcua/motcua/blob"
	"github.com/motcua/motcua/server"
	"github.com/motcua/motcua/store"
)

const usage = `motcua — hệ thống một cửa điện tử

Usage:
  motcua serve [--addr 127.0.0.1:8080] [--data DIR | --db postgres://… [--db-replica postgres://…]] [--demo | --demo=2022] [--trust PEM]
               [--smtp-addr HOST:PORT --smtp-from ADDR] [--sms-url URL] --public-url URL
               [--metrics-addr ADDR | --metrics-token T] [--trusted-proxies LIST] [--webhook-allow-hosts H,…]
               [--edxml-peers FILE] [--edxml-systems FILE]
               [--vnpay-tmn-code C --vnpay-hash-secret S --vnpay-url URL] [--clamd unix:/run/clamav/clamd.ctl]
               [--dvcqg-url URL --dvcqg-token T [--dvcqg-pull=false] [--dvcqg-mapping FILE] [--dvcqg-file-hosts H,…]]
               [--oidc-issuer URL --oidc-client-id ID --oidc-client-secret S] [--dancu-url URL --dancu-token T --dancu-agency CODE]
               [--land-url URL --land-token T]
               [--backup-dir DIR [--backup-keep 7]]
  motcua doctor [the flags of serve]     checks the configuration and the parts it names, one line each; exit 1 when one fails
  motcua migrate [--dry-run] [--data DIR | --db URL]
  motcua backup --to DIR|FILE [--data DIR | --db URL]
  motcua restore FROM.tar.gz (--data NEWDIR | --db postgres://…empty)
  motcua gc [--grace 1h] [--data DIR | --db URL]
  motcua user add NAME --role ROLE --unit UNITCODE --password-stdin [--full-name "…"] [--data DIR | --db URL]
  motcua client add NAME --scopes dossiers:read,… --right dossier.read@UNITCODE[+below] … [--rate 600] [--data DIR | --db URL]
  motcua client rotate CLIENT_ID [--grace 24h] | client revoke CLIENT_ID | client list  [--data DIR | --db URL]
  motcua calendar holidays YEAR
  motcua calendar due --from RFC3339 (--days N | --hours N | --same-day)
  motcua payments reconcile [--date YYYY-MM-DD] [--demo | --vnpay-tmn-code C --vnpay-hash-secret S --vnpay-url URL] [--data DIR | --db URL]
  motcua portal reconcile [--date YYYY-MM-DD] --dvcqg-url URL [--dvcqg-token T] [--data DIR | --db URL]
  motcua sign (--pkcs11-module LIB --token-label L --pin-stdin | --p12 FILE --password-stdin) [--seal] [--image PNG] IN.pdf OUT.pdf
  motcua verify [--trust PEM] FILE.pdf
  motcua audit verify [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--heads LOGFILE] [--data DIR | --db URL]
  motcua demo generate [--year 2022] [--years 1] [--scale 1.0] [--seed 1] [--data DIR | --db URL]
  motcua demo bulk --dossiers N [--years 1] [--year 2022] [--seed 1] [--batch 5000] [--data DIR | --db URL]
  motcua reorg plan FILE --dry-run | reorg apply FILE | reorg revert ID | reorg list  [--data DIR | --db URL]
  motcua retention run [--dry-run] [--as-of YYYY-MM-DD] [--data DIR | --db URL]
      anonymise the closed dossiers whose procedure's retention ended (serve does it daily); --dry-run counts them
  motcua report ii06a --unit CODE --from YYYY-MM-DD --to YYYY-MM-DD [--view unit|field|procedure] [--format json|xlsx|pdf] [--data DIR | --db URL] > out
  motcua land import FILE.geojson | land export [--commune CODE] [--out FILE.geojson]  [--data DIR | --db URL]
  motcua version                          release, commit, its date, Go version

Every flag may also be set as MOTCUA_<FLAG> (e.g. MOTCUA_DB, MOTCUA_ADDR, MOTCUA_DATA).
Every command lists its flags, defaults and MOTCUA_ names with -h or --help.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "motcua:", err)
		os.Exit(1)
	}
}

var errUsage = errors.New("see 'motcua help'")

// run runs one command; a service's error reads as its Vietnamese sentence.
// A -h/--help is answered on stdout with success (helpError).
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	err := command(ctx, args, stdin, stdout, stderr)
	var he *helpError
	if errors.As(err, &he) {
		_, err = io.WriteString(stdout, he.text)
		return err
	}
	return spoken(err)
}

func command(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errUsage
	}
	switch args[0] {
	case "serve":
		return runServe(ctx, args[1:], stdout, stderr)
	case "doctor":
		return runDoctor(ctx, args[1:], stdout)
	case "migrate":
		return runMigrate(ctx, args[1:], stdout)
	case "gc":
		return runGC(ctx, args[1:], stdout)
	case "backup":
		return runBackup(ctx, args[1:], stdout)
	case "restore":
		return runRestore(ctx, args[1:], stdout)
	case "user":
		return runUser(ctx, args[1:], stdin, stdout)
	case "client":
		return runClient(ctx, args[1:], stdout)
	case "calendar":
		return runCalendar(args[1:], stdout, stderr)
	case "payments":
		return runPayments(ctx, args[1:], stdout)
	case "portal":
		return runPortal(ctx, args[1:], stdout)
	case "sign":
		return runSign(ctx, args[1:], stdin, stdout, stderr)
	case "audit":
		return runAudit(ctx, args[1:], stdout)
	case "demo":
		return runDemo(ctx, args[1:], stdout, stderr)
	case "verify":
		return runVerify(args[1:], stdout, stderr)
	case "reorg":
		return runReorg(ctx, args[1:], stdout, stderr)
	case "report":
		return runReport(ctx, args[1:], stdout)
	case "retention":
		return runRetention(ctx, args[1:], stdout)
	case "land":
		return runLand(ctx, args[1:], stdout)
	case "version":
		if len(args) > 1 && isHelp(args[1]) {
			fmt.Fprint(stdout, "motcua version: prints the release, the commit it was built from, its date, and the Go version; no flags\n")
			return nil
		}
		bi, _ := debug.ReadBuildInfo()
		fmt.Fprint(stdout, versionText(release, bi, runtime.Version()))
		return nil
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("unknown command %q", args[0])
}

// dbFlags are the flags every command that opens the database shares.
type dbFlags struct {
	data  string
	db    string
	key   string // --secret-key
	kind  string // --blobs
	blobs blob.Store
}

func (d *dbFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&d.data, "data", "./data", "data directory: the SQLite database and stored files")
	fs.StringVar(&d.db, "db", "", "PostgreSQL URL (postgres://…) instead of SQLite")
	fs.StringVar(&d.key, "secret-key", "", "key sealing TOTP secrets (64 hex digits); default: DATA/secret.key, created on first start. Give every instance the same key")
	fs.StringVar(&d.kind, "blobs", server.BlobsAuto, "where stored files go: db (the database; the default with --db, so several instances share them) or dir (DATA/files; the default with SQLite)")
}

// open opens the database and chooses the blob store (--blobs) on it.
func (d *dbFlags) open(ctx context.Context) (*store.DB, error) {
	db, err := store.Open(ctx, store.Config{URL: d.db, Dir: d.data})
	if err != nil {
		return nil, err
	}
	if d.blobs, err = server.Blobs(db, d.data, d.kind); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// parse parses flags, taking unset ones from MOTCUA_<NAME> (dashes as underscores).
func parse(fs *flag.FlagSet, args []string) error {
	fs.SetOutput(io.Discard)
	fs.Usage = func() {} // -h is answered by run with flagHelp, on stdout
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return &helpError{text: flagHelp(fs)}
		}
		return err
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	var err error
	fs.VisitAll(func(f *flag.Flag) {
		if set[f.Name] {
			return
		}
		env := envName(f.Name)
		if v, ok := os.LookupEnv(env); ok {
			if e := f.Value.Set(v); e != nil {
				err = fmt.Errorf("%s: %w", env, e)
			}
		}
	})
	return err
}
