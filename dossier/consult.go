package dossier

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/calendar"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/store"
)

// Coordination with agencies outside the unit tree (cơ quan phối hợp): the
// officer holding a processing step asks a partner agency (the tax office
// for a land dossier's financial obligations, the commune police for
// residence…) for an answer within a number of working days, and later
// records the answer. The dossier stays in Processing and its own clock
// keeps running: coordination time counts against the unit unless the law
// pauses the clock, which is a separate, explicit pause. Each request has
// its own due and is judged by the one lateness rule (calendar.Judge).
//
// The request reaches an agency with an e-mail address through the
// notification outbox (package notify listens to Transitioned and reads
// Transitioned.Consultation). The national document exchange (edXML over
// the LGSP/NDXP axis) is a later issue; until then, e-mail and paper.

// MaxConsultDays bounds a coordination request's time limit (working days).
const MaxConsultDays = 60

// Consultation is one request to a partner agency and its answer.
type Consultation struct {
	ID         int64      `json:"id"`
	AgencyID   int64      `json:"agency_id"`
	Agency     string     `json:"agency"`
	Step       int        `json:"step"`
	Question   string     `json:"question"`
	Files      []int64    `json:"files,omitempty"`
	SentAt     time.Time  `json:"sent_at"`
	SentBy     string     `json:"sent_by"`
	DueAt      time.Time  `json:"due_at"`
	Answer     string     `json:"answer,omitempty"`
	AnswerFile int64      `json:"answer_file,omitempty"`
	AnsweredBy string     `json:"answered_by,omitempty"`
	AnsweredAt *time.Time `json:"answered_at,omitempty"`
	RecordedBy string     `json:"recorded_by,omitempty"`
	RecordedAt *time.Time `json:"recorded_at,omitempty"`
	// Timeliness is the answer's judgement against DueAt (answered), or
	// "late" for an open request already past it, else empty.
	Timeliness calendar.Timeliness `json:"timeliness,omitempty"`

	// agencyEmail is where the request is e-mailed (Transitioned only).
	agencyEmail string
}

// Open reports whether the agency has not answered yet.
func (c Consultation) Open() bool { return c.AnsweredAt == nil }

// AgencyEmail is the agency's e-mail address at the time of the request,
// for the notification listener; empty when it has none.
func (c Consultation) AgencyEmail() string { return c.agencyEmail }

