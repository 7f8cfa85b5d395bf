package civil

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/store"
)

// Person is an officer's personnel record.
type Person struct {
	ID        int64  `json:"-"`
	Code      string `json:"code"` // số hiệu cán bộ, công chức
	UserID    int64  `json:"-"`    // the auth account, 0 when none
	Username  string `json:"username,omitempty"`
	FullName  string `json:"full_name"`
	BirthDate string `json:"birth_date,omitempty"` // YYYY-MM-DD
	Gender    string `json:"gender,omitempty"`     // nam, nu
	UnitID    int64  `json:"-"`
	Position  string `json:"position"`
	Rank      string `json:"rank"`
	// Postings, Qualifications: filled by Get.
	Postings       []Posting       `json:"postings,omitempty"`
	Qualifications []Qualification `json:"qualifications,omitempty"`
}

// Posting is a dated stay at a unit in a position and rank.
type Posting struct {
	UnitID   int64  `json:"-"`
	UnitCode string `json:"unit_code,omitempty"` // filled by the exports
	Position string `json:"position"`
	Rank     string `json:"rank"`
	From     string `json:"from"`
	To       string `json:"to,omitempty"`
	Note     string `json:"note,omitempty"`
}

// Qualification is one degree or certificate.
type Qualification struct {
	Kind        string `json:"kind"`
	Level       string `json:"level"`
	Field       string `json:"field,omitempty"`
	Institution string `json:"institution,omitempty"`
	Year        int    `json:"year,omitempty"`
}

var (
	dateRE = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
	codeRE = regexp.MustCompile(`^[A-Za-z0-9.\-]{1,32}$`)
)

func validDate(s string) bool {
	if !dateRE.MatchString(s) {
		return false
	}
	_, err := time.Parse(time.DateOnly, s)
	return err == nil
}

// check validates a record's fields.
func (p Person) check() error {
	switch {
	case !codeRE.MatchString(p.Code):
		return problem.Invalid("code", "civil_code_invalid")
	case strings.TrimSpace(p.FullName) == "":
		return problem.Invalid("full_name", "civil_name_required")
	case p.BirthDate != "" && !validDate(p.BirthDate):
		return problem.Invalid("birth_date", "civil_date_invalid")
	case p.Gender != "" && p.Gender != "nam" && p.Gender != "nu":
		return problem.Invalid("gender", "civil_gender_invalid")
	case Name(Positions, p.Position) == "":
		return problem.Invalid("position", "civil_position_invalid")
	case Name(Ranks, p.Rank) == "":
		return problem.Invalid("rank", "civil_rank_invalid")
	}
	return nil
}

