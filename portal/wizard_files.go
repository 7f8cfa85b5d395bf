package portal

import (
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/motcua/motcua/catalog"
	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/problem"
)

// compView is one component with its files and its upload form.
type compView struct {
	catalog.Component
	Files []fileView
	// Action is the upload form's URL (the CSRF token is added in the template).
	Action string
	Error  string
}

type fileView struct {
	Name, Size, URL string
	SHA256          string
	// Code is the file's digitisation or result code (package sohoa).
	Code string
	// Remove is the URL that removes the file from a draft ("" elsewhere).
	Remove string
}

// sizeText is a file size as people read it: 840 KB, 1,2 MB.
func sizeText(lang string, n int64) string {
	if n < 1<<20 {
		return fmt.Sprintf("%d KB", (n+1023)/1024)
	}
	s := fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	if lang == "vi" {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

var errNoFile = problem.Invalid("file", "file_required.upload")

// filePart returns the "file" part of a multipart upload, streamed: the
// body is never held in memory, and a body over the limit stops early.
func (s *Portal) filePart(w http.ResponseWriter, r *http.Request) (*multipart.Part, error) {
	max := s.dossiers.MaxFileBytes()
	r.Body = http.MaxBytesReader(w, r.Body, max+1<<20)
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, errNoFile
	}
	for {
		part, err := mr.NextPart()
		var mbe *http.MaxBytesError
		switch {
		case errors.As(err, &mbe):
			return nil, problem.New(problem.ErrTooLarge, "file_too_large", max>>20)
		case err != nil:
			return nil, errNoFile
		case part.FormName() != "file":
			part.Close()
			continue
		case part.FileName() == "":
			return nil, errNoFile
		}
		return part, nil
	}
}

func hasComponent(p catalog.Procedure, key string) bool {
	for _, c := range p.Components {
		if c.Key == key {
			return true
		}
	}
	return false
}

func (s *Portal) stepFiles(w http.ResponseWriter, r *http.Request) error {
	a, p, d, err := s.loadDraft(r)
	if err != nil {
		return err
	}
	page := s.filesPage(r, p, d)
	page.FromStore = s.storeOptions(r.Context(), a)
	if r.URL.Query().Get("thieu") != "" {
		s.markMissing(&page, dossier.MissingComponents(p, d.Data.Files))
	}
	if comp := r.URL.Query().Get("tep"); comp != "" {
		for i := range page.Comps {
			if page.Comps[i].Key == comp {
				page.Comps[i].Error = s.uploadError(page.Page, r.URL.Query().Get("loi"), page.MaxMB)
			}
		}
	}
	return s.render(w, http.StatusOK, "wizard", page)
}

func (s *Portal) filesPage(r *http.Request, p catalog.Procedure, d *dossier.Draft) wizardPage {
	page := s.wizard(r, p, d, 3)
	page.Max = s.dossiers.MaxFileBytes()
	page.MaxMB = page.Max >> 20
	base := fmt.Sprintf("/nop-ho-so/%s/%d", p.Code, d.ID)
	for _, c := range p.Components {
		cv := compView{Component: c, Action: base + "/tai-lieu/" + c.Key}
		for _, f := range d.Data.Files {
			if f.Component == c.Key {
				cv.Files = append(cv.Files, fileView{Name: f.Name, Size: sizeText(page.Lang, f.Size), SHA256: f.SHA256,
					URL: base + "/tep/" + f.SHA256, Remove: base + "/tai-lieu/" + c.Key + "/xoa"})
			}
		}
		page.Comps = append(page.Comps, cv)
	}
	return page
}

// draftUpload stores one file for a component and records it in the
// draft. Success and failure both redirect to the files step (a failure
// names its error in the query string), so the same page follows with or
// without JavaScript.
func (s *Portal) draftUpload(w http.ResponseWriter, r *http.Request) error {
	a, p, d, err := s.loadDraft(r)
	if err != nil {
		return err
	}
	comp := r.PathValue("component")
	if !hasComponent(p, comp) {
		return problem.NotFound("unknown_component", comp)
	}
	back := draftURL(p.Code, d.ID, 3)
	fail := func(err error) error {
		if pe, ok := asProblem(err); ok {
			http.Redirect(w, r, failedUpload(back, comp, pe.Code), http.StatusSeeOther)
			return nil
		}
		return err
	}
	part, err := s.filePart(w, r)
	if err != nil {
		return fail(err)
	}
	f, err := s.dossiers.StoreBlob(r.Context(), part)
	if err != nil {
		return fail(err)
	}
	d.Data.Files = append(d.Data.Files, dossier.DraftFile{Component: comp, SHA256: f.SHA256, Name: part.FileName(),
		Size: f.Size, ContentType: f.ContentType})
	if err := s.dossiers.SaveDraft(r.Context(), a, d); err != nil {
		return fail(err)
	}
	http.Redirect(w, r, back+"#c-"+comp, http.StatusSeeOther)
	return nil
}

func (s *Portal) draftRemoveFile(w http.ResponseWriter, r *http.Request) error {
	a, p, d, err := s.loadDraft(r)
	if err != nil {
		return err
	}
	comp, sum := r.PathValue("component"), r.PostFormValue("sha256")
	for i, f := range d.Data.Files {
		if f.Component == comp && f.SHA256 == sum {
			d.Data.Files = append(d.Data.Files[:i], d.Data.Files[i+1:]...)
			break
		}
	}
	if err := s.dossiers.SaveDraft(r.Context(), a, d); err != nil {
		return err
	}
	http.Redirect(w, r, draftURL(p.Code, d.ID, 3)+"#c-"+comp, http.StatusSeeOther)
	return nil
}

// draftFile shows a file of the draft to its author, to check it.
func (s *Portal) draftFile(w http.ResponseWriter, r *http.Request) error {
	_, _, d, err := s.loadDraft(r)
	if err != nil {
		return err
	}
	for _, f := range d.Data.Files {
		if f.SHA256 == r.PathValue("sha") {
			fh, err := s.dossiers.OpenBlob(r.Context(), f.SHA256)
			if err != nil {
				return err
			}
			defer fh.Close()
			serveFile(w, r, f.Name, f.ContentType, fh)
			return nil
		}
	}
	return problem.NotFound("file_not_found")
}

// serveFile sends an attachment inline (PDFs and scans open in the
// browser), never cached by shared caches. Like the API's download, it
// sends no page CSP, which would keep the browser's PDF viewer from
// loading; the type was sniffed at upload and is pinned with nosniff.
func serveFile(w http.ResponseWriter, r *http.Request, name, contentType string, f io.ReadSeeker) {
	h := w.Header()
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Type", contentType)
	h.Set("Content-Disposition", "inline; filename*=UTF-8''"+url.PathEscape(name))
	h.Set("Cache-Control", "private, no-store")
	http.ServeContent(w, r, "", time.Time{}, f)
}

// filesDone goes on to the review once every required component has a file.
func (s *Portal) filesDone(w http.ResponseWriter, r *http.Request) error {
	_, p, d, err := s.loadDraft(r)
	if err != nil {
		return err
	}
	missing := dossier.MissingComponents(p, d.Data.Files)
	if len(missing) == 0 {
		http.Redirect(w, r, draftURL(p.Code, d.ID, 4), http.StatusSeeOther)
		return nil
	}
	page := s.filesPage(r, p, d)
	s.markMissing(&page, missing)
	return s.render(w, http.StatusUnprocessableEntity, "wizard", page)
}

// markMissing shows "not uploaded yet" at each missing required component.
func (s *Portal) markMissing(page *wizardPage, missing []catalog.Component) {
	for i, c := range page.Comps {
		for _, m := range missing {
			if m.Key == c.Key {
				page.Comps[i].Error = page.T("portal.err.component_missing")
				page.Problems = append(page.Problems, problemLink{"#file-" + c.Key, c.Name + ": " + page.Comps[i].Error})
			}
		}
	}
}
