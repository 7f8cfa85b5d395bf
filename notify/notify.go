// Package notify tells people what happened to dossiers: citizens
// (submitted, received, supplement requested, refused, fee requested,
// result ready, result sent by post, delivered with a link to rate the
// service, apology with a new date, stopped) and officers (assigned to
// you, due soon, overdue). Messages are in the recipient's language
// (Vietnamese or English) and go out by e-mail (SMTP), SMS (an HTTP
// gateway) and as in-app notices; a citizen chooses e-mail and SMS, in-app
// notices are always on. It owns the tables notify_outbox and notify_prefs.
//
// # Delivery guarantee
//
// Send writes a notification into notify_outbox inside the caller's
// transaction — for dossiers, the transaction of the state change (the
// service listens to dossier.Transitioned, see Subscribe). It is therefore committed if and only if the change
// is: a rolled-back action notifies nobody, and a crash after the commit
// loses nothing, because the row is on disk before anyone tries to send it.
//
// A Worker sends the e-mail and SMS rows afterwards, with the outbox
// worker every module shares (package outbox). It leases a batch
// (status "sending", locked_by, locked_until), sends each row, then marks
// it sent. The remote server is not part of our transaction, so sending
// and marking cannot be one atomic step, and delivery is at least once:
//
//   - A worker that dies before or during a send leaves its rows leased;
//     when the lease runs out (WorkerConfig.Lease) any worker claims them
//     again. Nothing is lost.
//   - A worker that dies after the remote side accepted a message but
//     before the mark committed sends that message again once the lease
//     runs out. This window is the only source of repeats, and a repeat is
//     the same message with the same identity: e-mail carries a Message-ID
//     made from the row (Message.Ref), SMS carries the same reference as the
//     gateway's idempotency key. A gateway that deduplicates by reference
//     (as notify/smssim and the usual commercial gateways do) delivers the
//     SMS once. Mail stores and clients that deduplicate by Message-ID show
//     the e-mail once; one that does not shows it twice. Exactly-once
//     e-mail does not exist over SMTP; this is as close as it gets.
//   - Two workers never hold the same row at once: a claim is one UPDATE
//     of rows whose lease has expired, with FOR UPDATE SKIP LOCKED on
//     PostgreSQL and under SQLite's single writer. A send is cut off at
//     WorkerConfig.SendTimeout, well inside the lease, so a lease does not
//     run out under a live send; if it ever did (a stalled process), the
//     late mark finds its lease gone and logs the possible repeat.
//
// A temporary failure (network, SMTP 4xx, gateway 5xx or 429) is retried
// with exponential backoff and jitter; a permanent one (SMTP 5xx, gateway
// 4xx) or the last of WorkerConfig.MaxAttempts marks the row failed, which
// unit admins see at /can-bo/thong-bao. Attempts are counted when a row is
// claimed, so a row that crashes its worker every time also ends failed.
// A channel with no sender configured (no --smtp-addr, no --sms-url) is
// not claimed at all: its rows wait as pending, with last_error saying
// why, and go out once an instance with that channel runs.
//
// In-app notices are not sent anywhere: the row is the notice, written as
// already sent, so they appear exactly once, at commit.
package notify

import (
	"context"
	"fmt"
	"strings"
	"text/template"
	"time"

	"github.com/motcua/motcua/catalog"
	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/store"
)

// Kind is what a notification is about; each has a template per language.
type Kind string

// Citizens' notifications.
const (
	Submitted    Kind = "submitted"     // an online dossier was submitted, awaiting reception
	Received     Kind = "received"      // received, with the due date
	Supplement   Kind = "supplement"    // asked to supplement (reason in Data.Note)
	Refused      Kind = "refused"       // refused at reception (reason in Data.Note)
	FeeRequested Kind = "fee_requested" // a fee to pay (Data.Amount, Notification.Path: the payment page)
	ResultReady  Kind = "result_ready"  // the result is ready (to collect, or to be posted)
	ResultPosted Kind = "result_posted" // the result was sent by post (Data.Tracking, Data.Carrier)
	Delivered    Kind = "delivered"     // the result was delivered: please rate the service
	Apology      Kind = "apology"       // late: apology with the new date (Data.Due, Data.Note)
	Stopped      Kind = "stopped"       // processing stopped (reason in Data.Note)
	Withdrawn    Kind = "withdrawn"     // the desk acknowledged the withdrawal
	NotGranted   Kind = "not_granted"   // refused during processing: the refusal is the result, to collect (reason in Data.Note)
)

