package office

import (
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/calendar"
	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/web"
)

func dossierURL(code string) string { return "/can-bo/ho-so/" + url.PathEscape(code) }

func fileURL(code string, id int64) string {
	return dossierURL(code) + "/tep/" + strconv.FormatInt(id, 10)
}

// act applies one action from the dossier page. The form carries the
// version the officer saw, so a colleague's change in between is a 409
// with a clear message rather than a lost update; a refused action shows
// the page again with the error and what was typed, and saves nothing.
func (o *Office) act(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	code := r.PathValue("code")
	action := dossier.Action(r.PathValue("action"))
	known := false
	for _, x := range dossier.Actions {
		known = known || x == action
	}
	if !known {
		return problem.NotFound("unknown_action.page")
	}
	p := o.page(r, "office.dossier.title", code)
	note := r.PostFormValue("note") // parses the form, so PostForm holds every value
	st := &actionState{Action: action, Note: note, Paper: r.PostForm["paper"]}
	in := dossier.ActInput{Note: st.Note, Assignee: r.PostFormValue("assignee"), Kind: r.PostFormValue("kind")}
	v, err := strconv.ParseInt(r.PostFormValue("version"), 10, 64)
	if err != nil || v <= 0 {
		st.Message = p.T("office.err.version_conflict")
		return o.showDossier(w, r, a, http.StatusConflict, st)
	}
	in.Version = v
	if action == dossier.RequestSupplement {
		in.Items = supplementItems(r)
		st.Reasons = map[string]string{}
		for _, it := range in.Items {
			if it.Component != "" {
				st.Reasons[it.Component] = it.Reason
			}
		}
	}
	if action == dossier.Apologize {
		t, err := parseLocal(r.PostFormValue("new_due"))
		if err != nil {
			st.Message = p.T("office.err.invalid_new_due")
			return o.showDossier(w, r, a, http.StatusUnprocessableEntity, st)
		}
		in.NewDue = &t
	}
	if action == dossier.Consult || action == dossier.RecordAnswer {
		if err := consultInput(r, &in); err != nil {
			st.Message = p.T("office.err.invalid_consult")
			return o.showDossier(w, r, a, http.StatusUnprocessableEntity, st)
		}
	}
	if action == dossier.Receive {
		_, err = o.dossiers.ReceiveChecked(r.Context(), a, code, in, st.Paper)
	} else {
		_, err = o.dossiers.Act(r.Context(), a, code, action, in)
	}
	if err != nil {
		pe, ok := publicError(err)
		if !ok {
			return err
		}
		st.Message, st.Missing = errorText(p, pe), pe.Code == "components_missing"
		return o.showDossier(w, r, a, problem.Status(err), st)
	}
	if action == dossier.Receive {
		http.Redirect(w, r, dossierURL(code)+"/bien-nhan?da=receive", http.StatusSeeOther)
		return nil
	}
	http.Redirect(w, r, dossierURL(code)+"?da="+string(action), http.StatusSeeOther)
	return nil
}

// supplementItems reads the request dialog: a ticked box "item" per
// missing component with its reason "reason-<key>", and the "other" lines
// (other_name, other_reason in pairs; blank pairs skipped).
func supplementItems(r *http.Request) []dossier.SupplementItem {
	var out []dossier.SupplementItem
	for _, key := range r.PostForm["item"] {
		out = append(out, dossier.SupplementItem{Component: key, Reason: r.PostFormValue("reason-" + key)})
	}
	names, reasons := r.PostForm["other_name"], r.PostForm["other_reason"]
	for i, n := range names {
		reason := ""
		if i < len(reasons) {
			reason = reasons[i]
		}
		if strings.TrimSpace(n) != "" || strings.TrimSpace(reason) != "" {
			out = append(out, dossier.SupplementItem{Name: n, Reason: reason})
		}
	}
	return out
}

