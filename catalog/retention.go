package catalog

import (
	"context"
	"fmt"
	"strconv"
	"strings"
)

// Retention is how long the closed dossiers of a procedure are kept
// (thời hạn bảo quản hồ sơ) before their personal data is anonymised:
// "permanent" (vĩnh viễn: never anonymised) or a number of years, "20y".
// Empty takes the default of the procedure's field (FieldRetention).
//
// The defaults below are motcua's reading of the record schedules, to be
// confirmed by each province's archivist (docs/operations.md, Retention):
// the civil-status, land and construction records a commune keeps are
// kept permanently (the civil-status books under Law 60/2014/QH13 on
// civil status; the cadastral records under the Land Law; construction
// permit files are kept with the works); a certified contract's file is
// kept 20 years (Decree 23/2015/NĐ-CP, art. 14), and motcua applies 20
// years to the rest of the certification field, to business households
// and social protection, and to any field it does not know — the longest
// fixed term, so that a missing schedule never shortens one.
var FieldRetention = map[string]int{
	"ho-tich":        Permanent,
	"dat-dai":        Permanent,
	"xay-dung":       Permanent,
	"chung-thuc":     20,
	"ho-kinh-doanh":  20,
	"bao-tro-xa-hoi": 20,
}

// Permanent is the retention, in years, of records kept forever.
const Permanent = 0

// DefaultRetentionYears applies to a field not in FieldRetention.
const DefaultRetentionYears = 20

// RetentionYears is p's retention in years, Permanent (0) for records
// kept forever.
func (p Procedure) RetentionYears() int {
	if y, ok := parseRetention(p.Retention); ok && p.Retention != "" {
		return y
	}
	if y, ok := FieldRetention[p.FieldCode]; ok {
		return y
	}
	return DefaultRetentionYears
}

// parseRetention reads a Retention value; ok is false when it is malformed.
func parseRetention(s string) (years int, ok bool) {
	switch {
	case s == "":
		return 0, true
	case s == "permanent":
		return Permanent, true
	case strings.HasSuffix(s, "y"):
		n, err := strconv.Atoi(strings.TrimSuffix(s, "y"))
		return n, err == nil && n >= 1 && n <= 100
	}
	return 0, false
}

// Retentions returns the retention in years of every procedure's version
// in force (catalog.Permanent for records kept forever), by code: the
// retention job (dossier.Anonymise) reads it.
func (s *Store) Retentions(ctx context.Context) (map[string]int, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT code, retention_years FROM procedures`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var code string
		var y int
		if err := rows.Scan(&code, &y); err != nil {
			return nil, err
		}
		out[code] = y
	}
	return out, rows.Err()
}

// retentionCheck is Validate's check of p.Retention.
func retentionCheck(s string) error {
	if _, ok := parseRetention(s); !ok {
		return fmt.Errorf("thời hạn bảo quản %q phải là \"permanent\" (vĩnh viễn) hoặc số năm từ 1 đến 100, ví dụ \"20y\"", s)
	}
	return nil
}
