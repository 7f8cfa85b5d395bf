package office

import (
	"context"
	"errors"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/document"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/web"
)

// docActions are the acts the document page has a form for: every action
// of document.Rules.
var docActions = []document.Action{document.ActionAssign, document.ActionAssignSpecialist, document.ActionProcess,
	document.ActionComplete, document.ActionAddVersion, document.ActionComment, document.ActionSubmit,
	document.ActionApprove, document.ActionReturn, document.ActionIssue, document.ActionRevoke,
	document.ActionAcceptRevocation, document.ActionRefuseRevocation}

type docPage struct {
	web.Page
	dayFmt
	D      *document.Document
	Notice string
	// Message is the error of the act just refused; St what was typed in
	// its form, shown again.
	Message   string
	St        docInput
	LeadUnits []option
	Coords    []option
	// Specialists are the lead unit's specialists, for the select naming
	// one (empty: a username field).
	Specialists []option
	// Remote is true when the reader approves by signing through the
	// remote signing service: the approve form asks for the OTP. Signer
	// is the name on their certificate there, RemoteError why it could
	// not be asked. SignRefusal is why their approval cannot be signed at
	// all (document_signer_untrusted, document_no_key), said in the
	// approve form before they try.
	Remote                           bool
	Signer, RemoteError, SignRefusal string
	MaxMB                            int
	names                            map[string]string
}

// UnitName is the name of the unit with code, or the code when unknown.
func (p docPage) UnitName(code string) string {
	if n, ok := p.names[code]; ok {
		return n
	}
	return code
}

// docInput is what an action form carries.
type docInput struct {
	Action                                   string
	Note, Instruction, LeadUnit, Deadline    string
	Specialist, Body, Recipients, Coordinate string
	Coordinators                             []string
	// OTPSent: the approve form's OTP was just sent.
	OTPSent bool
	// Compose is the add-version form's compose inputs as typed.
	Compose map[string]string
}

// ComposeFill is the add-version form's compose inputs: as typed when it
// was just refused, else the latest version's text to edit from (file
// mode when that version was uploaded).
func (p docPage) ComposeFill() map[string]string {
	if p.St.Action == string(document.ActionAddVersion) && p.St.Compose != nil {
		return p.St.Compose
	}
	if n := len(p.D.Versions); n > 0 {
		return composeFrom(p.D.Versions[n-1].Compose)
	}
	return composeFrom(nil)
}

// Can reports whether the reader may do action now (the form is shown).
func (p docPage) Can(action string) bool {
	return slices.Contains(p.D.Actions, document.Action(action))
}

// NoteActions are the acts whose form is a note alone, in the order shown.
func (docPage) NoteActions() []string {
	return []string{"process", "complete", "submit", "approve", "return", "revoke", "accept_revocation", "refuse_revocation"}
}

// Fill returns what was typed in action's form when it was just refused.
func (p docPage) Fill(action string) docInput {
	if p.St.Action == action {
		return p.St
	}
	return docInput{}
}

// IsDraft reports whether the document is outgoing (versions, comments,
// approvals, recipients shown).
func (p docPage) IsDraft() bool { return p.D.Direction == document.Out }

func (o *Office) documentPage(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	id, err := docID(r)
	if err != nil {
		return err
	}
	var st docInput
	msg := ""
	if da := r.URL.Query().Get("da"); da != "" && slices.Contains(append(docActions, document.ActionRegister, document.ActionDraft), document.Action(da)) {
		st.Action = "done:" + da
	}
	return o.showDocument(w, r, a, id, http.StatusOK, st, msg)
}

