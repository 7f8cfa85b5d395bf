package civil

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"slices"
	"strconv"
	"time"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/unit"
)

// Record is one person in the exports for the province's civil-service
// database (docs/civil-service.md, "Exports").
type Record struct {
	Person
	UnitCode string `json:"unit_code"`
	UnitName string `json:"unit_name"`
	// Level is the level decided in the year exported, "" when none.
	Level string `json:"evaluation_level,omitempty"`
}

// Export is the registry of a unit and the units below it, with each
// person's level of year.
type Export struct {
	Unit      string    `json:"unit"`
	Year      int       `json:"year"`
	Generated time.Time `json:"generated_at"`
	People    []Record  `json:"people"`
}

// Registry builds the export of the unit with code and the units below
// it, for one holding auth.ManagePersonnel there.
func (s *Service) Registry(ctx context.Context, a *auth.Actor, code string, year int) (Export, error) {
	u, err := s.cfg.Units.ByCode(ctx, code)
	if err != nil {
		return Export{}, err
	}
	if ok, err := s.can(ctx, a, auth.ManagePersonnel, u.ID); err != nil || !ok {
		return Export{}, cmpErr(err, problem.Forbidden("not_your_unit"))
	}
	ids, err := unit.Below(ctx, s.cfg.DB, []int64{u.ID})
	if err != nil {
		return Export{}, err
	}
	ids = append([]int64{u.ID}, ids...)
	people, err := s.People(ctx, ids, true)
	if err != nil {
		return Export{}, err
	}
	levels, err := s.levels(ctx, year)
	if err != nil {
		return Export{}, err
	}
	units := map[int64]unit.Unit{}
	out := Export{Unit: u.Code, Year: year, Generated: s.cfg.Now().UTC().Truncate(time.Second), People: []Record{}}
	for _, p := range people {
		pu, ok := units[p.UnitID]
		if !ok {
			if pu, err = s.cfg.Units.ByID(ctx, p.UnitID); err != nil {
				return Export{}, err
			}
			units[p.UnitID] = pu
		}
		for i := range p.Postings {
			if c, ok := units[p.Postings[i].UnitID]; ok {
				p.Postings[i].UnitCode = c.Code
			} else if c, err := s.cfg.Units.ByID(ctx, p.Postings[i].UnitID); err == nil {
				units[c.ID] = c
				p.Postings[i].UnitCode = c.Code
			}
		}
		out.People = append(out.People, Record{Person: p, UnitCode: pu.Code, UnitName: pu.Name, Level: levels[p.ID]})
	}
	return out, nil
}

// levels are the levels decided in year's cycles, by person.
func (s *Service) levels(ctx context.Context, year int) (map[int64]string, error) {
	rows, err := s.cfg.DB.QueryContext(ctx, `SELECT e.person_id, e.level FROM civil_evaluations e JOIN civil_cycles c ON c.id = e.cycle_id
		WHERE c.year = ? AND e.state = ?`, year, StateDecided)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]string{}
	for rows.Next() {
		var id int64
		var l string
		if err := rows.Scan(&id, &l); err != nil {
			return nil, err
		}
		out[id] = l
	}
	return out, rows.Err()
}

// CSVColumns are the export's columns, in order (docs/civil-service.md).
var CSVColumns = []string{"ma_can_bo", "ho_ten", "ngay_sinh", "gioi_tinh", "ma_don_vi", "ten_don_vi", "ma_chuc_vu", "chuc_vu",
	"ma_ngach", "ngach", "trinh_do_chuyen_mon", "ly_luan_chinh_tri", "quan_ly_nha_nuoc", "ngay_bat_dau_tai_don_vi",
	"nam_danh_gia", "ma_xep_loai"}

// highest is the best level of kind a person holds ("" when none): the
// first of QualificationLevels[kind] that they hold.
func highest(p Person, kind string) string {
	for _, l := range QualificationLevels[kind] {
		if slices.ContainsFunc(p.Qualifications, func(q Qualification) bool { return q.Kind == kind && q.Level == l.Code }) {
			return l.Code
		}
	}
	return ""
}

// WriteCSV writes the export as CSV: UTF-8 with a byte order mark (so a
// spreadsheet reads the Vietnamese letters), CRLF line ends (RFC 4180),
// a header row of CSVColumns, codes not names where a code list exists.
func (e Export) WriteCSV(w io.Writer) error {
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	if err := cw.Write(CSVColumns); err != nil {
		return err
	}
	for _, r := range e.People {
		since := ""
		if n := len(r.Postings); n > 0 {
			since = r.Postings[n-1].From
		}
		if err := cw.Write([]string{r.Code, r.FullName, r.BirthDate, r.Gender, r.UnitCode, r.UnitName, r.Position, Name(Positions, r.Position),
			r.Rank, Name(Ranks, r.Rank), highest(r.Person, "chuyen_mon"), highest(r.Person, "ly_luan_chinh_tri"), highest(r.Person, "quan_ly_nha_nuoc"),
			since, strconv.Itoa(e.Year), r.Level}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// WriteJSON writes the export as JSON (UTF-8, dates as YYYY-MM-DD).
func (e Export) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", " ")
	return enc.Encode(e)
}

// Count is one figure of the personnel report.
type Count struct {
	Code, Name string
	N          int
}

// UnitReport is the personnel report of one unit: head counts by rank,
// position, professional qualification and the level decided in a year.
type UnitReport struct {
	UnitCode, UnitName string
	People             int
	ByRank             []Count
	ByPosition         []Count
	ByDegree           []Count
	ByLevel            []Count
}

// Report is the personnel report of the export's units, unit by unit.
func (e Export) Report() []UnitReport {
	var out []UnitReport
	idx := map[string]int{}
	for _, r := range e.People {
		i, ok := idx[r.UnitCode]
		if !ok {
			i = len(out)
			idx[r.UnitCode] = i
			out = append(out, UnitReport{UnitCode: r.UnitCode, UnitName: r.UnitName})
		}
		u := &out[i]
		u.People++
		u.ByRank = add(u.ByRank, r.Rank, Name(Ranks, r.Rank))
		u.ByPosition = add(u.ByPosition, r.Position, Name(Positions, r.Position))
		d := highest(r.Person, "chuyen_mon")
		u.ByDegree = add(u.ByDegree, d, Name(QualificationLevels["chuyen_mon"], d))
		u.ByLevel = add(u.ByLevel, r.Level, "")
	}
	return out
}

func add(cs []Count, code, name string) []Count {
	for i := range cs {
		if cs[i].Code == code {
			cs[i].N++
			return cs
		}
	}
	return append(cs, Count{Code: code, Name: name, N: 1})
}
