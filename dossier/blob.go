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
	"path/filepath"
	"regexp"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/store"
)

// MaxFileBytes is the largest file StoreBlob accepts.
func (s *Service) MaxFileBytes() int64 { return s.cfg.MaxFileBytes }

// StoreBlob writes r to a temporary file while hashing it, checks size and
// type (sniffed from the bytes, never the client's word), then moves it to
// files/<ab>/<sha256>. Identical content shares one file. The returned File
// has SHA256, Size and ContentType set and is attached to nothing: a draft
// keeps it until the dossier exists (see AttachStored), an upload to a
// dossier records it at once (Upload).
func (s *Service) StoreBlob(r io.Reader) (*File, error) {
	dir := filepath.Join(s.cfg.FilesDir, "tmp")
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, err
	}
	tmp, err := os.CreateTemp(dir, "upload-*")
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
	sum := hex.EncodeToString(h.Sum(nil))
	final := s.blobPath(sum)
	if err := os.MkdirAll(filepath.Dir(final), 0o750); err != nil {
		return nil, err
	}
	if err := tmp.Sync(); err != nil {
		return nil, err
	}
	if err := os.Rename(tmp.Name(), final); err != nil {
		return nil, err
	}
	return &File{ContentType: ct, Size: n, SHA256: sum}, nil
}

func errTooLarge(max int64) error {
	return problem.New(problem.ErrTooLarge, "file_too_large", max>>20)
}

var sha256RE = regexp.MustCompile(`^[0-9a-f]{64}$`)

// OpenBlob opens a stored blob by its SHA-256. It checks nothing about who
// asks: callers show a blob only to whoever holds it (a draft's author, a
// dossier's viewers).
func (s *Service) OpenBlob(sum string) (*os.File, error) {
	if !sha256RE.MatchString(sum) {
		return nil, problem.NotFound("file_not_found")
	}
	f, err := os.Open(s.blobPath(sum))
	if os.IsNotExist(err) {
		return nil, problem.NotFound("file_not_found")
	}
	return f, err
}

// checkStored verifies that f names a blob StoreBlob kept: a well-formed
// hash of an allowed type whose file exists with the recorded size.
func (s *Service) checkStored(f File) error {
	if _, ok := allowedTypes[f.ContentType]; !ok || !sha256RE.MatchString(f.SHA256) {
		return problem.Invalid("file", "invalid_stored_file")
	}
	st, err := os.Stat(s.blobPath(f.SHA256))
	if err != nil || st.Size() != f.Size {
		return problem.Invalid("file", "stored_file_missing", f.Name)
	}
	return nil
}

// AttachStored records an already-stored blob (from StoreBlob) as a file
// of a dossier's component, with the same rules as Upload: only while the
// dossier takes files, only by its applicant, its receiving desk or whoever
// filed it.
func (s *Service) AttachStored(ctx context.Context, a *auth.Actor, code string, f File) (*File, error) {
	d, kind, err := s.attachable(ctx, a, code, f.Component)
	if err != nil {
		return nil, err
	}
	if err := s.checkStored(f); err != nil {
		return nil, err
	}
	f.ID, f.Kind, f.Name, f.UploadedAt = 0, kind, cleanName(f.Name), s.cfg.Now()
	err = s.db.InTx(ctx, func(tx *store.Tx) error { return insertFile(ctx, tx, d.id, a.ID, &f) })
	if err != nil {
		return nil, err
	}
	return &f, nil
}

// attachable loads the dossier and says whether a may add a file to
// component now, and of which kind ("component" or "result").
func (s *Service) attachable(ctx context.Context, a *auth.Actor, code, component string) (*Dossier, string, error) {
	d, err := s.Get(ctx, a, code)
	if err != nil {
		return nil, "", err
	}
	p, err := s.catalog.Version(ctx, s.db, d.Procedure, d.ProcedureVersion)
	if err != nil {
		return nil, "", err
	}
	if component == "result" {
		if a.IsCitizen() || d.Status != Processing || !(a.Has(auth.Specialist, d.unitID) || a.Has(auth.Leader, d.unitID) || a.Has(auth.Clerk, d.unitID)) {
			return nil, "", problem.New(problem.ErrForbidden, "upload_not_permitted.result")
		}
		return d, "result", nil
	}
	found := false
	for _, c := range p.Components {
		found = found || c.Key == component
	}
	if !found {
		return nil, "", problem.Invalid("component", "unknown_component", component)
	}
	open := d.Status == Submitted || d.Status == Returned || d.Status == SupplementRequested
	if !open {
		return nil, "", problem.New(problem.ErrState, "upload_closed", problem.Key("state."+string(d.Status)))
	}
	if !a.IsCitizen() && !a.Has(auth.Reception, d.receivingID) && d.createdByID != a.ID {
		return nil, "", problem.New(problem.ErrForbidden, "upload_not_permitted")
	}
	return d, "component", nil
}

func insertFile(ctx context.Context, tx *store.Tx, dossierID, by int64, f *File) error {
	return tx.QueryRowContext(ctx, `INSERT INTO dossier_files (dossier_id, component, kind, name, content_type, size, sha256, uploaded_by, uploaded_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		dossierID, f.Component, f.Kind, f.Name, f.ContentType, f.Size, f.SHA256, by, f.UploadedAt.UnixMilli()).Scan(&f.ID)
}
