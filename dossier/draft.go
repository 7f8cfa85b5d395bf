package dossier

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/catalog"
	"github.com/motcua/motcua/event"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/store"
)

// Draft is an online submission in progress: what the citizen (or the
// community digital team member helping them) typed and uploaded so far,
// saved at every step so a dropped connection loses nothing. Only its
// author sees it. Submitting it creates the dossier and deletes the draft.
type Draft struct {
	ID        int64
	Procedure string
	Data      DraftData
	CreatedAt time.Time
	UpdatedAt time.Time
}

// DraftData is the JSON stored in drafts.data. Values are kept as typed,
// valid or not; Submit validates them.
type DraftData struct {
	Unit      string            `json:"unit"`
	Applicant Applicant         `json:"applicant"`
	Form      map[string]string `json:"form"`
	Delivery  string            `json:"delivery"`
	Files     []DraftFile       `json:"files"`
	// CompetentUnit and ReturnAt are SubmitInput's: a dossier filed at
	// Unit for another commune of the province (phi địa giới).
	CompetentUnit string `json:"competent_unit,omitempty"`
	ReturnAt      string `json:"return_at,omitempty"`
}

// DraftFile is a blob stored with StoreBlob for one component of a draft.
type DraftFile struct {
	Component   string `json:"component"`
	SHA256      string `json:"sha256"`
	Name        string `json:"name"`
	Size        int64  `json:"size"`
	ContentType string `json:"content_type"`
}

// Limits that keep one account from filling the database with drafts.
const (
	maxDraftBytes = 256 << 10
	maxDraftFiles = 60
)

var errNoDraft = problem.NotFound("draft_not_found")

const selectDraft = `SELECT id, procedure_code, data, created_at, updated_at FROM drafts`

func scanDraft(sc interface{ Scan(...any) error }) (*Draft, error) {
	var d Draft
	var data string
	var created, updated int64
	if err := sc.Scan(&d.ID, &d.Procedure, &data, &created, &updated); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(data), &d.Data); err != nil {
		return nil, fmt.Errorf("dossier: draft %d: %w", d.ID, err)
	}
	for i := range d.Data.Files {
		d.Data.Files[i].Name = cleanName(d.Data.Files[i].Name)
	}
	d.CreatedAt, d.UpdatedAt = fromMs(created), fromMs(updated)
	return &d, nil
}

// draftJSON encodes a draft's data, within the limits; file names are
// cleaned as Upload cleans them.
func draftJSON(d DraftData) (string, error) {
	for i := range d.Files {
		d.Files[i].Name = cleanName(d.Files[i].Name)
	}
	if len(d.Files) > maxDraftFiles {
		return "", problem.Invalid("file", "too_many_files", maxDraftFiles)
	}
	b, err := json.Marshal(d)
	if err != nil {
		return "", err
	}
	if len(b) > maxDraftBytes {
		return "", problem.Invalid("draft", "draft_too_large")
	}
	return string(b), nil
}

func needActor(a *auth.Actor) error {
	if a == nil {
		return problem.New(problem.ErrUnauthorized, "unauthorized")
	}
	return nil
}

// CreateDraft starts a draft of procedure for a.
func (s *Service) CreateDraft(ctx context.Context, a *auth.Actor, procedure string, data DraftData) (*Draft, error) {
	if err := needActor(a); err != nil {
		return nil, err
	}
	p, err := s.catalog.Get(ctx, procedure)
	if err != nil {
		return nil, err
	}
	if err := s.checkDraftQuota(p, nil, data.Files); err != nil {
		return nil, err
	}
	body, err := draftJSON(data)
	if err != nil {
		return nil, err
	}
	now := s.cfg.Now()
	d := &Draft{Procedure: procedure, Data: data, CreatedAt: now, UpdatedAt: now}
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		return tx.QueryRowContext(ctx, `INSERT INTO drafts (user_id, procedure_code, unit_code, data, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?) RETURNING id`, a.ID, procedure, data.Unit, body, now.UnixMilli(), now.UnixMilli()).Scan(&d.ID)
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}

// GetDraft returns one of a's drafts; anyone else's is not found.
func (s *Service) GetDraft(ctx context.Context, a *auth.Actor, id int64) (*Draft, error) {
	if err := needActor(a); err != nil {
		return nil, err
	}
	d, err := scanDraft(s.db.QueryRowContext(ctx, selectDraft+` WHERE id = ? AND user_id = ?`, id, a.ID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errNoDraft
	}
	return d, err
}

// LatestDraft returns a's most recently saved draft of procedure, or a
// not-found error when there is none.
func (s *Service) LatestDraft(ctx context.Context, a *auth.Actor, procedure string) (*Draft, error) {
	if err := needActor(a); err != nil {
		return nil, err
	}
	d, err := scanDraft(s.db.QueryRowContext(ctx, selectDraft+` WHERE user_id = ? AND procedure_code = ?
		ORDER BY updated_at DESC, id DESC LIMIT 1`, a.ID, procedure))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errNoDraft
	}
	return d, err
}

