package dossier

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"regexp"
	"strings"
	"time"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/blob"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/store"
)

// MaxFileBytes is the largest file StoreBlob accepts.
func (s *Service) MaxFileBytes() int64 { return s.cfg.MaxFileBytes }

// StoreBlob writes r to a local temporary file while hashing it, checks
// size and type (sniffed from the bytes, never the client's word), has the
// virus scanner look at it when one is configured, then hands it to the
// blob store (Config.Blobs), named by its SHA-256. Identical content
// shares one blob. Nothing is kept of a refused file. The returned File
// has SHA256, Size, ContentType and Flags set and is attached to nothing:
// a draft keeps it until the dossier exists (see AttachStored), an upload
// to a dossier records it at once (Upload). A blob nothing refers to is
// removed by CollectBlobs after a grace period.
func (s *Service) StoreBlob(ctx context.Context, r io.Reader) (*File, error) {
	tmp, err := s.cfg.Blobs.TempFile() // 0600
	if err != nil {
		return nil, err
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(tmp, h), io.LimitReader(r, s.cfg.MaxFileBytes+1))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, errTooLarge(s.cfg.MaxFileBytes)
		}
		return nil, fmt.Errorf("dossier: receive upload: %w", err)
	}
	if n > s.cfg.MaxFileBytes {
		return nil, errTooLarge(s.cfg.MaxFileBytes)
	}
	if n == 0 {
		return nil, problem.Invalid("file", "empty_file")
	}
	head := make([]byte, 512)
	m, _ := tmp.ReadAt(head, 0)
	ct := http.DetectContentType(head[:m])
	if _, ok := allowedTypes[ct]; !ok {
		return nil, problem.Invalid("file", "file_type_not_allowed")
	}
	if err := s.scan(ctx, io.NewSectionReader(tmp, 0, n)); err != nil {
		return nil, err
	}
	flags, err := riskFlags(ct, io.NewSectionReader(tmp, 0, n))
	if err != nil {
		return nil, err
	}
	sum := hex.EncodeToString(h.Sum(nil))
	// Storing an existing blob of the same content also renews its time,
	// which CollectBlobs's grace period counts from.
	if err := s.cfg.Blobs.Put(ctx, sum, tmp, n); err != nil {
		return nil, fmt.Errorf("dossier: store blob: %w", err)
	}
	return &File{ContentType: ct, Size: n, SHA256: sum, Flags: flags}, nil
}

// errScannerUnavailable refuses an upload that could not be scanned: a
// file nobody checked is not stored, even when clamd is down.
var errScannerUnavailable = problem.New(problem.ErrUnavailable, "scanner_unavailable")

// scannerRetry is the Retry-After sent with scanner_unavailable: about
// what clamd takes to restart or reload its database.
const scannerRetry = time.Minute

// scan asks the configured scanner about r. Its problem errors (infected,
// too large to scan) are the user's answer; any other failure means there
// is no verdict, and the upload is refused as unavailable, keeping the
// cause for the log.
func (s *Service) scan(ctx context.Context, r io.Reader) error {
	if s.cfg.Scanner == nil {
		return nil
	}
	err := s.cfg.Scanner.Check(ctx, r)
	var pe *problem.Error
	if err == nil || errors.As(err, &pe) {
		return err
	}
	return fmt.Errorf("%w: %w", problem.WithRetry(errScannerUnavailable, scannerRetry), err)
}

// riskFlags reads a stored PDF and returns its flags (see pdfFlags);
// scans and photos carry none.
func riskFlags(contentType string, r io.Reader) ([]string, error) {
	if contentType != "application/pdf" {
		return nil, nil
	}
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	return pdfFlags(b), nil
}

func errTooLarge(max int64) error {
	return problem.New(problem.ErrTooLarge, "file_too_large", max>>20)
}

var sha256RE = regexp.MustCompile(`^[0-9a-f]{64}$`)

// OpenBlob opens a stored blob by its SHA-256. It checks nothing about who
// asks: callers show a blob only to whoever holds it (a draft's author, a
// dossier's viewers).
func (s *Service) OpenBlob(ctx context.Context, sum string) (io.ReadSeekCloser, error) {
	f, err := s.cfg.Blobs.Open(ctx, sum)
	if errors.Is(err, blob.ErrNotFound) {
		return nil, problem.NotFound("file_not_found")
	}
	return f, err
}

// checkStored verifies that f names a blob StoreBlob kept: a well-formed
// hash of an allowed type held with the recorded size. It returns the
// blob's flags, judged from the blob itself rather than from what a draft
// says.
func (s *Service) checkStored(ctx context.Context, f File) ([]string, error) {
	if _, ok := allowedTypes[f.ContentType]; !ok || !sha256RE.MatchString(f.SHA256) {
		return nil, problem.Invalid("file", "invalid_stored_file")
	}
	// About to be referenced: renewing its time keeps CollectBlobs from
	// deleting it in the moment before the row exists.
	err := s.cfg.Blobs.Touch(ctx, f.SHA256, f.Size)
	if errors.Is(err, blob.ErrNotFound) {
		return nil, problem.Invalid("file", "stored_file_missing", f.Name)
	}
	if err != nil {
		return nil, err
	}
	if f.ContentType != "application/pdf" {
		return nil, nil
	}
	fh, err := s.cfg.Blobs.Open(ctx, f.SHA256)
	if errors.Is(err, blob.ErrNotFound) {
		return nil, problem.Invalid("file", "stored_file_missing", f.Name)
	}
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	return riskFlags(f.ContentType, fh)
}

