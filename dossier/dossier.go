package dossier

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"time"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/blob"
	"github.com/motcua/motcua/calendar"
	"github.com/motcua/motcua/catalog"
	"github.com/motcua/motcua/event"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/throttle"
	"github.com/motcua/motcua/unit"
)

// Calendar is the working-time arithmetic deadlines need (calendar.Store).
// It is called inside the action's write transaction, so it must answer
// from memory: no I/O, nothing that can fail.
type Calendar interface {
	Due(received time.Time, unit string, value int) (time.Time, error)
	WorkingBetween(a, b time.Time) time.Duration
	AddWorking(start time.Time, d time.Duration) time.Time
	// Judge is the one rule for lateness (calendar.Calendar.Judge);
	// LateBefore is its edge for SQL: at now, exactly the dossiers due
	// before it are late.
	Judge(due, finish time.Time) calendar.Timeliness
	LateBefore(now time.Time) time.Time
}

// Scanner is a virus scanner (scan.Client). Check returns nil for a clean
// stream, a *problem.Error for a verdict the user should read (infected,
// too large to scan), and any other error when it could not decide; an
// upload is then refused, never stored unscanned.
type Scanner interface {
	Check(ctx context.Context, r io.Reader) error
}

// Applicant is the person or business the dossier is for.
type Applicant struct {
	Name     string `json:"name"`
	IDNumber string `json:"id_number,omitempty"`
	Phone    string `json:"phone,omitempty"`
	Email    string `json:"email,omitempty"`
	Address  string `json:"address,omitempty"`
	// BirthDate (YYYY-MM-DD), filled from the identity VNeID verified or
	// from the population database.
	BirthDate string `json:"birth_date,omitempty"`
}

// Dossier is a dossier as the API returns it.
type Dossier struct {
	Code             string            `json:"code"`
	Procedure        string            `json:"procedure"`
	ProcedureVersion int               `json:"procedure_version"`
	ProcedureName    string            `json:"procedure_name"`
	Unit             string            `json:"unit"`
	UnitName         string            `json:"unit_name"`
	ReceivingUnit    string            `json:"receiving_unit"`
	Channel          string            `json:"channel"`
	Status           State             `json:"status"`
	StatusName       string            `json:"status_name"`
	Step             int               `json:"step"`
	StepName         string            `json:"step_name,omitempty"`
	StepRole         string            `json:"step_role,omitempty"`
	Assignee         string            `json:"assignee,omitempty"`
	Applicant        Applicant         `json:"applicant"`
	Form             map[string]string `json:"form"`
	Delivery         string            `json:"delivery"`
	OnBehalf         bool              `json:"on_behalf"`
	SubmittedAt      time.Time         `json:"submitted_at"`
	ReceivedAt       *time.Time        `json:"received_at,omitempty"`
	DueAt            *time.Time        `json:"due_at,omitempty"`
	PausedAt         *time.Time        `json:"paused_at,omitempty"`
	ResultAt         *time.Time        `json:"result_at,omitempty"`
	DeliveredAt      *time.Time        `json:"delivered_at,omitempty"`
	// SupplementDue ends the applicant's time limit to supplement, while a
	// supplement request is open (SupplementRequest.Deadline).
	SupplementDue *time.Time `json:"supplement_due_at,omitempty"`
	Overdue       bool       `json:"overdue"`
	Apologized    bool       `json:"apologized"`
	// ResultRefused: the result is a refusal during processing (the request
	// is not granted); its reasons are the refuse event's note.
	ResultRefused bool `json:"result_refused,omitempty"`
	// ApologyLate: the apology was made after the due moment had passed.
	ApologyLate bool `json:"apology_late,omitempty"`
	Supplements int  `json:"supplements"`
	// CompetentUnit is the commune competent for a dossier another
	// commune's desk received for it (phi địa giới); empty otherwise.
	// ReturnAt says where the applicant collects the result, as chosen at
	// reception: "receiving" (the desk that received it) or "competent".
	// TransferDueAt is when the receiving desk must have transferred it;
	// TransferredAt, when it did.
	CompetentUnit     string     `json:"competent_unit,omitempty"`
	CompetentUnitName string     `json:"competent_unit_name,omitempty"`
	ReturnAt          string     `json:"return_at,omitempty"`
	TransferDueAt     *time.Time `json:"transfer_due_at,omitempty"`
	TransferredAt     *time.Time `json:"transferred_at,omitempty"`
	Version           int64      `json:"version"`
	History           []Event    `json:"history,omitempty"`
	Files             []File     `json:"files,omitempty"`
	// Actions are what the asking actor may do now.
	Actions []Action `json:"actions,omitempty"`
	// Consultations are the requests to partner agencies (Get only);
	// WaitingPartner: one of them is still unanswered.
	Consultations  []Consultation `json:"consultations,omitempty"`
	WaitingPartner bool           `json:"waiting_partner,omitempty"`

	// OnBehalfReason says why OnBehalf is set (OnBehalfStaff…) and FiledBy
	// is the account that filed it then: shown to the officer at reception.
	OnBehalfReason string `json:"on_behalf_reason,omitempty"`
	FiledBy        string `json:"filed_by,omitempty"`
	// TrackToken is the second factor of public tracking that the QR code
	// on the dossier's forms carries (Dossier.TrackPath).
	TrackToken string `json:"track_token"`

	id, unitID, receivingID, ownerID, assigneeID, createdByID int64
	competentID                                               int64
	returnCompetent                                           bool
}

