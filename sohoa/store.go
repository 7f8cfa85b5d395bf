package sohoa

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/event"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/unit"
	"github.com/motcua/motcua/vntext"
)

// MaxResults bounds a search or a store listing (newest first; there is
// no paging: a narrower query finds older papers).
const MaxResults = 200

// MaxQuery bounds a search's text in characters: each of its words is a
// LIKE over the papers in reach.
const MaxQuery = 200

// Store lists the papers in a citizen's personal data store, newest
// first, each with its reuses: those of the dossiers the account filed
// and, with an ID number verified by VNeID (auth.Actor.Verified), those
// filed for that ID number at the counter. An officer holds no store.
func (s *Service) Store(ctx context.Context, a *auth.Actor) ([]Paper, error) {
	if a == nil {
		return nil, errUnauthorized
	}
	if !a.IsCitizen() {
		return []Paper{}, nil
	}
	where, args := s.holderClause(a)
	return s.papers(ctx, where, args)
}

// StorePage is one page of Store for the API's listing convention
// (docs/api.md, Listings): at most limit papers after the cursor (empty:
// the first), newest first, and the next page's cursor, empty on the last.
// Unlike Store it reaches papers beyond MaxResults.
func (s *Service) StorePage(ctx context.Context, a *auth.Actor, limit int, after string) ([]Paper, string, error) {
	if a == nil {
		return nil, "", errUnauthorized
	}
	k, err := parsePaperKey(after)
	if err != nil {
		return nil, "", err
	}
	if !a.IsCitizen() {
		return []Paper{}, "", nil
	}
	where, args := s.holderClause(a)
	return s.papersPage(ctx, where, args, limit, k)
}

// holderClause selects the papers held by citizen a.
func (s *Service) holderClause(a *auth.Actor) (string, []any) {
	if id := verifiedIDNumber(a); id != "" {
		return `(holder_user_id = ? OR holder_id_number = ?)`, []any{a.ID, id}
	}
	return `holder_user_id = ?`, []any{a.ID}
}

// Search finds papers by code, ID number, applicant's name, procedure or
// dossier code (every word of q, accents and case ignored). A citizen
// searches their own store; an officer the papers digitised or issued at
// the units where they hold dossier.read (auth.Scopes), the units below
// included for the roles that reach them.
func (s *Service) Search(ctx context.Context, a *auth.Actor, q string) ([]Paper, error) {
	ps, _, err := s.search(ctx, a, q, MaxResults, nil)
	return ps, err
}

// SearchPage is one page of Search for the API's listing convention
// (docs/api.md, Listings): at most limit papers after the cursor (empty:
// the first), newest first, and the next page's cursor, empty on the
// last. Each page an officer reads by a name or ID number is on record.
func (s *Service) SearchPage(ctx context.Context, a *auth.Actor, q string, limit int, after string) ([]Paper, string, error) {
	k, err := parsePaperKey(after)
	if err != nil {
		return nil, "", err
	}
	return s.search(ctx, a, q, limit, k)
}

// search is Search's at most limit papers after k (nil: from the newest),
// with the cursor of the page after them when there is one.
func (s *Service) search(ctx context.Context, a *auth.Actor, q string, limit int, k *paperKey) ([]Paper, string, error) {
	if a == nil {
		return nil, "", errUnauthorized
	}
	if utf8.RuneCountInString(q) > MaxQuery {
		return nil, "", problem.Invalid("q", "text_too_long", MaxQuery)
	}
	var where []string
	var args []any
	if a.IsCitizen() {
		w, wa := s.holderClause(a)
		where, args = append(where, w), append(args, wa...)
	} else {
		units, err := s.units.Reach(ctx, s.db, a, auth.ReadDossier)
		if err != nil {
			return nil, "", err
		}
		if len(units) == 0 {
			return []Paper{}, "", nil
		}
		where = append(where, `unit_id IN (`+store.Placeholders(len(units))+`)`)
		for _, u := range units {
			args = append(args, u)
		}
	}
	for _, t := range vntext.Terms(q) {
		where = append(where, `search LIKE ? ESCAPE '\'`)
		args = append(args, "%"+likeEscape(t)+"%")
	}
	ps, next, err := s.papersPage(ctx, strings.Join(where, " AND "), args, limit, k)
	if err != nil || a.IsCitizen() || strings.TrimSpace(q) == "" {
		return ps, next, err
	}
	// An officer's search by a person's name or ID number reads personal
	// data across dossiers: on record before it is shown, like a
	// dossier_read.
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		return event.Publish(ctx, s.cfg.Bus, tx, event.Security{At: s.cfg.Now(), ActorID: a.ID, ActorName: a.Username,
			Action: "papers_searched", Object: "search:digitised", Details: fmt.Sprintf("%q, %d found", q, len(ps))})
	})
	if err != nil {
		return nil, "", err
	}
	return ps, next, nil
}

