package payment

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/motcua/motcua/catalog"
	"github.com/motcua/motcua/vntext"
)

// FeeLine is one fee of a payment, computed from a procedure's fee and the
// counts of the case. Amounts are VND.
type FeeLine struct {
	Name string `json:"name"`
	// Kind is the procedure fee's kind: "fixed", "per_page" or "per_copy".
	Kind   string `json:"kind"`
	Pages  int    `json:"pages,omitempty"`
	Copies int    `json:"copies,omitempty"`
	Amount int64  `json:"amount"`
	// Capped: the per-copy maximum applied.
	Capped bool `json:"capped,omitempty"`
	// Exempt names the group the applicant belongs to that is exempted
	// from this fee; Amount is then 0.
	Exempt string `json:"exempt,omitempty"`
	// Detail explains the arithmetic in Vietnamese, for the receipt and the pages.
	Detail string `json:"detail"`
}

// ComputeFee computes the fees of procedure p for a case of pages pages
// (of the original, for per-page fees) and copies copies, for an applicant
// of exemptGroup ("" for none; matched without accents against each fee's
// Exempt list). Counts below 1 count as 1. Fees whose amount the procedure
// leaves at 0 (free, or "set by the province" and not yet entered) give no
// line.
//
// Per page, tiered: pages before FromPage cost Amount each, pages from
// FromPage on cost NextAmount each; Cap limits one copy. Chứng thực bản
// sao (Circular 226/2016): 2.000 đ/page for pages 1–2, 1.000 đ/page from
// page 3, at most 200.000 đ per copy.
func ComputeFee(p catalog.Procedure, pages, copies int, exemptGroup string) (lines []FeeLine, total int64) {
	pages, copies = max(pages, 1), max(copies, 1)
	for _, f := range p.Fees {
		if f.Amount <= 0 {
			continue
		}
		l := FeeLine{Name: f.Name, Kind: f.Kind}
		switch f.Kind {
		case "per_page":
			l.Pages, l.Copies = pages, copies
			one, detail := perPage(f, pages)
			if f.Cap > 0 && one > f.Cap {
				one, l.Capped = f.Cap, true
				detail += fmt.Sprintf(", tối đa %s/bản", vntext.Money(f.Cap))
			}
			l.Amount = one * int64(copies)
			l.Detail = fmt.Sprintf("%d trang: %s; × %d bản", pages, detail, copies)
		case "per_copy":
			l.Copies = copies
			one := f.Amount
			if f.Cap > 0 && one > f.Cap {
				one, l.Capped = f.Cap, true
			}
			l.Amount = one * int64(copies)
			l.Detail = fmt.Sprintf("%s/bản × %d bản", vntext.Money(one), copies)
		default: // "fixed": once per case
			l.Amount = f.Amount
			l.Detail = vntext.Money(f.Amount) + "/trường hợp"
		}
		if g := exemptMatch(f.Exempt, exemptGroup); g != "" {
			l.Exempt, l.Amount = g, 0
			l.Detail += "; miễn cho " + g
		}
		lines = append(lines, l)
		total += l.Amount
	}
	return lines, total
}

// perPage is the price of one copy of pages pages before any cap, with its
// arithmetic.
func perPage(f catalog.Fee, pages int) (int64, string) {
	first := pages
	if f.FromPage > 1 && f.NextAmount > 0 && pages >= f.FromPage {
		first = f.FromPage - 1
	}
	rest := pages - first
	amount := int64(first)*f.Amount + int64(rest)*f.NextAmount
	detail := fmt.Sprintf("%d × %s", first, vntext.Money(f.Amount))
	if rest > 0 {
		detail += fmt.Sprintf(" + %d × %s", rest, vntext.Money(f.NextAmount))
	}
	return amount, detail + " = " + vntext.Money(amount)
}

// The e-form fields that carry a case's counts, where a procedure's form
// asks for them (2.000815 asks both): they prefill the officer's counts,
// which the officer checks against the original.
const (
	PagesField  = "so_trang"
	CopiesField = "so_ban_sao"
)

// CountsFromForm reads the counts an applicant declared on the e-form; 0
// when the form has no such field or it is not a number.
func CountsFromForm(form map[string]string) (pages, copies int) {
	pages, _ = strconv.Atoi(strings.TrimSpace(form[PagesField]))
	copies, _ = strconv.Atoi(strings.TrimSpace(form[CopiesField]))
	return max(pages, 0), max(copies, 0)
}

// ExemptGroups lists the exempted groups named by p's fees, each once.
func ExemptGroups(p catalog.Procedure) []string {
	var out []string
	seen := map[string]bool{}
	for _, f := range p.Fees {
		for _, g := range f.Exempt {
			if k := vntext.Fold(g); !seen[k] {
				seen[k] = true
				out = append(out, g)
			}
		}
	}
	return out
}

// CountsMatter reports which counts change p's fees: pages (a per-page
// fee) and copies (per page or per copy). With neither, the fee is known
// from the procedure alone, so the applicant may pay without an officer's
// request.
func CountsMatter(p catalog.Procedure) (pages, copies bool) {
	for _, f := range p.Fees {
		if f.Amount <= 0 {
			continue
		}
		switch f.Kind {
		case "per_page":
			pages, copies = true, true
		case "per_copy":
			copies = true
		}
	}
	return pages, copies
}

func exemptMatch(groups []string, group string) string {
	if strings.TrimSpace(group) == "" {
		return ""
	}
	want := vntext.Fold(group)
	for _, g := range groups {
		if vntext.Fold(g) == want {
			return g
		}
	}
	return ""
}
