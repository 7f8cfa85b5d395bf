// Package server assembles motcua from its parts: it takes an open
// database and a Config, builds every service with explicit values, and
// returns the HTTP handler. cmd/motcua and the end-to-end tests both use
// it, so what is tested is what runs.
package server

import (
	"context"
	"crypto/x509"
	"log/slog"
	"net/http"
	"net/netip"
	"sync/atomic"
	"time"

	"github.com/motcua/motcua/admin"
	"github.com/motcua/motcua/api"
	"github.com/motcua/motcua/audit"
	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/blob"
	"github.com/motcua/motcua/calendar"
	"github.com/motcua/motcua/catalog"
	"github.com/motcua/motcua/civil"
	"github.com/motcua/motcua/clientip"
	"github.com/motcua/motcua/dancu"
	"github.com/motcua/motcua/document"
	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/dvcqg"
	"github.com/motcua/motcua/esign"
	"github.com/motcua/motcua/esign/csc"
	"github.com/motcua/motcua/event"
	"github.com/motcua/motcua/forms"
	"github.com/motcua/motcua/land"
	"github.com/motcua/motcua/metrics"
	"github.com/motcua/motcua/mydata"
	"github.com/motcua/motcua/notify"
	"github.com/motcua/motcua/office"
	"github.com/motcua/motcua/payment"
	"github.com/motcua/motcua/portal"
	"github.com/motcua/motcua/postal"
	"github.com/motcua/motcua/rating"
	"github.com/motcua/motcua/reorg"
	"github.com/motcua/motcua/report"
	"github.com/motcua/motcua/requestid"
	"github.com/motcua/motcua/sohoa"
	"github.com/motcua/motcua/stats"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/tally"
	"github.com/motcua/motcua/unit"
	"github.com/motcua/motcua/web"
	"github.com/motcua/motcua/webhook"
)

// Config is everything the assembled server needs besides the database.
type Config struct {
	DataDir    string
	Log        *slog.Logger
	AuthParams auth.Params // zero: production argon2id costs
	Now        func() time.Time
	// Login throttles logins and bounds password hashing's memory (motcua
	// serve --login-memory); zero fields take auth's defaults.
	Login auth.LoginLimits
	// Trust is the trust list signatures are verified against (motcua
	// serve --trust); nil means chains are shown but trust is not judged.
	Trust *x509.CertPool
	// Notifications (package notify): the site's public address for the
	// links in messages, the SMTP relay and the SMS gateway. Without a
	// relay or a gateway, e-mail or SMS waits in the outbox.
	PublicURL string
	SMTP      notify.SMTPConfig
	// MailSimulator, when set, is served under /_sim/mail/: the demo's
	// mail relay (package notify/mailsim) and the messages it was sent.
	MailSimulator http.Handler
	SMSURL        string
	// Postal is the connection to the post for results sent by post.
	Postal PostalConfig
	// Payment is the gateway that takes fees online (package payment).
	Payment PaymentConfig
	// DVCQG is the connection to the National Public Service Portal.
	DVCQG DVCQGConfig
	// Webhooks configures the integrators' subscriptions (package webhook).
	Webhooks WebhooksConfig
	// ESign signs results in the application (package esign).
	ESign ESignConfig
	// Exchange connects the edXML exchange between agencies (exchange.go).
	Exchange ExchangeConfig
	// Documents signs outgoing documents (package document): the leaders'
	// keys and the organisation's seal, the appearances' images and a
	// time-stamp authority. Zero: documents are issued unsigned.
	Documents DocumentsConfig
	// VNeID is the national SSO citizens may sign in with (server/vneid.go).
	VNeID VNeIDConfig
	// Dancu is the population database's lookup service (server/dancu.go).
	Dancu DancuConfig
	// Land is the national land information system the registry's
	// changes are sent to (server/land.go).
	Land LandConfig
	// TrustedProxies are the reverse proxies whose X-Forwarded-For names
	// the client (package clientip); none means the TCP peer is the client.
	TrustedProxies []netip.Prefix
	// Blobs keeps stored files (motcua serve --blobs); nil: Blobs(db,
	// DataDir, BlobsAuto), the engine's default.
	Blobs blob.Store
	// Scanner checks every upload for malware (motcua serve --clamd: a
	// scan.Client); nil scans nothing.
	Scanner dossier.Scanner
	// MetricsToken, when set, puts /metrics on the main handler behind
	// "Authorization: Bearer <token>"; otherwise /metrics is only App.Metrics,
	// which motcua serve listens for on --metrics-addr.
	MetricsToken string
	// CalendarRefresh is how often Calendar.Run re-reads announcements
	// added on other instances; zero means a minute.
	CalendarRefresh time.Duration
	// SecretKey seals TOTP secrets at rest (auth.ParseKey: 64 hex digits
	// or base64). Empty: the key in DataDir/secret.key, created on first
	// start (see secretKey).
	SecretKey string
}

