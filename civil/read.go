package civil

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/cursor"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/store"
)

// The audit log's names of an officer's reads of the registry's personal
// data, through the API and the pages (docs/civil-service.md, "Audit").
// An officer's read of their own record or evaluation is not recorded,
// as a citizen's read of their own dossier is not.
const (
	// ReadPeople: a page of a unit's records (object "unit:<code>").
	ReadPeople = "civil_people_read"
	// ReadPerson: one record with its postings and qualifications
	// (object "civil_person:<code>").
	ReadPerson = "civil_person_read"
	// ReadEvaluations: a cycle's evaluations with their figures (object
	// "civil_cycle:<id>"), or one of them on its page (object
	// "civil_evaluation:<id>"). Not "civil_evaluation_…": that prefix is
	// the steps' (civil_evaluation_self_assess…), which a search by
	// prefix would mix them with.
	ReadEvaluations = "civil_cycle_read"
	// ExportRegistry: the CSV or JSON export of a unit's registry and the
	// units below it (object "unit:<code>").
	ExportRegistry = "civil_registry_exported"
)

// recordRead puts a's read of personal data on record, in a transaction
// of its own; its failure fails the read (nothing is shown unless the
// read is on record).
func (s *Service) recordRead(ctx context.Context, a *auth.Actor, unitID int64, action, object, details string) error {
	return s.cfg.DB.InTx(ctx, func(tx *store.Tx) error {
		return s.audit(ctx, tx, a, unitID, action, object, details)
	})
}

// peopleKey is the people list's cursor: its order, name then code.
type peopleKey struct {
	Name string `json:"n"`
	Code string `json:"c"`
}

// PeoplePage is a page of the records posted at the unit with code now,
// by name then code, for one holding auth.ManagePersonnel there (as the
// registry page), at most limit of them after the cursor (the next of
// the previous page; "" the first). next is "" on the last page. The
// read is recorded (ReadPeople).
func (s *Service) PeoplePage(ctx context.Context, a *auth.Actor, unitCode string, limit int, after string) (people []Person, next string, err error) {
	u, err := s.cfg.Units.ByCode(ctx, unitCode)
	if err != nil {
		return nil, "", err
	}
	// The right first: a bad cursor tells someone without it nothing.
	if ok, err := s.can(ctx, a, auth.ManagePersonnel, u.ID); err != nil || !ok {
		return nil, "", cmpErr(err, problem.Forbidden("not_your_unit"))
	}
	var k peopleKey
	from, err := cursor.Decode(after, &k, func() bool { return k.Code != "" })
	if err != nil {
		return nil, "", err
	}
	q, args := `SELECT `+personCols+` FROM civil_people p WHERE p.unit_id = ?`, []any{u.ID}
	if from {
		q += ` AND (p.full_name > ? OR (p.full_name = ? AND p.code > ?))`
		args = append(args, k.Name, k.Name, k.Code)
	}
	// One more than the page tells whether a next page exists.
	rows, err := s.cfg.DB.QueryContext(ctx, q+` ORDER BY p.full_name, p.code LIMIT ?`, append(args, limit+1)...)
	if err != nil {
		return nil, "", err
	}
	defer rows.Close()
	people = []Person{}
	for rows.Next() {
		p, err := scanPerson(rows)
		if err != nil {
			return nil, "", err
		}
		people = append(people, p)
	}
	if err := rows.Err(); err != nil {
		return nil, "", err
	}
	if len(people) > limit {
		people = people[:limit]
		last := people[limit-1]
		next = cursor.Encode(peopleKey{Name: last.FullName, Code: last.Code})
	}
	if err := s.recordRead(ctx, a, u.ID, ReadPeople, "unit:"+u.Code, fmt.Sprintf("%d", len(people))); err != nil {
		return nil, "", err
	}
	return people, next, nil
}

