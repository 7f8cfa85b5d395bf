package postal

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/unit"
	"github.com/motcua/motcua/vntext"
)

// Address is a postal address chosen from motcua's units: a province, a
// commune under it, and the street, house number or village as typed.
// The names are filled from the unit tree by Check and the loaders.
type Address struct {
	ProvinceCode string `json:"province"`
	CommuneCode  string `json:"commune"`
	Detail       string `json:"detail"`
	Province     string `json:"province_name,omitempty"`
	District     string `json:"district_name,omitempty"`
	Commune      string `json:"commune_name,omitempty"`
}

// Fields of an address, as problems name them.
const (
	FieldProvince = "address.province"
	FieldCommune  = "address.commune"
	FieldDetail   = "address.detail"
)

// maxDetail caps the typed part of an address (a label has little room).
const maxDetail = 200

// Line is the address as written on a label:
// "Thôn Tân Lập, xã Gia Lâm, huyện Nho Quan, tỉnh Ninh Bình".
func (a Address) Line() string {
	var parts []string
	for _, p := range []string{a.Detail, a.Commune, a.District, a.Province} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, ", ")
}

// Empty reports whether nothing was chosen or typed.
func (a Address) Empty() bool { return a.ProvinceCode == "" && a.CommuneCode == "" && a.Detail == "" }

// placeName is a unit's name as a place: "UBND xã Gia Lâm" → "xã Gia Lâm".
func placeName(u unit.Unit) string { return strings.TrimPrefix(u.Name, "UBND ") }

// listName is a place as a list shows it: "Xã Gia Lâm".
func listName(u unit.Unit) string {
	n := placeName(u)
	r, size := utf8.DecodeRuneInString(n)
	return string(unicode.ToUpper(r)) + n[size:]
}

// Province is one entry of the province list with its communes, grouped
// by district where the province still has districts.
type Province struct {
	Code      string
	Name      string
	Districts []District
}

// District groups communes; Name is empty for communes directly under the
// province (after the 2025 reform).
type District struct {
	Name     string
	Communes []Place
}

// Place is one selectable unit.
type Place struct{ Code, Name string }

// Areas lists the active provinces with their active communes, by name,
// for the address selects.
func (s *Service) Areas(ctx context.Context) ([]Province, error) {
	all, err := s.units.List(ctx)
	if err != nil {
		return nil, err
	}
	byID := map[int64]unit.Unit{}
	for _, u := range all {
		byID[u.ID] = u
	}
	var out []Province
	index := map[int64]int{}
	for _, u := range all {
		// Only People's Committees are places: a land registration branch
		// sits at province level and a service centre at commune level.
		if u.Active && u.Level == unit.Province && u.Kind == unit.Committee {
			index[u.ID] = len(out)
			out = append(out, Province{Code: u.Code, Name: listName(u)})
		}
	}
	for _, u := range all {
		if !u.Active || u.Level != unit.Commune || u.Kind != unit.Committee {
			continue
		}
		district := ""
		p := byID[u.ParentID]
		for i := 0; i < 16 && p.Level != unit.Province && p.ID != 0; i++ {
			if p.Level == unit.District {
				district = placeName(p)
			}
			p = byID[p.ParentID]
		}
		i, ok := index[p.ID]
		if !ok {
			continue // a commune without an active province cannot be addressed
		}
		prov := &out[i]
		j := sort.Search(len(prov.Districts), func(j int) bool { return prov.Districts[j].Name >= district })
		if j == len(prov.Districts) || prov.Districts[j].Name != district {
			prov.Districts = append(prov.Districts, District{})
			copy(prov.Districts[j+1:], prov.Districts[j:])
			prov.Districts[j] = District{Name: district}
		}
		prov.Districts[j].Communes = append(prov.Districts[j].Communes, Place{Code: u.Code, Name: listName(u)})
	}
	sort.Slice(out, func(i, j int) bool { return vntext.Fold(out[i].Name) < vntext.Fold(out[j].Name) })
	for _, p := range out {
		for _, d := range p.Districts {
			sort.Slice(d.Communes, func(i, j int) bool { return vntext.Fold(d.Communes[i].Name) < vntext.Fold(d.Communes[j].Name) })
		}
	}
	return out, nil
}

