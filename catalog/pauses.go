package catalog

import "fmt"

// The kinds of period a specialised law excludes from a procedure's
// processing time (regulations §8, deadline items 6–7). The supplement
// the applicant owes is not one of them: it has its own state
// (supplement_requested) and is open to every procedure.
const (
	// PauseFinancialObligation: the applicant performs financial
	// obligations (thực hiện nghĩa vụ tài chính: land use levy,
	// registration fee…), Decree 151/2025 and the land law.
	PauseFinancialObligation = "financial_obligation"
	// PausePosting: public posting (niêm yết công khai), e.g. 15 days for
	// a lost land certificate.
	PausePosting = "posting"
	// PauseVerification: verification (xác minh) where the law allows it.
	PauseVerification = "verification"
	// PauseInspection: on-site inspection (kiểm tra, xác minh thực địa).
	PauseInspection = "inspection"
)

// PauseKinds lists the kinds a procedure may declare, in display order.
var PauseKinds = []string{PauseFinancialObligation, PausePosting, PauseVerification, PauseInspection}

// Pause is one period the procedure's law does not count in its
// processing time: the officer holding the dossier's step stops the clock
// for it (dossier action "pause") and restarts it ("resume").
type Pause struct {
	Kind string `json:"kind"`
	// MaxDays, when set, is the longest the period lasts by law, in
	// calendar days ("niêm yết 15 ngày"); MaxWorkingDays the same in
	// working days ("thêm không quá 05 ngày làm việc"). At most one is
	// set. Past it, the clock counts again: the interval kept is cut at
	// the legal end even when the officer resumes later.
	MaxDays        int `json:"max_days,omitempty"`
	MaxWorkingDays int `json:"max_working_days,omitempty"`
	// LegalBasis is the article that excludes the period.
	LegalBasis string `json:"legal_basis"`
}

// PauseFor returns the procedure's declared pause of kind, if any.
func (p *Procedure) PauseFor(kind string) (Pause, bool) {
	for _, x := range p.Pauses {
		if x.Kind == kind {
			return x, true
		}
	}
	return Pause{}, false
}

func (c *checker) validatePauses(ps []Pause) {
	seen := map[string]bool{}
	for i, x := range ps {
		path := fmt.Sprintf("pauses[%d]", i)
		if c.oneOf(path+".kind", x.Kind, PauseKinds) && seen[x.Kind] {
			c.addf(path+".kind", "loại tạm dừng %q bị lặp", x.Kind)
		}
		seen[x.Kind] = true
		if x.MaxDays < 0 || x.MaxWorkingDays < 0 {
			c.addf(path+".max_days", "thời gian tối đa âm")
		}
		if x.MaxDays > 0 && x.MaxWorkingDays > 0 {
			c.addf(path+".max_days", "chỉ đặt một trong max_days (ngày) và max_working_days (ngày làm việc)")
		}
		c.required(path+".legal_basis", x.LegalBasis)
	}
}