// Save creates a person's record (p.ID 0) at unitID or updates the one
// with p.ID there; a new record opens its first posting on since. The
// actor must hold auth.ManagePersonnel at the unit.
func (s *Service) Save(ctx context.Context, a *auth.Actor, unitID int64, p Person, since string) (int64, error) {
	if ok, err := s.can(ctx, a, auth.ManagePersonnel, unitID); err != nil || !ok {
		return 0, cmpErr(err, problem.Forbidden("not_your_unit"))
	}
	if err := p.check(); err != nil {
		return 0, err
	}
	if p.ID == 0 && !validDate(since) {
		return 0, problem.Invalid("since", "civil_date_invalid")
	}
	now := s.cfg.Now().UnixMilli()
	err := s.cfg.DB.InTx(ctx, func(tx *store.Tx) error {
		var user any
		if p.UserID != 0 {
			user = p.UserID
		}
		if p.ID == 0 {
			id, err := insertPerson(ctx, tx, unitID, p, since, now)
			if err != nil {
				return duplicate(err)
			}
			p.ID = id
			return s.audit(ctx, tx, a, unitID, "civil_person_created", "civil_person:"+p.Code, p.FullName)
		}
		res, err := tx.ExecContext(ctx, `UPDATE civil_people SET code = ?, user_id = ?, full_name = ?, birth_date = ?, gender = ?, position = ?, rank = ?, updated_at = ?
			WHERE id = ? AND unit_id = ?`, p.Code, user, p.FullName, p.BirthDate, p.Gender, p.Position, p.Rank, now, p.ID, unitID)
		if err != nil {
			return duplicate(err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return problem.NotFound("civil_person_not_found")
		}
		// The current posting follows a change of position or rank in place;
		// a move to another unit is Move's.
		if _, err := tx.ExecContext(ctx, `UPDATE civil_postings SET position = ?, rank = ? WHERE person_id = ? AND to_date = ''`, p.Position, p.Rank, p.ID); err != nil {
			return err
		}
		return s.audit(ctx, tx, a, unitID, "civil_person_updated", "civil_person:"+p.Code, p.FullName)
	})
	return p.ID, err
}

// insertPerson writes a new record at unitID and its first posting.
func insertPerson(ctx context.Context, tx *store.Tx, unitID int64, p Person, since string, now int64) (int64, error) {
	var user any
	if p.UserID != 0 {
		user = p.UserID
	}
	var id int64
	if err := tx.QueryRowContext(ctx, `INSERT INTO civil_people (code, user_id, full_name, birth_date, gender, unit_id, position, rank, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, p.Code, user, p.FullName, p.BirthDate, p.Gender, unitID, p.Position, p.Rank, now, now).Scan(&id); err != nil {
		return 0, err
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO civil_postings (person_id, unit_id, position, rank, from_date) VALUES (?, ?, ?, ?, ?)`,
		id, unitID, p.Position, p.Rank, since)
	return id, err
}

// duplicate turns a unique violation into the public conflict: a code or
// an account already on another record.
func duplicate(err error) error {
	if store.IsUniqueViolation(err) {
		return problem.Conflict("civil_person_exists")
	}
	return err
}

func cmpErr(err error, otherwise error) error {
	if err != nil {
		return err
	}
	return otherwise
}

// Move posts a person from their unit to unit `to` from date on, in
// position and rank: the current posting ends the day before. The actor
// must manage personnel at both units.
func (s *Service) Move(ctx context.Context, a *auth.Actor, personID, to int64, position, rank, date, note string) error {
	p, err := s.person(ctx, s.cfg.DB, personID)
	if err != nil {
		return err
	}
	for _, u := range []int64{p.UnitID, to} {
		if ok, err := s.can(ctx, a, auth.ManagePersonnel, u); err != nil || !ok {
			return cmpErr(err, problem.Forbidden("not_your_unit"))
		}
	}
	if !validDate(date) {
		return problem.Invalid("date", "civil_date_invalid")
	}
	p.Position, p.Rank = position, rank
	if err := p.check(); err != nil {
		return err
	}
	day, _ := time.Parse(time.DateOnly, date)
	before := day.AddDate(0, 0, -1).Format(time.DateOnly)
	return s.cfg.DB.InTx(ctx, func(tx *store.Tx) error {
		var from string
		err := tx.QueryRowContext(ctx, `SELECT from_date FROM civil_postings WHERE person_id = ? AND to_date = ''`, personID).Scan(&from)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if from != "" && from >= date {
			return problem.Invalid("date", "civil_move_before_posting")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE civil_postings SET to_date = ? WHERE person_id = ? AND to_date = ''`, before, personID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO civil_postings (person_id, unit_id, position, rank, from_date, note) VALUES (?, ?, ?, ?, ?, ?)`,
			personID, to, position, rank, date, note); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE civil_people SET unit_id = ?, position = ?, rank = ?, updated_at = ? WHERE id = ?`,
			to, position, rank, s.cfg.Now().UnixMilli(), personID); err != nil {
			return err
		}
		return s.audit(ctx, tx, a, to, "civil_person_moved", "civil_person:"+p.Code, fmt.Sprintf("%d→%d %s", p.UnitID, to, date))
	})
}

// AddQualification adds a qualification to a person's record.
func (s *Service) AddQualification(ctx context.Context, a *auth.Actor, personID int64, q Qualification) error {
	p, err := s.person(ctx, s.cfg.DB, personID)
	if err != nil {
		return err
	}
	if ok, err := s.can(ctx, a, auth.ManagePersonnel, p.UnitID); err != nil || !ok {
		return cmpErr(err, problem.Forbidden("not_your_unit"))
	}
	if Name(QualificationLevels[q.Kind], q.Level) == "" {
		return problem.Invalid("level", "civil_qualification_invalid")
	}
	if q.Year != 0 && (q.Year < 1950 || q.Year > s.cfg.Now().Year()) {
		return problem.Invalid("year", "invalid_year")
	}
	return s.cfg.DB.InTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO civil_qualifications (person_id, kind, level, field, institution, year) VALUES (?, ?, ?, ?, ?, ?)`,
			personID, q.Kind, q.Level, q.Field, q.Institution, q.Year); err != nil {
			return err
		}
		return s.audit(ctx, tx, a, p.UnitID, "civil_qualification_added", "civil_person:"+p.Code, q.Kind+":"+q.Level)
	})
}