// Problems checks an address against the unit tree and returns it
// normalised with its names, plus one problem per faulty field.
func (s *Service) Problems(ctx context.Context, a Address) (Address, map[string]*problem.Error, error) {
	probs := map[string]*problem.Error{}
	a.Detail = strings.Join(strings.Fields(a.Detail), " ")
	a.Province, a.District, a.Commune = "", "", ""
	var prov unit.Unit
	if a.ProvinceCode == "" {
		probs[FieldProvince] = problem.Invalid(FieldProvince, "province_required")
	} else {
		u, err := s.units.ByCode(ctx, a.ProvinceCode)
		switch {
		case errors.Is(err, problem.ErrNotFound) || err == nil && (u.Level != unit.Province || u.Kind != unit.Committee || !u.Active):
			probs[FieldProvince] = problem.Invalid(FieldProvince, "invalid_province")
		case err != nil:
			return a, nil, err
		default:
			prov, a.ProvinceCode, a.Province = u, u.Code, placeName(u)
		}
	}
	if a.CommuneCode == "" {
		probs[FieldCommune] = problem.Invalid(FieldCommune, "commune_required")
	} else {
		u, err := s.units.ByCode(ctx, a.CommuneCode)
		if err != nil && !errors.Is(err, problem.ErrNotFound) {
			return a, nil, err
		}
		if err != nil || u.Level != unit.Commune || u.Kind != unit.Committee || !u.Active {
			probs[FieldCommune] = problem.Invalid(FieldCommune, "invalid_commune")
		} else if prov.ID != 0 {
			chain, err := s.units.Ancestors(ctx, s.db, u.ID)
			if err != nil {
				return a, nil, err
			}
			inProvince := false
			for _, c := range chain {
				inProvince = inProvince || c.ID == prov.ID
				if c.Level == unit.District {
					a.District = placeName(c)
				}
			}
			if !inProvince {
				a.District = ""
				probs[FieldCommune] = problem.Invalid(FieldCommune, "commune_not_in_province")
			} else {
				a.CommuneCode, a.Commune = u.Code, placeName(u)
			}
		}
	}
	switch n := utf8.RuneCountInString(a.Detail); {
	case n == 0:
		probs[FieldDetail] = problem.Invalid(FieldDetail, "address_detail_required")
	case n > maxDetail:
		probs[FieldDetail] = problem.Invalid(FieldDetail, "address_detail_too_long")
	}
	return a, probs, nil
}

// Check is Problems for callers that stop at the first problem.
func (s *Service) Check(ctx context.Context, a Address) (Address, error) {
	a, probs, err := s.Problems(ctx, a)
	if err != nil {
		return a, err
	}
	for _, f := range []string{FieldProvince, FieldCommune, FieldDetail} {
		if pe := probs[f]; pe != nil {
			return a, pe
		}
	}
	return a, nil
}

// Guess reads a free-text address such as an account's "Thôn Tân Lập, xã
// Gia Lâm, huyện Nho Quan, tỉnh Ninh Bình" into a structured one: the
// comma-separated part naming a commune picks it (and its province), the
// parts naming places are dropped and the rest is the detail. A text
// naming no commune gives an address with only the detail. Names are left
// for Check to fill.
func (s *Service) Guess(ctx context.Context, text string) (Address, error) {
	parts := strings.Split(text, ",")
	areas, err := s.Areas(ctx)
	if err != nil {
		return Address{}, err
	}
	named := map[string]bool{}
	for _, p := range parts {
		named[vntext.Fold(p)] = true
	}
	var out Address
	var places []string // folded names of the commune found and its district and province
	for _, prov := range areas {
		for _, d := range prov.Districts {
			for _, c := range d.Communes {
				// Two communes of the same name: the one whose province is named too.
				if !named[vntext.Fold(c.Name)] || out.CommuneCode != "" && !named[vntext.Fold(prov.Name)] {
					continue
				}
				out = Address{ProvinceCode: prov.Code, CommuneCode: c.Code}
				places = []string{vntext.Fold(c.Name), vntext.Fold(d.Name), vntext.Fold(prov.Name)}
			}
		}
	}
	var rest []string
	for _, p := range parts {
		if f := vntext.Fold(p); f != "" && !slices.Contains(places, f) {
			rest = append(rest, strings.TrimSpace(p))
		}
	}
	out.Detail = strings.Join(rest, ", ")
	return out, nil
}

// mayEditAddress: the applicant (a citizen sees only their own dossiers),
// or reception or the community digital team at the receiving unit.
func mayEditAddress(a *auth.Actor, d *dossier.Dossier) bool {
	if a.IsCitizen() {
		return true
	}
	return a.HoldsAt(d.ReceivingUnitID(), auth.Reception, auth.Community)
}