// App is the assembled server.
type App struct {
	DB       *store.DB
	Auth     *auth.Service
	Units    *unit.Store
	Catalog  *catalog.Store
	Dossiers *dossier.Service
	// Blobs keeps the dossiers' stored files (Config.Blobs).
	Blobs    blob.Store
	Forms    *forms.Service
	Postal   *postal.Service
	Payments *payment.Service
	// ESign signs results when leaders approve; nil when not configured.
	ESign  *esign.Service
	Notify *notify.Service
	// Notifier sends the outbox; motcua serve runs it beside the server.
	Notifier *notify.Worker
	Ratings  *rating.Service
	Reports  *report.Reader
	// Tally keeps the reports' figures as dossiers move (package tally).
	Tally *tally.Store
	Audit *audit.Log
	// Calendar is refreshed when an admin adds an announcement here; motcua
	// serve runs Calendar.Run for those added by other instances.
	Calendar *calendar.Store
	// Events carries domain events to the listeners wired in New.
	Events  *event.Bus
	Web     *web.Web
	Handler http.Handler
	// Routes lists every registered pattern ("GET /can-bo/ho-so/{code}"),
	// for the scope matrix test.
	Routes []string
	// draining is set by Drain: /healthz answers 503.
	draining atomic.Bool
	// Metrics is the Prometheus exposition, for a separate listener.
	Metrics http.Handler
	// DVCQG keeps the national portal's outbox and sync state; motcua
	// serve runs PortalSync (sending it) and PortalPull (bringing in the
	// dossiers filed there), both nil when not connected (package dvcqg).
	DVCQG        *dvcqg.Service
	PortalClient *dvcqg.Client
	PortalSync   *dvcqg.Worker
	PortalPull   *dvcqg.Puller
	// Webhooks keeps the integrators' subscriptions, the events and the
	// deliveries' outbox; motcua serve runs WebhookSender (package webhook).
	Webhooks      *webhook.Service
	WebhookSender *webhook.Worker
	// Sohoa digitises papers and results and keeps the citizens' data
	// stores (Circular 01/2023/TT-VPCP).
	Sohoa *sohoa.Service
	// Population looks people up in the population database under a
	// recorded consent (package dancu).
	Population *dancu.Service
	// MyData answers the citizens' rights over their data: the download,
	// the consents, who read their dossiers (package mydata).
	MyData *mydata.Service
	// Documents keeps the registers and the incoming and outgoing
	// documents (package document, docs/documents.md).
	Documents *document.Service
	// Civil is the civil service registry and the officers' yearly
	// evaluation (package civil).
	Civil *civil.Service
	// ExchangeSender sends the edXML outbox; motcua serve runs it.
	ExchangeSender *document.ExchangeWorker
	// Land is the land registry (package land, docs/land.md);
	// LandSender sends its outbox to the national land information
	// system (nil when none is configured); motcua serve runs it.
	Land       *land.Service
	LandSender *land.Worker
	// Reorg checks, schedules and carries out reorganisation plans;
	// motcua serve runs Reorg.RunDue for the scheduled ones.
	Reorg *reorg.Service

	// csc is the leaders' remote signing service and otpGate its OTP
	// floor, shared by esign and document (newCSC); nil when none.
	csc     *csc.Client
	otpGate *csc.OTPGate
}