// Drafts lists a's drafts, most recently saved first.
func (s *Service) Drafts(ctx context.Context, a *auth.Actor) ([]*Draft, error) {
	if err := needActor(a); err != nil {
		return nil, err
	}
	rows, err := s.db.QueryContext(ctx, selectDraft+` WHERE user_id = ? ORDER BY updated_at DESC, id DESC LIMIT 100`, a.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*Draft{}
	for rows.Next() {
		d, err := scanDraft(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// SaveDraft stores d's data (last write wins).
func (s *Service) SaveDraft(ctx context.Context, a *auth.Actor, d *Draft) error {
	if err := needActor(a); err != nil {
		return err
	}
	body, err := draftJSON(d.Data)
	if err != nil {
		return err
	}
	old, err := s.GetDraft(ctx, a, d.ID)
	if err != nil {
		return err
	}
	p, err := s.catalog.Get(ctx, old.Procedure)
	if err != nil {
		return err
	}
	if err := s.checkDraftQuota(p, old.Data.Files, d.Data.Files); err != nil {
		return err
	}
	now := s.cfg.Now()
	res, err := s.db.ExecContext(ctx, `UPDATE drafts SET data = ?, unit_code = ?, updated_at = ? WHERE id = ? AND user_id = ?`,
		body, d.Data.Unit, now.UnixMilli(), d.ID, a.ID)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return errNoDraft
	}
	d.UpdatedAt = now
	return nil
}

// DeleteDraft discards one of a's drafts.
func (s *Service) DeleteDraft(ctx context.Context, a *auth.Actor, id int64) error {
	if err := needActor(a); err != nil {
		return err
	}
	_, err := s.db.ExecContext(ctx, `DELETE FROM drafts WHERE id = ? AND user_id = ?`, id, a.ID)
	return err
}

// MissingComponents lists the required components of p that files do not cover.
func MissingComponents(p catalog.Procedure, files []DraftFile) []catalog.Component {
	have := map[string]bool{}
	for _, f := range files {
		have[f.Component] = true
	}
	var out []catalog.Component
	for _, c := range p.Components {
		if c.Required && !have[c.Key] {
			out = append(out, c)
		}
	}
	return out
}

// draftKey is the idempotency key a draft is submitted with, so a double
// click or a retry after a lost reply never files two dossiers.
func draftKey(id int64) string { return fmt.Sprintf("draft-%d", id) }

// SubmitDraft files the draft as a dossier through Submit, attaches its
// files and deletes it. Submitting an already submitted draft returns the
// same dossier with replayed=true. Required components must all be there.
func (s *Service) SubmitDraft(ctx context.Context, a *auth.Actor, id int64) (*Dossier, bool, error) {
	dr, err := s.GetDraft(ctx, a, id)
	if errors.Is(err, problem.ErrNotFound) {
		// The draft is gone, so is its request: any earlier one matches.
		if d, err := s.byIdempotencyKey(ctx, a, draftKey(id), ""); err == nil {
			return d, true, nil
		}
		return nil, false, errNoDraft
	}
	if err != nil {
		return nil, false, err
	}
	p, err := s.catalog.Get(ctx, dr.Procedure)
	if err != nil {
		return nil, false, err
	}
	if missing := MissingComponents(p, dr.Data.Files); len(missing) > 0 {
		var names []string
		for _, c := range missing {
			names = append(names, c.Name)
		}
		return nil, false, problem.Invalid("component", "component_required", strings.Join(names, "; "))
	}
	flags := make([][]string, len(dr.Data.Files))
	for i, f := range dr.Data.Files {
		if flags[i], err = s.checkStored(ctx, File{Name: f.Name, ContentType: f.ContentType, Size: f.Size, SHA256: f.SHA256}); err != nil {
			return nil, false, err
		}
	}
	form := make(map[string]any, len(dr.Data.Form))
	for k, v := range dr.Data.Form {
		form[k] = v
	}
	d, replayed, err := s.Submit(ctx, a, SubmitInput{Procedure: dr.Procedure, Unit: dr.Data.Unit, Applicant: dr.Data.Applicant,
		Form: form, Delivery: dr.Data.Delivery, Channel: "online", IdempotencyKey: draftKey(id),
		CompetentUnit: dr.Data.CompetentUnit, ReturnAt: dr.Data.ReturnAt})
	if err != nil {
		return nil, false, err
	}
	now := s.cfg.Now()
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		// Deleting the draft first makes the file rows happen once: a
		// concurrent submit of the same draft finds nothing to delete (it
		// waits for this transaction's row lock) and attaches nothing.
		res, err := tx.ExecContext(ctx, `DELETE FROM drafts WHERE id = ? AND user_id = ?`, id, a.ID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return err
		}
		files := make([]File, 0, len(dr.Data.Files))
		for i, df := range dr.Data.Files {
			f := File{Component: df.Component, Kind: "component", Name: cleanName(df.Name), ContentType: df.ContentType,
				Size: df.Size, SHA256: df.SHA256, Flags: flags[i], UploadedAt: now}
			if err := insertFile(ctx, tx, d.id, a.ID, &f); err != nil {
				return err
			}
			files = append(files, f)
		}
		// Listeners (package sohoa's reuse log) record what comes with the
		// files in this transaction: a crash leaves the draft, its files
		// unattached and its log unwritten, and the retry does all three.
		return event.Publish(ctx, s.cfg.Events, tx, DraftFiled{DraftID: id, Dossier: d, Files: files, ActorID: a.ID, ActorName: a.FullName,
			ActorUsername: a.Username, At: now})
	})
	if err != nil {
		return nil, false, err
	}
	d, err = s.Get(ctx, a, d.Code)
	return d, replayed, err
}
