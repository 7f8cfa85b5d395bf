package api

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/document"
	"github.com/motcua/motcua/problem"
)

// Documents is the document service (*document.Service) as the API uses it.
type Documents interface {
	List(ctx context.Context, a *auth.Actor, f document.Filter) (*document.Page, error)
	Get(ctx context.Context, a *auth.Actor, id int64) (*document.Document, error)
	FileContent(ctx context.Context, a *auth.Actor, id, fileID int64) (*document.File, []byte, error)
	RegisterIncoming(ctx context.Context, a *auth.Actor, in document.Incoming) (*document.Document, error)
	CreateDraft(ctx context.Context, a *auth.Actor, in document.DraftInput) (*document.Document, error)
	AddVersion(ctx context.Context, a *auth.Actor, id int64, in document.VersionInput) (*document.Document, error)
	AddComment(ctx context.Context, a *auth.Actor, id int64, in document.CommentInput) (*document.Document, error)
	Assign(ctx context.Context, a *auth.Actor, id int64, in document.AssignInput) (*document.Document, error)
	AssignSpecialist(ctx context.Context, a *auth.Actor, id int64, in document.SpecialistInput) (*document.Document, error)
	Process(ctx context.Context, a *auth.Actor, id int64, in document.NoteInput) (*document.Document, error)
	Complete(ctx context.Context, a *auth.Actor, id int64, in document.NoteInput) (*document.Document, error)
	Submit(ctx context.Context, a *auth.Actor, id int64, in document.NoteInput) (*document.Document, error)
	Approve(ctx context.Context, a *auth.Actor, id int64, in document.NoteInput) (*document.Document, error)
	SendApprovalOTP(ctx context.Context, a *auth.Actor, id int64) error
	ApprovalSigning(ctx context.Context, a *auth.Actor, id int64) (*document.ApprovalSignature, error)
	Return(ctx context.Context, a *auth.Actor, id int64, in document.NoteInput) (*document.Document, error)
	Revoke(ctx context.Context, a *auth.Actor, id int64, in document.NoteInput) (*document.Document, error)
	AcceptRevocation(ctx context.Context, a *auth.Actor, id int64, in document.NoteInput) (*document.Document, error)
	RefuseRevocation(ctx context.Context, a *auth.Actor, id int64, in document.NoteInput) (*document.Document, error)
	Issue(ctx context.Context, a *auth.Actor, id int64, in document.IssueInput) (*document.Document, error)
	EdXML(ctx context.Context, a *auth.Actor, id int64) ([]byte, error)
}

// maxDocumentBody bounds a document request: a 20 MiB PDF in base64 and
// its metadata.
const maxDocumentBody = 28 << 20

// fileJSON is a file carried in a JSON body, its bytes in base64.
type fileJSON struct {
	Name        string `json:"name"`
	ContentType string `json:"content_type"`
	Content     []byte `json:"content"`
}

func (f *fileJSON) input() *document.FileInput {
	if f == nil {
		return nil
	}
	return &document.FileInput{Name: f.Name, ContentType: f.ContentType, Content: f.Content}
}

func (s *Server) listDocuments(w http.ResponseWriter, r *http.Request) error {
	a, err := requireActor(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	limit, cursor, err := pageParams(q)
	if err != nil {
		return err
	}
	if err := oneOf("mine", q.Get("mine"), "true", "false"); err != nil {
		return err
	}
	p, err := s.Documents.List(r.Context(), a, document.Filter{Direction: q.Get("direction"), State: document.State(q.Get("state")),
		Unit: q.Get("unit"), Mine: q.Get("mine") == "true", Limit: limit, Cursor: cursor})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, page("documents", p.Documents, p.Next))
}

// documentID reads the {id} of the path; anything but a number names no document.
func documentID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, problem.NotFound("document_not_found", int64(0))
	}
	return id, nil
}

// writeDocument answers a document with its version as the ETag.
func writeDocument(w http.ResponseWriter, code int, d *document.Document) error {
	w.Header().Set("ETag", strconv.Quote(strconv.FormatInt(d.Version, 10)))
	return writeJSON(w, code, d)
}

