package sohoa

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/unit"
	"github.com/motcua/motcua/vntext"
)

var (
	errUnauthorized = problem.New(problem.ErrUnauthorized, "unauthorized")
	errNotPermitted = problem.Forbidden("digitise_not_permitted")
	errNotComponent = problem.Invalid("file", "digitise_not_component")
	errDigitised    = problem.Conflict("already_digitised")
	errNoFile       = problem.NotFound("file_not_found")
	errNoPaper      = problem.NotFound("paper_not_found")
)

// Digitise marks a component file of a dossier (the officer's scan of a
// paper, uploaded with dossier.Service.Upload) as digitised and gives it
// its code. Only the receiving desk digitises: an officer holding the
// reception role at the unit that received the dossier. A file is
// digitised once.
func (s *Service) Digitise(ctx context.Context, a *auth.Actor, code string, fileID int64) (*Paper, error) {
	if a == nil {
		return nil, errUnauthorized
	}
	d, err := s.dossiers.Get(ctx, a, code)
	if err != nil {
		return nil, err
	}
	if a.IsCitizen() || !a.Has(auth.Reception, d.ReceivingUnitID()) {
		return nil, errNotPermitted
	}
	var f *dossier.File
	for i := range d.Files {
		if d.Files[i].ID == fileID {
			f = &d.Files[i]
		}
	}
	if f == nil {
		return nil, errNoFile
	}
	if f.Kind != Component {
		return nil, errNotComponent
	}
	p := paperOf(d, *f, Component)
	p.unitID, p.Unit, p.By, p.At = d.ReceivingUnitID(), d.ReceivingUnit, a.FullName, s.cfg.Now()
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		if err := insertPaper(ctx, tx, d, p, a.ID); err != nil {
			return err
		}
		return s.auditDigitised(ctx, tx, a, p)
	})
	if store.IsUniqueViolation(err) {
		return nil, errDigitised
	}
	if err != nil {
		return nil, err
	}
	return p, nil
}

// OnTransitioned gives each result file of a dossier its result code when
// the result is made: the move from processing to result_ready by the
// last step's approval. A refusal during processing is a result too, but
// of a request not granted; it goes in no one's store. It runs in the
// transition's transaction (subscribed in server/events.go), so a result
// exists with its code or not at all.
func (s *Service) OnTransitioned(ctx context.Context, tx *store.Tx, e dossier.Transitioned) error {
	d := e.Dossier
	if e.From != dossier.Processing || d.Status != dossier.ResultReady || e.Action == dossier.Refuse || d.ResultRefused {
		return nil
	}
	files, err := dossier.FilesOf(ctx, tx, d.ID())
	if err != nil {
		return err
	}
	issuer := e.FromUnitID
	if issuer == 0 {
		issuer = d.UnitID()
	}
	ls, err := unit.Labels(ctx, tx, issuer)
	if err != nil {
		return err
	}
	for _, f := range files {
		if f.Kind != Result {
			continue
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM sohoa_papers WHERE file_id = ?`, f.ID).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			continue // a result sent back and approved again keeps its code
		}
		p := paperOf(d, f, Result)
		p.unitID, p.Unit, p.By, p.At = issuer, ls[issuer].Code, e.ActorName, e.At
		if err := insertPaper(ctx, tx, d, p, e.ActorID); err != nil {
			return err
		}
	}
	return nil
}

func paperOf(d *dossier.Dossier, f dossier.File, kind string) *Paper {
	return &Paper{Kind: kind, Dossier: d.Code, Procedure: d.Procedure, ProcedureName: d.ProcedureName,
		Component: f.Component, FileID: f.ID, Name: f.Name, ContentType: f.ContentType, Size: f.Size, SHA256: f.SHA256,
		HolderName: d.Applicant.Name, HolderIDNumber: d.Applicant.IDNumber}
}

// insertPaper allocates p's code at its unit and records it, held in the
// store of the citizen who filed d online (none for a counter dossier:
// its applicant's verified ID number finds it, see verifiedIDNumber).
func insertPaper(ctx context.Context, tx *store.Tx, d *dossier.Dossier, p *Paper, by int64) error {
	var err error
	if p.Code, err = nextCode(ctx, tx, p.Kind, p.Unit, p.At); err != nil {
		return err
	}
	search := vntext.Fold(strings.Join([]string{p.Code, p.Dossier, p.Procedure, p.ProcedureName, p.HolderName, p.HolderIDNumber, p.Name}, " "))
	return tx.QueryRowContext(ctx, `INSERT INTO sohoa_papers (code, kind, dossier_id, dossier_code, procedure_code, procedure_name,
		component, file_id, name, content_type, size, sha256, unit_id, holder_user_id, holder_id_number, holder_name, search, by_id, by_name, at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		p.Code, p.Kind, d.ID(), p.Dossier, p.Procedure, p.ProcedureName, p.Component, p.FileID, p.Name, p.ContentType, p.Size, p.SHA256,
		p.unitID, nullID(d.OwnerID()), p.HolderIDNumber, p.HolderName, search, nullID(by), p.By, p.At.UnixMilli()).Scan(&p.id)
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

const paperColumns = `id, code, kind, dossier_code, procedure_code, procedure_name, component, file_id, name, content_type, size, sha256,
	unit_id, COALESCE(holder_user_id, 0), holder_id_number, holder_name, by_name, at`

func scanPaper(sc interface{ Scan(...any) error }) (*Paper, error) {
	p := &Paper{}
	var at int64
	err := sc.Scan(&p.id, &p.Code, &p.Kind, &p.Dossier, &p.Procedure, &p.ProcedureName, &p.Component, &p.FileID, &p.Name,
		&p.ContentType, &p.Size, &p.SHA256, &p.unitID, &p.holderID, &p.HolderIDNumber, &p.HolderName, &p.By, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errNoPaper
	}
	p.At = fromMs(at)
	return p, err
}
