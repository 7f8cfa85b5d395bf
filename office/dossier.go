package office

import (
	"context"
	"net/http"
	"sort"
	"strings"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/catalog"
	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/web"
)

// maxUpload is what the upload inputs announce to site.js (the dossier
// service enforces its own limit, 20 MiB by default).
const maxUpload = 20 << 20

type dossierPage struct {
	web.Page
	D             *dossier.Dossier
	P             catalog.Procedure
	Due           row
	ReceivingUnit string
	// LandPanel: the dossier's procedure is one the land registry follows
	// (its panel: the parcel, the split's measurement).
	LandPanel    bool
	Form         []formValue
	Components   []componentView
	Results      []preview
	Pauses       []dossier.Pause
	Actions      []actionForm
	CanUpload    bool
	ResultUpload *uploadForm
	// SignURL is the approve-and-sign page, EResultURL the signed e-result (package esign).
	SignURL, EResultURL string
	Postal              *postalSection
	Population          *populationView
	Notice              string
	Error               string
	ErrorAt             string // the id of the form the error belongs to
}

type formValue struct{ Label, Value string }

type componentView struct {
	dossier.CheckItem
	Previews []preview
	Upload   *uploadForm
	Reuse    *reuseForm // a digitised paper instead of a scan (package sohoa)
}

// preview is a file with how the page shows it: PDFs in a frame, scans as images.
type preview struct {
	dossier.File
	URL          string
	SizeText     string
	PreviewLabel string
	PDF, Image   bool
	// Warnings say what a flagged file carries (a PDF with JavaScript, a
	// launch action, embedded files), in the reader's language.
	Warnings []string
	// Paper names its digitisation or result code (package sohoa); else
	// Digitise is where the desk's "digitise" form posts, if it may.
	Paper, Digitise, DigitiseLabel, CSRF string
}

// uploadForm is one multipart upload form (a component's scan or the result).
type uploadForm struct {
	Code, Key, CSRF                           string
	Label, MsgType, MsgSize, Progress, Submit string
	Max                                       int
}

func uploadFor(p web.Page, code, key, name string) *uploadForm {
	return &uploadForm{Code: code, Key: key, CSRF: p.CSRF, Max: maxUpload,
		Label: p.T("office.upload.label", name), MsgType: p.T("office.upload.error.file_type_not_allowed"),
		MsgSize: p.T("office.upload.error.file_too_large"), Progress: p.T("office.upload.progress"),
		Submit: p.T("office.upload.submit")}
}

// actionForm is the form of one action the officer may take now.
type actionForm struct {
	Action dossier.Action
	// Label is the message key naming the action in the dossier's state.
	Label      string
	NoteNeeded bool
	Note       string
	Assignees  []dossier.Candidate
	NewDue     bool
	// PauseKinds are the periods the procedure excludes, to choose one
	// from when pausing the clock.
	PauseKinds []option
	// Agencies (consult) are the partner agencies to ask; Open
	// (record-answer) the requests awaiting an answer.
	Agencies []dossier.PartnerAgency
	Open     []dossier.Consultation
	Consult  bool
	Answer   bool
	// NoteLabel names the note when it is not a reason (what is asked, the answer).
	NoteLabel string
	Receive   bool
	Danger    bool
	Error     string
	// Supplement lists, for a supplement request, the components the
	// officer may mark as missing (never one only shown), and Others the
	// blank "other" lines offered.
	Supplement []supplementChoice
	Others     []int
}

// supplementChoice is one component in the supplement request dialog.
type supplementChoice struct {
	Key, Name, Kind, Reason string
	Checked                 bool
}

// actionState is what a failed action posted, to show it again with the error.
type actionState struct {
	Action  dossier.Action
	Message string
	Missing bool // the completeness check failed: the message names the components
	Note    string
	Paper   []string
	Field   string // the input the message is about, when it is one input
	// Reasons are the components ticked in a failed supplement request,
	// with the reasons typed, to show them again.
	Reasons map[string]string
	// Lookup is a population database lookup just made (population.go).
	Lookup *lookupOutcome
}

func (o *Office) dossierPage(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	return o.showDossier(w, r, a, http.StatusOK, nil)
}

