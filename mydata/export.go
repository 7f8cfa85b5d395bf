package mydata

import (
	"archive/zip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"path"
	"strconv"
	"time"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/event"
	"github.com/motcua/motcua/store"
)

// Format names the layout of the exported JSON, so a reader can tell a
// later one.
const Format = "motcua.personal-data/1"

// DataName is the JSON's name inside the ZIP.
const DataName = "du-lieu-ca-nhan.json"

// FileEntry places one dossier file in the ZIP.
type FileEntry struct {
	Dossier string `json:"dossier"`
	ID      int64  `json:"id"`
	Kind    string `json:"kind"`
	Name    string `json:"name"`
	SHA256  string `json:"sha256"`
	Size    int64  `json:"size"`
	Path    string `json:"path"`
}

// Export writes to w a ZIP of everything motcua holds about the citizen
// a: DataName (the dossier module's part under "dossiers" and "drafts",
// then each Part under its name, the consents and the index of files),
// then every file of their dossiers under files/<code>/. The audit row is
// committed before the first byte: a copy handed out is always recorded,
// even if the download then breaks. The ZIP is streamed — the files go
// from the blob store to w one at a time — and only the JSON, a citizen's
// records, is held in memory.
func (s *Service) Export(ctx context.Context, a *auth.Actor, w io.Writer) error {
	if err := citizen(a); err != nil {
		return err
	}
	p, err := s.cfg.Dossiers.PersonalData(ctx, a)
	if err != nil {
		return err
	}
	codes := p.Codes()
	parts := make([]any, len(s.cfg.Parts))
	for i, n := range s.cfg.Parts {
		if parts[i], err = n.Part.PersonalData(ctx, a, codes); err != nil {
			return fmt.Errorf("mydata: part %s: %w", n.Name, err)
		}
	}
	consents, err := s.Consents(ctx, a)
	if err != nil {
		return err
	}
	files := fileIndex(p.Dossiers)
	now := s.cfg.Now()
	err = s.cfg.DB.InTx(ctx, func(tx *store.Tx) error {
		return event.Publish(ctx, s.cfg.Bus, tx, event.Security{At: now, ActorID: a.ID, ActorName: a.Username, ActorRole: auth.Citizen,
			Action: "personal_data_exported", Object: "user:" + a.Username,
			Details: fmt.Sprintf("%d dossiers, %d files", len(codes), len(files))})
	})
	if err != nil {
		return err
	}

	zw := zip.NewWriter(w)
	jw, err := zw.CreateHeader(&zip.FileHeader{Name: DataName, Method: zip.Deflate, Modified: now})
	if err != nil {
		return err
	}
	// One field at a time, so the object's order is the documented one.
	fields := []field{
		{"format", Format}, {"generated_at", now.UTC().Format(time.RFC3339)},
		{"dossiers", p.Dossiers}, {"drafts", p.Drafts},
	}
	for i, n := range s.cfg.Parts {
		fields = append(fields, field{n.Name, parts[i]})
	}
	fields = append(fields, field{"consents", consents}, field{"files", files})
	if _, err := io.WriteString(jw, "{\n"); err != nil {
		return err
	}
	for i, f := range fields {
		b, err := json.MarshalIndent(f.value, "  ", "  ")
		if err != nil {
			return err
		}
		sep := ",\n"
		if i == len(fields)-1 {
			sep = "\n"
		}
		if _, err := fmt.Fprintf(jw, "  %q: %s%s", f.name, b, sep); err != nil {
			return err
		}
	}
	if _, err := io.WriteString(jw, "}\n"); err != nil {
		return err
	}
	for _, f := range files {
		if err := s.copyFile(ctx, zw, f, now); err != nil {
			return err
		}
	}
	return zw.Close()
}

// field is one member of the exported JSON object.
type field struct {
	name  string
	value any
}

// copyFile streams one stored file into the ZIP, uncompressed: scans and
// PDFs are compressed already.
func (s *Service) copyFile(ctx context.Context, zw *zip.Writer, f FileEntry, at time.Time) error {
	r, err := s.cfg.Dossiers.OpenBlob(ctx, f.SHA256)
	if err != nil {
		return fmt.Errorf("mydata: file %d of %s: %w", f.ID, f.Dossier, err)
	}
	defer r.Close()
	fw, err := zw.CreateHeader(&zip.FileHeader{Name: f.Path, Method: zip.Store, Modified: at})
	if err != nil {
		return err
	}
	_, err = io.Copy(fw, r)
	return err
}

// fileIndex lists the dossiers' files with their places in the ZIP. A
// name is the dossier's cleaned display name (no path parts), prefixed by
// the file's id so two uploads of one name stay apart.
func fileIndex(ds []*dossier.Dossier) []FileEntry {
	out := []FileEntry{}
	for _, d := range ds {
		for _, f := range d.Files {
			name := path.Base("/" + f.Name)
			if name == "/" || name == "." || name == ".." {
				name = "tep"
			}
			out = append(out, FileEntry{Dossier: d.Code, ID: f.ID, Kind: f.Kind, Name: f.Name, SHA256: f.SHA256, Size: f.Size,
				Path: "files/" + d.Code + "/" + strconv.FormatInt(f.ID, 10) + "-" + name})
		}
	}
	return out
}
