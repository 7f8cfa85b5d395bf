package dossier

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/event"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/unit"
)

// PartnerAgency is an agency outside the unit tree that a dossier's step
// may ask for an answer (cơ quan phối hợp): a tax office, the commune
// police, a branch of the Land Registration Office… Each province keeps
// its own registry, managed by the province's admins.
type PartnerAgency struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
	// Code is the electronic agency code of Decision 20/2020/QĐ-TTg
	// (e.g. "G12.38.09"), when known.
	Code  string `json:"code,omitempty"`
	Email string `json:"email,omitempty"`
	// Province is the code of the province unit whose registry it is in.
	Province string `json:"province"`
	// Active: offered for new requests. A retired agency stays for the
	// requests that name it.
	Active bool `json:"active"`
}

// MaxAgencyCode bounds Code; agency codes of Decision 20/2020 are short.
const MaxAgencyCode = 40

var agencyCodeRE = regexp.MustCompile(`^[A-Z0-9][A-Z0-9.]*$`)

// PartnerAgencies lists the registry of province (a province unit's code;
// empty: every province), active agencies only unless all. Any officer
// reads it — the names and addresses of public agencies are not secret —
// but no citizen.
func (s *Service) PartnerAgencies(ctx context.Context, a *auth.Actor, province string, all bool) ([]PartnerAgency, error) {
	out, _, err := s.partnerAgencies(ctx, a, province, all, 0, nil)
	return out, err
}

// partnerAgencies is PartnerAgencies, by province, name and id, at most
// limit of them (0: all) after k (nil: from the first), with each one's
// province id (the page's sort key).
func (s *Service) partnerAgencies(ctx context.Context, a *auth.Actor, province string, all bool, limit int, k *agencyKey) ([]PartnerAgency, []int64, error) {
	if a == nil || a.IsCitizen() {
		return nil, nil, problem.Forbidden("officers_only")
	}
	q := `SELECT id, name, code, email, province_id, active FROM partner_agencies WHERE 1 = 1`
	var args []any
	if k != nil {
		q += ` AND (province_id > ? OR (province_id = ? AND (name > ? OR (name = ? AND id > ?))))`
		args = append(args, k.Province, k.Province, k.Name, k.Name, k.ID)
	}
	if province != "" {
		u, err := s.units.ByCode(ctx, province)
		if err != nil {
			return nil, nil, err
		}
		q += ` AND province_id = ?`
		args = append(args, u.ID)
	}
	if !all {
		q += ` AND active = 1`
	}
	q += ` ORDER BY province_id, name, id`
	if limit > 0 {
		q += ` LIMIT ` + strconv.Itoa(limit)
	}
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	out := []PartnerAgency{}
	var provinces []int64
	for rows.Next() {
		var p PartnerAgency
		var active, prov int64
		if err := rows.Scan(&p.ID, &p.Name, &p.Code, &p.Email, &prov, &active); err != nil {
			return nil, nil, err
		}
		p.Active = active == 1
		out = append(out, p)
		provinces = append(provinces, prov)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	codes, err := unit.Codes(ctx, s.db, provinces)
	for i := range out {
		out[i].Province = codes[provinces[i]]
	}
	return out, provinces, err
}

// SavePartnerAgency adds an agency to a province's registry (id 0) or
// changes one. Only an admin of that province (auth.ManageUnits held at
// the province unit) may; the change is audited as event.Security
// "partner_agency_saved".
func (s *Service) SavePartnerAgency(ctx context.Context, a *auth.Actor, id int64, in PartnerAgency) (PartnerAgency, error) {
	if a == nil {
		return in, problem.New(problem.ErrUnauthorized, "unauthorized")
	}
	// The right first: someone without it learns nothing from the input's checks.
	prov, err := s.units.ByCode(ctx, in.Province)
	if errors.Is(err, problem.ErrNotFound) || err == nil && (prov.ParentID != 0 || prov.Level != unit.Province) {
		return in, problem.Invalid("province", "unknown_province")
	} else if err != nil {
		return in, err
	}
	if !a.Can(auth.ManageUnits, []int64{prov.ID}) {
		return in, problem.Forbidden("province_admin_only")
	}
	in.Name, in.Code, in.Email = strings.Join(strings.Fields(in.Name), " "), strings.TrimSpace(in.Code), strings.TrimSpace(in.Email)
	switch {
	case in.Name == "":
		return in, problem.Invalid("name", "agency_name_required")
	case longerThan(in.Name, MaxApplicantName):
		return in, tooLong("name", MaxApplicantName)
	case in.Code != "" && (len(in.Code) > MaxAgencyCode || !agencyCodeRE.MatchString(in.Code)):
		return in, problem.Invalid("code", "invalid_agency_code")
	case in.Email != "" && (len(in.Email) > MaxEmail || !validEmail(in.Email)):
		return in, problem.Invalid("email", "invalid_email")
	}
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		var err error
		now := s.cfg.Now().UnixMilli()
		if id == 0 {
			in.Active = true // a new agency is offered at once; PUT retires one
			in.ID, err = AddPartnerAgency(ctx, tx, prov.ID, in, s.cfg.Now())
		} else {
			var res sql.Result
			res, err = tx.ExecContext(ctx, `UPDATE partner_agencies SET name = ?, code = ?, email = ?, active = ?, updated_at = ?
				WHERE id = ? AND province_id = ?`, in.Name, in.Code, in.Email, b2i(in.Active), now, id, prov.ID)
			if err == nil {
				if n, _ := res.RowsAffected(); n != 1 {
					return problem.NotFound("unknown_agency")
				}
			}
			in.ID = id
		}
		if err != nil {
			if store.IsUniqueViolation(err) {
				return problem.Conflict("agency_exists")
			}
			return err
		}
		details, err := json.Marshal(in)
		if err != nil {
			return err
		}
		return event.Publish(ctx, s.cfg.Events, tx, event.Security{At: s.cfg.Now(), ActorID: a.ID, ActorName: a.Username,
			ActorRole: auth.Admin, UnitID: prov.ID, Action: "partner_agency_saved", Object: "partner_agency:" + in.Name, Details: string(details)})
	})
	return in, err
}

