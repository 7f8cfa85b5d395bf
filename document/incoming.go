package document

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/event"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/sign"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/unit"
)

// FileInput is a file given with an act.
type FileInput struct {
	Name        string
	ContentType string
	Content     []byte
}

// Incoming is what the clerk enters for an arriving document.
type Incoming struct {
	// Unit is the code of the receiving organ, whose incoming register
	// numbers it.
	Unit string `json:"unit"`
	// Medium is Paper (File, if any, is its scan) or Electronic (File is
	// the signed original, a PDF whose signatures are verified now).
	Medium       string `json:"medium"`
	Sender       Organ  `json:"sender"`
	CodeNumber   string `json:"code_number"`
	CodeNotation string `json:"code_notation"`
	IssuedDate   string `json:"issued_date"`
	Type         string `json:"type"`
	Subject      string `json:"subject"`
	Priority     int    `json:"priority"`
	Secrecy      int    `json:"secrecy"`
	PageAmount   int    `json:"page_amount"`
	DueDate      string `json:"due_date"`
	Signer       Signer `json:"signer"`
	Description  string `json:"description"`
	// AllowDuplicate registers the document although one with the same
	// number, symbol and issuer is already registered this year (the
	// clerk saw the warning, document_duplicate, and confirms).
	AllowDuplicate bool       `json:"allow_duplicate"`
	File           *FileInput `json:"-"`
}

