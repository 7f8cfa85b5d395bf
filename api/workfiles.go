package api

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/document"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/report"
)

// WorkFiles is the work-file part of the document service
// (*document.Service): hồ sơ công việc, docs/documents.md "Work files".
type WorkFiles interface {
	ListFiles(ctx context.Context, a *auth.Actor, f document.FileFilter) ([]document.WorkFile, error)
	GetFile(ctx context.Context, a *auth.Actor, id int64) (*document.WorkFile, error)
	CreateFile(ctx context.Context, a *auth.Actor, in document.WorkFileInput) (*document.WorkFile, error)
	AddToFile(ctx context.Context, a *auth.Actor, id, version, docID int64) (*document.WorkFile, error)
	RemoveFromFile(ctx context.Context, a *auth.Actor, id, version, docID int64) (*document.WorkFile, error)
	ActOnFile(ctx context.Context, a *auth.Actor, id int64, action string, in document.CloseInput) (*document.WorkFile, error)
	ExportFilePDF(ctx context.Context, a *auth.Actor, id int64) ([]byte, *document.WorkFile, error)
	ExportFileXML(ctx context.Context, a *auth.Actor, id int64) ([]byte, *document.WorkFile, error)
}

// workFileID reads the {id} of the path; anything but a number names no file.
func workFileID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, problem.NotFound("work_file_not_found", int64(0))
	}
	return id, nil
}

// writeWorkFile answers a work file with its version as the ETag.
func writeWorkFile(w http.ResponseWriter, code int, f *document.WorkFile) error {
	w.Header().Set("ETag", strconv.Quote(strconv.FormatInt(f.Version, 10)))
	return writeJSON(w, code, f)
}

func (s *Server) listWorkFiles(w http.ResponseWriter, r *http.Request) error {
	a, err := requireActor(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	if err := oneOf("warning", q.Get("warning"), "true", "false"); err != nil {
		return err
	}
	fs, err := s.WorkFiles.ListFiles(r.Context(), a, document.FileFilter{Unit: q.Get("unit"), State: q.Get("state"), Warning: q.Get("warning") == "true"})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"work_files": fs})
}

func (s *Server) createWorkFile(w http.ResponseWriter, r *http.Request) error {
	a, err := requireActor(r)
	if err != nil {
		return err
	}
	var in document.WorkFileInput
	if err := decode(r, &in); err != nil {
		return err
	}
	f, err := s.WorkFiles.CreateFile(r.Context(), a, in)
	if err != nil {
		return err
	}
	return writeWorkFile(w, http.StatusCreated, f)
}

func (s *Server) getWorkFile(w http.ResponseWriter, r *http.Request) error {
	a, err := requireActor(r)
	if err != nil {
		return err
	}
	id, err := workFileID(r)
	if err != nil {
		return err
	}
	f, err := s.WorkFiles.GetFile(r.Context(), a, id)
	if err != nil {
		return err
	}
	return writeWorkFile(w, http.StatusOK, f)
}

func (s *Server) addToWorkFile(w http.ResponseWriter, r *http.Request) error {
	a, err := requireActor(r)
	if err != nil {
		return err
	}
	id, err := workFileID(r)
	if err != nil {
		return err
	}
	var in struct {
		DocumentID int64 `json:"document_id"`
		Version    int64 `json:"version"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	if err := ifMatch(r, &in.Version); err != nil {
		return err
	}
	f, err := s.WorkFiles.AddToFile(r.Context(), a, id, in.Version, in.DocumentID)
	if err != nil {
		return err
	}
	return writeWorkFile(w, http.StatusOK, f)
}

func (s *Server) removeFromWorkFile(w http.ResponseWriter, r *http.Request) error {
	a, err := requireActor(r)
	if err != nil {
		return err
	}
	id, err := workFileID(r)
	if err != nil {
		return err
	}
	doc, err := strconv.ParseInt(r.PathValue("document"), 10, 64)
	if err != nil {
		doc = 0
	}
	var version int64
	if err := ifMatch(r, &version); err != nil {
		return err
	}
	f, err := s.WorkFiles.RemoveFromFile(r.Context(), a, id, version, doc)
	if err != nil {
		return err
	}
	return writeWorkFile(w, http.StatusOK, f)
}

func (s *Server) actOnWorkFile(w http.ResponseWriter, r *http.Request) error {
	a, err := requireActor(r)
	if err != nil {
		return err
	}
	id, err := workFileID(r)
	if err != nil {
		return err
	}
	var in document.CloseInput
	if r.ContentLength != 0 {
		if err := decode(r, &in); err != nil {
			return err
		}
	}
	if err := ifMatch(r, &in.Version); err != nil {
		return err
	}
	f, err := s.WorkFiles.ActOnFile(r.Context(), a, id, r.PathValue("action"), in)
	if err != nil {
		return err
	}
	return writeWorkFile(w, http.StatusOK, f)
}

// exportWorkFile answers a file as PDF (format=pdf, the default) or XML
// (format=xml, Decree 30 Appendix VI element names).
func (s *Server) exportWorkFile(w http.ResponseWriter, r *http.Request) error {
	a, err := requireActor(r)
	if err != nil {
		return err
	}
	id, err := workFileID(r)
	if err != nil {
		return err
	}
	format := r.URL.Query().Get("format")
	if format == "" {
		format = "pdf"
	}
	if err := oneOf("format", format, "pdf", "xml"); err != nil {
		return err
	}
	export, ctype := s.WorkFiles.ExportFilePDF, "application/pdf"
	if format == "xml" {
		export, ctype = s.WorkFiles.ExportFileXML, "application/xml; charset=utf-8"
	}
	body, f, err := export(r.Context(), a, id)
	if err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", ctype)
	h.Set("Content-Disposition", `attachment; filename*=UTF-8''`+url.PathEscape(f.FileCode+"."+format))
	h.Set("Content-Length", strconv.Itoa(len(body)))
	h.Set("Cache-Control", "private, no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)
	_, err = w.Write(body)
	return err
}

// documentsReport serves the documents report (report.Documents) of a
// unit and the units below it for a period, to whoever holds
// auth.ReadReports there (as the II.06a report).
func (s *Server) documentsReport(w http.ResponseWriter, r *http.Request) error {
	a, err := requireActor(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	code := q.Get("unit")
	if code == "" {
		return problem.Invalid("unit", "unit_required.report")
	}
	u, err := s.Units.ByCode(r.Context(), code)
	if err != nil {
		return err
	}
	if err := s.Units.Entitled(r.Context(), a, auth.ReadReports, code); err != nil {
		return problem.Forbidden("report_unit", code)
	}
	now := s.now()
	p, err := report.ReadPeriod(q.Get("from"), q.Get("to"), now)
	if err != nil {
		return err
	}
	rep, err := s.Reports.Documents(r.Context(), u.ID, p, now)
	if err != nil {
		return err
	}
	rep.Unit = u.Code
	h := w.Header()
	h.Set("Cache-Control", "private, no-store")
	return writeJSON(w, http.StatusOK, rep)
}