// AttachStored records an already-stored blob (from StoreBlob) as a file
// of a dossier's component, with the same rules as Upload: only while the
// dossier takes files, only by its applicant, its receiving desk or whoever
// filed it.
func (s *Service) AttachStored(ctx context.Context, a *auth.Actor, code string, f File) (*File, error) {
	d, sl, err := s.prepareStored(ctx, a, code, &f)
	if err != nil {
		return nil, err
	}
	if err := s.db.InTx(ctx, func(tx *store.Tx) error { return s.insertStored(ctx, tx, a, d, sl, &f) }); err != nil {
		return nil, err
	}
	return &f, nil
}

// AttachStoredIn is AttachStored in the caller's transaction, for a module
// that records something of its own with the attachment (package sohoa's
// reuse log): both exist, or neither. Its checks read outside tx, as
// AttachStored's do.
func (s *Service) AttachStoredIn(ctx context.Context, tx *store.Tx, a *auth.Actor, code string, f File) (*File, error) {
	d, sl, err := s.prepareStored(ctx, a, code, &f)
	if err != nil {
		return nil, err
	}
	if err := s.insertStored(ctx, tx, a, d, sl, &f); err != nil {
		return nil, err
	}
	return &f, nil
}

// prepareStored checks that a may attach the stored blob f to the
// dossier's component and fills f's kind, clean name, flags and time.
func (s *Service) prepareStored(ctx context.Context, a *auth.Actor, code string, f *File) (*Dossier, slot, error) {
	d, sl, err := s.attachable(ctx, a, code, f.Component)
	if err != nil {
		return nil, slot{}, err
	}
	if f.Flags, err = s.checkStored(ctx, *f); err != nil {
		return nil, slot{}, err
	}
	f.ID, f.Kind, f.Name, f.UploadedAt = 0, sl.kind, cleanName(f.Name), s.cfg.Now()
	return d, sl, nil
}

// insertStored records f under the dossier's lock, within the quota.
func (s *Service) insertStored(ctx context.Context, tx *store.Tx, a *auth.Actor, d *Dossier, sl slot, f *File) error {
	if err := lockFiles(ctx, tx, d); err != nil {
		return err
	}
	if err := s.checkQuota(ctx, tx, d, f.Component, sl, f.Size); err != nil {
		return err
	}
	return insertFile(ctx, tx, d.id, a.ID, f)
}

// attachable loads the dossier and says whether a may add a file to
// component now, and into which slot: of which kind ("component" or
// "result") and how many files it holds at most.
func (s *Service) attachable(ctx context.Context, a *auth.Actor, code, component string) (*Dossier, slot, error) {
	d, err := s.Get(ctx, a, code)
	if err != nil {
		return nil, slot{}, err
	}
	p, err := s.catalog.Version(ctx, s.db, d.Procedure, d.ProcedureVersion)
	if err != nil {
		return nil, slot{}, err
	}
	if component == "result" {
		if a.IsCitizen() || d.Status != Processing || !(a.Has(auth.Specialist, d.unitID) || a.Has(auth.Leader, d.unitID) || a.Has(auth.Clerk, d.unitID)) {
			return nil, slot{}, problem.New(problem.ErrForbidden, "upload_not_permitted.result")
		}
		return d, slot{kind: "result", name: component, limit: maxComponentFiles}, nil
	}
	sl := slot{kind: "component"}
	for _, c := range p.Components {
		if c.Key == component {
			sl.name, sl.limit = c.Name, componentLimit(c)
		}
	}
	if sl.limit == 0 {
		return nil, slot{}, problem.Invalid("component", "unknown_component", component)
	}
	open := d.Status == Submitted || d.Status == Returned || d.Status == SupplementRequested
	if !open {
		return nil, slot{}, problem.New(problem.ErrState, "upload_closed", problem.Key("state."+string(d.Status)))
	}
	if !a.IsCitizen() && !a.Has(auth.Reception, d.receivingID) && d.createdByID != a.ID {
		return nil, slot{}, problem.New(problem.ErrForbidden, "upload_not_permitted")
	}
	return d, sl, nil
}

func insertFile(ctx context.Context, tx *store.Tx, dossierID, by int64, f *File) error {
	var uploader any
	if by != 0 {
		uploader = by // 0: the system (a file filed on the national portal)
	}
	return tx.QueryRowContext(ctx, `INSERT INTO dossier_files (dossier_id, component, kind, name, content_type, size, sha256, flags, uploaded_by, uploaded_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		dossierID, f.Component, f.Kind, f.Name, f.ContentType, f.Size, f.SHA256, strings.Join(f.Flags, ","), uploader, f.UploadedAt.UnixMilli()).Scan(&f.ID)
}