// Event is one immutable history entry.
type Event struct {
	At    time.Time `json:"at"`
	Actor string    `json:"actor"`
	// ActorID is the acting user's id (0 for the system): documents look
	// up the signer's position (auth.Title) from it.
	ActorID    int64      `json:"-"`
	Role       string     `json:"role"`
	Action     Action     `json:"action"`
	ActionName string     `json:"action_name"`
	From       State      `json:"from"`
	To         State      `json:"to"`
	FromStep   int        `json:"from_step"`
	ToStep     int        `json:"to_step"`
	Unit       string     `json:"unit,omitempty"`
	DueAt      *time.Time `json:"due_at,omitempty"`
	Note       string     `json:"note,omitempty"`
	// Request is what a request-supplement event asked for, and by when;
	// nil for other events and for requests made before issue 10.
	Request *SupplementRequest `json:"request,omitempty"`
}

// Key is the message key naming the event's action as it was taken
// ("action.refuse_result" for a refusal in processing).
func (e Event) Key() string { return "action." + e.Action.In(e.From) }

// Config tunes the service.
type Config struct {
	// Blobs keeps the attachments' bytes, content-addressed (package
	// blob: a directory, or the database on a PostgreSQL deployment of
	// several instances).
	Blobs blob.Store
	// FilesDir, when Blobs is nil, is the directory of a blob.Dir store.
	FilesDir string
	// MaxFileBytes caps one upload (default 20 MiB).
	MaxFileBytes int64
	// MaxDossierBytes caps the applicant's files of one dossier, and of a
	// draft, together (default 100 MiB; each supplement allows as much again).
	MaxDossierBytes int64
	Now             func() time.Time
	// Scanner checks every upload for malware before it is stored (package
	// scan's clamd client); nil scans nothing.
	Scanner Scanner
	// Events receives a Transitioned for every state change, inside its
	// transaction; nil publishes nothing.
	Events *event.Bus
	// TrackLimit throttles public tracking per client address (every
	// lookup), TrackDigitLimit wrong phone digits per dossier code (see
	// Track); zero takes the defaults in track.go.
	TrackLimit, TrackDigitLimit throttle.Config
	// Owed reports whether a dossier still owes a fee (payment.Owed, given
	// at wiring: the dossier never reads payment's tables); while it does,
	// the result is not delivered, at the counter or by post. Nil owes nothing.
	Owed func(ctx context.Context, q store.Querier, code string) (bool, error)
}

// Service runs the dossier lifecycle.
type Service struct {
	db      *store.DB
	units   *unit.Store
	catalog *catalog.Store
	auth    *auth.Service
	cal     Calendar
	cfg     Config
	track   tracker
	// How many hits a search reads in the index's order, the first time
	// and at most, before searchWhere answers instead (search_order.go);
	// tests make them small.
	searchChunk, searchBudget int
	// pgSearchWay forces searchRows' way on PostgreSQL: 0 the estimate
	// decides, 1 the order walked, -1 the index's hits sorted (tests).
	pgSearchWay int
}

