package office

import (
	"context"
	"slices"

	"github.com/motcua/motcua/catalog"
	"github.com/motcua/motcua/unit"
)

// competentOptions lists the units a counter dossier of proc may be
// received for at desk regardless of administrative boundaries (phi địa
// giới, Decree 118/2025): the other active units of desk's province where
// proc is carried out, when proc is on the province's list. None when it
// is not: the desk then receives only for its own unit.
func (o *Office) competentOptions(ctx context.Context, proc catalog.Procedure, desk unit.Unit, selected string) ([]option, error) {
	if proc.Boundless == nil {
		return nil, nil
	}
	all, err := o.units.List(ctx)
	if err != nil {
		return nil, err
	}
	byID := make(map[int64]unit.Unit, len(all))
	for _, u := range all {
		byID[u.ID] = u
	}
	province := func(u unit.Unit) int64 {
		for seen := 0; u.ParentID != 0 && seen < len(all); seen++ {
			p, ok := byID[u.ParentID]
			if !ok {
				break
			}
			u = p
		}
		return u.ID
	}
	own := province(desk)
	var out []option
	for _, u := range all {
		if u.Code == desk.Code || !u.Active || u.Kind != unit.Committee || !slices.Contains(proc.Levels, u.Level) || province(u) != own {
			continue
		}
		out = append(out, option{Value: u.Code, Label: u.Name, Selected: u.Code == selected})
	}
	return out, nil
}