// Officers' notifications.
const (
	Assigned Kind = "assigned" // a step was assigned to you
	DueSoon  Kind = "due_soon" // less than one working day left
	Overdue  Kind = "overdue"  // past due
)

// Partner agencies' notifications.
const (
	// Coordination asks an agency outside the unit tree for an answer
	// (Data.Note: what is asked, Data.Due: by when). It goes by e-mail to
	// the address in the province's registry of partner agencies; the
	// national document exchange (edXML) is a later issue.
	Coordination Kind = "coordination"
)

// Kinds lists every kind about a dossier (templates exist for each in
// every language).
var Kinds = []Kind{Submitted, Received, Supplement, Refused, FeeRequested, ResultReady, ResultPosted, Delivered, Apology, Stopped, Withdrawn, NotGranted,
	Assigned, DueSoon, Overdue, Coordination}

// PasswordRecovery carries a one-time link to set a new password
// (Data.Account, Data.Due: when the link expires); see Recovery.
const PasswordRecovery Kind = "password_recovery"

// AccountKinds lists the kinds about an account rather than a dossier.
var AccountKinds = []Kind{PasswordRecovery}

// Channel is how a notification reaches its recipient.
type Channel string

const (
	Email Channel = "email"
	SMS   Channel = "sms"
	InApp Channel = "inapp"
)

// Langs are the languages templates exist in; Vietnamese is the default.
var Langs = []string{"vi", "en"}

// Notification is one message for one person, before it is split into
// one outbox row per channel.
type Notification struct {
	Kind Kind
	To   Recipient
	// Dossier is the code of the dossier it is about, if any.
	Dossier string
	// DossierID is that dossier's row id when the caller has it at hand
	// (a listener of dossier.Transitioned): Send then does not look it up
	// in the caller's transaction. 0: looked up from Dossier.
	DossierID int64
	// Key identifies the event: a second Send with the same Kind, Key and
	// recipient writes nothing (e.g. "invoice-17" for a fee request).
	Key string
	// Path is the page the message links to, relative to Config.PublicURL.
	// Empty: the dossier's page (citizens) or its back-office page (officers).
	Path string
	Data Data
}

// Recipient is who gets a notification and where.
type Recipient struct {
	// UserID is the account; its preferences choose the channels and the
	// language, and its e-mail and phone are used when those below are empty.
	// 0 for an applicant without an account: e-mail and SMS to what they
	// gave on the dossier, in Vietnamese, and no in-app notice.
	UserID int64
	Name   string
	Email  string
	Phone  string
}

// Data fills a template.
type Data struct {
	Code      string     // dossier code
	Procedure string     // procedure name
	Unit      string     // the unit the recipient deals with
	Step      string     // the step assigned (officers)
	Delivery  string     // "counter" or "post"
	Due       *time.Time // due date (received, apology, reminders)
	Note      string     // reason or explanation written by the officer
	Amount    int64      // fee in VND
	Tracking  string     // postal tracking number
	Carrier   string     // postal carrier
	Account   string     // the account's username (account kinds)
	Title     string     // a work file's title (document kinds)
	Name      string     // the recipient's name (set by Send)
	Link      string     // absolute link (set by Send)
}

// Calendar is the working-time arithmetic the reminders need
// (calendar.Store); it answers from memory, without I/O.
type Calendar interface {
	WorkingBetween(a, b time.Time) time.Duration
}

// Config tunes the service.
type Config struct {
	// PublicURL is the site's address as citizens reach it, for the links
	// in e-mail and SMS (e.g. https://motcua.ninhbinh.gov.vn).
	PublicURL string
	Now       func() time.Time
}

// Service writes notifications into the outbox and reads notices and
// preferences back.
type Service struct {
	db      *store.DB
	catalog *catalog.Store
	cal     Calendar
	cfg     Config
	tmpl    map[string]*template.Template // kind + "." + lang
}