// NewService wires a Service.
func NewService(db *store.DB, units *unit.Store, cat *catalog.Store, au *auth.Service, cal Calendar, cfg Config) *Service {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.MaxFileBytes == 0 {
		cfg.MaxFileBytes = 20 << 20
	}
	if cfg.MaxDossierBytes == 0 {
		cfg.MaxDossierBytes = 100 << 20
	}
	if cfg.Blobs == nil {
		cfg.Blobs = blob.NewDir(cfg.FilesDir, nil)
	}
	s := &Service{db: db, units: units, catalog: cat, auth: au, cal: cal, cfg: cfg, searchChunk: 64, searchBudget: searchBudget}
	s.initTrack()
	indexSearchOnCommit(db)
	return s
}

// selectDossier reads a dossier's own row; decorate adds the names of its
// units and assignee, which are the unit and auth modules' rows.
// selectDossierNoForm is the same
// with an empty form, for readers that never show it (public tracking):
// decoding the form's JSON was a tenth of a tracking request.
const (
	selectDossier       = `SELECT ` + dossierColumnsHead + `d.form` + dossierColumnsTail + ` FROM dossiers d`
	selectDossierNoForm = `SELECT ` + dossierColumnsHead + `'{}'` + dossierColumnsTail + ` FROM dossiers d`
	dossierColumnsHead  = `d.id, d.code, d.procedure_code, d.procedure_version, d.unit_id,
	d.receiving_unit_id, d.channel, d.status, d.step, COALESCE(d.assignee_id, 0),
	COALESCE(d.owner_id, 0), COALESCE(d.created_by, 0), d.on_behalf, d.on_behalf_reason, d.track_token, d.applicant_name, d.applicant_id_number, d.applicant_phone, d.applicant_email,
	d.applicant_address, d.applicant_birth_date, `
	dossierColumnsTail = `, d.delivery, d.submitted_at, d.received_at, d.due_at, d.paused_at, d.result_at,
	d.delivered_at, d.apologized, d.supplements, d.version, d.result_refused, d.apology_late, d.supplement_due_at,
	COALESCE(d.competent_unit_id, 0), d.return_competent, d.transfer_due_at, d.transferred_at`
)

// returningDossier is selectDossier's columns for an INSERT's RETURNING
// clause, which names the new row without an alias: the row comes back as
// stored, defaults included, without reading it again (submit).
var returningDossier = strings.ReplaceAll(dossierColumnsHead+`d.form`+dossierColumnsTail, "d.", "")

func scanDossier(sc interface{ Scan(...any) error }) (*Dossier, error) {
	var d Dossier
	var form string
	var onBehalf, apologized, refused, apologyLate, returnCompetent int64
	var submitted int64
	var received, due, paused, result, delivered, supplementDue, transferDue, transferred sql.NullInt64
	err := sc.Scan(&d.id, &d.Code, &d.Procedure, &d.ProcedureVersion, &d.unitID,
		&d.receivingID, &d.Channel, &d.Status, &d.Step, &d.assigneeID,
		&d.ownerID, &d.createdByID, &onBehalf, &d.OnBehalfReason, &d.TrackToken, &d.Applicant.Name, &d.Applicant.IDNumber, &d.Applicant.Phone, &d.Applicant.Email,
		&d.Applicant.Address, &d.Applicant.BirthDate, &form, &d.Delivery, &submitted, &received, &due, &paused, &result,
		&delivered, &apologized, &d.Supplements, &d.Version, &refused, &apologyLate, &supplementDue,
		&d.competentID, &returnCompetent, &transferDue, &transferred)
	if err != nil {
		return nil, err
	}
	d.OnBehalf, d.Apologized = onBehalf == 1, apologized == 1
	d.ResultRefused, d.ApologyLate = refused == 1, apologyLate == 1
	d.SubmittedAt = fromMs(submitted)
	d.ReceivedAt, d.DueAt, d.PausedAt = msPtr(received), msPtr(due), msPtr(paused)
	d.ResultAt, d.DeliveredAt = msPtr(result), msPtr(delivered)
	d.SupplementDue = msPtr(supplementDue)
	d.TransferDueAt, d.TransferredAt = msPtr(transferDue), msPtr(transferred)
	d.returnCompetent = returnCompetent == 1
	if d.competentID != 0 {
		d.ReturnAt = ReturnReceiving
		if d.returnCompetent {
			d.ReturnAt = ReturnCompetent
		}
	}
	d.StatusName = d.Status.Name()
	if err := json.Unmarshal([]byte(form), &d.Form); err != nil {
		return nil, err
	}
	return &d, nil
}