// New builds the app on db, which the caller has migrated (schema.Migrate)
// and seeded (catalog.Store.SeedBuiltin). It starts no goroutines: the
// caller runs Notifier, Payments.Sweep and Calendar.Run.
func New(ctx context.Context, db *store.DB, cfg Config) (*App, error) {
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	a := &App{DB: db, Events: event.New(), Blobs: cfg.Blobs}
	if a.Blobs == nil {
		var err error
		if a.Blobs, err = Blobs(db, cfg.DataDir, BlobsAuto); err != nil {
			return nil, err
		}
	}
	subscribeUnitMerged(a.Events)
	a.Units = unit.New(db, unit.Config{Now: cfg.Now, Bus: a.Events, OpenDossiers: dossier.OpenAt})
	a.Catalog = catalog.New(db, catalog.Config{Now: cfg.Now, Bus: a.Events, Scope: a.Units})
	key, err := secretKey(cfg)
	if err != nil {
		return nil, err
	}
	a.Auth = auth.NewService(db, auth.Config{Params: cfg.AuthParams, Login: cfg.Login, Now: cfg.Now, Units: a.Units, Bus: a.Events, SecretKey: key})
	if err := sealTOTPSecrets(ctx, a.Auth, key, cfg.Log); err != nil {
		return nil, err
	}
	cal, err := calendar.NewStore(ctx, db, calendar.StoreConfig{Now: cfg.Now, Log: cfg.Log, Refresh: cfg.CalendarRefresh,
		Bus: a.Events, Province: a.Units})
	if err != nil {
		return nil, err
	}
	a.Calendar = cal
	if a.Notify, err = notify.New(db, a.Catalog, cal, notify.Config{PublicURL: cfg.PublicURL, Now: cfg.Now}); err != nil {
		return nil, err
	}
	if a.Notifier, err = newNotifier(db, a.Notify, cfg); err != nil {
		return nil, err
	}
	a.Audit = audit.New(db)
	subscribeDossierTransitioned(a.Events, a.Notify, a.Audit)
	a.Dossiers = dossier.NewService(db, a.Units, a.Catalog, a.Auth, cal, dossier.Config{
		Blobs: a.Blobs, Now: cfg.Now, Events: a.Events, Scanner: cfg.Scanner,
		Owed: payment.Owed, // no delivery while a fee is owed
	})
	subscribeUnitAbolished(a.Events, a.Dossiers)
	if err := newDVCQG(db, a, cfg); err != nil {
		return nil, err
	}
	a.Sohoa = sohoa.New(db, a.Dossiers, a.Units, sohoa.Config{Now: cfg.Now, Bus: a.Events, Accounts: a.Auth})
	// The tally follows every act, and every reorganisation after the
	// dossier module's listeners have moved the dossiers it moves.
	a.Tally = tally.New(db, cal)
	a.Tally.Subscribe(a.Events)
	a.Reorg = reorg.New(db, a.Units, reorg.Config{Now: cfg.Now, Bus: a.Events, Log: cfg.Log})
	if a.Forms, err = forms.New(db, a.Dossiers, a.Units, cal, forms.Config{Now: cfg.Now}); err != nil {
		return nil, err
	}
	a.Land = land.New(db, land.Config{Units: a.Units, Bus: a.Events, Now: cfg.Now})
	subscribeLand(a.Events, a.Land)
	a.LandSender = newLandSender(a, cfg)
	if err := newCSC(a, cfg); err != nil {
		return nil, err
	}
	if a.ESign, err = newESign(db, a, cfg); err != nil {
		return nil, err
	}
	subscribeESign(a.Events, a.ESign)
	// After esign: a result signed in the app is attached by esign's
	// listener, and gets its result code here.
	subscribeDigitisation(a.Events, a.Sohoa)
	// After sohoa: the record the portal receives lists the results with
	// the result codes sohoa's listener gave them in this transaction;
	// subscribed earlier, dvcqg would report an approved result without
	// them, and the record would not change again until the next act.
	subscribePortalSync(a.Events, a.DVCQG)
	if a.Documents, err = newDocuments(db, a, cfg); err != nil {
		return nil, err
	}
	// After esign and sohoa: the result registered in the outgoing
	// register links the e-result esign attached.
	subscribeResultsRegister(a.Events, a.Documents)
	// Last: the event is recorded once every other listener has accepted
	// the act (an error in one rolls the event back with it).
	guard := &webhook.Guard{Allow: cfg.Webhooks.AllowHosts}
	a.Webhooks = webhook.New(db, webhook.Config{Now: cfg.Now, Units: a.Units, Guard: guard, Bus: a.Events})
	a.WebhookSender = webhook.NewWorker(db, webhook.WorkerConfig{Guard: guard, Log: cfg.Log})
	subscribeWebhooks(a.Events, a.Webhooks)
	// The edXML exchange's outbox rows, in the acts' transactions, before
	// the audit and webhook listeners that come last.
	subscribeExchange(a.Events, a.Documents)
	a.ExchangeSender = a.Documents.NewWorker(document.WorkerConfig{Log: cfg.Log, HTTP: cfg.Exchange.HTTP})
	subscribeDocuments(a.Events, a.Audit, a.Webhooks)
	subscribeWorkFileWarnings(a.Events, a.Notify)
	subscribeRetention(a.Events, a.Audit)
	if a.Postal, err = newPostal(db, a, cfg); err != nil {
		return nil, err
	}
	if a.Payments, err = newPayments(db, a, cfg); err != nil {
		return nil, err
	}
	if a.Population, err = newPopulation(db, a, cfg); err != nil {
		return nil, err
	}
	// Commands that never serve (user, demo generate) give no public URL;
	// motcua serve always does (see cmd/motcua/serve.go).
	if cfg.PublicURL == "" {
		cfg.PublicURL = "http://localhost"
	}
	public, err := web.NewSite(cfg.PublicURL)
	if err != nil {
		return nil, err
	}
	fed, err := newFederation(cfg)
	if err != nil {
		return nil, err
	}
	w, err := web.New(web.Config{Sessions: web.NewSessions(a.Auth, public), Log: cfg.Log, Federation: fed})
	if err != nil {
		return nil, err
	}
	a.Web = w
	login, err := w.LoginTemplates()
	if err != nil {
		return nil, err
	}
	accountPages, err := w.AccountTemplates()
	if err != nil {
		return nil, err
	}
	a.Ratings = rating.NewService(db, a.Dossiers, cfg.Now)
	a.Reports = report.New(db).WithTally(a.Tally)
	a.Civil = civil.New(civil.Config{DB: db, Bus: a.Events, Units: a.Units, Evidence: a.Reports, Accounts: a.Auth, Now: cfg.Now})
	if err := buildTally(ctx, a, cfg.Log); err != nil {
		return nil, err
	}
	a.MyData = newMyData(db, a, cfg)
	esignPages, err := esign.NewPages(w, a.ESign, a.Dossiers)
	if err != nil {
		return nil, err
	}
	civilPages, err := civil.NewPages(w, a.Civil)
	if err != nil {
		return nil, err
	}
	landPages, err := land.NewPages(w, a.Land, a.Dossiers)
	if err != nil {
		return nil, err
	}
	site, err := portal.New(portal.Config{ESign: esignPages, Web: w, Catalog: a.Catalog, Units: a.Units, Dossiers: a.Dossiers, Ratings: a.Ratings,
		Trust: cfg.Trust, Notify: a.Notify, Postal: a.Postal, Payments: a.Payments, Store: a.Sohoa, Population: a.Population,
		MyData: a.MyData, Land: a.Land})
	if err != nil {
		return nil, err
	}
	back, err := office.New(office.Config{ESign: esignPages, Web: w, Catalog: a.Catalog, Units: a.Units, Dossiers: a.Dossiers,
		Forms: a.Forms, Notify: a.Notify, Postal: a.Postal, Payments: a.Payments, Sohoa: a.Sohoa,
		PortalSync: a.DVCQG, Reach: a.reach, PortalConnected: a.PortalSync != nil, Population: a.Population, Documents: a.Documents, WorkFiles: a.Documents, Holders: a.Auth.Holders, Archive: a.MyData.Archive, LandPanel: land.IsLand, Land: a.Land})
	if err != nil {
		return nil, err
	}
	accounts := auth.NewAccounts(a.Auth, a.Units)
	adm, err := admin.New(admin.Config{Web: w, Auth: a.Auth, Accounts: accounts, Clients: accounts, Catalog: a.Catalog, Units: a.Units, Calendar: cal, Now: cfg.Now,
		Audit: a.Audit, Partners: a.Dossiers, Reorg: a.Reorg, Webhooks: a.Webhooks})
	if err != nil {
		return nil, err
	}
	st, err := stats.New(stats.Config{Web: w, Reports: a.Reports, Units: a.Units, Catalog: a.Catalog, Calendar: cal, Now: cfg.Now})
	if err != nil {
		return nil, err
	}
	m := metrics.New(cfg.Log)
	m.Gauge("motcua_dossiers", "Dossiers by state.", []string{"state"}, func(ctx context.Context) ([]metrics.Count, error) {
		counts, err := a.Dossiers.CountByStatus(ctx)
		out := make([]metrics.Count, 0, len(counts))
		for k, v := range counts {
			out = append(out, metrics.Count{Labels: []string{string(k)}, Value: v})
		}
		return out, err
	})
	m.Gauge("motcua_notifications", "Notifications in the outbox by channel and status (pending, sending, sent, failed).",
		[]string{"channel", "status"}, func(ctx context.Context) ([]metrics.Count, error) {
			counts, err := a.Notify.Counts(ctx)
			out := make([]metrics.Count, 0, len(counts))
			for _, c := range counts {
				out = append(out, metrics.Count{Labels: []string{c.Channel, c.Status}, Value: c.N})
			}
			return out, err
		})
	m.Gauge("motcua_dvcqg_calls", "Calls to the national public service portal in the outbox by status (pending, sending, sent, failed).",
		[]string{"status"}, func(ctx context.Context) ([]metrics.Count, error) {
			counts, err := a.DVCQG.Counts(ctx)
			out := make([]metrics.Count, 0, len(counts))
			for st, n := range counts {
				out = append(out, metrics.Count{Labels: []string{st}, Value: n})
			}
			return out, err
		})

	m.Gauge("motcua_land_changes", "Land registry changes in the outbox to the national land information system by status (pending, sending, sent, failed).",
		[]string{"status"}, func(ctx context.Context) ([]metrics.Count, error) {
			counts, err := a.Land.Pending(ctx)
			out := make([]metrics.Count, 0, len(counts))
			for st, n := range counts {
				out = append(out, metrics.Count{Labels: []string{st}, Value: n})
			}
			return out, err
		})
	m.Gauge("motcua_webhook_deliveries", "Webhook deliveries in the outbox by status (pending, sending, sent, failed).",
		[]string{"status"}, func(ctx context.Context) ([]metrics.Count, error) {
			counts, err := a.Webhooks.Counts(ctx)
			out := make([]metrics.Count, 0, len(counts))
			for st, n := range counts {
				out = append(out, metrics.Count{Labels: []string{st}, Value: n})
			}
			return out, err
		})

	mux := &routeList{ServeMux: http.NewServeMux()}
	(&api.Server{Auth: a.Auth, Clients: a.Auth, Units: a.Units, Catalog: a.Catalog, Dossiers: a.Dossiers, Ratings: a.Ratings, Reports: a.Reports, Forms: a.Forms, Postal: a.Postal, Payments: a.Payments, Calendar: cal, Log: cfg.Log, Trust: cfg.Trust,
		Audit: a.Audit, Now: cfg.Now, Sohoa: a.Sohoa, Events: a.Webhooks, Webhooks: a.Webhooks, Documents: a.Documents, WorkFiles: a.Documents, MyData: a.MyData,
		Civil: a.Civil, Land: a.Land}).Register(mux)
	registerExchange(mux, a, cfg)
	w.Register(mux)
	w.RegisterLogin(mux, login)
	w.RegisterAccount(mux, accountPages)
	site.Register(mux)
	back.Register(mux)
	esignPages.Register(mux)
	civilPages.Register(mux)
	landPages.Register(mux)
	adm.Register(mux)
	st.Register(mux)
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		if a.draining.Load() {
			http.Error(w, "draining", http.StatusServiceUnavailable)
			return
		}
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if err := db.Ping(ctx); err != nil {
			http.Error(w, "database unavailable", http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Write([]byte("ok\n"))
	})
	a.Metrics = m.Handler()
	if cfg.MetricsToken != "" {
		mux.Handle("GET /metrics", metrics.RequireToken(cfg.MetricsToken, a.Metrics))
	}
	a.Routes = mux.sorted()
	// Cross-origin state changes are refused before anything else runs
	// (Sec-Fetch-Site/Origin); the session layer adds a per-session CSRF token.
	csrf := http.NewCrossOriginProtection()
	// The client address (behind trusted proxies only) is resolved first:
	// throttling and the audit log read it from the context.
	// With a read replica, each browser's reads after its own writes are
	// kept on the primary until the replica has them (readYourWrites).
	// Each request's ID comes next (a trusted proxy's X-Request-Id, else
	// a new one): the log line, error pages and API errors carry it.
	ips := clientip.New(cfg.TrustedProxies)
	a.Handler = ips.Middleware(requestid.Middleware(ips.FromProxy, m.Wrap(logRequests(cfg.Log, compress(csrf.Handler(
		readYourWrites(db, httpsURL(cfg.PublicURL), w.Sessions().Middleware(notePattern(mux)))))))))
	if cfg.Postal.Simulator != nil {
		a.Handler = withSimulator(a.Handler, cfg.Postal.Simulator)
	}
	if cfg.Payment.VNPaySimulator != nil {
		a.Handler = withVNPaySimulator(a.Handler, cfg.Payment.VNPaySimulator)
	}
	if cfg.DVCQG.Simulator != nil {
		a.Handler = withDVCQGSimulator(a.Handler, cfg.DVCQG.Simulator)
	}
	if cfg.ESign.Simulator != nil {
		a.Handler = withCSCSimulator(a.Handler, cfg.ESign.Simulator)
	}
	if cfg.VNeID.Simulator != nil {
		a.Handler = withVNeIDSimulator(a.Handler, cfg.VNeID.Simulator)
	}
	if cfg.Dancu.Simulator != nil {
		a.Handler = withDancuSimulator(a.Handler, cfg.Dancu.Simulator)
	}
	if cfg.Land.Simulator != nil {
		a.Handler = withLandSimulator(a.Handler, cfg.Land.Simulator)
	}
	if cfg.MailSimulator != nil {
		a.Handler = withSimulatorAt(a.Handler, MailSimulatorPath, cfg.MailSimulator)
	}
	if cfg.Exchange.Simulator != nil {
		a.Handler = withEdXMLSimulator(a.Handler, cfg.Exchange.Simulator)
	}
	// The public address decides absolute URLs and transport headers for
	// every response, the simulators' too.
	a.Handler = public.Middleware(a.Handler)
	return a, nil
}

