package unit

import (
	"context"
	"database/sql"
	"errors"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/motcua/motcua/store"
)

// Kinds of unit. Since 1 July 2025 a commune receives dossiers through its
// public administrative service centre, land registration steps go to the
// branches of the provincial land registration office, and some steps go
// to bodies outside the People's Committees (tax, police); the kind says
// which of these a unit is, the level where it sits.
const (
	// Committee is a People's Committee (Ủy ban nhân dân) of any level.
	Committee = "committee"
	// Agency is a specialised agency of a People's Committee (sở, phòng).
	Agency = "agency"
	// Centre is a public administrative service centre (Trung tâm phục vụ
	// hành chính công): the one-stop desk of the committee above it.
	Centre = "centre"
	// LandBranch is a branch of the land registration office (Chi nhánh
	// Văn phòng đăng ký đất đai), serving the communes of its area.
	LandBranch = "land_branch"
	// Outside is a body outside the local government tree (tax, police).
	Outside = "outside"
)

// Kinds lists the kinds in the order screens show them.
var Kinds = []string{Committee, Agency, Centre, LandBranch, Outside}

// ValidKind reports whether k is one of Kinds.
func ValidKind(k string) bool { return slices.Contains(Kinds, k) }

// statCodeRE is a statistical code: 2 digits (province), 3 (district), 5 (commune).
var statCodeRE = regexp.MustCompile(`^([0-9]{2}|[0-9]{3}|[0-9]{5})$`)

// ValidStatCode reports whether s is a statistical unit code.
func ValidStatCode(s string) bool { return statCodeRE.MatchString(s) }

// Vietnam is the time zone effective dates are days in.
var Vietnam = time.FixedZone("ICT", 7*3600)

// Day is the first instant of day (YYYY-MM-DD) in Vietnam: an effective
// date as an instant.
func Day(day string) (time.Time, error) {
	return time.ParseInLocation(time.DateOnly, strings.TrimSpace(day), Vietnam)
}

// open closes the unit's current history row at `at` and opens a new one
// holding the unit as it now is, from `at`. A change at the instant the
// current row began replaces that row (a period of no length is no
// period), keeping both reasons.
func (s *Store) open(ctx context.Context, tx *store.Tx, id, at int64, reason string) error {
	var prevID, prevFrom int64
	var prevReason string
	err := tx.QueryRowContext(ctx, `SELECT id, valid_from, reason FROM unit_history
		WHERE unit_id = ? AND valid_to IS NULL ORDER BY id DESC LIMIT 1`, id).Scan(&prevID, &prevFrom, &prevReason)
	switch {
	case err == nil && prevFrom >= at:
		if _, err := tx.ExecContext(ctx, `DELETE FROM unit_history WHERE id = ?`, prevID); err != nil {
			return err
		}
		if prevReason != "" && prevReason != reason {
			reason = prevReason + "; " + reason
		}
		at = prevFrom
	case err == nil:
		if _, err := tx.ExecContext(ctx, `UPDATE unit_history SET valid_to = ? WHERE id = ?`, at, prevID); err != nil {
			return err
		}
	case !errors.Is(err, sql.ErrNoRows):
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO unit_history (unit_id, code, name, valid_from, valid_to, reason, parent_id, level, kind, stat_code)
		SELECT id, code, name, ?, valid_to, ?, parent_id, level, kind, stat_code FROM units WHERE id = ?`, at, reason, id)
	return err
}

// end closes the unit's history at `at`: it is no longer in force.
func (s *Store) end(ctx context.Context, tx *store.Tx, id, at int64, reason string) error {
	if _, err := tx.ExecContext(ctx, `UPDATE units SET active = 0, valid_to = ? WHERE id = ?`, at, id); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `UPDATE unit_history SET valid_to = ?, reason = CASE WHEN reason = '' THEN ? ELSE reason || '; ' || ? END
		WHERE unit_id = ? AND valid_to IS NULL`, at, reason, reason, id)
	return err
}

// Snapshot is a unit as it stood at one instant.
type Snapshot struct {
	ID                      int64
	Code, Name, Level, Kind string
	StatCode, ParentCode    string
	ParentID                int64
	From, To                time.Time // its period; To zero while open
	Reason                  string
	Depth                   int
}

// TreeAt returns the units in force at instant at, as they stood then —
// each with the code, name, parent, level and kind it had — parents
// before children, siblings by code.
func (s *Store) TreeAt(ctx context.Context, at time.Time) ([]Snapshot, error) {
	ms := at.UnixMilli()
	rows, err := s.db.QueryContext(ctx, `SELECT unit_id, code, name, level, kind, stat_code, COALESCE(parent_id, 0),
		valid_from, COALESCE(valid_to, 0), reason FROM unit_history
		WHERE valid_from <= ? AND (valid_to IS NULL OR valid_to > ?)`, ms, ms)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var all []Snapshot
	for rows.Next() {
		var n Snapshot
		var from, to int64
		if err := rows.Scan(&n.ID, &n.Code, &n.Name, &n.Level, &n.Kind, &n.StatCode, &n.ParentID, &from, &to, &n.Reason); err != nil {
			return nil, err
		}
		n.From, n.To = msTime(from), msTime(to)
		all = append(all, n)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return orderTree(all), nil
}

// orderTree puts snapshots parents first, siblings by code, with depths;
// a parent not in force at the same instant makes its child a root.
func orderTree(all []Snapshot) []Snapshot {
	code := map[int64]string{}
	for _, n := range all {
		code[n.ID] = n.Code
	}
	kids := map[int64][]Snapshot{}
	var roots []Snapshot
	for _, n := range all {
		if c, ok := code[n.ParentID]; ok {
			n.ParentCode = c
			kids[n.ParentID] = append(kids[n.ParentID], n)
		} else {
			roots = append(roots, n)
		}
	}
	byCode := func(a, b Snapshot) int { return strings.Compare(a.Code, b.Code) }
	out := make([]Snapshot, 0, len(all))
	var walk func(n Snapshot, depth int)
	walk = func(n Snapshot, depth int) {
		if depth > 16 {
			return
		}
		n.Depth = depth
		out = append(out, n)
		k := kids[n.ID]
		slices.SortFunc(k, byCode)
		for _, c := range k {
			walk(c, depth+1)
		}
	}
	slices.SortFunc(roots, byCode)
	for _, r := range roots {
		walk(r, 0)
	}
	return out
}