// Papers lists the digitised papers and results of a dossier, for whoever
// may see the dossier: the units handling it see the codes given at the
// desk and reuse the papers (the once-only principle).
func (s *Service) Papers(ctx context.Context, a *auth.Actor, code string) ([]Paper, error) {
	d, err := s.dossiers.Get(ctx, a, code)
	if err != nil {
		return nil, err
	}
	return s.papers(ctx, `dossier_id = ?`, []any{d.ID()})
}

func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// papers reads the papers matching where, newest first, with their units'
// codes and their reuses.
func (s *Service) papers(ctx context.Context, where string, args []any) ([]Paper, error) {
	return s.papersAfter(ctx, where, args, MaxResults, nil)
}

// papersAfter is papers, at most limit of them, after k (nil: from the
// newest).
func (s *Service) papersAfter(ctx context.Context, where string, args []any, limit int, k *paperKey) ([]Paper, error) {
	if k != nil {
		where = `(` + where + `) AND (at < ? OR (at = ? AND id < ?))`
		args = append(slices.Clip(args), k.At, k.At, k.ID)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+paperColumns+` FROM sohoa_papers WHERE `+where+` ORDER BY at DESC, id DESC LIMIT `+strconv.Itoa(limit), args...)
	if err != nil {
		return nil, err
	}
	out := []Paper{}
	var units []int64
	byID := map[int64]int{}
	for rows.Next() {
		p, err := scanPaper(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		byID[p.id] = len(out)
		units = append(units, p.unitID)
		out = append(out, *p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return out, nil
	}
	ls, err := unit.Labels(ctx, s.db, units...)
	if err != nil {
		return nil, err
	}
	ids := make([]any, 0, len(out))
	for i := range out {
		out[i].Unit = ls[out[i].unitID].Code
		ids = append(ids, out[i].id)
	}
	rr, err := s.db.QueryContext(ctx, `SELECT paper_id, dossier_code, component, file_id, by_name, at FROM sohoa_reuses
		WHERE paper_id IN (`+store.Placeholders(len(ids))+`) ORDER BY id`, ids...)
	if err != nil {
		return nil, err
	}
	defer rr.Close()
	for rr.Next() {
		var pid, at int64
		var r Reuse
		if err := rr.Scan(&pid, &r.Dossier, &r.Component, &r.FileID, &r.By, &at); err != nil {
			return nil, err
		}
		p := &out[byID[pid]]
		r.Paper, r.At = p.Code, fromMs(at)
		p.Reuses = append(p.Reuses, r)
	}
	return out, rr.Err()
}

// AttachFromStore attaches paper (by its code) to the component of the
// dossier with code instead of an upload: the same blob, recorded as the
// dossier's file by dossier.Service.AttachStored with the dossier's own
// rules (only while it takes files, by its applicant or its desk), and
// logs the reuse. Who may reuse a paper: the citizen whose store holds it;
// the dossier's desk when the paper is the dossier's applicant's
// (applicantHolds). Anyone else is told the paper does not exist. The attachment and
// its log row are one transaction: both exist, or neither.
func (s *Service) AttachFromStore(ctx context.Context, a *auth.Actor, code, component, paperCode string) (*Reuse, error) {
	if a == nil {
		return nil, errUnauthorized
	}
	d, err := s.dossiers.Get(ctx, a, code)
	if err != nil {
		return nil, err
	}
	if !a.IsCitizen() && !a.Has(auth.Reception, d.ReceivingUnitID()) {
		return nil, problem.New(problem.ErrForbidden, "upload_not_permitted")
	}
	p, err := scanPaper(s.db.QueryRowContext(ctx, `SELECT `+paperColumns+` FROM sohoa_papers WHERE code = ?`, strings.TrimSpace(paperCode)))
	if err != nil {
		return nil, err
	}
	if ok, err := s.mayReuse(ctx, a, p, d); err != nil {
		return nil, err
	} else if !ok {
		return nil, errNoPaper
	}
	var r *Reuse
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		f, err := s.dossiers.AttachStoredIn(ctx, tx, a, d.Code, dossier.File{Component: component, Name: p.Name,
			ContentType: p.ContentType, Size: p.Size, SHA256: p.SHA256})
		if err != nil {
			return err
		}
		r = &Reuse{Paper: p.Code, Dossier: d.Code, Component: f.Component, FileID: f.ID, By: a.FullName, At: s.cfg.Now()}
		return s.logReuse(ctx, tx, p.id, d, *r, a.ID, a.Username)
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// mayReuse says whether a may attach p to dossier d (see AttachFromStore);
// d is nil for a draft, which only its citizen author fills from the store.
func (s *Service) mayReuse(ctx context.Context, a *auth.Actor, p *Paper, d *dossier.Dossier) (bool, error) {
	if a.IsCitizen() {
		id := verifiedIDNumber(a)
		return p.holderID == a.ID || id != "" && id == p.HolderIDNumber, nil
	}
	if d == nil {
		return false, nil
	}
	vouched, err := s.vouchedIDNumber(ctx, d)
	if err != nil || !applicantHolds(d, p, vouched) {
		return false, err
	}
	// The holder withdrew their consent to the desk's reuse (Withdraw).
	withdrawn, err := s.reuseWithdrawn(ctx, p)
	return !withdrawn, err
}

// Suggest lists the papers the officer's units hold (as Search) that the
// desk may attach to dossier d (applicantHolds), but d's own: those held
// by the account that filed d or under its applicant's ID number.
func (s *Service) Suggest(ctx context.Context, a *auth.Actor, d *dossier.Dossier) ([]Paper, error) {
	if a == nil || a.IsCitizen() {
		return []Paper{}, nil
	}
	var who []string
	var args []any
	if d.OwnerID() != 0 {
		who, args = append(who, `holder_user_id = ?`), append(args, d.OwnerID())
	}
	if d.Applicant.IDNumber != "" {
		who, args = append(who, `holder_id_number = ?`), append(args, d.Applicant.IDNumber)
	}
	units, err := s.units.Reach(ctx, s.db, a, auth.ReadDossier)
	if err != nil || len(who) == 0 || len(units) == 0 {
		return []Paper{}, err
	}
	for _, u := range units {
		args = append(args, u)
	}
	args = append(args, d.ID())
	ps, err := s.papers(ctx, `(`+strings.Join(who, " OR ")+`) AND unit_id IN (`+store.Placeholders(len(units))+`) AND dossier_id <> ?`, args)
	if err != nil {
		return nil, err
	}
	vouched, err := s.vouchedIDNumber(ctx, d)
	if err != nil {
		return nil, err
	}
	out := ps[:0]
	for i := range ps {
		if !applicantHolds(d, &ps[i], vouched) {
			continue
		}
		if withdrawn, err := s.reuseWithdrawn(ctx, &ps[i]); err != nil {
			return nil, err
		} else if !withdrawn {
			out = append(out, ps[i])
		}
	}
	return out, nil
}

// applicantHolds says whether paper p is dossier d's applicant's, the
// only papers the desk attaches to d: held by the account that filed d
// online, or held under d's applicant's ID number when that number is
// vouched for (vouchedIDNumber) — on the ID card the desk checks for a dossier with no
// filing account (filed at the counter, or received from the national
// portal), by VNeID for the account that filed d online. An ID number
// typed in the wizard proves nothing: trusting it would let anyone file
// under someone else's number and ask the desk for that person's papers,
// which the filer then downloads from their dossier. For the same reason
// a paper the officer may read but of another person is not attached.
func applicantHolds(d *dossier.Dossier, p *Paper, vouched string) bool {
	if d.OwnerID() != 0 && p.holderID == d.OwnerID() {
		return true
	}
	return p.HolderIDNumber != "" && p.HolderIDNumber == vouched
}

// vouchedIDNumber is d's applicant's ID number when it is vouched for (see
// applicantHolds), else "".
func (s *Service) vouchedIDNumber(ctx context.Context, d *dossier.Dossier) (string, error) {
	id := d.Applicant.IDNumber
	if id == "" || d.OwnerID() == 0 {
		return id, nil
	}
	if s.cfg.Accounts == nil {
		return "", nil
	}
	acc, err := s.cfg.Accounts.Actor(ctx, d.OwnerID())
	if err != nil {
		return "", err
	}
	if verifiedIDNumber(acc) != id {
		return "", nil
	}
	return id, nil
}
