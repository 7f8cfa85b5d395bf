package document

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/event"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/sign"
	"github.com/motcua/motcua/store"
)

// FileSigned is a draft version signed by the leader who approved it.
const FileSigned = "signed"

// Approve moves a draft along the approval chain: the drafting unit's
// head passes it to the organ's leader; the leader approves it and signs
// the latest version (PAdES, the Decree 30 appearance: title, signature
// image, name) with their own key (Config.Keys) in the same transaction,
// or, without one, through the remote signing service (Config.CSC) with
// the OTP it sent them (in.OTP) — signed before the transaction, kept in
// it: the approval commits with the signed file or not at all. The leader
// becomes the document's signer.
func (s *Service) Approve(ctx context.Context, a *auth.Actor, id int64, in NoteInput) (*Document, error) {
	note := strings.TrimSpace(in.Note)
	// The leader's signature is settled before the transaction: a remote
	// one needs the service's answers, which no transaction waits for.
	final, err := s.finalApproval(ctx, a, id, in.Version)
	if err != nil {
		return nil, err
	}
	var sg signing
	var remote *signedDraft
	version := in.Version
	if final != nil {
		// A composed draft names its signer: refused before any signing
		// (a remote one spends the leader's OTP).
		if _, _, err := composedSigner(ctx, s.db, a, final); err != nil {
			return nil, err
		}
		if sg, err = s.leaderSigning(ctx, a); err != nil {
			var ue *untrustedError
			if errors.As(err, &ue) {
				if aerr := s.recordRefused(ctx, a, final, ue.cred, "untrusted_certificate"); aerr != nil {
					return nil, aerr
				}
			}
			return nil, err
		}
		if sg.cred != nil {
			if remote, err = s.signRemotely(ctx, a, final, sg.cred, in.OTP); err != nil {
				return nil, err
			}
		}
		// The approval is of the version read here, and signed here.
		version = final.Version
	}
	return s.do(ctx, a, id, step{action: ActionApprove, version: version, note: note,
		apply: func(ctx context.Context, tx *store.Tx, d *row, to State) error {
			if err := s.decide(ctx, tx, a, d, "approved", note); err != nil {
				return err
			}
			if to != StateApproved {
				return nil
			}
			if final == nil {
				// Another act made this the final approval meanwhile:
				// its signature was not settled.
				return problem.Conflict("document_version_conflict", d.Version)
			}
			d.Signer = Signer{Position: a.Title, FullName: a.FullName}
			if signer, ok, err := composedSigner(ctx, tx, a, d); err != nil {
				return err
			} else if ok {
				d.Signer = signer
			}
			switch {
			case remote != nil:
				return s.keepSigned(ctx, tx, a, d, remote, "leader")
			case sg.key != nil:
				f, content, err := s.latestFile(ctx, tx, d.ID, FileDraft)
				if err != nil {
					return err
				}
				signed, err := s.signDraft(ctx, tx, a, d, content, sg.key)
				if err != nil {
					return err
				}
				if _, err := s.addFile(ctx, tx, a, d.ID, FileSigned, &FileInput{Name: f.Name, ContentType: "application/pdf", Content: signed}); err != nil {
					return err
				}
				if len(sg.key.Chain) == 0 {
					return fmt.Errorf("document: the leader's key of %s has no certificate", a.Username)
				}
				// The same audit row as a remote signature (keepSigned).
				return s.recordSigned(ctx, tx, a, d, signed, sg.key.Chain[0], "own_key", "leader")
			}
			return nil
		},
		publish: func(ctx context.Context, tx *store.Tx, act Act) error {
			return event.Publish(ctx, s.cfg.Bus, tx, Approved{act})
		}})
}

// signDraft is the leader's signature on draft d's latest version with
// key, wherever the key is (a token, the remote signing service); a
// composed version is signed in the blank its layout left.
func (s *Service) signDraft(ctx context.Context, q store.Querier, a *auth.Actor, d *row, content []byte, key *sign.Key) ([]byte, error) {
	var image []byte
	if s.cfg.Images != nil {
		img, err := s.cfg.Images.SignatureImage(ctx, a)
		if err != nil {
			return nil, err
		}
		image = img
	}
	app, err := s.personalAppearance(ctx, q, a, d, image)
	if err != nil {
		return nil, err
	}
	signed, err := sign.Sign(ctx, content, key, sign.Options{Appearance: app, Time: s.cfg.Now(), TSA: s.cfg.TSA, Reason: "Phê duyệt, ký ban hành"})
	if err != nil {
		return nil, fmt.Errorf("document: the leader's signature: %w", err)
	}
	return signed, nil
}

// IssueInput is the clerk's issue of an approved document.
type IssueInput struct {
	Version int64 `json:"version"`
	// Recipients, when not nil, replaces the distribution list.
	Recipients []RecipientInput `json:"recipients"`
	Note       string           `json:"note"`
}

