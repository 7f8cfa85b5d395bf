package mydata

import (
	"archive/zip"
	"context"
	"encoding/json"
	"fmt"
	"io"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/problem"
)

// The archive copy of one dossier (hồ sơ nộp lưu), what an officer hands
// the archive before the retention job anonymises the dossier: ArchiveName,
// the dossier with its history, consultations and files' index, then the
// files under files/<code>/.
const (
	ArchiveFormat = "motcua.dossier-archive/1"
	ArchiveName   = "ho-so.json"
	// ArchiveRead is the audit log's name of the export: a read of the
	// applicant's personal data, on record before the first byte.
	ArchiveRead = "dossier_archive_exported"
)

// Archive writes to w the ZIP of dossier code for an officer a who may
// read it (the dossier module decides, as for its page).
func (s *Service) Archive(ctx context.Context, a *auth.Actor, code string, w io.Writer) error {
	if a == nil {
		return problem.New(problem.ErrUnauthorized, "unauthorized")
	}
	if a.IsCitizen() {
		return problem.Forbidden("dossier_archive_officers_only")
	}
	d, err := s.cfg.Dossiers.Get(ctx, a, code)
	if err != nil {
		return err
	}
	files := fileIndex([]*dossier.Dossier{d})
	if err := s.cfg.Dossiers.RecordRead(ctx, a, d.UnitID(), "dossier:"+d.Code, ArchiveRead,
		fmt.Sprintf("%d files", len(files))); err != nil {
		return err
	}
	now := s.cfg.Now()
	zw := zip.NewWriter(w)
	jw, err := zw.CreateHeader(&zip.FileHeader{Name: ArchiveName, Method: zip.Deflate, Modified: now})
	if err != nil {
		return err
	}
	enc := json.NewEncoder(jw)
	enc.SetIndent("", "  ")
	if err := enc.Encode(struct {
		Format      string           `json:"format"`
		GeneratedAt string           `json:"generated_at"`
		Dossier     *dossier.Dossier `json:"dossier"`
		Files       []FileEntry      `json:"files"`
	}{ArchiveFormat, now.UTC().Format("2006-01-02T15:04:05Z"), d, files}); err != nil {
		return err
	}
	for _, f := range files {
		if err := s.copyFile(ctx, zw, f, now); err != nil {
			return err
		}
	}
	return zw.Close()
}