// AddPartnerAgency adds p to the registry of the province unit with id
// provinceID inside tx, checking nothing: SavePartnerAgency checks the
// input and the actor's right; the demo world seeds its agencies with it.
func AddPartnerAgency(ctx context.Context, tx *store.Tx, provinceID int64, p PartnerAgency, now time.Time) (int64, error) {
	var id int64
	err := tx.QueryRowContext(ctx, `INSERT INTO partner_agencies (province_id, name, code, email, active, updated_at)
		VALUES (?, ?, ?, ?, ?, ?) RETURNING id`, provinceID, p.Name, p.Code, p.Email, b2i(p.Active), now.UnixMilli()).Scan(&id)
	return id, err
}

// PartnerAgencyCount is the number of agencies, retired ones included, in
// the registry of the province unit with id provinceID.
func PartnerAgencyCount(ctx context.Context, q store.Querier, provinceID int64) (int, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM partner_agencies WHERE province_id = ?`, provinceID).Scan(&n)
	return n, err
}

// agencyFor finds an active agency of the registry of d's province.
func (s *Service) agencyFor(ctx context.Context, tx *store.Tx, d *Dossier, id int64) (PartnerAgency, error) {
	var p PartnerAgency
	chain, err := s.units.Chain(ctx, tx, d.unitID)
	if err != nil {
		return p, err
	}
	err = tx.QueryRowContext(ctx, `SELECT id, name, code, email FROM partner_agencies
		WHERE id = ? AND active = 1 AND province_id IN (`+store.Placeholders(len(chain))+`)`,
		append([]any{id}, int64sAny(chain)...)...).Scan(&p.ID, &p.Name, &p.Code, &p.Email)
	if errors.Is(err, sql.ErrNoRows) {
		return p, problem.Invalid("agency", "unknown_agency")
	}
	return p, err
}

func int64sAny(ids []int64) []any {
	out := make([]any, len(ids))
	for i, id := range ids {
		out[i] = id
	}
	return out
}

func b2i(b bool) int64 {
	if b {
		return 1
	}
	return 0
}
