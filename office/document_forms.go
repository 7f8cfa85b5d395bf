package office

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/document"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/web"
)

// The forms that make a document: the clerk's registration of an incoming
// document (paper with its scan, or electronic with its signed PDF) and a
// new outgoing draft. Both are multipart forms (the file), CSRF in the
// query string as the uploads elsewhere; a refused form comes back with
// everything typed (a file must be chosen again: browsers never refill one).

type docForm struct {
	web.Page
	Units, Types, Priorities, Secrecies []option
	V                                   map[string]string
	Message, Field                      string
	// Duplicate is the earlier arrival number when the clerk is warned of
	// a duplicate: the form then offers the confirmation box.
	Duplicate string
	MaxMB     int
}

// incomingFields and draftFields are the forms' text inputs, kept as typed.
var (
	incomingFields = []string{"unit", "medium", "sender_name", "sender_organ_id", "code_number", "code_notation", "issued_date", "type",
		"subject", "priority", "secrecy", "page_amount", "due_date", "signer_position", "signer_name", "description"}
	draftFields = append([]string{"unit", "drafting_unit", "type", "subject", "priority", "secrecy", "page_amount", "due_date", "field",
		"description", "recipients", "note"}, composeFields...)
)

func (o *Office) docForm(r *http.Request, a *auth.Actor, title string, right auth.Right, v map[string]string) (docForm, error) {
	p := docForm{Page: o.page(r, title), V: v, MaxMB: maxUpload >> 20}
	units, err := o.docUnits(r.Context(), a, right)
	if err != nil {
		return p, err
	}
	for _, u := range units {
		p.Units = append(p.Units, option{Value: u.Code, Label: u.Name, Selected: u.Code == v["unit"]})
	}
	for _, t := range document.Types {
		p.Types = append(p.Types, option{Value: t.Code, Label: t.Name, Selected: t.Code == v["type"]})
	}
	for i := range 4 {
		n := strconv.Itoa(i)
		p.Priorities = append(p.Priorities, option{Value: n, Label: p.T(key("office.doc.priority.", n)), Selected: n == v["priority"]})
		p.Secrecies = append(p.Secrecies, option{Value: n, Label: p.T(key("office.doc.secrecy.", n)), Selected: n == v["secrecy"]})
	}
	return p, nil
}

// entitledForm checks, before a form is shown, that a holds right at the
// unit ?don-vi names (or, without it, somewhere): 403 otherwise.
func (o *Office) entitledForm(w http.ResponseWriter, r *http.Request, a *auth.Actor, right auth.Right) (string, bool, error) {
	units, err := o.docUnits(r.Context(), a, right)
	if err != nil {
		return "", false, err
	}
	want := r.URL.Query().Get("don-vi")
	for _, u := range units {
		if want == "" || u.Code == want {
			return u.Code, true, nil
		}
	}
	return "", false, o.deny(w, r, "office.doc.denied")
}

func (o *Office) incomingForm(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	unit, ok, err := o.entitledForm(w, r, a, auth.RegisterDocument)
	if !ok {
		return err
	}
	p, err := o.docForm(r, a, "office.doc.register.title", auth.RegisterDocument, map[string]string{"unit": unit, "medium": document.Paper, "type": "CV", "priority": "0", "secrecy": "0"})
	if err != nil {
		return err
	}
	return o.render(w, http.StatusOK, "document_incoming", p)
}

// parseDocForm reads a multipart (or, without a file, urlencoded) form:
// the text fields named and the file. msg is set when the body could not
// be read (too large).
func parseDocForm(w http.ResponseWriter, r *http.Request, fields []string) (map[string]string, *document.FileInput, string, error) {
	v := map[string]string{}
	var file *document.FileInput
	tooBig := ""
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/") {
		r.Body = http.MaxBytesReader(w, r.Body, maxUpload+1<<20)
		if err := r.ParseMultipartForm(1 << 20); err != nil {
			var mb *http.MaxBytesError
			if !errors.As(err, &mb) {
				return nil, nil, "", problem.Invalid("file", "document_file_required")
			}
			tooBig = "too_large"
		} else {
			f, err := formFile(r, "file")
			if err != nil {
				return nil, nil, "", err
			}
			file = f
		}
	} else {
		_ = r.ParseForm() // an unreadable body is an empty form, refused below
	}
	for _, k := range fields {
		v[k] = r.PostFormValue(k)
	}
	if r.PostFormValue("allow_duplicate") == "1" {
		v["allow_duplicate"] = "1"
	}
	return v, file, tooBig, nil
}

func atoi(s string) int {
	n, _ := strconv.Atoi(strings.TrimSpace(s))
	return n
}