// RegisterIncoming enters an incoming document in the unit's incoming
// register with the next arrival number of the year (Vietnam's calendar),
// checks an electronic document's signatures, and appends the first trail
// entry; document.register at the unit. A document with the same number,
// symbol and issuer already registered this year is refused with
// document_duplicate (a warning: AllowDuplicate registers it anyway and
// records which one it repeats).
func (s *Service) RegisterIncoming(ctx context.Context, a *auth.Actor, in Incoming) (*Document, error) {
	u, err := s.entitled(ctx, a, auth.RegisterDocument, in.Unit, "document_register")
	if err != nil {
		return nil, err
	}
	if err := checkMetadata(&in); err != nil {
		return nil, err
	}
	if err := s.checkFile(in.File, in.Medium == Electronic); err != nil {
		return nil, err
	}
	status, details := s.verify(in.Medium, in.File)
	now := s.cfg.Now()
	var out *Document
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		reg, err := register(ctx, tx, u.ID, RegisterIncoming, now)
		if err != nil {
			return err
		}
		year := Year(now)
		dup, dupNumber, err := duplicate(ctx, tx, u.ID, year, in)
		if err != nil {
			return err
		}
		if dup != 0 && !in.AllowDuplicate {
			return problem.Conflict("document_duplicate", dupNumber)
		}
		n, err := nextNumber(ctx, tx, reg.id, year)
		if err != nil {
			return err
		}
		var dupOf any
		if dup != 0 {
			dupOf = dup
		}
		var id int64
		err = tx.QueryRowContext(ctx, `INSERT INTO documents (unit_id, direction, register_id, state, arrival_year, arrival_number, arrival_at,
			medium, sender_organ_id, sender_name, code_number, code_notation, issued_date, type_code, subject, priority, secrecy,
			page_amount, due_date, signer_position, signer_name, description, signature_status, signature_details, duplicate_of,
			search, created_by, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			u.ID, In, reg.id, StateRegistered, year, n, now.UnixMilli(),
			in.Medium, in.Sender.OrganID, in.Sender.Name, in.CodeNumber, in.CodeNotation, in.IssuedDate, in.Type, in.Subject, in.Priority, in.Secrecy,
			in.PageAmount, in.DueDate, in.Signer.Position, in.Signer.FullName, in.Description, status, details, dupOf,
			searchText(in.Subject, in.CodeNumber, in.CodeNotation, in.Sender.Name), actorID(a), now.UnixMilli(), now.UnixMilli()).Scan(&id)
		if err != nil {
			return err
		}
		if in.File != nil {
			kind := FileScan
			if in.Medium == Electronic {
				kind = FileOriginal
			}
			if _, err := s.addFile(ctx, tx, a, id, kind, in.File); err != nil {
				return err
			}
		}
		d, err := s.load(ctx, tx, id)
		if err != nil {
			return err
		}
		act, err := s.trace(ctx, tx, a, d, ActionRegister, RoleClerk, "", "")
		if err != nil {
			return err
		}
		if err := s.fill(ctx, tx, a, []*row{d}); err != nil {
			return err
		}
		act.Document = d.Document
		out = &d.Document
		return event.Publish(ctx, s.cfg.Bus, tx, Registered{act})
	})
	return out, err
}

// entitled resolves the unit with code and checks that a holds r there,
// before any input is judged: who may not act at the unit learns nothing
// from a message about their input. reason is the forbidden sentence.
func (s *Service) entitled(ctx context.Context, a *auth.Actor, r auth.Right, code, reason string) (unit.Unit, error) {
	u, err := s.units.ByCode(ctx, code)
	if err != nil {
		return unit.Unit{}, err
	}
	chain, err := s.units.Chain(ctx, s.db, u.ID)
	if err != nil {
		return unit.Unit{}, err
	}
	if !a.Can(r, chain) {
		return unit.Unit{}, problem.Forbidden(reason, u.Code)
	}
	return u, nil
}

// checkMetadata validates and tidies the metadata shared by both directions.
func checkMetadata(in *Incoming) error {
	in.Subject = strings.TrimSpace(in.Subject)
	in.Sender.Name = strings.TrimSpace(in.Sender.Name)
	in.Sender.OrganID = strings.TrimSpace(in.Sender.OrganID)
	in.CodeNumber, in.CodeNotation = strings.TrimSpace(in.CodeNumber), strings.TrimSpace(in.CodeNotation)
	if in.Medium != Paper && in.Medium != Electronic {
		return problem.Invalid("medium", "document_medium")
	}
	if _, ok := TypeOf(in.Type); !ok {
		return problem.Invalid("type", "document_type", in.Type)
	}
	if in.Subject == "" {
		return problem.Invalid("subject", "document_subject_required")
	}
	if in.Sender.Name == "" {
		return problem.Invalid("sender.name", "document_sender_required")
	}
	for _, f := range []struct {
		field, v string
		max      int
	}{
		{"subject", in.Subject, 500}, {"sender.name", in.Sender.Name, 200}, {"sender.organ_id", in.Sender.OrganID, 13},
		{"code_number", in.CodeNumber, 11}, {"code_notation", in.CodeNotation, 30}, {"description", in.Description, 500},
		{"signer.position", in.Signer.Position, 100}, {"signer.full_name", in.Signer.FullName, 50},
	} {
		if utf8.RuneCountInString(f.v) > f.max {
			return problem.Invalid(f.field, "document_text_too_long", f.max)
		}
	}
	for _, f := range []struct{ field, v string }{{"issued_date", in.IssuedDate}, {"due_date", in.DueDate}} {
		if err := checkDate(f.field, f.v); err != nil {
			return err
		}
	}
	if in.Priority < 0 || in.Priority > 3 {
		return problem.Invalid("priority", "document_priority")
	}
	if in.Secrecy < 0 || in.Secrecy > 3 {
		return problem.Invalid("secrecy", "document_secrecy")
	}
	if in.PageAmount < 0 || in.PageAmount > 999 {
		return problem.Invalid("page_amount", "document_page_amount")
	}
	return nil
}

// checkDate accepts "" or a YYYY-MM-DD date.
func checkDate(field, v string) error {
	if v == "" {
		return nil
	}
	if _, err := time.Parse(time.DateOnly, v); err != nil {
		return problem.Invalid(field, "invalid_date", v)
	}
	return nil
}

// checkFile bounds a file; an electronic original must be a PDF.
func (s *Service) checkFile(f *FileInput, pdf bool) error {
	if f == nil {
		if pdf {
			return problem.Invalid("file", "document_file_required")
		}
		return nil
	}
	if len(f.Content) == 0 {
		return problem.Invalid("file", "empty_file")
	}
	if int64(len(f.Content)) > s.cfg.MaxFileBytes {
		return problem.New(problem.ErrTooLarge, "document_file_too_large", s.cfg.MaxFileBytes>>20)
	}
	if pdf && !bytes.HasPrefix(f.Content, []byte("%PDF-")) {
		return problem.Invalid("file", "document_not_pdf")
	}
	// The file is served back inline on the officers' origin with this
	// type, so it comes from the bytes, never from the client's word: a
	// "scan" of HTML or script would run there.
	f.ContentType = http.DetectContentType(f.Content)
	if i := strings.IndexByte(f.ContentType, ';'); i >= 0 {
		f.ContentType = f.ContentType[:i]
	}
	switch f.ContentType {
	case "application/pdf", "image/jpeg", "image/png": // a PDF, or a scan as an image
	default:
		return problem.Invalid("file", "document_file_type")
	}
	if f.Name == "" {
		f.Name = "van-ban.pdf"
	}
	return nil
}

// verify checks an electronic document's signatures on arrival (Art. 21:
// authenticity and integrity) against the trust list, and returns the
// status and sign.Verify's findings as JSON.
func (s *Service) verify(medium string, f *FileInput) (string, string) {
	if medium == Paper || f == nil {
		return SignaturePaper, ""
	}
	sigs, err := sign.Verify(f.Content, s.cfg.Trust)
	if err != nil {
		return SignatureInvalid, ""
	}
	if len(sigs) == 0 {
		return SignatureUnsigned, ""
	}
	details, _ := json.Marshal(sigs)
	if sign.AllValid(sigs) {
		return SignatureValid, string(details)
	}
	return SignatureInvalid, string(details)
}

// duplicate finds an incoming document of the unit registered in year
// with the same number, symbol and issuer (its OrganId when both have
// one, else its name); Appendix VI asks for the warning.
func duplicate(ctx context.Context, tx *store.Tx, unitID int64, year int, in Incoming) (int64, int64, error) {
	if in.CodeNumber == "" && in.CodeNotation == "" {
		return 0, 0, nil
	}
	var id, n int64
	err := tx.QueryRowContext(ctx, `SELECT id, arrival_number FROM documents WHERE unit_id = ? AND direction = ? AND arrival_year = ?
		AND code_number = ? AND code_notation = ?
		AND (sender_organ_id <> '' AND sender_organ_id = ? OR lower(sender_name) = lower(?))
		ORDER BY id LIMIT 1`, unitID, In, year, in.CodeNumber, in.CodeNotation, in.Sender.OrganID, in.Sender.Name).Scan(&id, &n)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, 0, nil
	}
	return id, n, err
}

// addFile stores a file of document id.
func (s *Service) addFile(ctx context.Context, tx *store.Tx, a *auth.Actor, id int64, kind string, f *FileInput) (int64, error) {
	sum := sha256.Sum256(f.Content)
	var fid int64
	err := tx.QueryRowContext(ctx, `INSERT INTO document_files (document_id, kind, name, content_type, size, sha256, content, by_id, at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, id, kind, f.Name, f.ContentType, len(f.Content), hex.EncodeToString(sum[:]),
		f.Content, actorID(a), s.cfg.Now().UnixMilli()).Scan(&fid)
	return fid, err
}

// actorID is a's account id for a foreign key, nil for none.
func actorID(a *auth.Actor) any {
	if a == nil || a.ID == 0 {
		return nil
	}
	return a.ID
}

func searchText(parts ...string) string { return strings.ToLower(strings.Join(parts, " ")) }
