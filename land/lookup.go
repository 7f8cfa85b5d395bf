package land

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/event"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/store"
)

// The lookups of the API (/api/v1/land/…) and of the citizens' wizard.
// An officer reads a parcel where they hold land.read at its commune, as
// on the lookup page. A citizen reads only the parcels they are a current
// registered user of, known by the ID number VNeID verified for their
// account: a number typed at sign-up proves nothing. Any other parcel is
// "not found" to a citizen, never "forbidden", so a lookup does not tell
// whether a stranger's parcel exists.

// Lookup is a parcel as the API answers it: the Feature of the exchange
// format with the parcel's history as a foreign member (RFC 7946, 6.1).
type Lookup struct {
	Feature
	History []Entry `json:"lichSuBienDong"`
}

// Entry is one change of a parcel's history, named as land.Notice names a
// change; Actor (the officer's name) is given to officers only.
type Entry struct {
	ID      int64           `json:"idBienDong"`
	Kind    string          `json:"loaiBienDong"`
	Dossier string          `json:"maHoSo,omitempty"`
	At      string          `json:"thoiDiem"`
	Detail  json.RawMessage `json:"chiTiet,omitempty"`
	Actor   string          `json:"nguoiThucHien,omitempty"`
}

// Holdings are a citizen's parcels: a FeatureCollection of Lookups.
// Verified is false when the account has no identity verified by VNeID;
// the list is then empty.
type Holdings struct {
	Type     string   `json:"type"`
	Verified bool     `json:"verified"`
	Features []Lookup `json:"features"`
}

// VerifiedID is the ID number VNeID verified for citizen a, "" when none.
func VerifiedID(a *auth.Actor) string {
	if a == nil || !a.IsCitizen() || a.Verified == nil {
		return ""
	}
	return a.Verified.IDNumber
}

// Parcel reads a parcel for a: an officer's land.read at its commune (a
// retired parcel too, as on its page), a citizen's own active parcel.
// commune may be the code of the unit a dossier is filed at: a service
// centre names its commune's registry (Units.RecordsOf).
func (s *Service) Parcel(ctx context.Context, a *auth.Actor, commune, sheet, number string) (*Parcel, error) {
	commune, err := s.RecordsOf(ctx, commune)
	if err != nil {
		return nil, err
	}
	if a != nil && a.IsCitizen() {
		p, err := s.Find(ctx, nil, commune, sheet, number)
		return held(a, p, err)
	}
	return s.View(ctx, a, commune, sheet, number)
}

// RecordsOf is the commune whose registry a unit's desk files in: a
// service centre's commune, any other unit itself.
func (s *Service) RecordsOf(ctx context.Context, unitCode string) (string, error) {
	return s.communeOf(ctx, nil, &dossier.Dossier{ReceivingUnit: unitCode})
}

// Certified reads the parcel of a certificate serial for a, as Parcel.
func (s *Service) Certified(ctx context.Context, a *auth.Actor, serial string) (*Parcel, error) {
	if strings.TrimSpace(serial) == "" {
		return nil, errNotFound()
	}
	if a != nil && a.IsCitizen() {
		p, err := s.BySerial(ctx, nil, serial)
		if err == nil && p.Status != Active {
			err = errNotFound()
		}
		return held(a, p, err)
	}
	return s.ViewSerial(ctx, a, serial)
}

// held keeps p only when citizen a is one of its current users.
func held(a *auth.Actor, p *Parcel, err error) (*Parcel, error) {
	if err != nil {
		return nil, err
	}
	if !p.HeldBy(VerifiedID(a)) {
		return nil, errNotFound()
	}
	return p, nil
}

