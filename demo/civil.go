package demo

import (
	"context"
	"errors"
	"fmt"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/civil"
	"github.com/motcua/motcua/problem"
)

// civilRecord is a demo officer's personnel record (package civil).
type civilRecord struct {
	username, position, rank, birth, gender, since string
	degree, field                                  string // chuyên môn level and field
	politics                                       string // lý luận chính trị level, "" none
}

// civilRecords are the records of the demo officers who are civil
// servants or cadres (the community team's volunteer is neither); the
// birth dates and qualifications are invented.
var civilRecords = []civilRecord{
	{"tinh.quantri", "CV", "01.003", "1988-04-12", "nam", "2015-07-01", "dai_hoc", "Công nghệ thông tin", ""},
	{"huyen.tiepnhan", "CV", "01.003", "1990-09-03", "nu", "2016-03-01", "dai_hoc", "Luật", ""},
	{"huyen.chuyenvien", "CV", "01.003", "1987-02-20", "nam", "2012-10-01", "dai_hoc", "Quản lý đất đai", "trung_cap"},
	{"huyen.lanhdao", "PCT_UBND", "01.002", "1975-06-15", "nu", "2021-07-01", "thac_si", "Quản lý công", "cao_cap"},
	{"huyen.vanthu", "VT", "02.007", "1992-11-30", "nu", "2017-05-01", "cao_dang", "Văn thư – Lưu trữ", ""},
	{"huyen.quantri", "CV", "01.003", "1991-01-08", "nam", "2018-02-01", "dai_hoc", "Công nghệ thông tin", ""},
	{"huyen.giamsat", "CV", "01.002", "1980-03-25", "nam", "2010-09-01", "dai_hoc", "Luật", "trung_cap"},
	{"gialam.tiepnhan", "CC_MC", "01.004", "1994-08-19", "nu", "2019-04-01", "cao_dang", "Hành chính", ""},
	{"gialam.chuyenvien", "CC_TPHT", "01.003", "1989-12-02", "nam", "2014-06-01", "dai_hoc", "Luật", "trung_cap"},
	{"gialam.lanhdao", "CT_UBND", civil.NoRank, "1978-05-10", "nam", "2021-06-01", "dai_hoc", "Kinh tế nông nghiệp", "trung_cap"},
	{"gialam.vanthu", "VT", "02.008", "1996-07-07", "nu", "2020-01-01", "trung_cap", "Văn thư – Lưu trữ", ""},
	{"gialam.quantri", "CC_VPTK", "01.003", "1993-10-21", "nam", "2018-08-01", "dai_hoc", "Công nghệ thông tin", ""},
}

// LoadCivil gives the demo officers their personnel records (package
// civil) at the unit where they hold their first role, in either demo
// world; a record already there is left alone. It reports how many it
// added.
func LoadCivil(ctx context.Context, au *auth.Service, svc *civil.Service) (int, error) {
	n := 0
	for i, r := range civilRecords {
		a, err := au.UserByName(ctx, r.username)
		if errors.Is(err, problem.ErrNotFound) {
			continue
		}
		if err != nil {
			return n, err
		}
		if len(a.Grants) == 0 {
			continue
		}
		quals := []civil.Qualification{{Kind: "chuyen_mon", Level: r.degree, Field: r.field}}
		if r.politics != "" {
			quals = append(quals, civil.Qualification{Kind: "ly_luan_chinh_tri", Level: r.politics})
		}
		p := civil.Person{Code: fmt.Sprintf("NB-%05d", i+1), UserID: a.ID, FullName: a.FullName, BirthDate: r.birth, Gender: r.gender,
			Position: r.position, Rank: r.rank}
		added, err := svc.Seed(ctx, a.Grants[0].UnitID, p, r.since, quals)
		if err != nil {
			return n, fmt.Errorf("demo: record of %s: %w", r.username, err)
		}
		if added {
			n++
		}
	}
	return n, nil
}
