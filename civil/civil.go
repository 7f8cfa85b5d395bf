// Package civil is the civil service registry and the yearly evaluation
// of its officers (issue 16; docs/civil-service.md). It owns the tables
// civil_people, civil_postings, civil_qualifications, civil_cycles and
// civil_evaluations: officers as people — linked to the auth account they
// sign in with by its id, which auth owns —, their position (chức vụ),
// rank (ngạch), dated postings and qualifications; and the evaluation and
// classification of Decree 90/2020/NĐ-CP as amended by Decree
// 48/2023/NĐ-CP: the officer's self-assessment, the collective review at
// the unit's meeting, the leader's decision (Steps). The one-stop
// figures of an officer's year (Figures) are computed by the report read
// model from the dossiers' history and handed in as Evidence.
package civil

import (
	"context"
	"time"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/event"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/unit"
)

// The four levels of Decree 90/2020 (Art. 2 as amended by Decree 48/2023).
const (
	Excellent = "xuat_sac"         // hoàn thành xuất sắc nhiệm vụ
	Good      = "tot"              // hoàn thành tốt nhiệm vụ
	Done      = "hoan_thanh"       // hoàn thành nhiệm vụ
	NotDone   = "khong_hoan_thanh" // không hoàn thành nhiệm vụ
)

// Levels are the levels, best first.
var Levels = []string{Excellent, Good, Done, NotDone}

// Code is one entry of a code list: its code and its Vietnamese name.
type Code struct {
	Code, Name string
}

// Ranks are the civil-service ranks (ngạch công chức) with the codes of
// Circular 2/2021/TT-BNV (administrative and clerical ranks) and Circular
// 29/2022/TT-BTC (accounting); the ranks a district or commune officer
// holds. Commune civil servants are ranked as chuyên viên or cán sự by
// their training (Decree 33/2023/NĐ-CP). NoRank is for an elected cadre
// (cán bộ) who holds none.
var Ranks = []Code{
	{"01.001", "Chuyên viên cao cấp"},
	{"01.002", "Chuyên viên chính"},
	{"01.003", "Chuyên viên"},
	{"01.004", "Cán sự"},
	{"01.005", "Nhân viên"},
	{"02.006", "Văn thư viên chính"},
	{"02.007", "Văn thư viên"},
	{"02.008", "Văn thư viên trung cấp"},
	{"06.031", "Kế toán viên"},
	{NoRank, "Không giữ ngạch (cán bộ bầu cử)"},
}

// NoRank is the rank code of a person who holds no rank.
const NoRank = "00.000"

// Positions are the positions (chức vụ, chức danh) of a district's and a
// commune's officers. The codes are motcua's own (no national code list
// for them was found); docs/civil-service.md lists them.
var Positions = []Code{
	{"CT_UBND", "Chủ tịch Ủy ban nhân dân"},
	{"PCT_UBND", "Phó Chủ tịch Ủy ban nhân dân"},
	{"TP", "Trưởng phòng"},
	{"PTP", "Phó Trưởng phòng"},
	{"CV", "Chuyên viên"},
	{"CC_VPTK", "Công chức Văn phòng – Thống kê"},
	{"CC_TPHT", "Công chức Tư pháp – Hộ tịch"},
	{"CC_DCXD", "Công chức Địa chính – Xây dựng"},
	{"CC_TCKT", "Công chức Tài chính – Kế toán"},
	{"CC_VHXH", "Công chức Văn hóa – Xã hội"},
	{"CC_MC", "Công chức Bộ phận Một cửa"},
	{"VT", "Văn thư"},
	{"KHAC", "Chức danh khác"},
}

// Qualification kinds and their levels.
var (
	QualificationKinds = []Code{
		{"chuyen_mon", "Trình độ chuyên môn"},
		{"ly_luan_chinh_tri", "Lý luận chính trị"},
		{"quan_ly_nha_nuoc", "Quản lý nhà nước"},
		{"tin_hoc", "Tin học"},
		{"ngoai_ngu", "Ngoại ngữ"},
	}
	QualificationLevels = map[string][]Code{
		"chuyen_mon":        {{"tien_si", "Tiến sĩ"}, {"thac_si", "Thạc sĩ"}, {"dai_hoc", "Đại học"}, {"cao_dang", "Cao đẳng"}, {"trung_cap", "Trung cấp"}},
		"ly_luan_chinh_tri": {{"cao_cap", "Cao cấp"}, {"trung_cap", "Trung cấp"}, {"so_cap", "Sơ cấp"}},
		"quan_ly_nha_nuoc":  {{"cvcc", "Chuyên viên cao cấp"}, {"cvc", "Chuyên viên chính"}, {"cv", "Chuyên viên"}},
		"tin_hoc":           {{"nang_cao", "Ứng dụng công nghệ thông tin nâng cao"}, {"co_ban", "Ứng dụng công nghệ thông tin cơ bản"}},
		"ngoai_ngu":         {{"bac_5", "Bậc 5"}, {"bac_4", "Bậc 4"}, {"bac_3", "Bậc 3"}, {"bac_2", "Bậc 2"}, {"bac_1", "Bậc 1"}},
	}
)