// showDocument renders document id for a, with the error msg of a refused
// act and what was typed in its form.
func (o *Office) showDocument(w http.ResponseWriter, r *http.Request, a *auth.Actor, id int64, code int, st docInput, msg string) error {
	ctx := r.Context()
	d, err := o.documents.Get(ctx, a, id)
	if err != nil {
		return err
	}
	title := d.Subject
	p := docPage{Page: o.page(r, "office.doc.page.title", d.ID), D: d, Message: msg, St: st, MaxMB: maxUpload >> 20}
	p.Title = p.T("office.doc.page.title", title)
	if done, ok := strings.CutPrefix(st.Action, "done:"); ok {
		p.Notice = p.T("office.doc.done", p.T(key("document.action.", done)))
		p.St = docInput{}
	}
	if st.OTPSent {
		p.Notice = p.T("office.doc.otp_sent")
	}
	if p.Can(string(document.ActionApprove)) && d.State == document.StateApproving {
		// Asks the signing service for the leader's certificate, once per
		// view: only on a draft the reader may give the final approval,
		// and only when they have no key of their own.
		sg, err := o.documents.ApprovalSigning(ctx, a, id)
		if _, ok := publicError(err); ok {
			sg = nil // another act moved the draft meanwhile: the form refuses
		} else if err != nil {
			return err
		}
		if sg != nil {
			p.Remote, p.Signer = sg.OTP, sg.Signer
			switch {
			case sg.Refusal != nil && sg.OTP:
				// The service did not answer: the form still asks for the
				// OTP, and says why the certificate is not shown.
				p.RemoteError = errorText(p.Page, sg.Refusal)
			case sg.Refusal != nil:
				p.SignRefusal = errorText(p.Page, sg.Refusal)
			}
		}
	}
	all, err := o.units.List(ctx)
	if err != nil {
		return err
	}
	p.names = map[string]string{}
	for _, u := range all {
		p.names[u.Code] = u.Name
	}
	if p.Can(string(document.ActionAssign)) {
		units, err := o.unitsUnder(ctx, d.Unit)
		if err != nil {
			return err
		}
		lead := p.St.LeadUnit
		if lead == "" && d.Assignment != nil {
			lead = d.Assignment.LeadUnit
		}
		for _, u := range units {
			p.LeadUnits = append(p.LeadUnits, option{Value: u.Code, Label: u.Name, Selected: u.Code == lead})
			p.Coords = append(p.Coords, option{Value: u.Code, Label: u.Name, Selected: slices.Contains(p.St.Coordinators, u.Code)})
		}
	}
	if p.Can(string(document.ActionAssignSpecialist)) && o.holders != nil && d.Assignment != nil {
		lead, err := o.units.ByCode(ctx, d.Assignment.LeadUnit)
		if err != nil {
			return err
		}
		people, err := o.holders(ctx, lead.ID, auth.Specialist)
		if err != nil {
			return err
		}
		for _, u := range people {
			p.Specialists = append(p.Specialists, option{Value: u.Username, Label: u.FullName + " (" + u.Username + ")", Selected: u.Username == p.St.Specialist})
		}
	}
	return o.render(w, code, "document", p)
}

// unitsUnder is the organ with code and every unit below it, the organ
// first: where a leader may send an incoming document.
func (o *Office) unitsUnder(ctx context.Context, code string) ([]optionUnit, error) {
	all, err := o.units.List(ctx)
	if err != nil {
		return nil, err
	}
	in := map[int64]bool{}
	var out []optionUnit
	for _, u := range all {
		if u.Code == code {
			in[u.ID] = true
			out = append(out, optionUnit{u.Code, u.Name})
		}
	}
	for added := true; added; {
		added = false
		for _, u := range all {
			if !in[u.ID] && u.ParentID != 0 && in[u.ParentID] && u.Active {
				in[u.ID], added = true, true
				out = append(out, optionUnit{u.Code, u.Name})
			}
		}
	}
	return out, nil
}

type optionUnit struct{ Code, Name string }

