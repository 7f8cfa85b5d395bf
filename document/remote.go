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
	// DocumentSigned: a leader signed a draft remotely; recorded in the
	// approval's transaction with the file's SHA-256 and the certificate.
	DocumentSigned = "document_signed"
	// DocumentSignRefused: the signing service refused the leader's OTP;
	// recorded on its own (the draft did not change).
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
// service; nil when a has none there.
func (s *Service) remoteCredential(ctx context.Context, a *auth.Actor) (*credential, error) {
	ids, err := s.cfg.CSC.List(ctx, s.cfg.CSCUserID(a))
	if err != nil {
		return nil, s.unavailable(ctx, "credentials/list", err)
	}
	if len(ids) == 0 {
		return nil, nil
	}
	_, ders, err := s.cfg.CSC.Credential(ctx, ids[0])
	if err != nil {
		return nil, s.unavailable(ctx, "credentials/info", err)
	}
	c := &credential{id: ids[0]}
	for _, der := range ders {
		cert, err := x509.ParseCertificate(der)
		if err != nil {
			return nil, s.unavailable(ctx, "credentials/info", err)
		}
		c.chain = append(c.chain, cert)
	}
	return c, nil
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

// RemoteSigner is the name on the certificate a will sign document id
// with through the remote signing service when they approve it now (the
// page then asks for the OTP); "" when their approval needs no OTP.
func (s *Service) RemoteSigner(ctx context.Context, a *auth.Actor, id int64) (string, error) {
	if s.cfg.CSC == nil {
		return "", nil
	}
	d, err := s.finalApproval(ctx, a, id, 0)
	if err != nil || d == nil {
		return "", err
	}
	sg, err := s.leaderSigning(ctx, a)
	if err != nil || sg.cred == nil {
		return "", err
	}
	return sg.cred.chain[0].Subject.CommonName, nil
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
		if aerr := s.recordRefused(ctx, a, d, c); aerr != nil {
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
	sum := sha256.Sum256(sd.content)
	details, err := json.Marshal(map[string]string{"sha256": hex.EncodeToString(sum[:]), "signer": sd.cert.Subject.CommonName,
		"issuer": sd.cert.Issuer.CommonName, "serial": sd.cert.SerialNumber.Text(16), "via": "csc"})
	if err != nil {
		return err
	}
	return event.Publish(ctx, s.cfg.Bus, tx, event.Security{At: s.cfg.Now(), ActorID: a.ID, ActorName: a.Username, ActorRole: role,
		UnitID: d.unitID, Action: DocumentSigned, Object: "document:" + strconv.FormatInt(d.ID, 10), Details: string(details)})
}

// recordRefused puts a refused OTP on the audit log, in a transaction of
// its own: the approval did not happen, the refusal did.
func (s *Service) recordRefused(ctx context.Context, a *auth.Actor, d *row, c *credential) error {
	details, err := json.Marshal(map[string]string{"reason": "wrong_otp", "credential": c.id, "signer": c.chain[0].Subject.CommonName})
	if err != nil {
		return err
	}
	ctx = context.WithoutCancel(ctx)
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		return event.Publish(ctx, s.cfg.Bus, tx, event.Security{At: s.cfg.Now(), ActorID: a.ID, ActorName: a.Username, ActorRole: "leader",
			UnitID: d.unitID, Action: DocumentSignRefused, Object: "document:" + strconv.FormatInt(d.ID, 10), Details: string(details)})
	})
}
