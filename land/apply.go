package land

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"time"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/event"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/store"
)

// SplitPlan is the measured split of a parcel (the trích đo of Mẫu 22):
// what the specialist enters for a split dossier before its result is
// made. The children's areas add up to the parent's.
type SplitPlan struct {
	Children []ChildPlan `json:"children"`
}

// ChildPlan is one parcel a split makes. Number "" takes the sheet's next
// free number; LandUse nil keeps the parent's; Geometry "" cuts the
// parent's rectangle in proportion to the areas (SplitRect), else none.
type ChildPlan struct {
	Number   string   `json:"number,omitempty"`
	AreaDM2  int64    `json:"area_dm2"`
	LandUse  []string `json:"land_use,omitempty"`
	Geometry string   `json:"geometry,omitempty"`
}

// MaxChildren bounds a split (the form's "số thửa sau" goes to 1000; a
// single measurement rarely makes more than a few dozen).
const MaxChildren = 50

// EnterSplit records the measured split for a split dossier the actor
// holds as its specialist at the dossier's current unit; a second entry
// replaces the first until the result is made.
func (s *Service) EnterSplit(ctx context.Context, a *auth.Actor, d *dossier.Dossier, plan SplitPlan) error {
	if r, ok := Procedures[d.Procedure]; !ok || r.op != opSplit || IsMerge(d) {
		return problem.New(problem.ErrState, "land_not_split")
	}
	if d.Status != dossier.Processing || !a.HoldsAt(d.UnitID(), auth.Specialist) {
		return problem.Forbidden("land_specialist_only")
	}
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		p, err := s.Check(ctx, tx, d)
		if err != nil {
			return err
		}
		if p == nil {
			return problem.New(problem.ErrState, "land_not_covered")
		}
		if err := checkPlan(p, &plan); err != nil {
			return err
		}
		b, err := json.Marshal(plan)
		if err != nil {
			return err
		}
		at := s.cfg.Now()
		if _, err := tx.ExecContext(ctx, `DELETE FROM land_plans WHERE dossier_code = ?`, d.Code); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO land_plans (dossier_code, parcel_id, body, entered_by, entered_at) VALUES (?, ?, ?, ?, ?)`,
			d.Code, p.ID, string(b), a.Username, at.UnixMilli()); err != nil {
			return err
		}
		return s.security(ctx, tx, a, "land_split_measured", "dossier:"+d.Code, p.Key(), at)
	})
}

// checkPlan validates a plan against its parent parcel.
func checkPlan(p *Parcel, plan *SplitPlan) error {
	if len(plan.Children) < 2 || len(plan.Children) > MaxChildren {
		return problem.Invalid("children", "land_split_count", MaxChildren)
	}
	var total int64
	seen := map[string]bool{}
	for i := range plan.Children {
		c := &plan.Children[i]
		c.Number = trimNumber(c.Number)
		if c.AreaDM2 <= 0 {
			return problem.Invalid("children", "land_area")
		}
		total += c.AreaDM2
		for _, u := range c.LandUse {
			if !KnownUse(u) {
				return problem.Invalid("children", "land_use_code", u)
			}
		}
		if c.Geometry != "" {
			if _, _, err := CheckGeometry(c.Geometry); err != nil {
				return problem.Invalid("children", "land_geometry")
			}
		}
		if c.Number != "" {
			if seen[c.Number] {
				return problem.Invalid("children", "land_split_number", c.Number)
			}
			seen[c.Number] = true
		}
	}
	if total != p.AreaDM2 {
		return problem.Invalid("children", "land_split_total", FormatArea(total), FormatArea(p.AreaDM2))
	}
	return nil
}

// Plan returns the split entered for a dossier, or nil.
func (s *Service) Plan(ctx context.Context, code string) (*SplitPlan, error) {
	var body string
	err := s.db.QueryRowContext(ctx, `SELECT body FROM land_plans WHERE dossier_code = ?`, code).Scan(&body)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var plan SplitPlan
	return &plan, json.Unmarshal([]byte(body), &plan)
}

// apply makes a land dossier's result in the registry.
func (s *Service) apply(ctx context.Context, tx *store.Tx, e dossier.Transitioned) error {
	d := e.Dossier
	var done int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM land_changes WHERE dossier_code = ?`, d.Code).Scan(&done); err != nil || done > 0 {
		return err // the same result heard again changes nothing
	}
	p, err := s.Check(ctx, tx, d)
	if err != nil || p == nil {
		return err
	}
	at, actor := e.At, e.ActorName
	switch Procedures[d.Procedure].op {
	case opSplit:
		if IsMerge(d) {
			return s.merge(ctx, tx, p, e)
		}
		return s.split(ctx, tx, p, d.Code, actor, at)
	case opTransfer:
		return s.transfer(ctx, tx, p, d, actor, at)
	case opChangeUse:
		return s.changeUse(ctx, tx, p, d, actor, at)
	case opMortgage:
		return s.mortgage(ctx, tx, p, e)
	case opRelease:
		return s.releaseMortgage(ctx, tx, p, e)
	case opReissue:
		if err := cancelCertificates(ctx, tx, p.ID); err != nil {
			return err
		}
		serial, err := issueCertificate(ctx, tx, p.ID, at, d.Code)
		if err != nil {
			return err
		}
		return s.record(ctx, tx, p.ID, KindCertificate, d.Code, actor, map[string]any{"serial": serial}, at)
	}
	return nil
}