// docAct applies one act from the document page. The form carries the
// version the officer saw, so a colleague's act in between is refused
// with a clear message rather than lost; a refused act shows the page
// again with the error and what was typed.
func (o *Office) docAct(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	id, err := docID(r)
	if err != nil {
		return err
	}
	action := document.Action(r.PathValue("action"))
	if !slices.Contains(docActions, action) {
		return problem.NotFound("document_action_unknown", string(action))
	}
	// Scope first: a document a may not see is not found, whatever the body.
	if _, err := o.documents.Get(r.Context(), a, id); err != nil {
		return err
	}
	p := o.page(r, "office.doc.page.title", id)
	var file *document.FileInput
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/") {
		r.Body = http.MaxBytesReader(w, r.Body, maxUpload+1<<20)
		if err := r.ParseMultipartForm(1 << 20); err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				return o.showDocument(w, r, a, id, http.StatusRequestEntityTooLarge, docInput{Action: string(action)}, p.T("office.doc.err.too_large", maxUpload>>20))
			}
			return o.showDocument(w, r, a, id, http.StatusUnprocessableEntity, docInput{Action: string(action)}, p.T("office.doc.err.no_file"))
		}
		if file, err = formFile(r, "file"); err != nil {
			return err
		}
	} else {
		// A body that does not parse leaves the form empty: no version,
		// refused below like a stale page.
		_ = r.ParseForm()
	}
	f := r.PostForm
	st := docInput{Action: string(action), Note: f.Get("note"), Instruction: f.Get("instruction"), LeadUnit: f.Get("lead_unit"),
		Deadline: f.Get("deadline"), Specialist: f.Get("specialist"), Body: f.Get("body"), Recipients: f.Get("recipients"),
		Coordinators: f["coordinators"], Compose: composeValues(f)}
	v, err := strconv.ParseInt(f.Get("version"), 10, 64)
	if err != nil || v <= 0 {
		return o.showDocument(w, r, a, id, http.StatusConflict, st, p.T("office.err.version_conflict"))
	}
	ctx := r.Context()
	note := document.NoteInput{Version: v, Note: st.Note}
	if action == document.ActionApprove {
		note.OTP = f.Get("otp")
	}
	switch action {
	case document.ActionAssign:
		_, err = o.documents.Assign(ctx, a, id, document.AssignInput{Version: v, Instruction: st.Instruction, LeadUnit: st.LeadUnit,
			Coordinators: st.Coordinators, Deadline: strings.TrimSpace(st.Deadline)})
	case document.ActionAssignSpecialist:
		_, err = o.documents.AssignSpecialist(ctx, a, id, document.SpecialistInput{Version: v, Specialist: strings.TrimSpace(st.Specialist), Note: st.Note})
	case document.ActionProcess:
		_, err = o.documents.Process(ctx, a, id, note)
	case document.ActionComplete:
		_, err = o.documents.Complete(ctx, a, id, note)
	case document.ActionAddVersion:
		_, err = o.documents.AddVersion(ctx, a, id, document.VersionInput{Version: v, Note: st.Note, File: file, Compose: composeInput(st.Compose)})
	case document.ActionComment:
		_, err = o.documents.AddComment(ctx, a, id, document.CommentInput{Version: v, Body: st.Body})
	case document.ActionSubmit:
		_, err = o.documents.Submit(ctx, a, id, note)
	case document.ActionApprove:
		_, err = o.documents.Approve(ctx, a, id, note)
	case document.ActionReturn:
		_, err = o.documents.Return(ctx, a, id, note)
	case document.ActionRevoke:
		_, err = o.documents.Revoke(ctx, a, id, note)
	case document.ActionAcceptRevocation:
		_, err = o.documents.AcceptRevocation(ctx, a, id, note)
	case document.ActionRefuseRevocation:
		_, err = o.documents.RefuseRevocation(ctx, a, id, note)
	case document.ActionIssue:
		in := document.IssueInput{Version: v, Note: st.Note}
		if strings.TrimSpace(st.Recipients) != "" {
			in.Recipients = parseRecipients(st.Recipients)
		}
		_, err = o.documents.Issue(ctx, a, id, in)
	}
	if err != nil {
		pe, ok := publicError(err)
		if !ok {
			return err
		}
		return o.showDocument(w, r, a, id, problem.Status(err), st, errorText(p, pe))
	}
	http.Redirect(w, r, docURL(id)+"?da="+string(action)+"#ket-qua", http.StatusSeeOther)
	return nil
}

// docApprovalOTP has the remote signing service send the leader the OTP
// of their signature (the approve form's "Gửi mã OTP" button, which
// posts the form here), then shows the page again with what was typed.
func (o *Office) docApprovalOTP(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	id, err := docID(r)
	if err != nil {
		return err
	}
	if _, err := o.documents.Get(r.Context(), a, id); err != nil {
		return err
	}
	_ = r.ParseForm()
	st := docInput{Action: string(document.ActionApprove), Note: r.PostForm.Get("note")}
	if err := o.documents.SendApprovalOTP(r.Context(), a, id); err != nil {
		pe, ok := publicError(err)
		if !ok {
			return err
		}
		problem.SetRetryAfter(w.Header(), err)
		return o.showDocument(w, r, a, id, problem.Status(err), st, errorText(o.page(r, "office.doc.page.title", id), pe))
	}
	st.OTPSent = true
	return o.showDocument(w, r, a, id, http.StatusOK, st, "")
}

// formFile reads the uploaded file field name of a parsed multipart form,
// nil when none was chosen.
func formFile(r *http.Request, name string) (*document.FileInput, error) {
	fh, hdr, err := r.FormFile(name)
	if errors.Is(err, http.ErrMissingFile) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	b, err := io.ReadAll(fh)
	if err != nil {
		return nil, err
	}
	if hdr.Filename == "" && len(b) == 0 {
		return nil, nil
	}
	return &document.FileInput{Name: hdr.Filename, ContentType: hdr.Header.Get("Content-Type"), Content: b}, nil
}

// parseRecipients reads a distribution list typed one addressee a line:
// an internal unit's code, or an agency's electronic code, a "|" and its
// name ("000.00.00.H45 | UBND tỉnh Ninh Bình"), or a name alone.
func parseRecipients(s string) []document.RecipientInput {
	var out []document.RecipientInput
	for line := range strings.SplitSeq(s, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		if id, name, ok := strings.Cut(line, "|"); ok {
			out = append(out, document.RecipientInput{OrganID: strings.TrimSpace(id), Name: strings.TrimSpace(name)})
		} else if !strings.ContainsAny(line, " ") {
			out = append(out, document.RecipientInput{Unit: line})
		} else {
			out = append(out, document.RecipientInput{Name: line})
		}
	}
	return out
}