// ReadPerson is the record with code, its postings and qualifications,
// for the person themself or one holding auth.ManagePersonnel at their
// unit (Get); anyone else gets not found. Another's read is recorded
// (ReadPerson).
func (s *Service) ReadPerson(ctx context.Context, a *auth.Actor, code string) (Person, error) {
	p, err := scanPerson(s.cfg.DB.QueryRowContext(ctx, `SELECT `+personCols+` FROM civil_people p WHERE p.code = ?`, code))
	if errors.Is(err, sql.ErrNoRows) {
		return Person{}, problem.NotFound("civil_person_not_found")
	}
	if err != nil {
		return Person{}, err
	}
	if p, err = s.Get(ctx, a, p.ID); err != nil {
		return Person{}, err
	}
	if p.UserID == 0 || p.UserID != a.ID {
		if err := s.recordRead(ctx, a, p.UnitID, ReadPerson, "civil_person:"+p.Code, ""); err != nil {
			return Person{}, err
		}
	}
	return p, nil
}

// CycleRead is a unit's cycle of a year as a reads it: the evaluations
// it may see (CycleOf), each with its one-stop figures.
type CycleRead struct {
	Cycle Cycle
	// Lead: a holds auth.EvaluateStaff at the unit and sees every
	// evaluation; otherwise only their own.
	Lead bool
	List []EvaluationFigures
}

// EvaluationFigures is an evaluation and the figures it shows: those
// kept at the decision (Kept), the live recount before it.
type EvaluationFigures struct {
	Evaluation
	Figures Figures
	Kept    bool
}

// ReadCycle reads the cycle of year at unitID for a leader there (every
// evaluation) or an officer evaluated in it (their own); anyone else is
// refused as by the cycle's page. A cycle not opened is not found. The
// live figures of the evaluations not yet decided are recounted in one
// pass (Evidence). A leader's read is recorded (ReadEvaluations).
func (s *Service) ReadCycle(ctx context.Context, a *auth.Actor, unitID int64, year int) (CycleRead, error) {
	list, lead, found, err := s.CycleOf(ctx, a, unitID, year)
	if err != nil {
		return CycleRead{}, err
	}
	if !lead && len(list) == 0 {
		return CycleRead{}, problem.Forbidden("not_your_staff")
	}
	if !found {
		return CycleRead{}, problem.NotFound("civil_cycle_not_found")
	}
	out := CycleRead{Lead: lead, List: make([]EvaluationFigures, len(list))}
	var live []int64
	for i, e := range list {
		out.List[i].Evaluation = e
		if e.Evidence != nil {
			out.List[i].Figures, out.List[i].Kept = *e.Evidence, true
		} else if e.Person.UserID != 0 {
			live = append(live, e.Person.UserID)
		}
	}
	if len(live) > 0 && s.cfg.Evidence != nil {
		from, to := YearBounds(year)
		figs, err := s.cfg.Evidence.OfficerFigures(ctx, live, from, to)
		if err != nil {
			return CycleRead{}, err
		}
		for i := range out.List {
			if !out.List[i].Kept {
				out.List[i].Figures = figs[out.List[i].Person.UserID]
			}
		}
	}
	out.Cycle = Cycle{UnitID: unitID, Year: year}
	if err := s.cfg.DB.QueryRowContext(ctx, `SELECT id FROM civil_cycles WHERE unit_id = ? AND year = ?`, unitID, year).Scan(&out.Cycle.ID); err != nil {
		return CycleRead{}, err
	}
	if lead {
		object := "civil_cycle:" + strconv.FormatInt(out.Cycle.ID, 10)
		if err := s.recordRead(ctx, a, unitID, ReadEvaluations, object, strconv.Itoa(year)); err != nil {
			return CycleRead{}, err
		}
	}
	return out, nil
}

// UnitCode is the code of the unit with id, for the API's postings.
func (s *Service) UnitCode(ctx context.Context, id int64) (string, error) {
	u, err := s.cfg.Units.ByID(ctx, id)
	return u.Code, err
}
