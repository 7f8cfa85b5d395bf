// Package esign signs results in the application: when the leader
// approves a dossier's last processing step, the result document
// (package forms) is signed by the leader through a remote signing
// service (Cloud Signature Consortium API v2, package csc: the leader
// types the one-time password the service sent), then sealed by the
// organisation's key on a PKCS#11 token or HSM, time-stamped when a TSA
// is configured, and given its validation data (PAdES B-LT) when the
// CAs publish OCSP responders or CRLs. The approval is committed only after both
// signatures exist, with the signed file, in one transaction: there is
// never an approved dossier with a half-signed result, nor a signed
// result of a dossier that was not approved. docs/signatures.md tells
// why this order and not a pending-signature state.
package esign

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/catalog"
	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/esign/csc"
	"github.com/motcua/motcua/event"
	"github.com/motcua/motcua/forms"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/sign"
	"github.com/motcua/motcua/store"
)

// Dossiers is what esign needs of package dossier.
type Dossiers interface {
	Get(ctx context.Context, a *auth.Actor, code string) (*dossier.Dossier, error)
	ProcedureFor(ctx context.Context, d *dossier.Dossier) (catalog.Procedure, error)
	Act(ctx context.Context, a *auth.Actor, code string, action dossier.Action, in dossier.ActInput) (*dossier.Dossier, error)
	StoreBlob(ctx context.Context, r io.Reader) (*dossier.File, error)
	AttachStoredIn(ctx context.Context, tx *store.Tx, a *auth.Actor, code string, f dossier.File) (*dossier.File, error)
}

// Results renders the result document to sign (forms.Service).
type Results interface {
	ResultToSign(ctx context.Context, a *auth.Actor, code, base string, at time.Time) (*forms.Document, error)
}

// Config wires the service.
type Config struct {
	Dossiers Dossiers
	Results  Results
	// CSC is the remote signing service of the leaders.
	CSC *csc.Client
	// UserID is the leader's user ID at the signing service; nil: the
	// motcua username.
	UserID func(a *auth.Actor) string
	// Seal is the organisation's key (on its PKCS#11 token or HSM).
	Seal *sign.Key
	// TSA time-stamps both signatures (PAdES B-T), when set.
	TSA *sign.TSA
	// CRLClient fetches the CAs' OCSP responses and CRLs for B-LT; nil:
	// a client with a 10-second timeout. NoLongTerm turns B-LT off.
	CRLClient  *http.Client
	NoLongTerm bool
	// Trust, when set, is the trust list the signed result is checked
	// against before it is issued.
	Trust *x509.CertPool
	// Events is the bus the issuance is published on (event.Security
	// "result_signed", recorded by the audit log); nil: not published.
	Events *event.Bus
	// OTPInterval is the least time between two OTPs sent for one
	// leader's credential; zero: one minute. Each is an SMS the province
	// pays for and a buzz on the leader's phone, and the button is one
	// click: without a floor, a stuck key or a script sends hundreds.
	// The count is per motcua process.
	OTPInterval time.Duration
	// OTPGate counts the OTPs sent; nil: a gate of OTPInterval for this
	// service alone. server.New shares one with the documents' remote
	// signing, so one floor holds for a leader's credential everywhere.
	OTPGate *csc.OTPGate
	Now     func() time.Time
	Log     *slog.Logger
}

// Service signs and keeps the e-results.
type Service struct {
	db   *store.DB
	cfg  Config
	font []byte
}

