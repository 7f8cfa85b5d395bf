package dossier

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/store"
)

// File is one attachment of a dossier.
type File struct {
	ID          int64     `json:"id"`
	Component   string    `json:"component"`
	Kind        string    `json:"kind"` // "component" or "result"
	Name        string    `json:"name"`
	ContentType string    `json:"content_type"`
	Size        int64     `json:"size"`
	SHA256      string    `json:"sha256"`
	UploadedAt  time.Time `json:"uploaded_at"`
}

// allowedTypes are what a dossier may carry: scans and PDFs. The type is
// sniffed from the bytes, never taken from the client's word.
var allowedTypes = map[string]string{
	"application/pdf": ".pdf",
	"image/jpeg":      ".jpg",
	"image/png":       ".png",
}

// Upload stores one attachment for a component (a key of the procedure's
// components) or, with component "result", the result document.
func (s *Service) Upload(ctx context.Context, a *auth.Actor, code, component, name string, body io.Reader) (*File, error) {
	d, kind, err := s.attachable(ctx, a, code, component)
	if err != nil {
		return nil, err
	}
	f, err := s.StoreBlob(body)
	if err != nil {
		return nil, err
	}
	f.Component, f.Kind, f.Name, f.UploadedAt = component, kind, cleanName(name), s.cfg.Now()
	err = s.db.InTx(ctx, func(tx *store.Tx) error { return insertFile(ctx, tx, d.id, a.ID, f) })
	return f, err
}

func (s *Service) blobPath(sum string) string {
	return filepath.Join(s.cfg.FilesDir, sum[:2], sum)
}

// Open returns an attachment's metadata and content, if a may see the
// dossier; an officer's download is recorded (DownloadFile).
func (s *Service) Open(ctx context.Context, a *auth.Actor, code string, fileID int64) (*File, *os.File, error) {
	d, err := s.Get(ctx, a, code)
	if err != nil {
		return nil, nil, err
	}
	for _, f := range d.Files {
		if f.ID == fileID {
			if err := s.RecordRead(ctx, a, d.UnitID(), "dossier:"+d.Code, DownloadFile, strconv.FormatInt(f.ID, 10)+" "+f.Name); err != nil {
				return nil, nil, err
			}
			fh, err := os.Open(s.blobPath(f.SHA256))
			if err != nil {
				return nil, nil, fmt.Errorf("dossier: open blob %s: %w", f.SHA256, err)
			}
			return &f, fh, nil
		}
	}
	return nil, nil, problem.NotFound("file_not_found")
}

func (s *Service) files(ctx context.Context, id int64) ([]File, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, component, kind, name, content_type, size, sha256, uploaded_at
		FROM dossier_files WHERE dossier_id = ? ORDER BY id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []File
	for rows.Next() {
		var f File
		var at int64
		if err := rows.Scan(&f.ID, &f.Component, &f.Kind, &f.Name, &f.ContentType, &f.Size, &f.SHA256, &at); err != nil {
			return nil, err
		}
		f.UploadedAt = fromMs(at)
		out = append(out, f)
	}
	return out, rows.Err()
}

// cleanName keeps a display name without path parts or control characters.
func cleanName(n string) string {
	n = filepath.Base(strings.ReplaceAll(n, "\\", "/"))
	n = strings.Map(func(r rune) rune {
		if r < 32 || r == 127 {
			return -1
		}
		return r
	}, n)
	if n == "." || n == "/" || n == "" {
		return "tep-dinh-kem"
	}
	if len(n) > 200 {
		n = n[:200]
	}
	return n
}