// split retires p and makes its children as the dossier's plan measured them.
func (s *Service) split(ctx context.Context, tx *store.Tx, p *Parcel, code, actor string, at time.Time) error {
	var body string
	err := tx.QueryRowContext(ctx, `SELECT body FROM land_plans WHERE dossier_code = ? AND parcel_id = ?`, code, p.ID).Scan(&body)
	if errors.Is(err, sql.ErrNoRows) {
		return problem.New(problem.ErrState, "land_split_unmeasured")
	}
	if err != nil {
		return err
	}
	var plan SplitPlan
	if err := json.Unmarshal([]byte(body), &plan); err != nil {
		return err
	}
	if err := checkPlan(p, &plan); err != nil {
		return err
	}
	// Retire the parent first: a child may take its number.
	if _, err := tx.ExecContext(ctx, `UPDATE land_parcels SET status = 'retired', retired_at = ?, retired_by_dossier = ? WHERE id = ? AND status = 'active'`,
		at.UnixMilli(), code, p.ID); err != nil {
		return err
	}
	if err := cancelCertificates(ctx, tx, p.ID); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE land_holders SET until_at = ? WHERE parcel_id = ? AND until_at IS NULL`, at.UnixMilli(), p.ID); err != nil {
		return err
	}
	areas := make([]int64, len(plan.Children))
	for i, c := range plan.Children {
		areas[i] = c.AreaDM2
	}
	cut, cutOK := SplitRect(p.Geometry, areas)
	next, err := nextNumber(ctx, tx, p.Commune, p.Sheet)
	if err != nil {
		return err
	}
	type made struct {
		Sheet, Number, Area, Serial string
	}
	var children []made
	for i, c := range plan.Children {
		in := ParcelInput{Commune: p.Commune, Sheet: p.Sheet, Number: c.Number, AreaDM2: c.AreaDM2, LandUse: c.LandUse,
			Address: p.Address, Geometry: c.Geometry}
		if in.Number == "" {
			in.Number, next = strconv.Itoa(next), next+1
		}
		if in.LandUse == nil {
			in.LandUse = p.LandUse
		}
		if in.Geometry == "" && cutOK {
			in.Geometry = cut[i]
		}
		for _, h := range p.Holders {
			in.Holders = append(in.Holders, Holder{IDNumber: h.IDNumber, Name: h.Name})
		}
		id, err := s.add(ctx, tx, in, code, at)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO land_parcel_links (parent_id, child_id, dossier_code) VALUES (?, ?, ?)`, p.ID, id, code); err != nil {
			return err
		}
		serial, err := issueCertificate(ctx, tx, id, at, code)
		if err != nil {
			return err
		}
		if err := s.record(ctx, tx, id, KindSplitFrom, code, actor, map[string]any{"parent": p.Sheet + "/" + p.Number, "area": FormatArea(c.AreaDM2), "serial": serial}, at); err != nil {
			return err
		}
		children = append(children, made{p.Sheet, in.Number, FormatArea(c.AreaDM2), serial})
	}
	return s.record(ctx, tx, p.ID, KindSplit, code, actor, map[string]any{"children": children}, at)
}

