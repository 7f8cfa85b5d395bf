package document

import (
	"context"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/esign/csc"
	"github.com/motcua/motcua/event"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/sign"
	"github.com/motcua/motcua/store"
)

// The leader's signature on an approval, and remote signing: a leader
// without a key of their own (a token, an HSM slot: Keys.Personal) signs
// through the province's remote signing service (Cloud Signature
// Consortium API v2, package esign/csc) when the deployment has one, with
// a one-time password the service sends them. Remote signing cannot join
// the approval's transaction, so it happens before it: the draft's latest
// version is signed, checked, and the approval then commits with that
// signed file or not at all (docs/signatures.md, "Why sign first").

// Audit actions of remote signing (event.Security).
const (
	// DocumentSigned: a leader signed a draft they approved, with their
	// own key or remotely; recorded in the approval's transaction with
	// the file's SHA-256, the certificate and how (recordSigned).
	DocumentSigned = "document_signed"
	// DocumentSignRefused: the signing service refused the leader's OTP,
	// or their certificate there is not trusted; recorded on its own (the
	// draft did not change).
	DocumentSignRefused = "document_sign_refused"
)

// WithoutRemoteSigning is the service with no remote signing service,
// for loading a history (the demo world) where no leader types an OTP:
// its leaders sign with their own keys, or their approvals carry no
// personal signature, as without Config.CSC.
func (s *Service) WithoutRemoteSigning() *Service {
	c := *s
	c.cfg.CSC = nil
	return &c
}

// signing is how a leader signs the approval they make: with their own
// key, in the approval's transaction, or through their credential at the
// remote signing service, before it. Neither: no personal signature.
type signing struct {
	key  *sign.Key
	cred *credential
}

// credential is a leader's credential at the remote signing service.
type credential struct {
	id    string
	chain []*x509.Certificate
}

// leaderSigning is how a signs a final approval: their own key
// (Keys.Personal), else their credential at the remote signing service
// (Config.CSC). None of them: no personal signature when the deployment
// seals only (ErrSealOnly) or signs nothing (no Keys), document_no_key
// when it wants every leader to sign.
func (s *Service) leaderSigning(ctx context.Context, a *auth.Actor) (signing, error) {
	keyErr := ErrSealOnly
	if s.cfg.Keys != nil {
		key, err := s.cfg.Keys.Personal(ctx, a)
		if err == nil {
			return signing{key: key}, nil
		}
		keyErr = err
	}
	if s.cfg.CSC != nil {
		c, err := s.remoteCredential(ctx, a)
		if err != nil {
			return signing{}, err
		}
		if c != nil {
			return signing{cred: c}, nil
		}
	}
	if errors.Is(keyErr, ErrSealOnly) {
		return signing{}, nil
	}
	return signing{}, problem.New(problem.ErrState, "document_no_key")
}

// remoteCredential finds a's credential and its chain at the signing
// service, in one call (csc.Client.Credentials); nil when a has none
// there. A chain that does not verify up to the trust list (Config.Trust)
// now is refused (untrustedError) before any OTP is spent: what the
// service would sign with it could not be kept.
func (s *Service) remoteCredential(ctx context.Context, a *auth.Actor) (*credential, error) {
	creds, err := s.cfg.CSC.Credentials(ctx, s.cfg.CSCUserID(a))
	if err != nil {
		return nil, s.unavailable(ctx, "credentials/list", err)
	}
	if len(creds) == 0 {
		return nil, nil
	}
	ders, err := creds[0].Chain()
	if err != nil {
		return nil, s.unavailable(ctx, "credentials/list", err)
	}
	c := &credential{id: creds[0].ID}
	for _, der := range ders {
		cert, err := x509.ParseCertificate(der)
		if err != nil {
			return nil, s.unavailable(ctx, "credentials/list", err)
		}
		c.chain = append(c.chain, cert)
	}
	if err := s.verifyChain(c.chain); err != nil {
		s.cfg.Log.WarnContext(ctx, "remote signing service: the leader's certificate is not trusted", "credential", c.id,
			"subject", c.chain[0].Subject.String(), "issuer", c.chain[0].Issuer.String(), "err", err)
		return nil, &untrustedError{cred: c, cause: err}
	}
	return c, nil
}

// verifyChain checks a remote credential's chain (signer first) up to
// the trust list at the signing time; without a trust list nothing is
// judged (Config.Trust).
func (s *Service) verifyChain(chain []*x509.Certificate) error {
	if s.cfg.Trust == nil {
		return nil
	}
	inter := x509.NewCertPool()
	for _, c := range chain[1:] {
		inter.AddCert(c)
	}
	_, err := chain[0].Verify(x509.VerifyOptions{Roots: s.cfg.Trust, Intermediates: inter, CurrentTime: s.cfg.Now(),
		KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}})
	return err
}

