package dossier

import (
	"context"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/cursor"
	"github.com/motcua/motcua/problem"
)

// agencyKey is where a page of PartnerAgencyPage resumes: after the agency
// of this province (unit id), name and id. Ids are unique, so the order is
// total and no agency is repeated or skipped between pages.
type agencyKey struct {
	Province int64  `json:"p"`
	Name     string `json:"n"`
	ID       int64  `json:"id"`
}

// PartnerAgencyPage is one page of PartnerAgencies for the API's listing
// convention (docs/api.md, Listings): at most limit agencies after the
// cursor (empty: the first page), by province, name and id, and the next
// page's cursor, empty on the last.
func (s *Service) PartnerAgencyPage(ctx context.Context, a *auth.Actor, province string, all bool, limit int, after string) ([]PartnerAgency, string, error) {
	if a == nil || a.IsCitizen() {
		// The right first: a bad cursor tells someone without it nothing.
		return nil, "", problem.Forbidden("officers_only")
	}
	var k agencyKey
	ok, err := cursor.Decode(after, &k, func() bool { return k.ID > 0 && k.Province > 0 })
	if err != nil {
		return nil, "", err
	}
	var from *agencyKey
	if ok {
		from = &k
	}
	// One more than the page tells whether a next page exists.
	out, provinces, err := s.partnerAgencies(ctx, a, province, all, limit+1, from)
	if err != nil || len(out) <= limit {
		return out, "", err
	}
	out = out[:limit]
	last := out[limit-1]
	return out, cursor.Encode(agencyKey{Province: provinces[limit-1], Name: last.Name, ID: last.ID}), nil
}