func (s *Server) getDocument(w http.ResponseWriter, r *http.Request) error {
	a, err := requireActor(r)
	if err != nil {
		return err
	}
	id, err := documentID(r)
	if err != nil {
		return err
	}
	d, err := s.Documents.Get(r.Context(), a, id)
	if err != nil {
		return err
	}
	out := documentJSON{Document: d}
	if d.State == document.StateApproving && slices.Contains(d.Actions, document.ActionApprove) {
		// Only the caller who may approve learns how it would be signed;
		// the signing service is asked only for their final approval.
		sg, err := s.Documents.ApprovalSigning(r.Context(), a, id)
		var pe *problem.Error
		if err != nil && !errors.As(err, &pe) {
			return err
		}
		if sg != nil {
			out.Approval = &approvalJSON{NeedsOTP: sg.OTP, Signer: sg.Signer}
			if sg.Refusal != nil {
				out.Approval.Refusal = sg.Refusal.Code
			}
		}
	}
	w.Header().Set("ETag", strconv.Quote(strconv.FormatInt(d.Version, 10)))
	return writeJSON(w, http.StatusOK, out)
}

// documentJSON is a document as GET /api/v1/documents/{id} answers it:
// with, for the caller whose approve would be its final approval, how
// that approval would be signed (approval).
type documentJSON struct {
	*document.Document
	Approval *approvalJSON `json:"approval,omitempty"`
}

// approvalJSON is document.ApprovalSignature for an API client: whether
// approving needs an OTP first (POST approval-otp), the certificate's
// name, and the code the approval would be refused with now.
type approvalJSON struct {
	NeedsOTP bool   `json:"needs_otp"`
	Signer   string `json:"signer,omitempty"`
	Refusal  string `json:"refusal,omitempty"`
}

func (s *Server) downloadDocumentFile(w http.ResponseWriter, r *http.Request) error {
	a, err := requireActor(r)
	if err != nil {
		return err
	}
	id, err := documentID(r)
	if err != nil {
		return err
	}
	fid, err := strconv.ParseInt(r.PathValue("file"), 10, 64)
	if err != nil {
		return problem.NotFound("document_file_not_found", int64(0))
	}
	f, content, err := s.Documents.FileContent(r.Context(), a, id, fid)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", f.ContentType)
	w.Header().Set("Content-Disposition", `inline; filename*=UTF-8''`+url.PathEscape(f.Name))
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Cache-Control", "private, no-store")
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(content))
	return nil
}

func (s *Server) registerIncomingDocument(w http.ResponseWriter, r *http.Request) error {
	a, err := requireActor(r)
	if err != nil {
		return err
	}
	var in struct {
		document.Incoming
		File *fileJSON `json:"file"`
	}
	if err := decodeLimit(r, &in, maxDocumentBody); err != nil {
		return err
	}
	in.Incoming.File = in.File.input()
	d, err := s.Documents.RegisterIncoming(r.Context(), a, in.Incoming)
	if err != nil {
		return err
	}
	return writeDocument(w, http.StatusCreated, d)
}

func (s *Server) createDocumentDraft(w http.ResponseWriter, r *http.Request) error {
	a, err := requireActor(r)
	if err != nil {
		return err
	}
	var in struct {
		document.DraftInput
		File *fileJSON `json:"file"`
	}
	if err := decodeLimit(r, &in, maxDocumentBody); err != nil {
		return err
	}
	in.DraftInput.File = in.File.input()
	d, err := s.Documents.CreateDraft(r.Context(), a, in.DraftInput)
	if err != nil {
		return err
	}
	return writeDocument(w, http.StatusCreated, d)
}

func (s *Server) addDocumentVersion(w http.ResponseWriter, r *http.Request) error {
	a, err := requireActor(r)
	if err != nil {
		return err
	}
	id, err := documentID(r)
	if err != nil {
		return err
	}
	var in struct {
		document.VersionInput
		File *fileJSON `json:"file"`
	}
	if err := decodeLimit(r, &in, maxDocumentBody); err != nil {
		return err
	}
	in.VersionInput.File = in.File.input()
	if err := ifMatch(r, &in.Version); err != nil {
		return err
	}
	d, err := s.Documents.AddVersion(r.Context(), a, id, in.VersionInput)
	if err != nil {
		return err
	}
	return writeDocument(w, http.StatusOK, d)
}