func (o *Office) registerIncoming(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	v, file, tooBig, err := parseDocForm(w, r, incomingFields)
	if err != nil {
		return err
	}
	in := document.Incoming{Unit: v["unit"], Medium: v["medium"], Sender: document.Organ{OrganID: strings.TrimSpace(v["sender_organ_id"]), Name: strings.TrimSpace(v["sender_name"])},
		CodeNumber: strings.TrimSpace(v["code_number"]), CodeNotation: strings.TrimSpace(v["code_notation"]), IssuedDate: strings.TrimSpace(v["issued_date"]),
		Type: v["type"], Subject: strings.TrimSpace(v["subject"]), Priority: atoi(v["priority"]), Secrecy: atoi(v["secrecy"]), PageAmount: atoi(v["page_amount"]),
		DueDate: strings.TrimSpace(v["due_date"]), Signer: document.Signer{Position: strings.TrimSpace(v["signer_position"]), FullName: strings.TrimSpace(v["signer_name"])},
		Description: strings.TrimSpace(v["description"]), AllowDuplicate: v["allow_duplicate"] == "1", File: file}
	var d *document.Document
	if tooBig == "" {
		d, err = o.documents.RegisterIncoming(r.Context(), a, in)
	}
	if tooBig != "" || err != nil {
		p, ferr := o.docForm(r, a, "office.doc.register.title", auth.RegisterDocument, v)
		if ferr != nil {
			return ferr
		}
		code := http.StatusRequestEntityTooLarge
		if tooBig != "" {
			p.Message, p.Field = p.T("office.doc.err.too_large", maxUpload>>20), "file"
		} else {
			pe, ok := publicError(err)
			if !ok {
				return err
			}
			code, p.Message, p.Field = problem.Status(err), errorText(p.Page, pe), pe.Field
			if pe.Code == "document_duplicate" {
				p.Duplicate = p.Message
				if len(pe.Params) > 0 {
					p.Duplicate = p.T("office.doc.register.duplicate", pe.Params[0])
				}
			}
		}
		return o.render(w, code, "document_incoming", p)
	}
	http.Redirect(w, r, docURL(d.ID)+"?da=register", http.StatusSeeOther)
	return nil
}

func (o *Office) draftForm(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	unit, ok, err := o.entitledForm(w, r, a, auth.DraftDocument)
	if !ok {
		return err
	}
	p, err := o.docForm(r, a, "office.doc.draft.title", auth.DraftDocument, map[string]string{"unit": unit, "type": "CV", "priority": "0", "secrecy": "0", "compose_mode": draftMode(r)})
	if err != nil {
		return err
	}
	return o.render(w, http.StatusOK, "document_draft", p)
}

// draftMode is the new-draft form's mode: composing with ?soan=1 (the
// link "Soạn văn bản"), else uploading a PDF as before.
func draftMode(r *http.Request) string {
	if r.URL.Query().Get("soan") == "1" {
		return modeCompose
	}
	return modeFile
}

func (o *Office) createDraft(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	v, file, tooBig, err := parseDocForm(w, r, draftFields)
	if err != nil {
		return err
	}
	in := document.DraftInput{Unit: v["unit"], DraftingUnit: v["drafting_unit"], Type: v["type"], Subject: strings.TrimSpace(v["subject"]),
		Priority: atoi(v["priority"]), Secrecy: atoi(v["secrecy"]), PageAmount: atoi(v["page_amount"]), DueDate: strings.TrimSpace(v["due_date"]),
		Field: strings.TrimSpace(v["field"]), Description: strings.TrimSpace(v["description"]), Recipients: parseRecipients(v["recipients"]),
		Note: strings.TrimSpace(v["note"]), File: file, Compose: composeInput(v)}
	var d *document.Document
	if tooBig == "" {
		d, err = o.documents.CreateDraft(r.Context(), a, in)
	}
	if tooBig != "" || err != nil {
		p, ferr := o.docForm(r, a, "office.doc.draft.title", auth.DraftDocument, v)
		if ferr != nil {
			return ferr
		}
		code := http.StatusRequestEntityTooLarge
		if tooBig != "" {
			p.Message, p.Field = p.T("office.doc.err.too_large", maxUpload>>20), "file"
		} else {
			pe, ok := publicError(err)
			if !ok {
				return err
			}
			code, p.Message, p.Field = problem.Status(err), errorText(p.Page, pe), pe.Field
		}
		return o.render(w, code, "document_draft", p)
	}
	http.Redirect(w, r, docURL(d.ID)+"?da=draft", http.StatusSeeOther)
	return nil
}