// consult records a request to a partner agency for d, made by a (the
// rule's holder of the current step). It returns the request, its due for
// the history event.
func (s *Service) consult(ctx context.Context, tx *store.Tx, a *auth.Actor, d *Dossier, in ActInput, now time.Time) (*Consultation, error) {
	if in.Agency == 0 {
		return nil, problem.Invalid("agency", "agency_required")
	}
	if in.Days < 1 || in.Days > MaxConsultDays {
		return nil, problem.Invalid("days", "invalid_consult_days", MaxConsultDays)
	}
	ag, err := s.agencyFor(ctx, tx, d, in.Agency)
	if err != nil {
		return nil, err
	}
	for _, f := range in.Files {
		var one int
		err := tx.QueryRowContext(ctx, `SELECT 1 FROM dossier_files WHERE id = ? AND dossier_id = ?`, f, d.id).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return nil, problem.Invalid("files", "unknown_file", f)
		} else if err != nil {
			return nil, err
		}
	}
	due, err := s.cal.Due(now, calendar.UnitDay, in.Days)
	if err != nil {
		return nil, err
	}
	c := &Consultation{AgencyID: ag.ID, Agency: ag.Name, Step: d.Step, Question: in.Note, Files: in.Files,
		SentAt: now, SentBy: a.FullName, DueAt: due, agencyEmail: ag.Email}
	err = tx.QueryRowContext(ctx, `INSERT INTO dossier_consultations (dossier_id, agency_id, step, question, files, sent_at,
		sent_by, sent_by_name, due_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		d.id, ag.ID, d.Step, in.Note, joinIDs(in.Files), now.UnixMilli(), a.ID, a.FullName, due.UnixMilli()).Scan(&c.ID)
	return c, err
}

// recordAnswer records the agency's answer to an open request of d.
func (s *Service) recordAnswer(ctx context.Context, tx *store.Tx, a *auth.Actor, d *Dossier, in ActInput, now time.Time) (*Consultation, error) {
	open, err := s.consultations(ctx, tx, d.id, true)
	if err != nil {
		return nil, err
	}
	var c *Consultation
	for i := range open {
		if in.Consultation == 0 && len(open) == 1 || open[i].ID == in.Consultation {
			c = &open[i]
		}
	}
	if c == nil {
		// No request sent, already answered, another dossier's, or several
		// open and none named: the answer has nothing to answer.
		return nil, problem.New(problem.ErrState, "no_open_consultation")
	}
	at := now
	if in.AnsweredAt != nil {
		at = *in.AnsweredAt
		if at.After(now) || at.Before(c.SentAt) {
			return nil, problem.Invalid("answered_at", "invalid_answered_at")
		}
	}
	by := strings.TrimSpace(in.AnsweredBy)
	if longerThan(by, MaxApplicantName) {
		return nil, tooLong("answered_by", MaxApplicantName)
	}
	var file any
	if in.AnswerFile != 0 {
		var one int
		err := tx.QueryRowContext(ctx, `SELECT 1 FROM dossier_files WHERE id = ? AND dossier_id = ?`, in.AnswerFile, d.id).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return nil, problem.Invalid("answer_file", "unknown_file", in.AnswerFile)
		} else if err != nil {
			return nil, err
		}
		file = in.AnswerFile
	}
	res, err := tx.ExecContext(ctx, `UPDATE dossier_consultations SET answer = ?, answer_file_id = ?, answered_by = ?, answered_at = ?,
		recorded_by = ?, recorded_by_name = ?, recorded_at = ? WHERE id = ? AND answered_at IS NULL`,
		in.Note, file, by, at.UnixMilli(), a.ID, a.FullName, now.UnixMilli(), c.ID)
	if err != nil {
		return nil, err
	}
	if n, err := res.RowsAffected(); err != nil {
		return nil, err
	} else if n != 1 {
		return nil, problem.New(problem.ErrState, "no_open_consultation")
	}
	c.Answer, c.AnsweredBy, c.AnsweredAt, c.RecordedBy, c.RecordedAt = in.Note, by, &at, a.FullName, &now
	c.Timeliness = s.cal.Judge(c.DueAt, at)
	return c, nil
}

// Consultations lists the coordination requests of the dossier with code,
// oldest first, as a (who must be able to read it) sees them.
func (s *Service) Consultations(ctx context.Context, a *auth.Actor, code string) ([]Consultation, error) {
	d, err := s.load(ctx, s.db, code)
	if err != nil {
		return nil, err
	}
	if ok, err := s.canView(ctx, s.db, a, d); err != nil {
		return nil, err
	} else if !ok {
		return nil, errNoDossier
	}
	return s.consultations(ctx, s.db, d.id, false)
}

// consultations reads a dossier's requests, only the open ones if open.
func (s *Service) consultations(ctx context.Context, q store.Querier, dossierID int64, open bool) ([]Consultation, error) {
	where := ""
	if open {
		where = " AND c.answered_at IS NULL"
	}
	rows, err := q.QueryContext(ctx, `SELECT c.id, c.agency_id, a.name, a.email, c.step, c.question, c.files, c.sent_at, c.sent_by_name,
		c.due_at, COALESCE(c.answer, ''), c.answer_file_id, c.answered_by, c.answered_at, c.recorded_by_name, c.recorded_at
		FROM dossier_consultations c JOIN partner_agencies a ON a.id = c.agency_id
		WHERE c.dossier_id = ?`+where+` ORDER BY c.id`, dossierID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	now := s.cfg.Now()
	out := []Consultation{}
	for rows.Next() {
		var c Consultation
		var step, sent, due int64
		var files string
		var file, answered, recorded sql.NullInt64
		if err := rows.Scan(&c.ID, &c.AgencyID, &c.Agency, &c.agencyEmail, &step, &c.Question, &files, &sent, &c.SentBy,
			&due, &c.Answer, &file, &c.AnsweredBy, &answered, &c.RecordedBy, &recorded); err != nil {
			return nil, err
		}
		c.Step, c.SentAt, c.DueAt = int(step), fromMs(sent), fromMs(due)
		c.Files, c.AnswerFile = splitIDs(files), file.Int64
		c.AnsweredAt, c.RecordedAt = msPtr(answered), msPtr(recorded)
		switch {
		case c.AnsweredAt != nil:
			c.Timeliness = s.cal.Judge(c.DueAt, *c.AnsweredAt)
		case s.cal.Judge(c.DueAt, now) == calendar.Late:
			c.Timeliness = calendar.Late
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// waitingPartner returns which of ids have a request no agency answered yet.
func waitingPartner(ctx context.Context, q store.Querier, ids []int64) (map[int64]bool, error) {
	out := map[int64]bool{}
	if len(ids) == 0 {
		return out, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	got, err := store.Int64s(ctx, q, `SELECT DISTINCT dossier_id FROM dossier_consultations
		WHERE answered_at IS NULL AND dossier_id IN (`+store.Placeholders(len(ids))+`)`, args...)
	for _, id := range got {
		out[id] = true
	}
	return out, err
}

func joinIDs(ids []int64) string {
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = strconv.FormatInt(id, 10)
	}
	return strings.Join(s, ",")
}

func splitIDs(s string) []int64 {
	var out []int64
	for _, f := range strings.Split(s, ",") {
		if id, err := strconv.ParseInt(f, 10, 64); err == nil {
			out = append(out, id)
		}
	}
	return out
}