// consultInput reads a coordination request's or answer's own fields.
func consultInput(r *http.Request, in *dossier.ActInput) error {
	num := func(name string) (int64, error) {
		v := strings.TrimSpace(r.PostFormValue(name))
		if v == "" {
			return 0, nil
		}
		return strconv.ParseInt(v, 10, 64)
	}
	var err error
	if in.Agency, err = num("agency"); err != nil {
		return err
	}
	days, err := num("days")
	if err != nil {
		return err
	}
	in.Days = int(days)
	if in.Consultation, err = num("consultation"); err != nil {
		return err
	}
	for _, v := range r.PostForm["files"] {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return err
		}
		in.Files = append(in.Files, id)
	}
	in.AnsweredBy = r.PostFormValue("answered_by")
	if v := strings.TrimSpace(r.PostFormValue("answered_at")); v != "" {
		t, err := parseLocal(v)
		if err != nil {
			return err
		}
		in.AnsweredAt = &t
	}
	return nil
}

// parseLocal reads a datetime-local input as Vietnam time (UTC+7).
func parseLocal(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	t, err := time.ParseInLocation("2006-01-02T15:04", s, calendar.Zone)
	if err != nil {
		t, err = time.ParseInLocation("2006-01-02T15:04:05", s, calendar.Zone)
	}
	return t, err
}

// upload stores one scanned component (or, with component "result", the
// result document) from a multipart form, streaming the file part to the
// dossier service without buffering it. It always answers with a redirect
// to the dossier page, so site.js's progress upload lands there too.
func (o *Office) upload(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	code, component := r.PathValue("code"), r.PathValue("component")
	anchor := "#thanh-phan"
	if component == "result" {
		anchor = "#ket-qua"
	}
	fail := func(reason string) error {
		http.Redirect(w, r, dossierURL(code)+"?loi="+url.QueryEscape(reason)+anchor, http.StatusSeeOther)
		return nil
	}
	// Scope first: a dossier a may not see is not found, whatever the body.
	if _, err := o.dossiers.Get(r.Context(), a, code); err != nil {
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, 2*maxUpload)
	mr, err := r.MultipartReader()
	if err != nil {
		return fail("no_file")
	}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return fail("no_file")
		}
		if err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				return fail("file_too_large")
			}
			return fail("no_file")
		}
		if part.FormName() != "file" || part.FileName() == "" {
			part.Close()
			continue
		}
		_, err = o.dossiers.Upload(r.Context(), a, code, component, part.FileName(), part)
		part.Close()
		if err != nil {
			if errors.Is(err, problem.ErrNotFound) {
				return err // no such dossier, or not this officer's to see
			}
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				return fail("file_too_large")
			}
			if _, ok := publicError(err); ok || errors.Is(err, problem.ErrUnavailable) {
				return fail(problem.Public(err).Code)
			}
			return err
		}
		http.Redirect(w, r, dossierURL(code)+"?tai-len=ok"+anchor, http.StatusSeeOther)
		return nil
	}
}

// file streams an attachment for preview in the page (inline), through the
// dossier service with the officer's own rights.
func (o *Office) file(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return problem.NotFound("file_not_found")
	}
	f, fh, err := o.dossiers.Open(r.Context(), a, r.PathValue("code"), id)
	if err != nil {
		return err
	}
	defer fh.Close()
	h := w.Header()
	web.SecurityHeaders(h)
	h.Set("Content-Type", f.ContentType)
	h.Set("Content-Disposition", `inline; filename*=UTF-8''`+url.PathEscape(f.Name))
	h.Set("Cache-Control", "private, no-store")
	http.ServeContent(w, r, "", f.UploadedAt, fh)
	return nil
}

// archiveCopy streams the dossier's archive copy (hồ sơ nộp lưu), a ZIP;
// its headers go with its first byte, so a dossier this officer may not
// read is answered with the error page, not a download.
func (o *Office) archiveCopy(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	code := r.PathValue("code")
	return o.archive(r.Context(), a, code, web.OnFirstWrite(w, func(h http.Header) {
		web.SecurityHeaders(h)
		h.Set("Content-Type", "application/zip")
		h.Set("Content-Disposition", `attachment; filename*=UTF-8''`+url.PathEscape("ho-so-"+code+".zip"))
		h.Set("Cache-Control", "private, no-store")
	}))
}