// showDossier renders the dossier page; st, when set, is a failed action
// to show again with its error (the dossier is reloaded, so a colleague's
// change is visible).
func (o *Office) showDossier(w http.ResponseWriter, r *http.Request, a *auth.Actor, status int, st *actionState) error {
	ctx := r.Context()
	d, err := o.dossiers.Read(ctx, a, r.PathValue("code"))
	if err != nil {
		return err
	}
	proc, err := o.dossiers.ProcedureFor(ctx, d)
	if err != nil {
		return err
	}
	p := dossierPage{Page: o.page(r, "office.dossier.title", d.Code), D: d, P: proc}
	p.LandPanel = o.landPanel != nil && o.landPanel(d.Procedure)
	p.Due = o.row(p.Page, d)
	p.ReceivingUnit = d.ReceivingUnit
	if u, err := o.units.ByCode(ctx, d.ReceivingUnit); err == nil {
		p.ReceivingUnit = u.Name
	}
	p.Form = formValues(proc, d.Form)
	var paper []string
	if st != nil {
		paper = st.Paper
	}
	open := d.Status == dossier.Submitted || d.Status == dossier.Returned || d.Status == dossier.SupplementRequested
	p.CanUpload = open && a.HoldsAt(d.ReceivingUnitID(), auth.Reception)
	items := dossier.Checklist(proc, d.Files, paper)
	for _, it := range items {
		cv := componentView{CheckItem: it}
		for _, f := range it.Files {
			cv.Previews = append(cv.Previews, previewOf(p.Page, d.Code, f))
		}
		if p.CanUpload {
			cv.Upload = uploadFor(p.Page, d.Code, it.Component.Key, it.Component.Name)
		}
		p.Components = append(p.Components, cv)
	}
	for _, f := range d.Files {
		if f.Kind == "result" {
			p.Results = append(p.Results, previewOf(p.Page, d.Code, f))
		}
	}
	if err := o.markDigitised(ctx, a, d, &p); err != nil {
		return err
	}
	if d.Status == dossier.Processing && a.HoldsAt(d.UnitID(), auth.Specialist, auth.Leader, auth.Clerk) {
		p.ResultUpload = uploadFor(p.Page, d.Code, "result", p.T("office.dossier.result_doc"))
	}
	if o.esign != nil {
		p.SignURL, p.EResultURL = o.esign.Links(ctx, a, d)
	}
	if p.Postal, err = o.postalSection(ctx, r, d, p.Page, st); err != nil {
		return err
	}
	if p.Pauses, err = o.dossiers.Pauses(ctx, a, d.Code); err != nil {
		return err
	}
	for _, act := range d.Actions {
		f := actionForm{Action: act, Label: "office.do." + act.In(d.Status), NoteNeeded: dossier.NoteRequired(d.Status, act), NewDue: act == dossier.Apologize,
			Receive: act == dossier.Receive, Danger: act == dossier.Refuse || act == dossier.Stop || act == dossier.Withdraw}
		switch act {
		case dossier.Receive, dossier.Forward, dossier.Approve, dossier.SendBack:
			if f.Assignees, err = o.dossiers.Assignees(ctx, d, act); err != nil {
				return err
			}
		case dossier.Consult:
			f.Consult, f.NoteLabel = true, p.T("office.consult.question")
			if f.Agencies, err = o.dossiers.PartnerAgencies(ctx, a, o.provinceOf(ctx, d), false); err != nil {
				return err
			}
		case dossier.RecordAnswer:
			f.Answer, f.NoteLabel = true, p.T("office.consult.answer")
			for _, c := range d.Consultations {
				if c.Open() {
					f.Open = append(f.Open, c)
				}
			}
		}
		if act == dossier.RequestSupplement {
			f.Others = []int{1, 2, 3}
			for _, c := range p.P.Components {
				if c.Kind == "show" {
					continue // shown for comparison, never missing
				}
				ch := supplementChoice{Key: c.Key, Name: c.Name, Kind: c.Kind}
				if st != nil && st.Action == act {
					ch.Reason = st.Reasons[c.Key]
					_, ch.Checked = st.Reasons[c.Key]
				}
				f.Supplement = append(f.Supplement, ch)
			}
		}
		if act == dossier.PauseClock {
			for _, x := range proc.Pauses {
				f.PauseKinds = append(f.PauseKinds, option{Value: x.Kind, Label: p.T(key("pause.", x.Kind)) + " — " + x.LegalBasis})
			}
		}
		if st != nil && st.Action == act {
			f.Note, f.Error = st.Note, st.Message
			if st.Missing {
				f.Error = p.T("office.error.components_missing", strings.Join(dossier.Missing(items), "; "))
			}
			p.Error, p.ErrorAt = f.Error, "form-"+string(act)
		}
		p.Actions = append(p.Actions, f)
	}
	if st != nil && p.Error == "" {
		// The action is no longer offered (a colleague moved the dossier on).
		p.Error = st.Message
	}
	p.Notice = notice(p.Page, r)
	var lo *lookupOutcome
	if st != nil {
		lo = st.Lookup
	}
	p.Population = o.populationBox(p.Page, a, d, lo)
	if d.ResultRefused && r.URL.Query().Get("da") == string(dossier.Refuse) {
		p.Notice = p.T("office.notice.done", p.T("office.do.refuse_result"))
	}
	if p.Error == "" {
		p.Error = uploadError(p.Page, r)
	}
	return o.render(w, status, "dossier", p)
}