// untrustedError is a leader's credential at the signing service whose
// certificate does not verify up to the trust list (an unknown CA, an
// expired certificate). It is the public refusal
// document_signer_untrusted (409, like document_no_key: nothing the
// leader types changes it, and retrying does not help); Approve puts it
// on the audit log.
type untrustedError struct {
	cred  *credential
	cause error
}

func (e *untrustedError) Error() string {
	return "document: the leader's certificate at the signing service does not verify: " + e.cause.Error()
}

func (e *untrustedError) Unwrap() error {
	return problem.New(problem.ErrState, "document_signer_untrusted")
}

// unavailable logs what the signing service did and gives the leader a
// public "try again later".
func (s *Service) unavailable(ctx context.Context, method string, err error) error {
	s.cfg.Log.WarnContext(ctx, "remote signing service", "method", method, "err", err)
	return problem.New(problem.ErrUnavailable, "document_signing_unavailable")
}

// finalApproval reads document id as a sees it and answers it when a's
// approve would approve it (the organ's leader on a draft being
// approved), nil when it would be another step (the head's review). The
// refusals are those of the act itself (do).
func (s *Service) finalApproval(ctx context.Context, a *auth.Actor, id, version int64) (*row, error) {
	var final *row
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		d, err := s.load(ctx, tx, id)
		if err != nil {
			return err
		}
		if ok, err := s.canView(ctx, tx, a, d); err != nil {
			return err
		} else if !ok {
			return problem.NotFound("document_not_found", id)
		}
		if version != 0 && version != d.Version {
			return problem.Conflict("document_version_conflict", d.Version)
		}
		roles, err := s.rolesOn(ctx, tx, a, d)
		if err != nil {
			return err
		}
		to, _, ok := Next(d.State, ActionApprove, roles)
		if !ok {
			return refusal(d.State, ActionApprove)
		}
		if to == StateApproved {
			final = d
		}
		return nil
	})
	return final, err
}

// ApprovalSignature is how a leader's final approval of a draft would be signed,
// told before they approve: the page's approve form and the API's
// document (its approval) show it.
type ApprovalSignature struct {
	// OTP: signed through the remote signing service, with the OTP it
	// sends first (SendApprovalOTP). Also when the service did not answer
	// (Refusal document_signing_unavailable): the leader has no key of
	// their own, so their signature can only come from it.
	OTP bool
	// Signer is the name on the leader's certificate at the service.
	Signer string
	// Refusal is why the approval cannot be signed now: the service did
	// not answer, the certificate there is not trusted
	// (document_signer_untrusted), no key at all (document_no_key). Nil:
	// it may go on.
	Refusal *problem.Error
}

// ApprovalSigning is how a would sign document id by approving it now
// (ApprovalSignature); nil when a's approve would not be the final approval (the
// head's review: no signature). It asks the signing service at most once
// (csc.Client.Credentials), and not at all for a leader with a key of
// their own or without a service. A refusal of the approval itself (not
// a's to approve) is its error.
func (s *Service) ApprovalSigning(ctx context.Context, a *auth.Actor, id int64) (*ApprovalSignature, error) {
	d, err := s.finalApproval(ctx, a, id, 0)
	if err != nil || d == nil {
		return nil, err
	}
	sg, err := s.leaderSigning(ctx, a)
	var pe *problem.Error
	switch {
	case errors.As(err, &pe):
		return &ApprovalSignature{OTP: errors.Is(err, problem.ErrUnavailable), Refusal: pe}, nil
	case err != nil:
		return nil, err
	case sg.cred != nil:
		return &ApprovalSignature{OTP: true, Signer: sg.cred.chain[0].Subject.CommonName}, nil
	}
	return &ApprovalSignature{}, nil
}

// SendApprovalOTP has the signing service send a, the leader about to
// approve document id, the one-time password that authorises their
// signature; at most one a minute per credential (Config.OTPGate).
func (s *Service) SendApprovalOTP(ctx context.Context, a *auth.Actor, id int64) error {
	d, err := s.finalApproval(ctx, a, id, 0)
	if err != nil {
		return err
	}
	if d == nil || s.cfg.CSC == nil {
		return problem.New(problem.ErrState, "document_no_remote_signing")
	}
	sg, err := s.leaderSigning(ctx, a)
	if err != nil {
		return err
	}
	if sg.cred == nil {
		return problem.New(problem.ErrState, "document_no_remote_signing")
	}
	err = s.cfg.OTPGate.Send(ctx, s.cfg.CSC, sg.cred.id)
	var soon *csc.TooSoonError
	switch {
	case errors.As(err, &soon):
		return problem.WithRetry(problem.New(problem.ErrTooMany, "document_otp_too_soon", int((soon.Wait+time.Second-1)/time.Second)), soon.Wait)
	case err != nil:
		return s.unavailable(ctx, "credentials/sendOTP", err)
	}
	return nil
}

// signedDraft is a draft version signed remotely before the approval.
type signedDraft struct {
	fileID  int64 // the draft file signed
	name    string
	content []byte
	cert    *x509.Certificate
}

