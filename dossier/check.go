package dossier

import (
	"errors"
	"strings"

	"github.com/motcua/motcua/catalog"
	"github.com/motcua/motcua/problem"
)

// CheckForm validates an e-form exactly as Submit does and returns the
// values as they would be stored (trimmed strings, empty values dropped).
// A failure is a *problem.Error whose Field is "form.<key>"; like Submit,
// it stops at the first problem (see FormProblems for all of them).
func CheckForm(p catalog.Procedure, in map[string]any) (map[string]string, error) {
	return checkForm(p, in)
}

// CheckApplicant validates and normalises the applicant and the delivery
// choice exactly as Submit does. A failure is a *problem.Error whose Field
// is "applicant.<name|id_number|phone|email|address>" or "delivery".
func CheckApplicant(a Applicant, delivery string) (Applicant, error) {
	return checkApplicant(a, delivery)
}

// FormProblems checks every field of the e-form on its own, with Submit's
// rules, and returns the problems by field key, so a page can show each
// one next to its field instead of only the first. Values of keys the
// procedure does not know are ignored here (pages only post known keys).
func FormProblems(p catalog.Procedure, values map[string]string) map[string]*problem.Error {
	out := map[string]*problem.Error{}
	for _, f := range p.Form {
		var pe *problem.Error
		if err := checkField(f, strings.TrimSpace(values[f.Key])); errors.As(err, &pe) {
			out[f.Key] = pe
		}
	}
	return out
}

// ApplicantProblems is CheckApplicant reporting every problem, by field
// ("applicant.name", …, "delivery"). checkApplicant stops at the first
// problem, so each one found is set aside with a neutral value and the
// check runs again.
func ApplicantProblems(a Applicant, delivery string) map[string]*problem.Error {
	out := map[string]*problem.Error{}
	for range 8 {
		var pe *problem.Error
		if _, err := checkApplicant(a, delivery); !errors.As(err, &pe) {
			break
		}
		out[pe.Field] = pe
		switch pe.Field {
		case "applicant.name":
			a.Name = "-"
		case "applicant.id_number":
			a.IDNumber = ""
		case "applicant.phone":
			a.Phone = ""
		case "applicant.email":
			a.Email = ""
		case "applicant.address":
			a.Address = "-"
		case "applicant.birth_date":
			a.BirthDate = ""
		case "delivery":
			delivery = "counter"
		default:
			return out
		}
	}
	return out
}