// New parses every template (a broken one stops the server at start-up).
func New(db *store.DB, cat *catalog.Store, cal Calendar, cfg Config) (*Service, error) {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	cfg.PublicURL = strings.TrimSuffix(cfg.PublicURL, "/")
	t, err := parseTemplates()
	if err != nil {
		return nil, err
	}
	return &Service{db: db, catalog: cat, cal: cal, cfg: cfg, tmpl: t}, nil
}

// Send writes n into the outbox inside tx, one row per channel the
// recipient gets it by: in-app (accounts only, always), e-mail and SMS
// when chosen (accounts) or given (applicants without one) and an address
// is known. It is idempotent per (Kind, Key, recipient). Nothing is sent
// before tx commits; see the package doc for what happens then.
func (s *Service) Send(ctx context.Context, tx *store.Tx, n Notification) error {
	if n.Key == "" {
		return fmt.Errorf("notify: %s notification without a key", n.Kind)
	}
	to, err := s.resolve(ctx, tx, n.To)
	if err != nil {
		return err
	}
	n.Data.Name = to.name
	if n.Path == "" && n.Dossier != "" {
		n.Path = "/ho-so/" + n.Dossier
		if isOfficerKind(n.Kind) {
			n.Path = "/can-bo/ho-so/" + n.Dossier
		}
	}
	public := false
	if to.userID == 0 && n.Dossier != "" && strings.HasPrefix(n.Path, "/ho-so/") {
		// The dossier's own pages need the owner's account: someone without
		// one follows it on the public tracking page instead.
		n.Path, public = "/tra-cuu/"+n.Dossier, true
	}
	n.Data.Link = s.cfg.PublicURL + n.Path
	msg, err := s.render(n.Kind, to.lang, n.Data, public)
	if err != nil {
		return err
	}
	who := "applicant"
	if to.userID != 0 {
		who = fmt.Sprintf("u%d", to.userID)
	}
	did := n.DossierID
	if did == 0 && n.Dossier != "" && len(to.channels) > 0 {
		if did, err = dossier.IDOf(ctx, tx, n.Dossier); err != nil {
			return fmt.Errorf("notify: write outbox: %w", err)
		}
	}
	now := s.cfg.Now()
	rows := make([]row, 0, len(to.channels))
	for _, ch := range to.channels {
		r := row{kind: n.Kind, channel: ch, userID: to.userID, lang: to.lang, subject: msg.subject, link: n.Path,
			dossierID: did, key: strings.Join([]string{string(n.Kind), n.Key, who, string(ch)}, "/")}
		switch ch {
		case Email:
			r.recipient, r.body = to.email, msg.email
		case SMS:
			r.recipient, r.body = to.phone, msg.sms
		case InApp:
			r.body = msg.text
		}
		rows = append(rows, r)
	}
	return insert(ctx, tx, rows, now)
}

func isOfficerKind(k Kind) bool { return k == Assigned || k == DueSoon || k == Overdue }

// recipient is a Recipient with its channels, addresses and language decided.
type recipient struct {
	userID       int64
	name         string
	email, phone string
	lang         string
	channels     []Channel
}

// resolve applies the account's preferences (or the defaults) to r.
func (s *Service) resolve(ctx context.Context, tx *store.Tx, r Recipient) (recipient, error) {
	out := recipient{userID: r.UserID, name: r.Name, email: r.Email, phone: r.Phone, lang: "vi"}
	wantEmail, wantSMS := true, true
	if r.UserID != 0 {
		u, err := accountOf(ctx, tx, r.UserID)
		if err != nil {
			return out, err
		}
		if u.disabled {
			return recipient{}, nil // a disabled account is told nothing
		}
		out.name = firstNonEmpty(out.name, u.name)
		out.email, out.phone = firstNonEmpty(u.email, out.email), firstNonEmpty(u.phone, out.phone)
		out.lang, wantEmail, wantSMS = u.prefs.Lang, u.prefs.Email, u.prefs.SMS
		out.channels = append(out.channels, InApp)
	}
	if wantEmail && out.email != "" {
		out.channels = append(out.channels, Email)
	}
	if wantSMS && out.phone != "" {
		out.channels = append(out.channels, SMS)
	}
	return out, nil
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
