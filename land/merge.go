package land

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/store"
)

// MaxMerge bounds the parcels one merge joins.
const MaxMerge = 20

// mergeRequest is the option of 1.012784's "Yêu cầu" asking a merge.
const mergeRequest = "Hợp thửa"

// IsMerge reports whether a dossier asks a merge (Hợp thửa) of parcels:
// the parcel of its form with those of thua_hop, on the same sheet.
func IsMerge(d *dossier.Dossier) bool {
	return Procedures[d.Procedure].op == opSplit && d.Form["loai_yeu_cau"] == mergeRequest
}

// mergeNumbers reads thua_hop: parcel numbers separated by commas,
// semicolons or spaces, without repeats nor the form's own parcel.
func mergeNumbers(s, own string) []string {
	var out []string
	for _, n := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || r == ' ' || r == '\n' }) {
		if n = trimNumber(n); n != "" && n != own && !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return out
}

// mergeParcels are the other parcels a merge dossier joins to p, checked
// as p is: active, on p's commune and sheet, held by the applicant, by
// the same users as p, and with nothing the procedure forbids pending.
func (s *Service) mergeParcels(ctx context.Context, q store.Querier, r rule, p *Parcel, d *dossier.Dossier) ([]*Parcel, error) {
	numbers := mergeNumbers(d.Form["thua_hop"], p.Number)
	if len(numbers) == 0 || len(numbers)+1 > MaxMerge {
		return nil, problem.Invalid("form.thua_hop", "land_merge_count", MaxMerge)
	}
	var out []*Parcel
	for _, n := range numbers {
		o, err := s.Find(ctx, q, p.Commune, p.Sheet, n)
		if err != nil {
			if problem.Status(err) == 404 {
				return nil, problem.New(problem.ErrInvalid, "land_parcel_unknown", p.Sheet, n)
			}
			return nil, err
		}
		switch {
		case !o.HeldBy(d.Applicant.IDNumber):
			return nil, problem.New(problem.ErrInvalid, "land_not_holder", o.Sheet, o.Number)
		case !sameHolders(p, o):
			return nil, problem.New(problem.ErrInvalid, "land_merge_holders", o.Sheet, o.Number, p.Number)
		case r.noDispute && o.Dispute != "":
			return nil, problem.New(problem.ErrInvalid, "land_disputed", o.Sheet, o.Number)
		case r.noMortgage && o.Mortgage != "":
			return nil, problem.New(problem.ErrInvalid, "land_mortgaged", o.Sheet, o.Number)
		}
		out = append(out, o)
	}
	return out, nil
}

// sameHolders reports whether two parcels have the same current users:
// a merged parcel has one set of users, so parcels of different users
// are first transferred, then merged.
func sameHolders(a, b *Parcel) bool {
	ids := func(p *Parcel) []string {
		var out []string
		for _, h := range p.Holders {
			out = append(out, h.IDNumber)
		}
		slices.Sort(out)
		return slices.Compact(out)
	}
	return slices.Equal(ids(a), ids(b))
}

// merge retires p and the other parcels of the dossier and makes one
// parcel of their summed area on the sheet's next free number, with the
// users of p, their land uses together, a new certificate, and the
// geometry of their rectangles when they fill one (MergeRects).
func (s *Service) merge(ctx context.Context, tx *store.Tx, p *Parcel, e dossier.Transitioned) error {
	d, at := e.Dossier, e.At
	others, err := s.mergeParcels(ctx, tx, Procedures[d.Procedure], p, d)
	if err != nil {
		return err
	}
	parents := append([]*Parcel{p}, others...)
	in := ParcelInput{Commune: p.Commune, Sheet: p.Sheet, Address: p.Address}
	var geoms, names []string
	for _, o := range parents {
		if _, err := tx.ExecContext(ctx, `UPDATE land_parcels SET status = 'retired', retired_at = ?, retired_by_dossier = ? WHERE id = ? AND status = 'active'`,
			at.UnixMilli(), d.Code, o.ID); err != nil {
			return err
		}
		if err := cancelCertificates(ctx, tx, o.ID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE land_holders SET until_at = ? WHERE parcel_id = ? AND until_at IS NULL`, at.UnixMilli(), o.ID); err != nil {
			return err
		}
		in.AreaDM2 += o.AreaDM2
		for _, u := range o.LandUse {
			if !slices.Contains(in.LandUse, u) {
				in.LandUse = append(in.LandUse, u)
			}
		}
		geoms = append(geoms, o.Geometry)
		names = append(names, o.Sheet+"/"+o.Number)
	}
	in.Geometry, _ = MergeRects(geoms)
	next, err := nextNumber(ctx, tx, p.Commune, p.Sheet)
	if err != nil {
		return err
	}
	in.Number = strconv.Itoa(next)
	for _, h := range p.Holders {
		in.Holders = append(in.Holders, Holder{IDNumber: h.IDNumber, Name: h.Name})
	}
	id, err := s.add(ctx, tx, in, d.Code, at)
	if err != nil {
		return err
	}
	serial, err := issueCertificate(ctx, tx, id, at, d.Code)
	if err != nil {
		return err
	}
	into := p.Sheet + "/" + in.Number
	for _, o := range parents {
		if _, err := tx.ExecContext(ctx, `INSERT INTO land_parcel_links (parent_id, child_id, dossier_code) VALUES (?, ?, ?)`, o.ID, id, d.Code); err != nil {
			return err
		}
		if err := s.record(ctx, tx, o.ID, KindMerge, d.Code, e.ActorName, map[string]any{"into": into, "parents": names}, at); err != nil {
			return err
		}
	}
	return s.record(ctx, tx, id, KindMergeFrom, d.Code, e.ActorName,
		map[string]any{"parents": names, "area": FormatArea(in.AreaDM2), "serial": serial, "geometry": in.Geometry != ""}, at)
}