// signRemotely signs d's latest draft with a's credential and the OTP
// they typed, and checks the result. A wrong or expired OTP changes
// nothing but the audit log (DocumentSignRefused).
func (s *Service) signRemotely(ctx context.Context, a *auth.Actor, d *row, c *credential, otp string) (*signedDraft, error) {
	otp = strings.TrimSpace(otp)
	if otp == "" {
		return nil, problem.Invalid("otp", "document_otp_required")
	}
	f, content, err := s.latestFile(ctx, s.db, d.ID, FileDraft)
	if err != nil {
		return nil, err
	}
	remote := &csc.Signer{Client: s.cfg.CSC, CredentialID: c.id, OTP: otp, Cert: c.chain[0]}
	key, err := sign.External(ctx, remote, c.chain)
	if err != nil {
		return nil, err
	}
	out, err := s.signDraft(ctx, s.db, a, d, content, key)
	switch {
	case csc.WrongOTP(err):
		if aerr := s.recordRefused(ctx, a, d, c, "wrong_otp"); aerr != nil {
			return nil, aerr
		}
		return nil, problem.Invalid("otp", "document_wrong_otp")
	case err != nil:
		var ce *csc.Error
		if errors.As(err, &ce) || errors.Is(err, context.DeadlineExceeded) {
			return nil, s.unavailable(ctx, "signHash", err)
		}
		return nil, err
	}
	// What the service signed is checked before anything is kept: one
	// signature, intact, by the credential's certificate (and trusted,
	// when the deployment has a trust list: the CA of the leaders'
	// certificates must be in it).
	sigs, err := sign.Verify(out, s.cfg.Trust)
	if err != nil || len(sigs) != 1 || !sign.AllValid(sigs) || len(sigs[0].Chain) == 0 || sigs[0].Chain[0].SHA256 != certSum(c.chain[0]) {
		return nil, fmt.Errorf("document: the remotely signed draft of %d does not verify: %v %+v", d.ID, err, sigs)
	}
	return &signedDraft{fileID: f.ID, name: f.Name, content: out, cert: c.chain[0]}, nil
}

func certSum(c *x509.Certificate) string {
	sum := sha256.Sum256(c.Raw)
	return hex.EncodeToString(sum[:])
}

// keepSigned stores the remotely signed file in the approval's
// transaction, when it is still of the draft's latest version, and puts
// the signature on the audit log.
func (s *Service) keepSigned(ctx context.Context, tx *store.Tx, a *auth.Actor, d *row, sd *signedDraft, role string) error {
	latest, _, err := s.latestFile(ctx, tx, d.ID, FileDraft)
	if err != nil {
		return err
	}
	if latest.ID != sd.fileID {
		return problem.Conflict("document_version_conflict", d.Version)
	}
	if _, err := s.addFile(ctx, tx, a, d.ID, FileSigned, &FileInput{Name: sd.name, ContentType: "application/pdf", Content: sd.content}); err != nil {
		return err
	}
	return s.recordSigned(ctx, tx, a, d, sd.content, sd.cert, "csc", role)
}

// recordSigned puts the leader's signature on the audit log, in the
// approval's transaction: the signed file's SHA-256, the certificate,
// and how it was made (via "csc": the remote signing service; "own_key":
// the leader's own key, Keys.Personal — a token, an HSM slot).
func (s *Service) recordSigned(ctx context.Context, tx *store.Tx, a *auth.Actor, d *row, content []byte, cert *x509.Certificate, via, role string) error {
	sum := sha256.Sum256(content)
	details, err := json.Marshal(map[string]string{"sha256": hex.EncodeToString(sum[:]), "signer": cert.Subject.CommonName,
		"issuer": cert.Issuer.CommonName, "serial": cert.SerialNumber.Text(16), "via": via})
	if err != nil {
		return err
	}
	return event.Publish(ctx, s.cfg.Bus, tx, event.Security{At: s.cfg.Now(), ActorID: a.ID, ActorName: a.Username, ActorRole: role,
		UnitID: d.unitID, Action: DocumentSigned, Object: "document:" + strconv.FormatInt(d.ID, 10), Details: string(details)})
}

// recordRefused puts a refused signature on the audit log (reason
// wrong_otp, untrusted_certificate), in a transaction of its own: the
// approval did not happen, the refusal did.
func (s *Service) recordRefused(ctx context.Context, a *auth.Actor, d *row, c *credential, reason string) error {
	details, err := json.Marshal(map[string]string{"reason": reason, "credential": c.id, "signer": c.chain[0].Subject.CommonName,
		"issuer": c.chain[0].Issuer.CommonName})
	if err != nil {
		return err
	}
	ctx = context.WithoutCancel(ctx)
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		return event.Publish(ctx, s.cfg.Bus, tx, event.Security{At: s.cfg.Now(), ActorID: a.ID, ActorName: a.Username, ActorRole: "leader",
			UnitID: d.unitID, Action: DocumentSignRefused, Object: "document:" + strconv.FormatInt(d.ID, 10), Details: string(details)})
	})
}