// Issue numbers an approved document in its register and year (the next
// number, Vietnam's year; "05/QĐ-UBND", "12/UBND-VX"), dates it today,
// seals the leader's signed file with the organisation's key (the seal
// over the left third of the leader's signature image, or, without a seal
// image, the number and time at the top right), keeps the issued file and
// its filing copy, records the distribution, and publishes Issued — all
// in one transaction: a signing that fails gives the number back.
func (s *Service) Issue(ctx context.Context, a *auth.Actor, id int64, in IssueInput) (*Document, error) {
	return s.do(ctx, a, id, step{action: ActionIssue, version: in.Version, note: strings.TrimSpace(in.Note),
		apply: func(ctx context.Context, tx *store.Tx, d *row, _ State) error {
			now := s.cfg.Now()
			if in.Recipients != nil {
				rs, err := s.recipients(ctx, in.Recipients)
				if err != nil {
					return err
				}
				if err := setRecipients(ctx, tx, d.ID, rs); err != nil {
					return err
				}
			}
			var issuer string
			if err := tx.QueryRowContext(ctx, `SELECT issuer FROM document_registers WHERE id = ?`, d.registerID).Scan(&issuer); err != nil {
				return err
			}
			year := Year(now)
			n, err := nextNumber(ctx, tx, d.registerID, year)
			if err != nil {
				return err
			}
			t, _ := TypeOf(d.Type)
			d.CodeNumber, d.CodeNotation, d.IssuedDate = FormatNumber(n), Notation(t, issuer, d.Field), today(now)
			d.issueYear, d.issueSeq = int64(year), n
			f, content, err := s.latestFile(ctx, tx, d.ID, FileSigned)
			leaderSigned := err == nil
			if err != nil {
				if f, content, err = s.latestFile(ctx, tx, d.ID, FileDraft); err != nil {
					return err
				}
			}
			// Medium records how it went out: sealed electronically, or
			// (no keys) printed and stamped — what Online counts.
			d.Medium = Paper
			if s.cfg.Keys != nil {
				if content, err = s.seal(ctx, tx, d, content, now, leaderSigned); err != nil {
					return err
				}
				d.Medium = Electronic
			}
			if _, err := tx.ExecContext(ctx, `UPDATE documents SET medium = ? WHERE id = ?`, d.Medium, d.ID); err != nil {
				return err
			}
			name := strings.ReplaceAll(d.CodeNumber+"-"+d.CodeNotation, "/", "-") + ".pdf"
			for _, kind := range []string{FileIssued, FileFiling} {
				if _, err := s.addFile(ctx, tx, a, d.ID, kind, &FileInput{Name: name, ContentType: f.ContentType, Content: content}); err != nil {
					return err
				}
			}
			_, err = tx.ExecContext(ctx, `UPDATE document_recipients SET at = ? WHERE document_id = ?`, now.UnixMilli(), d.ID)
			return err
		},
		publish: func(ctx context.Context, tx *store.Tx, act Act) error {
			if err := s.draftDetails(ctx, tx, &act.Document); err != nil {
				return err
			}
			return event.Publish(ctx, s.cfg.Bus, tx, Issued{act})
		}})
}

// seal applies the organisation's signature to the issued file;
// leaderSigned tells whether it carries the leader's signature.
func (s *Service) seal(ctx context.Context, q store.Querier, d *row, content []byte, now time.Time, leaderSigned bool) ([]byte, error) {
	key, err := s.cfg.Keys.Seal(ctx, d.unitID)
	if err != nil {
		return nil, problem.New(problem.ErrState, "document_no_seal")
	}
	number := "Số: " + d.CodeNumber + "/" + d.CodeNotation
	app := sign.Appearance{Kind: sign.SealText, Lines: []string{number}, Font: s.cfg.Font}
	if s.cfg.Images != nil {
		img, err := s.cfg.Images.SealImage(ctx, d.unitID)
		if err != nil {
			return nil, err
		}
		if img != nil {
			app = sign.Appearance{Kind: sign.Seal, Image: img}
			// A composed document's seal goes where its layout puts it.
			placed, err := sealAppearance(ctx, q, d, img, leaderSigned)
			if err != nil {
				return nil, err
			}
			if placed != nil {
				app = *placed
			}
		}
	}
	out, err := sign.Sign(ctx, content, key, sign.Options{Appearance: app, Time: now, TSA: s.cfg.TSA, Reason: number})
	if err != nil {
		return nil, fmt.Errorf("document: the organisation's signature: %w", err)
	}
	return out, nil
}

// latestFile is the newest file of kind of document id, with its bytes.
func (s *Service) latestFile(ctx context.Context, q store.Querier, id int64, kind string) (*File, []byte, error) {
	var f File
	var content []byte
	err := q.QueryRowContext(ctx, `SELECT id, name, content_type, content FROM document_files WHERE document_id = ? AND kind = ?
		ORDER BY id DESC LIMIT 1`, id, kind).Scan(&f.ID, &f.Name, &f.ContentType, &content)
	if err != nil {
		return nil, nil, problem.New(problem.ErrState, "document_no_version")
	}
	return &f, content, nil
}