// Drain makes /healthz answer 503 from now on, so that load balancers
// stop sending new requests here before the server closes (motcua serve
// --drain). Everything else keeps being served.
func (a *App) Drain() { a.draining.Store(true) }

// newNotifier builds the outbox worker with the configured channels.
func newNotifier(db *store.DB, svc *notify.Service, cfg Config) (*notify.Worker, error) {
	var s notify.Senders
	if cfg.SMTP.Addr != "" {
		mail, err := notify.NewSMTP(cfg.SMTP)
		if err != nil {
			return nil, err
		}
		s.Email = mail
	}
	if cfg.SMSURL != "" {
		s.SMS = notify.NewSMSGateway(cfg.SMSURL, &http.Client{Timeout: 30 * time.Second})
	}
	return notify.NewWorker(db, svc, s, notify.WorkerConfig{Now: cfg.Now, Log: cfg.Log}), nil
}

// logRequests logs each request at debug level, and failures at info:
// its ID, the route's pattern (never the path or query string, which may
// hold a citizen's username or ID number), who made it (requestid.SetActor:
// an opaque reference, never a name) and at which units, the status and
// the duration. No bodies either, so no personal data or token reaches the log.
func logRequests(log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusWriter{ResponseWriter: w, code: http.StatusOK}
		var route string
		next.ServeHTTP(rec, r.WithContext(context.WithValue(r.Context(), routeKey{}, &route)))
		// The metrics around this read the pattern from their own
		// request, which the copy above kept from the mux.
		r.Pattern = route
		level := slog.LevelDebug
		if rec.code >= 400 {
			level = slog.LevelInfo
		}
		actor, unit := requestid.Actor(r.Context())
		log.Log(r.Context(), level, "request", "request_id", requestid.ID(r.Context()), "method", r.Method, "route", route,
			"actor", actor, "unit", unit, "status", rec.code, "dur", time.Since(start))
	})
}

type routeKey struct{}

// notePattern hands the pattern the mux matched up to logRequests: the
// mux sets it on the request it is given, which the middlewares in
// between have copied (WithContext), so the outer one never sees it.
func notePattern(mux http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mux.ServeHTTP(w, r)
		if p, ok := r.Context().Value(routeKey{}).(*string); ok {
			*p = r.Pattern
		}
	})
}

type statusWriter struct {
	http.ResponseWriter
	code int
}

func (s *statusWriter) WriteHeader(code int) {
	s.code = code
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusWriter) Unwrap() http.ResponseWriter { return s.ResponseWriter }
