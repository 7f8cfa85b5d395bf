package dossier

import (
	"context"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/store"
)

// Personal is what the dossier module's tables hold about one citizen
// (Law 91/2025, the data subject's right of access): the dossiers their
// account filed and those whose applicant is the ID number VNeID verified
// for them (filed at the counter or received from the national portal),
// each with its history and files, and their wizard drafts.
type Personal struct {
	Dossiers []*Dossier `json:"dossiers"`
	Drafts   []*Draft   `json:"drafts"`
}

// Codes lists the dossiers' codes, what the other modules' parts are asked
// about.
func (p *Personal) Codes() []string {
	out := make([]string, 0, len(p.Dossiers))
	for _, d := range p.Dossiers {
		out = append(out, d.Code)
	}
	return out
}

// PersonalData collects Personal for the citizen a. An ID number typed in
// a form proves nothing (sohoa.applicantHolds says why), so only the one
// VNeID verified widens the set beyond the account's own dossiers.
func (s *Service) PersonalData(ctx context.Context, a *auth.Actor) (*Personal, error) {
	if err := needActor(a); err != nil {
		return nil, err
	}
	idn := ""
	if a.Verified != nil {
		idn = a.Verified.IDNumber
	}
	codes, err := store.Strings(ctx, s.db, `SELECT code FROM dossiers WHERE owner_id = ? OR (applicant_id_number = ? AND ? <> '') ORDER BY id`,
		a.ID, idn, idn)
	if err != nil {
		return nil, err
	}
	out := &Personal{Dossiers: []*Dossier{}}
	for _, c := range codes {
		d, err := s.load(ctx, s.db, c)
		if err != nil {
			return nil, err
		}
		if err := s.decorate(ctx, s.db, d); err != nil {
			return nil, err
		}
		if d.History, err = s.history(ctx, s.db, d); err != nil {
			return nil, err
		}
		if d.Files, err = s.files(ctx, d.id); err != nil {
			return nil, err
		}
		out.Dossiers = append(out.Dossiers, d)
	}
	if out.Drafts, err = s.Drafts(ctx, a); err != nil {
		return nil, err
	}
	return out, nil
}