const personCols = `p.id, p.code, COALESCE(p.user_id, 0), p.full_name, p.birth_date, p.gender, p.unit_id, p.position, p.rank`

func scanPerson(sc interface{ Scan(...any) error }) (Person, error) {
	var p Person
	err := sc.Scan(&p.ID, &p.Code, &p.UserID, &p.FullName, &p.BirthDate, &p.Gender, &p.UnitID, &p.Position, &p.Rank)
	return p, err
}

func (s *Service) person(ctx context.Context, q store.Querier, id int64) (Person, error) {
	p, err := scanPerson(q.QueryRowContext(ctx, `SELECT `+personCols+` FROM civil_people p WHERE p.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return p, problem.NotFound("civil_person_not_found")
	}
	return p, err
}

// PersonOfUser returns the record linked to a user's account.
func (s *Service) PersonOfUser(ctx context.Context, userID int64) (Person, error) {
	p, err := scanPerson(s.cfg.DB.QueryRowContext(ctx, `SELECT `+personCols+` FROM civil_people p WHERE p.user_id = ?`, userID))
	if errors.Is(err, sql.ErrNoRows) {
		return p, problem.NotFound("civil_person_not_found")
	}
	return p, err
}

// Get returns a person's record with postings and qualifications, for
// one who manages personnel at their unit or the person themself.
func (s *Service) Get(ctx context.Context, a *auth.Actor, id int64) (Person, error) {
	p, err := s.person(ctx, s.cfg.DB, id)
	if err != nil {
		return p, err
	}
	if a.ID != p.UserID || p.UserID == 0 {
		if ok, err := s.can(ctx, a, auth.ManagePersonnel, p.UnitID); err != nil || !ok {
			return Person{}, cmpErr(err, problem.NotFound("civil_person_not_found"))
		}
	}
	return p, s.details(ctx, &p)
}

func (s *Service) details(ctx context.Context, p *Person) error {
	rows, err := s.cfg.DB.QueryContext(ctx, `SELECT unit_id, position, rank, from_date, to_date, note FROM civil_postings WHERE person_id = ? ORDER BY from_date, id`, p.ID)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var x Posting
		if err := rows.Scan(&x.UnitID, &x.Position, &x.Rank, &x.From, &x.To, &x.Note); err != nil {
			return err
		}
		p.Postings = append(p.Postings, x)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	qs, err := s.cfg.DB.QueryContext(ctx, `SELECT kind, level, field, institution, year FROM civil_qualifications WHERE person_id = ? ORDER BY kind, year, id`, p.ID)
	if err != nil {
		return err
	}
	defer qs.Close()
	for qs.Next() {
		var q Qualification
		if err := qs.Scan(&q.Kind, &q.Level, &q.Field, &q.Institution, &q.Year); err != nil {
			return err
		}
		p.Qualifications = append(p.Qualifications, q)
	}
	return qs.Err()
}

// People lists the records of the units given (current postings), by
// unit, then name; with postings and qualifications when full.
func (s *Service) People(ctx context.Context, units []int64, full bool) ([]Person, error) {
	if len(units) == 0 {
		return nil, nil
	}
	args := make([]any, len(units))
	for i, u := range units {
		args[i] = u
	}
	rows, err := s.cfg.DB.QueryContext(ctx, `SELECT `+personCols+` FROM civil_people p WHERE p.unit_id IN (`+
		strings.TrimSuffix(strings.Repeat("?,", len(units)), ",")+`) ORDER BY p.unit_id, p.full_name, p.code`, args...)
	if err != nil {
		return nil, err
	}
	var out []Person
	for rows.Next() {
		p, err := scanPerson(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil || !full {
		return out, err
	}
	for i := range out {
		if err := s.details(ctx, &out[i]); err != nil {
			return nil, err
		}
	}
	return out, nil
}
