package dossier

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/mail"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/calendar"
	"github.com/motcua/motcua/catalog"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/unit"
	"github.com/motcua/motcua/vntext"
)

// SubmitInput is a new dossier.
type SubmitInput struct {
	Procedure string         `json:"procedure"`
	Unit      string         `json:"unit"`
	Applicant Applicant      `json:"applicant"`
	Form      map[string]any `json:"form"`
	Delivery  string         `json:"delivery"`
	// Channel is "online" for citizens; an officer enters "counter" or "post"
	// dossiers, or "online" when helping a citizen file (on behalf).
	Channel        string `json:"channel,omitempty"`
	IdempotencyKey string `json:"-"`
	// CompetentUnit, when another commune of the province than Unit, asks
	// Unit's desk to receive the dossier for it and transfer it there (phi
	// địa giới, see transfer.go); ReturnAt is where the applicant will
	// collect the result: "receiving" (default) or "competent".
	CompetentUnit string `json:"competent_unit,omitempty"`
	ReturnAt      string `json:"return_at,omitempty"`
}

var (
	idNumberRE = regexp.MustCompile(`^(\d{12}|\d{9})$`)
	phoneRE    = regexp.MustCompile(`^(0|\+84)\d{9,10}$`)
)

// Submit creates a dossier. A retry with the same idempotency key by the
// same actor returns the first dossier and replayed=true.
func (s *Service) Submit(ctx context.Context, a *auth.Actor, in SubmitInput) (*Dossier, bool, error) {
	return s.submit(ctx, a, in, nil)
}