// nextNumber is one more than the highest numeric parcel number of a sheet.
func nextNumber(ctx context.Context, tx *store.Tx, commune, sheet string) (int, error) {
	rows, err := tx.QueryContext(ctx, `SELECT number FROM land_parcels WHERE commune = ? AND sheet = ?`, commune, sheet)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	high := 0
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return 0, err
		}
		if v, err := strconv.Atoi(n); err == nil {
			high = max(high, v)
		}
	}
	return high + 1, rows.Err()
}

// transfer gives the parcel to the receiving party of the form (a lease
// changes no user: it is recorded).
func (s *Service) transfer(ctx context.Context, tx *store.Tx, p *Parcel, d *dossier.Dossier, actor string, at time.Time) error {
	kind := d.Form["loai_bien_dong"]
	to := Holder{IDNumber: d.Form["so_dinh_danh_ben_nhan"], Name: d.Form["ben_nhan_quyen"]}
	from := make([]string, 0, len(p.Holders))
	for _, h := range p.Holders {
		from = append(from, h.Name)
	}
	detail := map[string]any{"kind": kind, "from": from, "to": to.Name}
	if kind == "Cho thuê, cho thuê lại" {
		return s.record(ctx, tx, p.ID, KindLease, d.Code, actor, detail, at)
	}
	if !idNumber(to.IDNumber) {
		return problem.Invalid("form.so_dinh_danh_ben_nhan", "land_holder")
	}
	if _, err := tx.ExecContext(ctx, `UPDATE land_holders SET until_at = ? WHERE parcel_id = ? AND until_at IS NULL`, at.UnixMilli(), p.ID); err != nil {
		return err
	}
	if err := addHolder(ctx, tx, p.ID, to, d.Code, at); err != nil {
		return err
	}
	return s.record(ctx, tx, p.ID, KindTransfer, d.Code, actor, detail, at)
}

// changeUse puts the requested use on the parcel: instead of the current
// uses when the whole area changes, beside them otherwise.
func (s *Service) changeUse(ctx context.Context, tx *store.Tx, p *Parcel, d *dossier.Dossier, actor string, at time.Time) error {
	code := useByLabel[d.Form["muc_dich_de_nghi"]]
	if code == "" {
		return problem.Invalid("form.muc_dich_de_nghi", "land_use_code", d.Form["muc_dich_de_nghi"])
	}
	area, err := ParseArea(d.Form["dien_tich_chuyen"])
	if err != nil || area <= 0 || area > p.AreaDM2 {
		return problem.Invalid("form.dien_tich_chuyen", "land_area")
	}
	uses := []string{code}
	if area < p.AreaDM2 {
		uses = append([]string{code}, slices.DeleteFunc(slices.Clone(p.LandUse), func(u string) bool { return u == code })...)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE land_parcels SET land_use = ? WHERE id = ?`, joinUse(uses), p.ID); err != nil {
		return err
	}
	return s.record(ctx, tx, p.ID, KindChangeOfUse, d.Code, actor,
		map[string]any{"from": p.LandUse, "to": uses, "area": FormatArea(area)}, at)
}

func joinUse(u []string) string {
	out := ""
	for i, c := range u {
		if i > 0 {
			out += "+"
		}
		out += c
	}
	return out
}

// security publishes an act on the registry for the audit log.
func (s *Service) security(ctx context.Context, tx *store.Tx, a *auth.Actor, action, object, details string, at time.Time) error {
	if s.cfg.Bus == nil {
		return nil
	}
	e := event.Security{At: at, Action: action, Object: object, Details: details}
	if a != nil {
		e.ActorID, e.ActorName = a.ID, a.Username
	}
	return event.Publish(ctx, s.cfg.Bus, tx, e)
}
