package sohoa

import (
	"context"
	"strings"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/store"
)

// Pick takes a paper from citizen a's store for a component of one of a's
// drafts in the online wizard: it returns the draft file to add (the same
// blob) and remembers the pick, so that DraftFiled logs the reuse once
// the dossier exists. Only the store's holder picks from it; for anyone
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

// DraftFiled turns the picks of a draft just filed as the dossier with
// code into reuses: each pick whose blob is still a file of its component
// (the applicant may have removed it before filing) is logged against that
// file. The picks are deleted either way.
func (s *Service) DraftFiled(ctx context.Context, a *auth.Actor, draftID int64, code string) error {
	d, err := s.dossiers.Get(ctx, a, code)
	if err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT paper_id, component, sha256 FROM sohoa_draft_picks WHERE draft_id = ? AND by_id = ? ORDER BY id`, draftID, a.ID)
		if err != nil {
			return err
		}
		type pick struct {
			paper          int64
			component, sum string
		}
		var picks []pick
		for rows.Next() {
			var p pick
			if err := rows.Scan(&p.paper, &p.component, &p.sum); err != nil {
				rows.Close()
				return err
			}
			picks = append(picks, p)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		used := map[int64]bool{}
		for _, p := range picks {
			for _, f := range d.Files {
				if f.Component != p.component || f.SHA256 != p.sum || used[f.ID] {
					continue
				}
				used[f.ID] = true
				if _, err := tx.ExecContext(ctx, `INSERT INTO sohoa_reuses (paper_id, dossier_id, dossier_code, component, file_id, by_id, by_name, at)
					VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, p.paper, d.ID(), d.Code, f.Component, f.ID, a.ID, a.FullName, s.cfg.Now().UnixMilli()); err != nil {
					return err
				}
				break
			}
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM sohoa_draft_picks WHERE draft_id = ? AND by_id = ?`, draftID, a.ID)
		return err
	})
}
