package office

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/document"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/web"
)

// The work-file pages (hồ sơ công việc, docs/documents.md "Work files"):
// the list of the files the officer reads, those due for the archive
// first with the 30-day warning; a form to open one; the file page with
// its documents in order, the forms to add, remove, close and hand over,
// and the exports.

// WorkFiles is the work-file part of the document service (*document.Service).
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

func (o *Office) registerWorkFiles(mux web.Mux) {
	if o.workFiles == nil {
		return
	}
	mux.HandleFunc("GET /can-bo/ho-so-cong-viec", o.officer(o.workFileList))
	mux.HandleFunc("POST /can-bo/ho-so-cong-viec", o.officer(o.createWorkFile))
	mux.HandleFunc("GET /can-bo/ho-so-cong-viec/{id}", o.officer(o.workFilePage))
	mux.HandleFunc("POST /can-bo/ho-so-cong-viec/{id}/thao-tac/{action}", o.officer(o.workFileAct))
	mux.HandleFunc("GET /can-bo/ho-so-cong-viec/{id}/xuat/{format}", o.officer(o.workFileExport))
}

func workFileURL(id int64) string { return "/can-bo/ho-so-cong-viec/" + strconv.FormatInt(id, 10) }

type workFileList struct {
	web.Page
	dayFmt
	Warned, Files []document.WorkFile
	// Units are where the reader may open a file; In what the form held.
	Units   []option
	In      document.WorkFileInput
	Message string
}

func (o *Office) workFileList(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	return o.showWorkFiles(w, r, a, http.StatusOK, document.WorkFileInput{}, "")
}

func (o *Office) showWorkFiles(w http.ResponseWriter, r *http.Request, a *auth.Actor, code int, in document.WorkFileInput, msg string) error {
	ctx := r.Context()
	p := workFileList{Page: o.page(r, "office.wf.title"), In: in, Message: msg}
	all, err := o.workFiles.ListFiles(ctx, a, document.FileFilter{})
	if err != nil {
		return err
	}
	for _, f := range all {
		if f.ArchiveWarning {
			p.Warned = append(p.Warned, f)
		} else {
			p.Files = append(p.Files, f)
		}
	}
	var units []int64
	for _, r := range []auth.Right{auth.DraftDocument, auth.RegisterDocument} {
		own, _ := a.Reach(r)
		units = append(units, own...)
	}
	list, err := o.units.List(ctx)
	if err != nil {
		return err
	}
	for _, u := range list {
		if slices.Contains(units, u.ID) {
			p.Units = append(p.Units, option{Value: u.Code, Label: u.Name, Selected: u.Code == in.Unit})
		}
	}
	return o.render(w, code, "workfiles", p)
}

func (o *Office) createWorkFile(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	_ = r.ParseForm()
	f := r.PostForm
	in := document.WorkFileInput{Unit: f.Get("don-vi"), Notation: f.Get("notation"), Title: f.Get("title"), Maintenance: f.Get("maintenance"),
		Rights: f.Get("rights"), StartDate: f.Get("start_date"), Description: f.Get("description")}
	wf, err := o.workFiles.CreateFile(r.Context(), a, in)
	if err != nil {
		pe, ok := publicError(err)
		if !ok {
			return err
		}
		return o.showWorkFiles(w, r, a, problem.Status(err), in, errorText(o.page(r, "office.wf.title"), pe))
	}
	http.Redirect(w, r, workFileURL(wf.ID)+"?da=create#ket-qua", http.StatusSeeOther)
	return nil
}

type workFilePage struct {
	web.Page
	dayFmt
	F       *document.WorkFile
	Notice  string
	Message string
}

func workFileID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, problem.NotFound("work_file_not_found", int64(0))
	}
	return id, nil
}

func (o *Office) workFilePage(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	id, err := workFileID(r)
	if err != nil {
		return err
	}
	p := o.page(r, "office.wf.title")
	notice := map[string]string{"add": p.T("office.wf.done.add"), "remove": p.T("office.wf.done.remove"), "close": p.T("office.wf.done.close"),
		"archive": p.T("office.wf.done.archive"), "create": p.T("office.wf.done.create")}[r.URL.Query().Get("da")]
	return o.showWorkFile(w, r, a, id, http.StatusOK, notice, "")
}

func (o *Office) showWorkFile(w http.ResponseWriter, r *http.Request, a *auth.Actor, id int64, code int, notice, msg string) error {
	f, err := o.workFiles.GetFile(r.Context(), a, id)
	if err != nil {
		return err
	}
	p := workFilePage{Page: o.page(r, "office.wf.page.title", f.FileCode), F: f, Notice: notice, Message: msg}
	return o.render(w, code, "workfile", p)
}

// workFileAct applies one act from the file page: add, remove (a
// document), close, archive. The file's version comes with the form.
func (o *Office) workFileAct(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	id, err := workFileID(r)
	if err != nil {
		return err
	}
	_ = r.ParseForm()
	f := r.PostForm
	v, _ := strconv.ParseInt(f.Get("version"), 10, 64)
	doc, _ := strconv.ParseInt(f.Get("document"), 10, 64)
	ctx, action := r.Context(), r.PathValue("action")
	switch action {
	case "add":
		_, err = o.workFiles.AddToFile(ctx, a, id, v, doc)
	case "remove":
		_, err = o.workFiles.RemoveFromFile(ctx, a, id, v, doc)
	default:
		_, err = o.workFiles.ActOnFile(ctx, a, id, action, document.CloseInput{Version: v, EndDate: f.Get("end_date")})
	}
	if err != nil {
		pe, ok := publicError(err)
		if !ok {
			return err
		}
		return o.showWorkFile(w, r, a, id, problem.Status(err), "", errorText(o.page(r, "office.wf.title"), pe))
	}
	http.Redirect(w, r, workFileURL(id)+"?da="+url.QueryEscape(action)+"#ket-qua", http.StatusSeeOther)
	return nil
}

func (o *Office) workFileExport(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	id, err := workFileID(r)
	if err != nil {
		return err
	}
	format := r.PathValue("format")
	export, ctype := o.workFiles.ExportFilePDF, "application/pdf"
	switch format {
	case "pdf":
	case "xml":
		export, ctype = o.workFiles.ExportFileXML, "application/xml; charset=utf-8"
	default:
		return problem.NotFound("work_file_not_found", id)
	}
	body, f, err := export(r.Context(), a, id)
	if err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", ctype)
	h.Set("Content-Disposition", `attachment; filename*=UTF-8''`+url.PathEscape(f.FileCode+"."+format))
	h.Set("Cache-Control", "private, no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	_, err = w.Write(body)
	return err
}