func msPtr(v sql.NullInt64) *time.Time {
	if !v.Valid {
		return nil
	}
	t := fromMs(v.Int64)
	return &t
}

func nullMs(t *time.Time) any {
	if t == nil {
		return nil
	}
	return t.UnixMilli()
}

var errNoDossier = problem.NotFound("dossier_not_found")

func (s *Service) load(ctx context.Context, q store.Querier, code string) (*Dossier, error) {
	d, err := scanDossier(q.QueryRowContext(ctx, selectDossier+` WHERE d.code = ?`, code))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errNoDossier
	}
	return d, err
}

// decorate fills the fields derived from the procedure version, the
// units, the assignee and the clock.
func (s *Service) decorate(ctx context.Context, q store.Querier, d *Dossier) error {
	return s.decorateAll(ctx, q, []*Dossier{d})
}

// decorateAll is decorate for a page of dossiers, reading the names of
// their units and assignees (the unit and auth modules' rows) in one query
// each rather than one per dossier.
func (s *Service) decorateAll(ctx context.Context, q store.Querier, ds []*Dossier) error {
	return s.decorateKnown(ctx, q, ds, nil)
}

// decorateKnown is decorateAll with the labels of some units already at
// hand (known): those are not read again. A submission knows its units,
// read before its transaction, and so asks nothing of units inside it.
func (s *Service) decorateKnown(ctx context.Context, q store.Querier, ds []*Dossier, known map[int64]unit.Label) error {
	var units, users []int64
	for _, d := range ds {
		for _, id := range []int64{d.unitID, d.receivingID, d.competentID} {
			if _, ok := known[id]; !ok && id != 0 {
				units = append(units, id)
			}
		}
		if d.assigneeID != 0 {
			users = append(users, d.assigneeID)
		}
		if d.OnBehalf && d.createdByID != 0 {
			users = append(users, d.createdByID)
		}
	}
	ls, err := unit.Labels(ctx, q, units...)
	if err != nil {
		return err
	}
	for id, l := range known {
		ls[id] = l
	}
	names, err := auth.Usernames(ctx, q, users...)
	if err != nil {
		return err
	}
	var processing []int64
	for _, d := range ds {
		if d.Status == Processing {
			processing = append(processing, d.id)
		}
	}
	waiting, err := waitingPartner(ctx, q, processing)
	if err != nil {
		return err
	}
	now := s.cfg.Now()
	for _, d := range ds {
		d.WaitingPartner = waiting[d.id]
		d.Unit, d.UnitName, d.ReceivingUnit = ls[d.unitID].Code, ls[d.unitID].Name, ls[d.receivingID].Code
		if d.competentID != 0 {
			d.CompetentUnit, d.CompetentUnitName = ls[d.competentID].Code, ls[d.competentID].Name
		}
		d.Assignee = names[d.assigneeID]
		if d.OnBehalf {
			d.FiledBy = names[d.createdByID]
		}
		p, err := s.catalog.Version(ctx, q, d.Procedure, d.ProcedureVersion)
		if err != nil {
			return err
		}
		d.ProcedureName = p.Name
		if d.Status == Processing && d.Step < len(p.Steps) {
			d.StepName, d.StepRole = p.Steps[d.Step].Name, p.Steps[d.Step].Role
		}
		d.Overdue = s.isOverdue(d, now)
	}
	return nil
}

// isOverdue: late by the calendar's rule (delivered late, or still open
// past due). A paused clock is judged at the pause.
func (s *Service) isOverdue(d *Dossier, now time.Time) bool {
	if d.DueAt == nil || d.Status.Final() && d.DeliveredAt == nil {
		return false
	}
	at := now
	switch {
	case d.DeliveredAt != nil:
		at = *d.DeliveredAt
	case d.PausedAt != nil:
		at = *d.PausedAt
	}
	return s.cal.Judge(*d.DueAt, at) == calendar.Late
}

// fromMs turns a stored Unix-millisecond time into Vietnam time, so every
// time the API returns reads as the officer's wall clock (+07:00).
func fromMs(ms int64) time.Time { return time.UnixMilli(ms).In(calendar.Zone) }
