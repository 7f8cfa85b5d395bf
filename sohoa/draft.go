package sohoa

import (
	"context"
	"strings"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/dossier"
)

// Pick takes a paper from citizen a's store for a component of one of a's
// drafts in the online wizard: it returns the draft file to add (the same
// blob) and remembers the pick, so that OnDraftFiled logs the reuse in
// the transaction that attaches the draft's files to the new dossier. Only the store's holder picks from it; for anyone
// else the paper does not exist.
func (s *Service) Pick(ctx context.Context, a *auth.Actor, draftID int64, component, paperCode string) (dossier.DraftFile, error) {
	if a == nil {
		return dossier.DraftFile{}, errUnauthorized
	}
	p, err := scanPaper(s.db.QueryRowContext(ctx, `SELECT `+paperColumns+` FROM sohoa_papers WHERE code = ?`, strings.TrimSpace(paperCode)))
	if err != nil {
		return dossier.DraftFile{}, err
	}
	if ok, err := s.mayReuse(ctx, a, p, nil); err != nil {
		return dossier.DraftFile{}, err
	} else if !ok || !a.IsCitizen() {
		return dossier.DraftFile{}, errNoPaper
	}
	_, err = s.db.ExecContext(ctx, `INSERT INTO sohoa_draft_picks (draft_id, paper_id, component, sha256, by_id, at) VALUES (?, ?, ?, ?, ?, ?)`,
		draftID, p.id, component, p.SHA256, a.ID, s.cfg.Now().UnixMilli())
	if err != nil {
		return dossier.DraftFile{}, err
	}
	return dossier.DraftFile{Component: component, SHA256: p.SHA256, Name: p.Name, Size: p.Size, ContentType: p.ContentType}, nil
}
