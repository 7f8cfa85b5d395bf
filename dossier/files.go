package dossier

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/store"
)

// File is one attachment of a dossier.
type File struct {
	ID          int64  `json:"id"`
	Component   string `json:"component"`
	Kind        string `json:"kind"` // "component" or "result"
	Name        string `json:"name"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
	SHA256      string `json:"sha256"`
	// Flags warn the officer about what the file carries (FlagJavaScript,
	// FlagLaunch, FlagEmbeddedFile); empty for an ordinary file.
	Flags      []string  `json:"flags,omitempty"`
	UploadedAt time.Time `json:"uploaded_at"`
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
	d, sl, err := s.attachable(ctx, a, code, component)
	if err != nil {
		return nil, err
	}
	// A full component is refused before the bytes are read and scanned;
	// the insert checks again, under the dossier's lock.
	if err := s.checkQuota(ctx, s.db, d, component, sl, 0); err != nil {
		return nil, err
	}
	f, err := s.StoreBlob(ctx, body)
	if err != nil {
		return nil, err
	}
	f.Component, f.Kind, f.Name, f.UploadedAt = component, sl.kind, cleanName(name), s.cfg.Now()
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		if err := lockFiles(ctx, tx, d); err != nil {
			return err
		}
		if err := s.checkQuota(ctx, tx, d, component, sl, f.Size); err != nil {
			return err
		}
		return insertFile(ctx, tx, d.id, a.ID, f)
	})
	if err != nil {
		return nil, err
	}
	return f, nil
}

// Open returns an attachment's metadata and content, if a may see the
// dossier; an officer's download is recorded (DownloadFile).
func (s *Service) Open(ctx context.Context, a *auth.Actor, code string, fileID int64) (*File, io.ReadSeekCloser, error) {
	d, err := s.Get(ctx, a, code)
	if err != nil {
		return nil, nil, err
	}
	for _, f := range d.Files {
		if f.ID == fileID {
			if err := s.RecordRead(ctx, a, d.UnitID(), "dossier:"+d.Code, DownloadFile, strconv.FormatInt(f.ID, 10)+" "+f.Name); err != nil {
				return nil, nil, err
			}
			fh, err := s.cfg.Blobs.Open(ctx, f.SHA256)
			if err != nil {
				return nil, nil, fmt.Errorf("dossier: open blob %s: %w", f.SHA256, err)
			}
			return &f, fh, nil
		}
	}
	return nil, nil, problem.NotFound("file_not_found")
}

func (s *Service) files(ctx context.Context, id int64) ([]File, error) { return FilesOf(ctx, s.db, id) }

// FilesOf lists the files of the dossier with row id (Dossier.ID), read
// through q: a listener of Transitioned reads the files the change left
// (a result's file) in the publisher's transaction. It checks no access.
func FilesOf(ctx context.Context, q store.Querier, id int64) ([]File, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, component, kind, name, content_type, size, sha256, flags, uploaded_at
		FROM dossier_files WHERE dossier_id = ? ORDER BY id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []File
	for rows.Next() {
		var f File
		var at int64
		var flags string
		if err := rows.Scan(&f.ID, &f.Component, &f.Kind, &f.Name, &f.ContentType, &f.Size, &f.SHA256, &flags, &at); err != nil {
			return nil, err
		}
		if flags != "" {
			f.Flags = strings.Split(flags, ",")
		}
		// Names stored before cleaning also removed bidi controls are
		// cleaned again on the way out.
		f.Name = cleanName(f.Name)
		f.UploadedAt = fromMs(at)
		out = append(out, f)
	}
	return out, rows.Err()
}

// maxNameBytes bounds a stored display name.
const maxNameBytes = 200

// cleanName keeps a display name without path parts, control characters
// or Unicode format characters: the bidi overrides and isolates (U+202A–
// U+202E, U+2066–U+2069) would let "hoa-don" + U+202E + "fdp.exe" read as
// "hoa-donexe.pdf", and zero-width characters hide what a name says.
// Invalid UTF-8 becomes U+FFFD and a long name is cut at a character
// boundary. It runs when a name is stored and again when one is read, so
// names stored before it are shown clean too.
func cleanName(n string) string {
	n = strings.ToValidUTF8(n, "\uFFFD")
	n = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == '\u2028' || r == '\u2029' {
			return -1
		}
		return r
	}, n)
	n = strings.TrimSpace(filepath.Base(strings.ReplaceAll(n, "\\", "/")))
	if n == "." || n == "/" || n == "" {
		return "tep-dinh-kem"
	}
	if len(n) > maxNameBytes {
		cut := maxNameBytes
		for cut > 0 && !utf8.RuneStart(n[cut]) {
			cut--
		}
		n = n[:cut]
	}
	return n
}
