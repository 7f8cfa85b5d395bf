package main

import (
	"flag"
	"time"

	"github.com/motcua/motcua/demo"
)

// serveFlags are serve's flags. `motcua doctor` registers the same set,
// so an operator checks exactly the command line (or MOTCUA_*
// environment) the server will run with.
type serveFlags struct {
	db                        dbFlags
	addr, dbReplica           string
	demo                      demoFlag
	activity                  float64
	logLevel, trust, clamd    string
	trustedProxies            string
	loginMemory               int64
	drain                     time.Duration
	metricsAddr, metricsToken string
	webhookHosts              string
	backupDir                 string
	backupKeep                int
	exchange                  exchangeFlags
	notify                    notifyFlags
	payment                   paymentFlags
	postal                    postalFlags
	portal                    dvcqgFlags
	esign                     esignFlags
	documents                 documentFlags
	vneid                     vneidFlags
	dancu                     dancuFlags
	land                      landFlags
}

func (f *serveFlags) register(fs *flag.FlagSet) {
	f.db.register(fs)
	fs.StringVar(&f.addr, "addr", "127.0.0.1:8080", "listen address")
	fs.StringVar(&f.dbReplica, "db-replica", "", "with --db: a PostgreSQL streaming replica (postgres://…) for the reads that tolerate lag — public tracking, the catalog, reports, dashboards; a browser's reads after its own write stay on the primary until the replica has it (docs/scale-out.md)")
	fs.Var(&f.demo, "demo", "load a demo world on first start: --demo the two-tier world of today (the communes that replaced Nho Quan district, Ninh Bình), --demo=2022 Nho Quan district in 2022")
	fs.Float64Var(&f.activity, "demo-activity", demo.DefaultActivity, "with --demo: on first start, the last 60 days of activity at this share of Nho Quan's rate (67,120 dossiers a year at 1); 0: none")
	fs.StringVar(&f.logLevel, "log-level", "info", "debug, info, warn or error")
	fs.StringVar(&f.trust, "trust", "", "PEM bundle of trusted certificates for signature verification")
	fs.StringVar(&f.clamd, "clamd", "", "clamd address (unix:/run/clamav/clamd.ctl or host:port): scan every upload; without it nothing is scanned")
	fs.StringVar(&f.trustedProxies, "trusted-proxies", "", "comma-separated addresses/CIDRs of reverse proxies whose X-Forwarded-For is believed")
	fs.Int64Var(&f.loginMemory, "login-memory", 256, "MiB of memory password checks may hold at once (64 MiB each); beyond it logins queue, then get 503")
	fs.DurationVar(&f.drain, "drain", 0, "on SIGTERM, keep serving this long with /healthz answering 503 before closing the listener, so a load balancer takes the instance out of its rotation first (behind HAProxy: more than fall × inter; docs/scale-out.md)")
	fs.StringVar(&f.metricsAddr, "metrics-addr", "", "listen address for /metrics (Prometheus), apart from the public one, e.g. 127.0.0.1:9090")
	fs.StringVar(&f.exchange.peers, "edxml-peers", "", "JSON file: the outside agencies' edXML endpoints by OrganId, with the SystemId and SecretKey this instance sends with (docs/documents.md \"Exchange\"; with --demo and neither this nor --edxml-systems: the simulated province at /_sim/edxml/)")
	fs.StringVar(&f.exchange.systems, "edxml-systems", "", "JSON file: the systems allowed to POST edXML to /edxml/v1/messages, by SystemId, with their SecretKey and OrganIds")
	fs.StringVar(&f.webhookHosts, "webhook-allow-hosts", "", "comma-separated host names and IP prefixes (10.1.0.0/16) webhook subscriptions may name although private or loopback; any other private address is refused")
	fs.StringVar(&f.metricsToken, "metrics-token", "", "serve /metrics on the main address too, to requests with \"Authorization: Bearer TOKEN\"")
	// Backups are named motcua-YYYYMMDD-HHMMSS.tar.gz (UTC) in this
	// directory; doctor reports the newest one's age.
	fs.StringVar(&f.backupDir, "backup-dir", "", "directory of the backups (motcua-YYYYMMDD-HHMMSS.tar.gz, UTC): serve takes one a day there (at start too when the newest is older than a day; with several instances one takes it); motcua doctor fails when the newest is older than 2 days")
	fs.IntVar(&f.backupKeep, "backup-keep", 7, "with --backup-dir: how many backups serve keeps; older ones are deleted")
	f.notify.register(fs)
	f.payment.register(fs)
	f.postal.register(fs)
	f.portal.register(fs)
	f.esign.register(fs)
	f.documents.register(fs)
	f.vneid.register(fs)
	f.dancu.register(fs)
	f.land.register(fs)
}