// Name returns the name of code in list, or "" when it is not there.
func Name(list []Code, code string) string {
	for _, c := range list {
		if c.Code == code {
			return c.Name
		}
	}
	return ""
}

// Figures are an officer's one-stop figures for a year, recounted from
// the dossiers' history by the report read model (report.OfficerFigures;
// the definitions are in docs/civil-service.md).
type Figures struct {
	// Handled: dossiers the officer acted on in the year.
	Handled int `json:"handled"`
	// Ended: of those, the ones that got their result (or a refusal) in
	// the year; OnTime those of them not past their deadline.
	Ended  int `json:"ended"`
	OnTime int `json:"on_time"`
	// LateCaused: stays at a processing step the officer ended in the
	// year during which the dossier's deadline passed.
	LateCaused int `json:"late_caused"`
	// Citizens' ratings of the dossiers they handled.
	VerySatisfied int `json:"very_satisfied"`
	Satisfied     int `json:"satisfied"`
	NotSatisfied  int `json:"not_satisfied"`
}

// OnTimeRate is OnTime/Ended in percent, -1 when nothing ended.
func (f Figures) OnTimeRate() float64 {
	if f.Ended == 0 {
		return -1
	}
	return 100 * float64(f.OnTime) / float64(f.Ended)
}

// Rated is how many ratings there are.
func (f Figures) Rated() int { return f.VerySatisfied + f.Satisfied + f.NotSatisfied }

// Evidence computes officers' figures for [from, to): by user id.
type Evidence interface {
	OfficerFigures(ctx context.Context, userIDs []int64, from, to time.Time) (map[int64]Figures, error)
}

// Units is what the registry needs of package unit.
type Units interface {
	Chain(ctx context.Context, q store.Querier, id int64) ([]int64, error)
	ByCode(ctx context.Context, code string) (unit.Unit, error)
	ByID(ctx context.Context, id int64) (unit.Unit, error)
	Reach(ctx context.Context, q store.Querier, a *auth.Actor, r auth.Right) ([]int64, error)
}

// Config wires the service.
type Config struct {
	DB       *store.DB
	Bus      *event.Bus
	Units    Units
	Evidence Evidence
	// Accounts finds the account a record is linked to (auth.Service).
	Accounts Holders
	Now      func() time.Time
}

// Service is the registry and the evaluation.
type Service struct {
	cfg Config
}

// New returns the service.
func New(cfg Config) *Service {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Service{cfg: cfg}
}

// vietnam is the zone a year is counted in.
var vietnam = time.FixedZone("ICT", 7*3600)

// YearBounds is the calendar year in Vietnam, [from, to).
func YearBounds(year int) (from, to time.Time) {
	return time.Date(year, 1, 1, 0, 0, 0, 0, vietnam), time.Date(year+1, 1, 1, 0, 0, 0, 0, vietnam)
}

// can reports whether a holds right r at unitID.
func (s *Service) can(ctx context.Context, a *auth.Actor, r auth.Right, unitID int64) (bool, error) {
	if a == nil || a.IsCitizen() {
		return false, nil
	}
	chain, err := s.cfg.Units.Chain(ctx, s.cfg.DB, unitID)
	if err != nil {
		return false, err
	}
	return a.Can(r, chain), nil
}

// audit publishes a privileged act for the audit log.
func (s *Service) audit(ctx context.Context, tx *store.Tx, a *auth.Actor, unitID int64, action, object, details string) error {
	return event.Publish(ctx, s.cfg.Bus, tx, event.Security{At: s.cfg.Now(), ActorID: a.ID, ActorName: a.Username,
		UnitID: unitID, Action: action, Object: object, Details: details})
}