func (s *Server) commentOnDocument(w http.ResponseWriter, r *http.Request) error {
	a, err := requireActor(r)
	if err != nil {
		return err
	}
	id, err := documentID(r)
	if err != nil {
		return err
	}
	var in document.CommentInput
	if err := decode(r, &in); err != nil {
		return err
	}
	if err := ifMatch(r, &in.Version); err != nil {
		return err
	}
	d, err := s.Documents.AddComment(r.Context(), a, id, in)
	if err != nil {
		return err
	}
	return writeDocument(w, http.StatusOK, d)
}

// documentAct is the body of every action on a document; each action
// reads its own fields (docs/documents.md).
type documentAct struct {
	Version      int64                     `json:"version"`
	Note         string                    `json:"note"`
	Instruction  string                    `json:"instruction"`
	LeadUnit     string                    `json:"lead_unit"`
	Coordinators []string                  `json:"coordinating_units"`
	Deadline     string                    `json:"deadline"`
	Specialist   string                    `json:"specialist"`
	Recipients   []document.RecipientInput `json:"recipients"`
	// OTP: approve, by a leader who signs through the remote signing service.
	OTP string `json:"otp"`
}

func (s *Server) actOnDocument(w http.ResponseWriter, r *http.Request) error {
	a, err := requireActor(r)
	if err != nil {
		return err
	}
	id, err := documentID(r)
	if err != nil {
		return err
	}
	var in documentAct
	if r.ContentLength != 0 {
		if err := decode(r, &in); err != nil {
			return err
		}
	}
	if err := ifMatch(r, &in.Version); err != nil {
		return err
	}
	ctx, note := r.Context(), document.NoteInput{Version: in.Version, Note: in.Note}
	var d *document.Document
	switch action := r.PathValue("action"); action {
	case "assign":
		d, err = s.Documents.Assign(ctx, a, id, document.AssignInput{Version: in.Version, Instruction: in.Instruction, LeadUnit: in.LeadUnit,
			Coordinators: in.Coordinators, Deadline: in.Deadline})
	case "assign-specialist":
		d, err = s.Documents.AssignSpecialist(ctx, a, id, document.SpecialistInput{Version: in.Version, Specialist: in.Specialist, Note: in.Note})
	case "process":
		d, err = s.Documents.Process(ctx, a, id, note)
	case "complete":
		d, err = s.Documents.Complete(ctx, a, id, note)
	case "submit":
		d, err = s.Documents.Submit(ctx, a, id, note)
	case "approve":
		note.OTP = in.OTP
		d, err = s.Documents.Approve(ctx, a, id, note)
	case "return":
		d, err = s.Documents.Return(ctx, a, id, note)
	case "revoke":
		d, err = s.Documents.Revoke(ctx, a, id, note)
	case "accept-revocation":
		d, err = s.Documents.AcceptRevocation(ctx, a, id, note)
	case "refuse-revocation":
		d, err = s.Documents.RefuseRevocation(ctx, a, id, note)
	case "issue":
		d, err = s.Documents.Issue(ctx, a, id, document.IssueInput{Version: in.Version, Recipients: in.Recipients, Note: in.Note})
	default:
		return problem.NotFound("document_action_unknown", action)
	}
	if err != nil {
		return err
	}
	return writeDocument(w, http.StatusOK, d)
}

// sendDocumentApprovalOTP has the remote signing service send the leader
// about to approve a draft the OTP of their signature.
func (s *Server) sendDocumentApprovalOTP(w http.ResponseWriter, r *http.Request) error {
	a, err := requireActor(r)
	if err != nil {
		return err
	}
	id, err := documentID(r)
	if err != nil {
		return err
	}
	if err := s.Documents.SendApprovalOTP(r.Context(), a, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// ifMatch takes the version from If-Match when the client sends it there.
func ifMatch(r *http.Request, version *int64) error {
	m := strings.Trim(r.Header.Get("If-Match"), `"`)
	if m == "" {
		return nil
	}
	v, err := strconv.ParseInt(m, 10, 64)
	if err != nil {
		return problem.Invalid("If-Match", "invalid_if_match")
	}
	*version = v
	return nil
}
