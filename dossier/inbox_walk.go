package dossier

import (
	"context"
	"strconv"
	"strings"
)

// scopeArm is one walk of a scoped inbox page: the dossiers whose column
// col names id, in the inbox's order from that column's index (migration
// dossier/016).
type scopeArm struct {
	col string // unit_id, receiving_unit_id, competent_unit_id or created_by; never input
	id  int64
}

// maxArmUnits is the most units an asker's page is read per unit for.
// Beyond it the asker reads a large share of the dossiers (a district's
// inspector), and walking the one order of them all skips few rows.
const maxArmUnits = 3

// scopeArms are the walks covering what an officer reading units (and
// the dossiers they filed, creator) may see, or nil when units are too
// many. Every dossier of the scope is in at least one walk (Scope.where),
// so a page is the first of the walks' pages merged.
func scopeArms(units []int64, creator int64) []scopeArm {
	if len(units) == 0 || len(units) > maxArmUnits {
		return nil
	}
	var out []scopeArm
	for _, id := range units {
		for _, col := range []string{"unit_id", "receiving_unit_id", "competent_unit_id"} {
			out = append(out, scopeArm{col, id})
		}
	}
	return append(out, scopeArm{"created_by", creator})
}

// armsQuery reads a page of limit dossiers after offset that match where,
// in order, as the first limit+offset of each arm merged: each arm is
// read from its own index, so the rows read are about those of the page
// in that arm, whatever the other units hold.
func (s *Service) armsQuery(ctx context.Context, where, order string, args []any, arms []scopeArm, limit, offset int) ([]*Dossier, error) {
	var all []any
	for _, a := range arms {
		all = append(append(append(all, a.id), args...), limit+offset)
	}
	return s.queryDossiers(ctx, armsSQL(where, order, arms), append(all, limit, offset)...)
}

// armsSQL is armsQuery's query (a test explains it): each arm's
// arguments are its id, where's, and how many it reads.
func armsSQL(where, order string, arms []scopeArm) string {
	parts := make([]string, len(arms))
	for i, a := range arms {
		parts[i] = `SELECT id FROM (SELECT d.id FROM dossiers d WHERE d.` + a.col + ` = ? AND ` + where +
			` ORDER BY ` + order + ` LIMIT ?) a` + strconv.Itoa(i)
	}
	return selectDossier + ` WHERE d.id IN (` + strings.Join(parts, " UNION ALL ") + `) ORDER BY ` + order + ` LIMIT ? OFFSET ?`
}

// scopeShare is the share of the dossiers in the order a scoped page
// walks (searchWhere): 1 when it walks per unit (arms), else the scope's
// units over all of them; 0 for a citizen.
func (s *Service) scopeShare(ctx context.Context, scope int, arms []scopeArm) (float64, error) {
	if scope == 0 || len(arms) > 0 {
		return float64(min(scope, 1)), nil
	}
	// The units table is the unit module's; its count is read through it.
	all, err := s.units.List(ctx)
	if err != nil {
		return 0, err
	}
	return min(float64(scope)/float64(max(len(all), 1)), 1), nil
}