// submit is Submit, or with portal set SubmitFromPortal: the system files
// a dossier filed on the national portal, with its files.
func (s *Service) submit(ctx context.Context, a *auth.Actor, in SubmitInput, portal *portalFiling) (*Dossier, bool, error) {
	if a == nil {
		return nil, false, problem.New(problem.ErrUnauthorized, "unauthorized.submit")
	}
	if len(in.IdempotencyKey) > maxIdempotencyKey {
		return nil, false, problem.Invalid("Idempotency-Key", "invalid_idempotency_key")
	}
	reqHash := requestHash(in)
	if in.IdempotencyKey != "" {
		if d, err := s.byIdempotencyKey(ctx, a, in.IdempotencyKey, reqHash); err == nil {
			return d, true, nil
		} else if !errors.Is(err, problem.ErrNotFound) {
			return nil, false, err
		}
	}
	p, err := s.catalog.Get(ctx, in.Procedure)
	if err != nil {
		return nil, false, err
	}
	u, err := s.units.ByCode(ctx, in.Unit)
	if err != nil {
		return nil, false, problem.Invalid("unit", "unit_not_found.receiving", in.Unit)
	}
	if !u.Active {
		return nil, false, problem.Invalid("unit", "unit_inactive", u.Name, u.MergedInto)
	}
	// Since July 2025 a commune receives through its public administrative
	// service centre: a dossier filed with the commune is the centre's to
	// receive (unit.Store.Desk; a unit without a centre is its own desk).
	if desk, err := s.units.Desk(ctx, s.db, u.ID); err != nil {
		return nil, false, err
	} else if desk != u.ID {
		if u, err = unit.Get(ctx, s.db, desk); err != nil {
			return nil, false, err
		}
	}
	competent, returnCompetent, err := s.competentFor(ctx, p, u, in.CompetentUnit, in.ReturnAt)
	if err != nil {
		return nil, false, err
	}
	if competent.ID == 0 && !contains(p.Levels, u.Level) {
		return nil, false, problem.Invalid("unit", "procedure_not_at_unit", u.Name)
	}
	var competentID any
	if competent.ID != 0 {
		competentID = competent.ID
	}
	var returnFlag int
	if returnCompetent {
		returnFlag = 1
	}
	if portal != nil {
		in.Channel = ChannelNationalPortal
	} else if a.IsCitizen() {
		if in.Channel != "" && in.Channel != "online" {
			return nil, false, problem.Invalid("channel", "invalid_channel.citizen")
		}
		in.Channel = "online"
		if p.Online == "none" {
			return nil, false, problem.Invalid("procedure", "not_online")
		}
	} else if a.Client != nil {
		// A system account (docs/api-clients.md) files online, on an
		// applicant's behalf, where it holds dossier.file.
		if !a.Can(auth.FileDossier, []int64{u.ID}) {
			return nil, false, problem.Forbidden("counter_filing", u.Name)
		}
		if in.Channel != "" && in.Channel != "online" {
			return nil, false, problem.Invalid("channel", "invalid_channel")
		}
		in.Channel = "online"
	} else if a.Has(auth.Community, u.ID) && !a.Has(auth.Reception, u.ID) {
		// A community digital team member files online, on the citizen's behalf.
		if in.Channel != "" && in.Channel != "online" {
			return nil, false, problem.Invalid("channel", "invalid_channel.community")
		}
		in.Channel = "online"
	} else if !a.Has(auth.Reception, u.ID) {
		return nil, false, problem.Forbidden("counter_filing", u.Name)
	} else if in.Channel == "" {
		in.Channel = "counter"
	}
	if in.Channel != "online" && in.Channel != "counter" && in.Channel != "post" && portal == nil {
		return nil, false, problem.Invalid("channel", "invalid_channel")
	}
	app, err := checkApplicant(in.Applicant, in.Delivery)
	if err != nil {
		return nil, false, err
	}
	form, err := checkForm(p, in.Form)
	var formNote string
	if err != nil && portal != nil && errors.Is(err, problem.ErrInvalid) {
		// The portal checked the form against its own e-form; a value
		// motcua's would refuse must not keep the citizen's dossier out
		// of the reception queue, where the officer judges completeness.
		form, formNote = portalForm(p, in.Form), portalFormNote(p, in.Form)
	} else if err != nil {
		return nil, false, err
	}
	formJSON, _ := json.Marshal(form)
	now := s.cfg.Now()
	known := map[int64]unit.Label{u.ID: {Code: u.Code, Name: u.Name}}
	if competent.ID != 0 {
		known[competent.ID] = unit.Label{Code: competent.Code, Name: competent.Name}
	}
	// On PostgreSQL the number is taken before the transaction, in a
	// statement that commits by itself (nextCode).
	var code string
	if s.db.Dialect == store.Postgres {
		if code, err = nextCode(ctx, s.db.WriteRowAsyncCommitContext, u.Code, now); err != nil {
			return nil, false, err
		}
	}
	var d, published *Dossier
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		if s.db.Dialect != store.Postgres {
			var err error
			if code, err = nextCode(ctx, func(ctx context.Context, q string, args []any, dest ...any) error {
				return tx.QueryRowContext(ctx, q, args...).Scan(dest...)
			}, u.Code, now); err != nil {
				return err
			}
		}
		var owner, createdBy any
		if a.IsCitizen() {
			owner = a.ID
		}
		if a.ID != 0 {
			createdBy = a.ID // the system (a portal filing) is no user
		}
		reason, onBehalf := onBehalfReason(a, app), 0
		if portal != nil {
			reason = "" // the citizen filed it on the portal, signed in there
		}
		if reason != "" {
			onBehalf = 1
		}
		token, err := newTrackToken()
		if err != nil {
			return err
		}
		search := vntext.Fold(strings.Join([]string{code, app.Name, app.IDNumber, app.Phone}, " "))
		// RETURNING gives the row as stored, defaults included: the
		// listeners' dossier and the answer, not read again.
		d, err = scanDossier(tx.QueryRowContext(ctx, `INSERT INTO dossiers (code, procedure_code, procedure_version, receiving_unit_id, unit_id,
			channel, status, owner_id, created_by, on_behalf, on_behalf_reason, track_token, applicant_name, applicant_id_number, applicant_phone,
			applicant_email, applicant_address, applicant_birth_date, search, form, delivery, submitted_at, updated_at, competent_unit_id, return_competent)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING `+returningDossier,
			code, p.Code, p.Version, u.ID, u.ID, in.Channel, Submitted, owner, createdBy, onBehalf, reason, token, app.Name, app.IDNumber,
			app.Phone, app.Email, app.Address, app.BirthDate, search, string(formJSON), in.Delivery, now.UnixMilli(), now.UnixMilli(), competentID, returnFlag))
		if err != nil {
			return fmt.Errorf("dossier: insert: %w", err)
		}
		id := d.id
		if in.IdempotencyKey != "" {
			if _, err := tx.ExecContext(ctx, `INSERT INTO idempotency_keys (user_id, key, dossier_id, created_at, request_sha256) VALUES (?, ?, ?, ?, ?)`,
				a.ID, in.IdempotencyKey, id, now.UnixMilli(), reqHash); err != nil {
				return err
			}
		}
		eventID, digest, err := appendEvent(ctx, tx, id, now, a, roleLabel(a, in.Channel), "submit", "", Submitted, 0, 0, 0, u.ID, nil, formNote)
		if err != nil {
			return err
		}
		if portal != nil {
			if err := portal.attach(ctx, tx, p, id, now); err != nil {
				return err
			}
		}
		// The applicant's confirmation is written in this same transaction.
		// The units were read before it, and a new dossier's row changes
		// in no listener (they write their own tables).
		published, err = s.publish(ctx, tx, code, Transitioned{Dossier: d, Action: SubmitAction, ActorRole: roleLabel(a, in.Channel), At: now, EventID: eventID, EventDigest: digest}, a, known)
		return err
	})
	if err != nil && in.IdempotencyKey != "" && store.IsUniqueViolation(err) {
		// A concurrent retry with the same key won the race: return its dossier.
		d, err := s.byIdempotencyKey(ctx, a, in.IdempotencyKey, reqHash)
		return d, true, err
	}
	if err != nil {
		return nil, false, err
	}
	if published != nil { // decorated for the listeners already
		return d, false, nil
	}
	return d, false, s.decorateKnown(ctx, s.db, []*Dossier{d}, known)
}

