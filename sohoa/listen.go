package sohoa

import (
	"context"
	"strings"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/event"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/unit"
)

// OnDraftFiled turns the picks of a draft just filed into reuses: each
// pick whose blob is a file of its component (the applicant may have
// removed it before filing) is logged against that file, and audited.
// The picks are deleted either way. It runs in the transaction that
// attaches the draft's files (subscribed in server/events.go), so a filed
// dossier never holds a picked paper without its reuse log.
func (s *Service) OnDraftFiled(ctx context.Context, tx *store.Tx, e dossier.DraftFiled) error {
	rows, err := tx.QueryContext(ctx, `SELECT p.id, p.code, k.component, k.sha256 FROM sohoa_draft_picks k
		JOIN sohoa_papers p ON p.id = k.paper_id WHERE k.draft_id = ? AND k.by_id = ? ORDER BY k.id`, e.DraftID, e.ActorID)
	if err != nil {
		return err
	}
	type pick struct {
		paper                int64
		code, component, sum string
	}
	var picks []pick
	for rows.Next() {
		var p pick
		if err := rows.Scan(&p.paper, &p.code, &p.component, &p.sum); err != nil {
			rows.Close()
			return err
		}
		picks = append(picks, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	d := e.Dossier
	used := map[int64]bool{}
	for _, p := range picks {
		for _, f := range e.Files {
			if f.Component != p.component || f.SHA256 != p.sum || used[f.ID] {
				continue
			}
			used[f.ID] = true
			r := Reuse{Paper: p.code, Dossier: d.Code, Component: f.Component, FileID: f.ID, By: e.ActorName, At: e.At}
			if err := s.logReuse(ctx, tx, p.paper, d, r, e.ActorID, e.ActorUsername); err != nil {
				return err
			}
			break
		}
	}
	_, err = tx.ExecContext(ctx, `DELETE FROM sohoa_draft_picks WHERE draft_id = ? AND by_id = ?`, e.DraftID, e.ActorID)
	return err
}

// logReuse records reuse r of the paper with id paperID in dossier d, and
// its audit row (paper_reused), in tx.
func (s *Service) logReuse(ctx context.Context, tx *store.Tx, paperID int64, d *dossier.Dossier, r Reuse, byID int64, username string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO sohoa_reuses (paper_id, dossier_id, dossier_code, component, file_id, by_id, by_name, at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, paperID, d.ID(), d.Code, r.Component, r.FileID, nullID(byID), r.By, r.At.UnixMilli())
	if err != nil {
		return err
	}
	return event.Publish(ctx, s.cfg.Bus, tx, event.Security{At: r.At, ActorID: byID, ActorName: username, UnitID: d.ReceivingUnitID(),
		Action: "paper_reused", Object: "paper:" + r.Paper, Details: "dossier " + d.Code + " component " + r.Component})
}

// auditDigitised writes the audit row of a digitisation, in tx.
func (s *Service) auditDigitised(ctx context.Context, tx *store.Tx, a *auth.Actor, p *Paper) error {
	return event.Publish(ctx, s.cfg.Bus, tx, event.Security{At: p.At, ActorID: a.ID, ActorName: a.Username, UnitID: p.unitID,
		Action: "paper_digitised", Object: "paper:" + p.Code, Details: strings.Join([]string{"dossier", p.Dossier, "component", p.Component}, " ")})
}

// OnUnitMerged gives the successor the papers its merged predecessor
// digitised or issued: its officers find and reuse them (the once-only
// principle survives a reorganisation). The codes do not change: they keep
// the predecessor's identifier, stay unique (its running numbers are its
// own) and are found by search as before.
func (s *Service) OnUnitMerged(ctx context.Context, tx *store.Tx, e unit.Merged) error {
	return movePapers(ctx, tx, e.From, e.Into)
}

// OnUnitAbolished does the same for an abolished unit with a successor.
func (s *Service) OnUnitAbolished(ctx context.Context, tx *store.Tx, e unit.Abolished) error {
	if e.Successor == 0 {
		return nil
	}
	return movePapers(ctx, tx, e.ID, e.Successor)
}

func movePapers(ctx context.Context, tx *store.Tx, from, to int64) error {
	_, err := tx.ExecContext(ctx, `UPDATE sohoa_papers SET unit_id = ? WHERE unit_id = ?`, to, from)
	return err
}
