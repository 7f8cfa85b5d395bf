package document

import (
	"context"
	"database/sql"
	"errors"
	"slices"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/store"
)

const selectDocument = `SELECT d.id, d.unit_id, d.direction, COALESCE(d.register_id, 0), d.state, d.version, d.medium,
	COALESCE(d.arrival_number, 0), COALESCE(d.arrival_at, 0), d.sender_organ_id, d.sender_name, d.code_number, d.code_notation,
	d.issued_date, d.type_code, d.subject, d.priority, d.secrecy, d.page_amount, d.due_date, d.signer_position, d.signer_name,
	d.description, COALESCE(d.drafter_id, 0), COALESCE(d.drafting_unit_id, 0), d.field, d.signature_status,
	COALESCE(d.duplicate_of, 0), d.assignment_id, COALESCE(d.issue_year, 0), COALESCE(d.issue_seq, 0), d.created_at, d.updated_at, COALESCE(d.completed_at, 0), COALESCE(d.issued_at, 0),
	d.dossier_code, d.result_file_id
	FROM documents d`

// row is a document as stored, before the codes and names are looked up.
type row struct {
	Document
	assignmentID int64
}

func scanDocument(sc interface{ Scan(...any) error }) (*row, error) {
	var r row
	d := &r.Document
	var arrival, created, updated, completed, issued int64
	var senderID, senderName string
	err := sc.Scan(&d.ID, &d.unitID, &d.Direction, &d.registerID, &d.State, &d.Version, &d.Medium,
		&d.ArrivalNumber, &arrival, &senderID, &senderName, &d.CodeNumber, &d.CodeNotation,
		&d.IssuedDate, &d.Type, &d.Subject, &d.Priority, &d.Secrecy, &d.PageAmount, &d.DueDate, &d.Signer.Position, &d.Signer.FullName,
		&d.Description, &d.drafterID, &d.draftingUnitID, &d.Field, &d.SignatureStatus,
		&d.DuplicateOf, &r.assignmentID, &d.issueYear, &d.issueSeq, &created, &updated, &completed, &issued,
		&d.Dossier, &d.ResultFile)
	if err != nil {
		return nil, err
	}
	if senderID != "" || senderName != "" {
		d.Sender = &Organ{OrganID: senderID, Name: senderName}
	}
	if arrival != 0 {
		d.ArrivalAt = fromMs(arrival)
	}
	d.CreatedAt, d.UpdatedAt = fromMs(created), fromMs(updated)
	if completed != 0 {
		d.CompletedAt = fromMs(completed)
	}
	if issued != 0 {
		d.IssuedAt = fromMs(issued)
	}
	if d.CodeNumber != "" {
		d.NumberSymbol = d.CodeNumber + "/" + d.CodeNotation
	}
	if t, ok := TypeOf(d.Type); ok {
		d.TypeName = t.Name
	}
	return &r, nil
}