// byIdempotencyKey returns the dossier a's earlier request with key
// created. The same key with another request (reqHash; "" matches any) is
// refused: the client reused a key, and answering with the first dossier
// would hide that its second request was never filed.
func (s *Service) byIdempotencyKey(ctx context.Context, a *auth.Actor, key, reqHash string) (*Dossier, error) {
	var code, stored string
	err := s.db.QueryRowContext(ctx, `SELECT d.code, k.request_sha256 FROM idempotency_keys k JOIN dossiers d ON d.id = k.dossier_id
		WHERE k.user_id = ? AND k.key = ?`, a.ID, key).Scan(&code, &stored)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errNoDossier
	}
	if err != nil {
		return nil, err
	}
	if stored != "" && reqHash != "" && stored != reqHash {
		return nil, problem.Invalid("Idempotency-Key", "idempotency_key_reused")
	}
	return s.Get(ctx, a, code)
}

// requestHash is the SHA-256 of a submission as decoded (the key itself
// aside), so a retry that only reorders keys or spacing still matches.
func requestHash(in SubmitInput) string {
	b, _ := json.Marshal(in) // maps marshal in key order
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// nextCode allocates <agency code>-<yymmdd>-<NNNN> (Circular 01/2018 form,
// kept by Circular 03/2025) through row, which runs the upsert. The upsert
// is atomic on both engines, so concurrent submissions never share a
// number. A dossier code names one dossier: it must be unique. Its rule
// (regulations.md, *Dossier code*) fixes the form, a daily
// sequence of the agency, and does not ask that every number of the day
// be used. Where the number is taken trades the two:
//
//   - PostgreSQL: outside the submission's transaction, in one of its own
//     whose commit does not wait for the disk
//     (store.DB.WriteRowAsyncCommitContext: the submission's own commit,
//     later in the WAL, makes the number durable with the dossier that
//     uses it). The desk's day row is locked for that statement only, and
//     the number costs no flush of its own; taken inside, it was held until
//     the submission committed, and every submission to the desk waited
//     for the one before it to commit (issue 15: 60 submissions/s from 32
//     clients). A submission that fails once numbered — a listener's
//     refusal, a lost idempotency race, a crash — leaves its number unused:
//     a gap in the desk's day.
//   - SQLite: inside the transaction (tx.QueryRowContext). Its one writer
//     serialises submissions whatever the lock, a group commit's call
//     holds it for well under a millisecond, and a failed call's savepoint
//     gives its number back: the day stays gap-free.
func nextCode(ctx context.Context, row func(ctx context.Context, q string, args []any, dest ...any) error, agency string, now time.Time) (string, error) {
	day := now.In(calendar.Zone).Format("060102")
	var n int64
	err := row(ctx, `INSERT INTO dossier_sequences (prefix, day, n) VALUES (?, ?, 1)
		ON CONFLICT (prefix, day) DO UPDATE SET n = dossier_sequences.n + 1 RETURNING n`, []any{agency, day}, &n)
	if err != nil {
		return "", fmt.Errorf("dossier: sequence: %w", err)
	}
	return fmt.Sprintf("%s-%s-%04d", agency, day, n), nil
}

func checkApplicant(a Applicant, delivery string) (Applicant, error) {
	a.Name = strings.Join(strings.Fields(a.Name), " ")
	a.IDNumber = strings.TrimSpace(a.IDNumber)
	a.Phone = strings.ReplaceAll(strings.TrimSpace(a.Phone), " ", "")
	a.Email = strings.TrimSpace(a.Email)
	a.Address = strings.TrimSpace(a.Address)
	a.BirthDate = strings.TrimSpace(a.BirthDate)
	switch {
	case a.Name == "" || longerThan(a.Name, MaxApplicantName):
		return a, problem.Invalid("applicant.name", "applicant_name_required")
	case longerThan(a.Email, MaxEmail):
		return a, tooLong("applicant.email", MaxEmail)
	case longerThan(a.Address, MaxAddress):
		return a, tooLong("applicant.address", MaxAddress)
	case a.IDNumber != "" && !idNumberRE.MatchString(a.IDNumber):
		return a, problem.Invalid("applicant.id_number", "invalid_id_number")
	case a.BirthDate != "" && !validBirthDate(a.BirthDate):
		return a, problem.Invalid("applicant.birth_date", "invalid_birth_date")
	case a.Phone != "" && !phoneRE.MatchString(a.Phone):
		return a, problem.Invalid("applicant.phone", "invalid_phone")
	case a.Email != "" && !validEmail(a.Email):
		return a, problem.Invalid("applicant.email", "invalid_email")
	case delivery != "counter" && delivery != "post":
		return a, problem.Invalid("delivery", "invalid_delivery")
	case delivery == "post" && a.Address == "":
		return a, problem.Invalid("applicant.address", "address_required")
	}
	return a, nil
}

// validBirthDate: a calendar date, YYYY-MM-DD, after 1900.
func validBirthDate(s string) bool {
	t, err := time.Parse(time.DateOnly, s)
	return err == nil && t.Year() > 1900
}

func validEmail(s string) bool {
	addr, err := mail.ParseAddress(s)
	return err == nil && addr.Address == s
}

// checkForm validates the e-form against the procedure version and
// returns it as strings. Unknown fields are refused rather than dropped,
// so a client bug cannot silently lose what a citizen typed.
func checkForm(p catalog.Procedure, in map[string]any) (map[string]string, error) {
	out := make(map[string]string, len(in))
	known := map[string]catalog.FormField{}
	for _, f := range p.Form {
		known[f.Key] = f
	}
	for k, v := range in {
		f, ok := known[k]
		if !ok {
			return nil, problem.Invalid("form."+k, "unknown_form_field", k)
		}
		var sv string
		switch x := v.(type) {
		case string:
			sv = strings.TrimSpace(x)
		case float64:
			sv = strconv.FormatFloat(x, 'f', -1, 64)
		case int:
			sv = strconv.Itoa(x)
		case int64:
			sv = strconv.FormatInt(x, 10)
		case bool:
			sv = strconv.FormatBool(x)
		case nil:
		default:
			return nil, problem.Invalid("form."+k, "invalid_form_value", f.Label)
		}
		if sv != "" {
			out[k] = sv
		}
	}
	for _, f := range p.Form {
		if err := checkField(f, out[f.Key]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func checkField(f catalog.FormField, v string) error {
	field := "form." + f.Key
	if v == "" {
		if f.Required {
			return problem.Invalid(field, "form_field_required", f.Label)
		}
		return nil
	}
	max := f.Max
	if max == 0 || f.Type == "number" { // a number's max is its largest value
		max = MaxFormText
	}
	if longerThan(v, max) {
		return problem.Invalid(field, "form_field_too_long", f.Label, max)
	}
	switch f.Type {
	case "date":
		if _, err := time.Parse("2006-01-02", v); err != nil {
			return problem.Invalid(field, "invalid_date.form", f.Label)
		}
	case "number":
		if err := checkNumber(f, field, v); err != nil {
			return err
		}
	case "select":
		if !contains(f.Options, v) {
			return problem.Invalid(field, "invalid_option", f.Label)
		}
	case "id_number":
		if !idNumberRE.MatchString(v) {
			return problem.Invalid(field, "invalid_id_number.form", f.Label)
		}
	case "phone":
		if !phoneRE.MatchString(v) {
			return problem.Invalid(field, "invalid_phone.form", f.Label)
		}
	}
	if f.Pattern != "" {
		re, err := regexp.Compile(f.Pattern)
		if err == nil && !re.MatchString(v) {
			return problem.Invalid(field, "form_field_pattern", f.Label)
		}
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