// Held are the active parcels citizen a is a current user of (by the
// verified ID number), by commune, sheet and number; none without one.
func (s *Service) Held(ctx context.Context, a *auth.Actor) ([]*Parcel, error) {
	id := VerifiedID(a)
	if id == "" {
		return nil, nil
	}
	rows, err := s.db.QueryContext(ctx, `SELECT DISTINCT p.id, p.commune, p.sheet, p.number FROM land_parcels p
		JOIN land_holders h ON h.parcel_id = p.id
		WHERE h.id_number = ? AND h.until_at IS NULL AND p.status = 'active'
		ORDER BY p.commune, p.sheet, p.number, p.id LIMIT 200`, id)
	if err != nil {
		return nil, err
	}
	var ids []int64
	for rows.Next() {
		var id int64
		var c, sh, n string
		if err := rows.Scan(&id, &c, &sh, &n); err != nil {
			rows.Close()
			return nil, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]*Parcel, 0, len(ids))
	for _, id := range ids {
		p, err := s.ByID(ctx, nil, id)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

// Describe is p as the API answers a: the Feature and the history. A
// citizen sees the changes since they became a user only, without the
// officers' names: the earlier history is other people's.
func (s *Service) Describe(ctx context.Context, a *auth.Actor, p *Parcel) (*Lookup, error) {
	if err := s.RecordRead(ctx, a, p); err != nil {
		return nil, err
	}
	h, err := s.History(ctx, p.ID)
	if err != nil {
		return nil, err
	}
	citizen := a != nil && a.IsCitizen()
	var since time.Time
	if citizen {
		for _, u := range p.Holders {
			if u.IDNumber == VerifiedID(a) {
				since = u.Since
			}
		}
	}
	out := &Lookup{Feature: p.Feature(), History: []Entry{}}
	for _, c := range h {
		if citizen && c.At.Before(since) {
			continue
		}
		e := Entry{ID: c.ID, Kind: c.Kind, Dossier: c.DossierCode, At: c.At.UTC().Format(time.RFC3339)}
		if json.Valid([]byte(c.Detail)) && c.Detail != "" && c.Detail != "null" {
			e.Detail = json.RawMessage(c.Detail)
		}
		if !citizen {
			e.Actor = c.ActorName
		}
		out.History = append(out.History, e)
	}
	return out, nil
}

// Mine is citizen a's parcels with their histories, as Describe gives them.
func (s *Service) Mine(ctx context.Context, a *auth.Actor) (*Holdings, error) {
	if a == nil || !a.IsCitizen() {
		return nil, problem.Forbidden("land_citizen_only")
	}
	out := &Holdings{Type: "FeatureCollection", Verified: VerifiedID(a) != "", Features: []Lookup{}}
	ps, err := s.Held(ctx, a)
	if err != nil {
		return nil, err
	}
	for _, p := range ps {
		l, err := s.Describe(ctx, a, p)
		if err != nil {
			return nil, err
		}
		out.Features = append(out.Features, *l)
	}
	return out, nil
}

// ReadParcel is the audit action of an officer's read of a parcel (its
// page, or the API's lookup): a parcel names its users and their ID
// numbers, personal data whose reads the audit log keeps, as a dossier's.
const ReadParcel = "land_parcel_read"

// RecordRead puts officer a's read of parcel p on record, in a
// transaction of its own; its failure fails the read (nothing is shown
// unless the read is on record). A citizen's read of their own parcel is
// not recorded.
func (s *Service) RecordRead(ctx context.Context, a *auth.Actor, p *Parcel) error {
	if s.cfg.Bus == nil || a == nil || a.IsCitizen() {
		return nil
	}
	var unitID int64
	if s.cfg.Units != nil {
		u, err := s.cfg.Units.ByCode(ctx, p.Commune)
		if err != nil {
			return err
		}
		unitID = u.ID
	}
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		return event.Publish(ctx, s.cfg.Bus, tx, event.Security{At: s.cfg.Now(), ActorID: a.ID, ActorName: a.Username,
			UnitID: unitID, Action: ReadParcel, Object: "land_parcel:" + p.Key()})
	})
}