// New makes the service. CSC and Seal are required: without them the
// application does not offer signing (server.New builds no Service).
func New(db *store.DB, cfg Config) (*Service, error) {
	if cfg.CSC == nil || cfg.Seal == nil {
		return nil, errors.New("esign: a CSC service and a seal key are both needed")
	}
	if cfg.UserID == nil {
		cfg.UserID = func(a *auth.Actor) string { return a.Username }
	}
	if cfg.CRLClient == nil {
		cfg.CRLClient = &http.Client{Timeout: 10 * time.Second}
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.OTPInterval == 0 {
		cfg.OTPInterval = time.Minute
	}
	if cfg.OTPGate == nil {
		cfg.OTPGate = &csc.OTPGate{Interval: cfg.OTPInterval, Now: cfg.Now}
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	font, err := forms.Font(false)
	if err != nil {
		return nil, err
	}
	return &Service{db: db, cfg: cfg, font: font}, nil
}

// Candidate is a dossier the leader may approve and sign now.
type Candidate struct {
	Dossier *dossier.Dossier
	// Credential is the leader's credential at the signing service, and
	// Signer the name its certificate bears; Chain its certificates.
	Credential, Signer string
	Chain              []*x509.Certificate
}

// Check tells whether a may approve and sign code now: a leader on the
// dossier's last processing step, with a credential at the service.
func (s *Service) Check(ctx context.Context, a *auth.Actor, code string) (*Candidate, error) {
	d, err := s.cfg.Dossiers.Get(ctx, a, code)
	if err != nil {
		return nil, err
	}
	if d.Status != dossier.Processing || !hasAction(d, dossier.Approve) {
		return nil, problem.New(problem.ErrState, "esign_not_approvable")
	}
	p, err := s.cfg.Dossiers.ProcedureFor(ctx, d)
	if err != nil {
		return nil, err
	}
	for i := d.Step + 1; i < len(p.Steps); i++ {
		if p.Steps[i].Role != auth.Reception {
			// Approving here forwards to another step: nothing is issued yet.
			return nil, problem.New(problem.ErrState, "esign_not_last_step")
		}
	}
	chain, id, err := s.chain(ctx, a)
	if err != nil {
		return nil, err
	}
	return &Candidate{Dossier: d, Credential: id, Signer: chain[0].Subject.CommonName, Chain: chain}, nil
}

func hasAction(d *dossier.Dossier, act dossier.Action) bool {
	for _, x := range d.Actions {
		if x == act {
			return true
		}
	}
	return false
}

// chain finds the leader's credential and its certificate chain.
func (s *Service) chain(ctx context.Context, a *auth.Actor) ([]*x509.Certificate, string, error) {
	ids, err := s.cfg.CSC.List(ctx, s.cfg.UserID(a))
	if err != nil {
		return nil, "", s.unavailable(ctx, "credentials/list", err)
	}
	if len(ids) == 0 {
		return nil, "", problem.New(problem.ErrState, "esign_no_credential")
	}
	_, ders, err := s.cfg.CSC.Credential(ctx, ids[0])
	if err != nil {
		return nil, "", s.unavailable(ctx, "credentials/info", err)
	}
	var chain []*x509.Certificate
	for _, der := range ders {
		c, err := x509.ParseCertificate(der)
		if err != nil {
			return nil, "", s.unavailable(ctx, "credentials/info", err)
		}
		chain = append(chain, c)
	}
	return chain, ids[0], nil
}

// unavailable logs what the signing service did and gives the leader a
// public "try again" error.
func (s *Service) unavailable(ctx context.Context, method string, err error) error {
	s.cfg.Log.WarnContext(ctx, "remote signing service", "method", method, "err", err)
	return problem.New(problem.ErrUnavailable, "esign_unavailable")
}

// SendOTP asks the signing service to send a's one-time password, at
// most once per OTPInterval for one credential (Config.OTPGate).
func (s *Service) SendOTP(ctx context.Context, a *auth.Actor, code string) error {
	c, err := s.Check(ctx, a, code)
	if err != nil {
		return err
	}
	err = s.cfg.OTPGate.Send(ctx, s.cfg.CSC, c.Credential)
	var soon *csc.TooSoonError
	switch {
	case errors.As(err, &soon):
		return problem.WithRetry(problem.New(problem.ErrTooMany, "esign_otp_too_soon", int((soon.Wait+time.Second-1)/time.Second)), soon.Wait)
	case err != nil:
		return s.unavailable(ctx, "credentials/sendOTP", err)
	}
	return nil
}

// ApproveInput is what the leader submits.
type ApproveInput struct {
	OTP     string
	Note    string
	Version int64
	// Base is the site's origin, for the result's tracking link.
	Base string
}

// Result is an issued e-result.
type Result struct {
	DossierCode   string
	FileName      string
	PDF           []byte
	SHA256        string
	LeaderSubject string
	SealSubject   string
	Level         string
	SignedAt      time.Time
	IssuedAt      *time.Time
}

// ApproveAndSign renders the result as approved now, has the leader sign
// it remotely with otp, seals it, adds the validation data, stores it,
// and commits the approval; the listener (OnTransitioned) issues the
// stored file in the approval's transaction. A wrong OTP changes
// nothing: the leader types it again or asks for a new one.
func (s *Service) ApproveAndSign(ctx context.Context, a *auth.Actor, code string, in ApproveInput) (*Result, error) {
	otp := strings.TrimSpace(in.OTP)
	if otp == "" {
		return nil, problem.Invalid("otp", "esign_otp_required")
	}
	c, err := s.Check(ctx, a, code)
	if err != nil {
		return nil, err
	}
	d := c.Dossier
	if in.Version != 0 && in.Version != d.Version {
		return nil, problem.Conflict("version_conflict")
	}
	chain, credID := c.Chain, c.Credential
	now := s.cfg.Now()
	doc, err := s.cfg.Results.ResultToSign(ctx, a, code, in.Base, now)
	if err != nil {
		return nil, err
	}
	signed, err := s.sign(ctx, doc, chain, credID, otp, now)
	if err != nil {
		return nil, err
	}
	sigs, err := sign.Verify(signed, s.cfg.Trust)
	for _, sig := range sigs {
		if slices.Contains(sig.Problems, sign.ProblemRevoked) {
			// The CA's own OCSP answer or CRL, just fetched, revokes the leader's or the
			// seal's certificate: nothing is issued.
			s.cfg.Log.WarnContext(ctx, "e-result not issued: a revoked certificate", "dossier", code, "signer", sig.Signer)
			return nil, problem.New(problem.ErrState, "esign_revoked", sig.Signer)
		}
	}
	if err != nil || len(sigs) != 2 || !sign.AllValid(sigs) {
		return nil, fmt.Errorf("esign: the signed result of %s does not verify: %v %+v", code, err, sigs)
	}
	level := sigs[0].Level
	if rank(sigs[1].Level) < rank(level) {
		level = sigs[1].Level
	}
	sum := sha256.Sum256(signed)
	res := &Result{DossierCode: code, FileName: doc.Name, PDF: signed, SHA256: hex.EncodeToString(sum[:]), LeaderSubject: chain[0].Subject.CommonName,
		SealSubject: s.cfg.Seal.Chain[0].Subject.CommonName, Level: level, SignedAt: now}
	// The signed file is also the dossier's result file (stored now,
	// attached in the approval's transaction by OnTransitioned): the
	// citizen finds it among the dossier's results, and the digitisation
	// listener gives it its result code and puts it in the data store.
	blob, err := s.cfg.Dossiers.StoreBlob(ctx, bytes.NewReader(signed))
	if err != nil {
		return nil, err
	}
	blob.Component, blob.Name = "result", doc.Name
	var attempt int64
	if err := s.db.InTx(ctx, func(tx *store.Tx) error {
		// Rows signed for an older version can never be issued (the
		// approval they waited for found another version): drop them.
		// Rows of this version may be a colleague's attempt in flight,
		// and stay: each attempt issues its own row only.
		if _, err := tx.ExecContext(ctx, `DELETE FROM esign_results WHERE dossier_code = ? AND status = 'signed' AND dossier_version < ?`, code, d.Version); err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, `INSERT INTO esign_results (dossier_code, dossier_version, status, file_name, pdf, sha256, leader_id,
			leader_subject, seal_subject, level, signed_at) VALUES (?, ?, 'signed', ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			code, d.Version, res.FileName, signed, res.SHA256, a.ID, res.LeaderSubject, res.SealSubject, level, now.UnixMilli()).Scan(&attempt)
	}); err != nil {
		return nil, err
	}
	// The approval carries the attempt to OnTransitioned, which issues
	// this row and no other: not a colleague's, not a leftover of a
	// failed attempt.
	if _, err := s.cfg.Dossiers.Act(context.WithValue(ctx, attemptKey{}, issue{attempt, a, *blob}), a, code, dossier.Approve, dossier.ActInput{Version: d.Version, Note: in.Note}); err != nil {
		// Never issued: the signed copy of a result that was not approved
		// is not kept.
		if _, derr := s.db.ExecContext(context.WithoutCancel(ctx), `DELETE FROM esign_results WHERE id = ? AND status = 'signed'`, attempt); derr != nil {
			s.cfg.Log.WarnContext(ctx, "e-result of a failed approval not removed", "dossier", code, "err", derr)
		}
		return nil, err
	}
	return s.Issued(ctx, code)
}

// rank orders the PAdES levels, weakest first.
func rank(level string) int {
	switch level {
	case "PAdES B-LT":
		return 3
	case "PAdES B-T":
		return 2
	case "PAdES B-B":
		return 1
	}
	return 0
}

// sign makes the leader's signature, then the seal, then the B-LT update.
func (s *Service) sign(ctx context.Context, doc *forms.Document, chain []*x509.Certificate, credID, otp string, now time.Time) ([]byte, error) {
	remote := &csc.Signer{Client: s.cfg.CSC, CredentialID: credID, OTP: otp, Cert: chain[0]}
	leader, err := sign.External(ctx, remote, chain)
	if err != nil {
		return nil, err
	}
	personal := sign.Options{Time: now, TSA: s.cfg.TSA, Reason: "Phê duyệt kết quả giải quyết hồ sơ",
		Appearance: sign.Appearance{Kind: sign.Personal, Font: s.font}}
	if sp := doc.Signature; sp != nil {
		personal.Appearance.Page = sp.Page
		personal.Appearance.Rect = &sign.Rect{X: sp.X, Y: sp.Y, W: sp.W, H: sp.H}
	}
	out, err := sign.Sign(ctx, doc.PDF, leader, personal)
	switch {
	case csc.WrongOTP(err):
		return nil, problem.Invalid("otp", "esign_wrong_otp")
	case err != nil:
		var ce *csc.Error
		if errors.As(err, &ce) || errors.Is(err, context.DeadlineExceeded) {
			return nil, s.unavailable(ctx, "signHash", err)
		}
		return nil, fmt.Errorf("esign: leader's signature: %w", err)
	}
	seal := sign.Options{Time: now, TSA: s.cfg.TSA, Appearance: sign.Appearance{Kind: sign.SealText, Font: s.font,
		Lines: []string{s.cfg.Seal.Chain[0].Subject.CommonName}}}
	if out, err = sign.Sign(ctx, out, s.cfg.Seal, seal); err != nil {
		return nil, fmt.Errorf("esign: seal: %w", err)
	}
	if s.cfg.NoLongTerm {
		return out, nil
	}
	lt, err := sign.LongTerm(ctx, out, s.cfg.CRLClient)
	if err != nil {
		// The signatures stand without it; the result is B-T (or B-B).
		s.cfg.Log.WarnContext(ctx, "e-result without validation data (B-LT)", "err", err)
		return out, nil
	}
	return lt, nil
}