// formValues lists the e-form answers with their labels, in the form's
// order; answers to fields a later version dropped follow by key.
func formValues(p catalog.Procedure, form map[string]string) []formValue {
	var out []formValue
	seen := map[string]bool{}
	for _, f := range p.Form {
		seen[f.Key] = true
		if v, ok := form[f.Key]; ok {
			out = append(out, formValue{Label: f.Label, Value: v})
		}
	}
	var rest []string
	for k := range form {
		if !seen[k] {
			rest = append(rest, k)
		}
	}
	sort.Strings(rest)
	for _, k := range rest {
		out = append(out, formValue{Label: k, Value: form[k]})
	}
	return out
}

func previewOf(p web.Page, code string, f dossier.File) preview {
	size := p.T("office.size.kb", (f.Size+1023)/1024)
	if f.Size >= 1<<20 {
		size = p.T("office.size.mb", float64(f.Size)/(1<<20))
	}
	v := preview{File: f, URL: fileURL(code, f.ID), SizeText: size, PreviewLabel: p.T("office.dossier.preview", f.Name),
		PDF: f.ContentType == "application/pdf", Image: strings.HasPrefix(f.ContentType, "image/")}
	for _, flag := range f.Flags {
		v.Warnings = append(v.Warnings, p.T(key("office.dossier.file_flag.", flag)))
	}
	if len(v.Warnings) > 0 {
		// No inline preview: the page would open it in the officer's
		// browser without being asked. The link still downloads it.
		v.PDF = false
	}
	return v
}

// notice is the short success message after a redirect (?da=, ?tai-len=,
// ?moi=) or the reason an upload failed (?loi=). Only known values are
// shown, so a crafted link cannot put text on the page.
// provinceOf is the code of the province at the top of d's unit's tree,
// whose registry of partner agencies d's steps may ask; "" (every
// province's) when it cannot be read.
func (o *Office) provinceOf(ctx context.Context, d *dossier.Dossier) string {
	code := d.Unit
	for range 8 {
		u, err := o.units.ByCode(ctx, code)
		if err != nil || u.ParentCode == "" {
			return code
		}
		code = u.ParentCode
	}
	return ""
}

func notice(p web.Page, r *http.Request) string {
	q := r.URL.Query()
	if act := dossier.Action(q.Get("da")); act != "" {
		for _, known := range dossier.Actions {
			if act == known {
				return p.T("office.notice.done", p.T(key("office.do.", string(act))))
			}
		}
	}
	switch {
	case q.Get("moi") == "1":
		return p.T("office.notice.created")
	case q.Get("tai-len") == "ok":
		return p.T("office.notice.uploaded")
	case q.Get("so-hoa") == "ok":
		return p.T("office.notice.digitised")
	case q.Get("dung-lai") == "ok":
		return p.T("office.notice.reused")
	}
	return ""
}

// uploadErrors are the upload failures the page explains in its own words.
var uploadErrors = []string{"file_type_not_allowed", "file_too_large", "empty_file", "upload_closed",
	"upload_not_permitted", "unknown_component", "no_file", "file_infected", "file_too_large_to_scan",
	"scanner_unavailable", "too_many_component_files", "dossier_files_too_large",
	"already_digitised", "digitise_not_permitted", "digitise_not_component", "paper_not_found"}

func uploadError(p web.Page, r *http.Request) string {
	code := r.URL.Query().Get("loi")
	if code == "" {
		return ""
	}
	for _, c := range uploadErrors {
		if c == code {
			return p.T(key("office.upload.error.", c))
		}
	}
	return p.T("office.upload.error.other")
}