// SetAddress records the postal address of a dossier to be returned by
// post, until a shipment is placed or the dossier is closed.
func (s *Service) SetAddress(ctx context.Context, a *auth.Actor, code string, addr Address) (Address, error) {
	d, err := s.dossiers.Get(ctx, a, code)
	if err != nil {
		return addr, err
	}
	switch {
	case !mayEditAddress(a, d):
		return addr, problem.Forbidden("address_edit")
	case d.Delivery != "post":
		return addr, problem.New(problem.ErrState, "not_by_post")
	case d.Status.Final():
		return addr, problem.New(problem.ErrState, "dossier_closed.address")
	}
	if _, err := s.active(ctx, s.db, d.Code); err == nil {
		return addr, problem.Conflict("shipment_exists.address")
	} else if !errors.Is(err, problem.ErrNotFound) {
		return addr, err
	}
	if addr, err = s.Check(ctx, addr); err != nil {
		return addr, err
	}
	_, err = s.db.ExecContext(ctx, `INSERT INTO dossier_addresses (dossier_code, province_code, commune_code, detail, updated_by, updated_at)
		VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (dossier_code) DO UPDATE SET province_code = excluded.province_code,
		commune_code = excluded.commune_code, detail = excluded.detail, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
		d.Code, addr.ProvinceCode, addr.CommuneCode, addr.Detail, a.ID, s.cfg.Now().UnixMilli())
	return addr, err
}

var errNoAddress = problem.NotFound("address_not_found")

// Address returns a dossier's postal address, to whoever may see the dossier.
func (s *Service) Address(ctx context.Context, a *auth.Actor, code string) (Address, error) {
	d, err := s.dossiers.Read(ctx, a, code) // an officer's read of the address is on record
	if err != nil {
		return Address{}, err
	}
	return s.AddressOf(ctx, d)
}

// AddressOf is Address for a dossier the caller already holds: one
// dossier.Service returned to the actor, so whether they may see it is settled.
func (s *Service) AddressOf(ctx context.Context, d *dossier.Dossier) (Address, error) {
	addr, err := scanAddress(s.db.QueryRowContext(ctx, `SELECT province_code, commune_code, detail
		FROM dossier_addresses WHERE dossier_code = ?`, d.Code))
	if err != nil {
		return addr, err
	}
	return s.named(ctx, addr)
}

// DraftAddress returns what was chosen and typed in a draft's address
// fields. The caller has checked that the draft is the actor's.
func (s *Service) DraftAddress(ctx context.Context, draftID int64) (Address, error) {
	return scanAddress(s.db.QueryRowContext(ctx, `SELECT province_code, commune_code, detail FROM draft_addresses WHERE draft_id = ?`, draftID))
}

// SaveDraftAddress keeps a draft's address fields as typed, valid or not
// (the wizard checks them before going on). The caller has checked that
// the draft is the actor's.
func (s *Service) SaveDraftAddress(ctx context.Context, draftID int64, a Address) error {
	clip := func(s string, n int) string {
		if utf8.RuneCountInString(s) <= n {
			return s
		}
		return string([]rune(s)[:n])
	}
	_, err := s.db.ExecContext(ctx, `INSERT INTO draft_addresses (draft_id, province_code, commune_code, detail) VALUES (?, ?, ?, ?)
		ON CONFLICT (draft_id) DO UPDATE SET province_code = excluded.province_code, commune_code = excluded.commune_code, detail = excluded.detail`,
		draftID, clip(a.ProvinceCode, 40), clip(a.CommuneCode, 40), clip(a.Detail, 2*maxDetail))
	return err
}

func scanAddress(row *sql.Row) (Address, error) {
	var a Address
	err := row.Scan(&a.ProvinceCode, &a.CommuneCode, &a.Detail)
	if errors.Is(err, sql.ErrNoRows) {
		return a, errNoAddress
	}
	return a, err
}

// named fills the names of a stored address; a unit since merged away
// resolves through its history, and one gone entirely leaves its name empty.
func (s *Service) named(ctx context.Context, a Address) (Address, error) {
	checked, _, err := s.Problems(ctx, a)
	if err != nil {
		return a, err
	}
	a.Province, a.District, a.Commune = checked.Province, checked.District, checked.Commune
	return a, nil
}

// Choices are the province and commune lists of an address form with the
// current choice marked; communes are grouped by province and district.
type Choices struct {
	Provinces []Choice
	Groups    []ChoiceGroup
}

// ChoiceGroup is one <optgroup> of communes.
type ChoiceGroup struct {
	Label   string
	Choices []Choice
}

// Choice is one <option>.
type Choice struct {
	Code, Name string
	Selected   bool
}

// ChoicesFor lays out areas for a form showing a. Every commune is listed
// (grouped "tỉnh Ninh Bình — huyện Nho Quan"), so the form works without
// JavaScript; Problems checks that the two choices agree.
func ChoicesFor(areas []Province, a Address) Choices {
	var c Choices
	for _, p := range areas {
		c.Provinces = append(c.Provinces, Choice{Code: p.Code, Name: p.Name, Selected: p.Code == a.ProvinceCode})
		for _, d := range p.Districts {
			g := ChoiceGroup{Label: p.Name}
			if d.Name != "" {
				g.Label += " — " + d.Name
			}
			for _, cm := range d.Communes {
				g.Choices = append(g.Choices, Choice{Code: cm.Code, Name: cm.Name, Selected: cm.Code == a.CommuneCode})
			}
			c.Groups = append(c.Groups, g)
		}
	}
	return c
}