// load reads one document with its current assignment (no codes yet).
func (s *Service) load(ctx context.Context, q store.Querier, id int64) (*row, error) {
	r, err := scanDocument(q.QueryRowContext(ctx, selectDocument+` WHERE d.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, problem.NotFound("document_not_found", id)
	}
	if err != nil {
		return nil, err
	}
	if r.assignmentID != 0 {
		if r.Assignment, err = loadAssignment(ctx, q, r.assignmentID); err != nil {
			return nil, err
		}
	}
	return r, nil
}

func loadAssignment(ctx context.Context, q store.Querier, id int64) (*Assignment, error) {
	var a Assignment
	var at int64
	err := q.QueryRowContext(ctx, `SELECT id, instruction, lead_unit_id, deadline, COALESCE(specialist_id, 0), by_name, at
		FROM document_assignments WHERE id = ?`, id).Scan(&a.id, &a.Instruction, &a.leadUnitID, &a.Deadline, &a.specialistID, &a.By, &at)
	if err != nil {
		return nil, err
	}
	a.At = fromMs(at)
	a.coordinatorIDs, err = store.Int64s(ctx, q, `SELECT unit_id FROM document_coordinators WHERE assignment_id = ? ORDER BY unit_id`, id)
	return &a, err
}

// canView reports whether a may see d: document.read at its organ, at its
// drafting unit, or at the lead or a coordinating unit of its assignment;
// or a is its drafter or the specialist named. A secret document
// (secrecy > 0) only to those who act on it (actsOnSecret).
func (s *Service) canView(ctx context.Context, q store.Querier, a *auth.Actor, d *row) (bool, error) {
	if a == nil || a.IsCitizen() {
		return false, nil
	}
	if d.drafterID == a.ID || d.Assignment != nil && d.Assignment.specialistID == a.ID {
		return true, nil
	}
	if d.Secrecy > 0 {
		return s.actsOnSecret(ctx, q, a, d)
	}
	units := []int64{d.unitID}
	if d.draftingUnitID != 0 && d.draftingUnitID != d.unitID {
		units = append(units, d.draftingUnitID)
	}
	if d.Assignment != nil {
		units = append(units, d.Assignment.leadUnitID)
		units = append(units, d.Assignment.coordinatorIDs...)
	}
	for _, u := range units {
		chain, err := s.units.Chain(ctx, q, u)
		if err != nil {
			return false, err
		}
		if a.Can(auth.ReadDocument, chain) {
			return true, nil
		}
	}
	return false, nil
}

// actsOnSecret reports whether a may see secret document d (secrecy >
// 0, the law on protecting state secrets: only those whose work needs
// it): a role on it other than coordinator — the organ's clerk or leader,
// the lead unit's leader, the drafting unit's head (the drafter and the
// named specialist were let in by canView). document.read alone, a
// supervisor's reach or a coordinating unit is not enough. A system
// account never: a secret document does not travel through an
// integration, whatever rights the client holds.
func (s *Service) actsOnSecret(ctx context.Context, q store.Querier, a *auth.Actor, d *row) (bool, error) {
	if a.Client != nil {
		return false, nil
	}
	roles, err := s.rolesOn(ctx, q, a, d)
	if err != nil {
		return false, err
	}
	return slices.ContainsFunc(roles, func(r string) bool { return r != RoleCoordinator }), nil
}

// rolesOn lists the roles a plays on d (see the Role constants).
func (s *Service) rolesOn(ctx context.Context, q store.Querier, a *auth.Actor, d *row) ([]string, error) {
	if a == nil || a.IsCitizen() {
		return nil, nil
	}
	chain, err := s.units.Chain(ctx, q, d.unitID)
	if err != nil {
		return nil, err
	}
	var roles []string
	add := func(role string, ok bool) {
		if ok && !slices.Contains(roles, role) {
			roles = append(roles, role)
		}
	}
	if d.Direction == In {
		add(RoleClerk, a.Can(auth.RegisterDocument, chain))
		add(RoleLeader, a.Can(auth.AssignDocument, chain))
	} else {
		add(RoleClerk, a.Can(auth.IssueDocument, chain))
		add(RoleLeader, a.Can(auth.ApproveDocument, chain))
	}
	if as := d.Assignment; as != nil {
		lead, err := s.units.Chain(ctx, q, as.leadUnitID)
		if err != nil {
			return nil, err
		}
		add(RoleLead, a.Can(auth.AssignDocument, lead))
		add(RoleSpecialist, as.specialistID == a.ID)
		for _, c := range as.coordinatorIDs {
			cc, err := s.units.Chain(ctx, q, c)
			if err != nil {
				return nil, err
			}
			add(RoleCoordinator, a.Can(auth.DraftDocument, cc) || a.Can(auth.AssignDocument, cc))
		}
	}
	if d.Direction == Out && d.draftingUnitID != 0 {
		dc, err := s.units.Chain(ctx, q, d.draftingUnitID)
		if err != nil {
			return nil, err
		}
		add(RoleDrafter, d.drafterID == a.ID && a.Can(auth.DraftDocument, dc))
		add(RoleHead, a.Can(auth.ApproveDocument, dc))
	}
	return roles, nil
}

// fill turns ids into codes and names for the reader, and sets the
// deadline, the overdue flag and the reader's actions.
func (s *Service) fill(ctx context.Context, q store.Querier, a *auth.Actor, rs []*row) error {
	var unitIDs, userIDs, regIDs []int64
	for _, r := range rs {
		unitIDs = append(unitIDs, r.unitID, r.draftingUnitID)
		userIDs = append(userIDs, r.drafterID)
		regIDs = append(regIDs, r.registerID)
		if as := r.Assignment; as != nil {
			unitIDs = append(unitIDs, as.leadUnitID)
			unitIDs = append(unitIDs, as.coordinatorIDs...)
			userIDs = append(userIDs, as.specialistID)
		}
	}
	codes, err := s.units.Codes(ctx, q, unitIDs)
	if err != nil {
		return err
	}
	names, err := auth.Usernames(ctx, q, userIDs...)
	if err != nil {
		return err
	}
	registers, err := registerCodes(ctx, q, regIDs)
	if err != nil {
		return err
	}
	now := today(s.cfg.Now())
	for _, r := range rs {
		r.Unit, r.DraftingUnit, r.Drafter, r.Register = codes[r.unitID], codes[r.draftingUnitID], names[r.drafterID], registers[r.registerID]
		r.Deadline = r.DueDate
		if as := r.Assignment; as != nil {
			as.LeadUnit, as.Specialist = codes[as.leadUnitID], names[as.specialistID]
			as.Coordinators = as.Coordinators[:0]
			for _, c := range as.coordinatorIDs {
				as.Coordinators = append(as.Coordinators, codes[c])
			}
			if as.Deadline != "" {
				r.Deadline = as.Deadline
			}
		}
		r.Overdue = r.State.Open() && r.Deadline != "" && r.Deadline < now
		roles, err := s.rolesOn(ctx, q, a, r)
		if err != nil {
			return err
		}
		r.Actions = Actions(r.State, roles)
		if r.Actions == nil {
			r.Actions = []Action{}
		}
	}
	return nil
}

func registerCodes(ctx context.Context, q store.Querier, ids []int64) (map[int64]string, error) {
	out := map[int64]string{}
	ids = slices.DeleteFunc(slices.Clone(ids), func(id int64) bool { return id == 0 })
	if len(ids) == 0 {
		return out, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	rows, err := q.QueryContext(ctx, `SELECT id, code FROM document_registers WHERE id IN (`+store.Placeholders(len(ids))+`)`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var code string
		if err := rows.Scan(&id, &code); err != nil {
			return nil, err
		}
		out[id] = code
	}
	return out, rows.Err()
}
