package dossier

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
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
	d, err := s.Get(ctx, a, code)
	if err != nil {
		return nil, err
	}
	p, err := s.catalog.Version(ctx, s.db, d.Procedure, d.ProcedureVersion)
	if err != nil {
		return nil, err
	}
	kind := "component"
	if component == "result" {
		kind = "result"
		if a.IsCitizen() || d.Status != Processing || !(a.Has(auth.Specialist, d.unitID) || a.Has(auth.Leader, d.unitID) || a.Has(auth.Clerk, d.unitID)) {
			return nil, problem.New(problem.ErrForbidden, "upload_not_permitted", "Chỉ cán bộ xử lý được đính kèm kết quả khi hồ sơ đang xử lý.")
		}
	} else {
		found := false
		for _, c := range p.Components {
			found = found || c.Key == component
		}
		if !found {
			return nil, problem.Invalid("component", "unknown_component", "Thành phần hồ sơ "+component+" không có trong thủ tục.")
		}
		open := d.Status == Submitted || d.Status == Returned || d.Status == SupplementRequested
		if !open {
			return nil, problem.New(problem.ErrState, "upload_closed", "Hồ sơ ở trạng thái \""+d.StatusName+"\" không nhận thêm tệp.")
		}
		if !a.IsCitizen() && !a.Has(auth.Reception, d.receivingID) && d.createdByID != a.ID {
			return nil, problem.New(problem.ErrForbidden, "upload_not_permitted", "Chỉ người nộp hoặc cán bộ tiếp nhận được bổ sung tệp.")
		}
	}
	name = cleanName(name)
	f, err := s.store(body)
	if err != nil {
		return nil, err
	}
	f.Component, f.Kind, f.Name, f.UploadedAt = component, kind, name, s.cfg.Now()
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		return tx.QueryRowContext(ctx, `INSERT INTO dossier_files (dossier_id, component, kind, name, content_type, size, sha256, uploaded_by, uploaded_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			d.id, f.Component, f.Kind, f.Name, f.ContentType, f.Size, f.SHA256, a.ID, f.UploadedAt.UnixMilli()).Scan(&f.ID)
	})
	return f, err
}

// store writes body to a temporary file while hashing it, checks size and
// type, then moves it to files/<ab>/<sha256>. Identical uploads share one file.
func (s *Service) store(body io.Reader) (*File, error) {
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
	n, err := io.Copy(io.MultiWriter(tmp, h), io.LimitReader(body, s.cfg.MaxFileBytes+1))
	if err != nil {
		return nil, fmt.Errorf("dossier: receive upload: %w", err)
	}
	if n > s.cfg.MaxFileBytes {
		return nil, problem.New(problem.ErrTooLarge, "file_too_large", fmt.Sprintf("Tệp vượt quá dung lượng cho phép (%d MB).", s.cfg.MaxFileBytes>>20))
	}
	if n == 0 {
		return nil, problem.Invalid("file", "empty_file", "Tệp tải lên rỗng.")
	}
	head := make([]byte, 512)
	m, _ := tmp.ReadAt(head, 0)
	ct := http.DetectContentType(head[:m])
	if _, ok := allowedTypes[ct]; !ok {
		return nil, problem.Invalid("file", "file_type_not_allowed", "Chỉ nhận tệp PDF, JPG hoặc PNG.")
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

func (s *Service) blobPath(sum string) string {
	return filepath.Join(s.cfg.FilesDir, sum[:2], sum)
}

// Open returns an attachment's metadata and content, if a may see the dossier.
func (s *Service) Open(ctx context.Context, a *auth.Actor, code string, fileID int64) (*File, *os.File, error) {
	d, err := s.Get(ctx, a, code)
	if err != nil {
		return nil, nil, err
	}
	for _, f := range d.Files {
		if f.ID == fileID {
			fh, err := os.Open(s.blobPath(f.SHA256))
			if err != nil {
				return nil, nil, fmt.Errorf("dossier: open blob %s: %w", f.SHA256, err)
			}
			return &f, fh, nil
		}
	}
	return nil, nil, problem.NotFound("file_not_found", "Không tìm thấy tệp.")
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
