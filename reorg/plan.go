// Package reorg owns reorganisation plans (reorg_plans): a plan is data —
// units created, renamed, moved, merged and abolished on one effective
// date, and where a level's work goes afterwards — that the Service
// checks, dry-runs, schedules and carries out in one transaction through
// package unit's dated changes. What follows a unit (open dossiers,
// officers' roles, numbering registers) is moved by the owners' listeners
// on unit.Merged and unit.Abolished; reorg only reads the owners' rows,
// through their read functions, to report what moved. See
// docs/reorganisation.md.
package reorg

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/unit"
)

// MaxPlanSize is the largest plan file Parse reads; the real 2025 plans
// of a province are a few tens of kilobytes.
const MaxPlanSize = 1 << 20

// Plan is one reorganisation, in the JSON format of docs/reorganisation.md.
// Operations apply in this order: create, rename, move,
// competence (before the abolitions, whose dossiers it routes), merge,
// abolish, each at Effective (00:00 Vietnam time).
type Plan struct {
	ID         string       `json:"id"`
	Title      string       `json:"title"`
	Effective  string       `json:"effective"`
	Basis      []string     `json:"basis"`
	Create     []Create     `json:"create"`
	Rename     []Rename     `json:"rename"`
	Move       []Move       `json:"move"`
	Merge      []Merge      `json:"merge"`
	Abolish    []Abolish    `json:"abolish"`
	Competence []Competence `json:"competence"`
}

// Create is a unit that comes into being on the effective date, under
// Parent (a unit that exists or one created earlier in the list). Serves
// lists the communes a land registration branch serves.
type Create struct {
	Code      string   `json:"code"`
	Name      string   `json:"name"`
	ShortName string   `json:"short_name"`
	Level     string   `json:"level"`
	Kind      string   `json:"kind"`
	Parent    string   `json:"parent"`
	StatCode  string   `json:"stat_code"`
	Serves    []string `json:"serves"`
}

// Rename gives Unit a new name and, when set, a new code, short name or
// statistical code; empty fields keep the current value.
type Rename struct {
	Unit      string `json:"unit"`
	Name      string `json:"name"`
	Code      string `json:"code"`
	ShortName string `json:"short_name"`
	StatCode  string `json:"stat_code"`
}

// Move puts Unit under Parent.
type Move struct {
	Unit   string `json:"unit"`
	Parent string `json:"parent"`
}

// Merge folds every unit of From into Into (unit.Merged for each).
type Merge struct {
	Into string   `json:"into"`
	From []string `json:"from"`
}

// Abolish ends Unit, whose active children must have moved or merged
// first; Successor ("" for none) takes its officers and the dossiers no
// rule routes elsewhere.
type Abolish struct {
	Unit      string `json:"unit"`
	Successor string `json:"successor"`
}

// Competence says where the work of FromLevel goes from the effective
// date: to ToLevel, to a unit of ToKind when one serves the dossier's
// unit. Procedures limits the rule to those procedure codes (empty: all).
type Competence struct {
	Procedures []string `json:"procedures"`
	FromLevel  string   `json:"from_level"`
	ToLevel    string   `json:"to_level"`
	ToKind     string   `json:"to_kind"`
}

var slugRE = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,79}$`)

// Parse reads a plan: at most MaxPlanSize bytes of one JSON object with
// no unknown field and nothing after it, checked by Validate.
func Parse(r io.Reader) (Plan, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxPlanSize+1))
	if err != nil {
		return Plan{}, err
	}
	if len(data) > MaxPlanSize {
		return Plan{}, problem.New(problem.ErrTooLarge, "plan_too_large", MaxPlanSize>>10)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var p Plan
	if err := dec.Decode(&p); err != nil {
		return Plan{}, problem.New(problem.ErrInvalid, "invalid_plan", jsonProblem(err))
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return Plan{}, problem.New(problem.ErrInvalid, "invalid_plan.trailing")
	}
	return p, p.Validate()
}

// jsonProblem is the decoder's complaint, short and without the input.
func jsonProblem(err error) string {
	s := err.Error()
	s = strings.TrimPrefix(s, "json: ")
	if len(s) > 200 {
		s = s[:200]
	}
	return s
}

// Validate checks what can be checked without the database: the id is a
// slug, the date a date, every code, level, kind and statistical code
// well formed, title and basis present. The first fault is returned, with
// its field path ("merge[2].into").
func (p Plan) Validate() error {
	if !slugRE.MatchString(p.ID) {
		return problem.Invalid("id", "invalid_plan_id")
	}
	if strings.TrimSpace(p.Title) == "" || utf8.RuneCountInString(p.Title) > 500 {
		return problem.Invalid("title", "plan_title_required")
	}
	if _, err := unit.Day(p.Effective); err != nil {
		return problem.Invalid("effective", "invalid_plan_date")
	}
	if len(p.Basis) == 0 {
		return problem.Invalid("basis", "plan_basis_required")
	}
	for i, b := range p.Basis {
		if strings.TrimSpace(b) == "" {
			return problem.Invalid(fmt.Sprintf("basis[%d]", i), "plan_basis_required")
		}
	}
	code := func(field, c string, optional bool) error {
		if c == "" && optional {
			return nil
		}
		if !unit.ValidCode(c) {
			return problem.Invalid(field, "invalid_unit_code")
		}
		return nil
	}
	for i, c := range p.Create {
		f := fmt.Sprintf("create[%d]", i)
		if err := code(f+".code", c.Code, false); err != nil {
			return err
		}
		if strings.TrimSpace(c.Name) == "" {
			return problem.Invalid(f+".name", "plan_name_required")
		}
		if unit.Rank(c.Level) == 0 {
			return problem.Invalid(f+".level", "invalid_level")
		}
		if c.Kind != "" && !unit.ValidKind(c.Kind) {
			return problem.Invalid(f+".kind", "invalid_unit_kind")
		}
		if err := code(f+".parent", c.Parent, true); err != nil {
			return err
		}
		if c.StatCode != "" && !unit.ValidStatCode(c.StatCode) {
			return problem.Invalid(f+".stat_code", "invalid_stat_code")
		}
		for j, s := range c.Serves {
			if err := code(fmt.Sprintf("%s.serves[%d]", f, j), s, false); err != nil {
				return err
			}
		}
	}
	for i, r := range p.Rename {
		f := fmt.Sprintf("rename[%d]", i)
		if err := code(f+".unit", r.Unit, false); err != nil {
			return err
		}
		if err := code(f+".code", r.Code, true); err != nil {
			return err
		}
		if r.StatCode != "" && !unit.ValidStatCode(r.StatCode) {
			return problem.Invalid(f+".stat_code", "invalid_stat_code")
		}
		if r.Name == "" && r.Code == "" && r.ShortName == "" && r.StatCode == "" {
			return problem.Invalid(f, "plan_rename_empty")
		}
	}
	for i, m := range p.Move {
		f := fmt.Sprintf("move[%d]", i)
		if err := code(f+".unit", m.Unit, false); err != nil {
			return err
		}
		if err := code(f+".parent", m.Parent, false); err != nil {
			return err
		}
	}
	for i, m := range p.Merge {
		f := fmt.Sprintf("merge[%d]", i)
		if err := code(f+".into", m.Into, false); err != nil {
			return err
		}
		if len(m.From) == 0 {
			return problem.Invalid(f+".from", "plan_merge_empty")
		}
		for j, c := range m.From {
			if err := code(fmt.Sprintf("%s.from[%d]", f, j), c, false); err != nil {
				return err
			}
		}
	}
	for i, a := range p.Abolish {
		f := fmt.Sprintf("abolish[%d]", i)
		if err := code(f+".unit", a.Unit, false); err != nil {
			return err
		}
		if err := code(f+".successor", a.Successor, true); err != nil {
			return err
		}
	}
	for i, c := range p.Competence {
		f := fmt.Sprintf("competence[%d]", i)
		if unit.Rank(c.FromLevel) == 0 {
			return problem.Invalid(f+".from_level", "invalid_level")
		}
		if unit.Rank(c.ToLevel) == 0 {
			return problem.Invalid(f+".to_level", "invalid_level")
		}
		if c.ToKind != "" && !unit.ValidKind(c.ToKind) {
			return problem.Invalid(f+".to_kind", "invalid_unit_kind")
		}
		for j, pr := range c.Procedures {
			if strings.TrimSpace(pr) == "" {
				return problem.Invalid(fmt.Sprintf("%s.procedures[%d]", f, j), "plan_procedure_required")
			}
		}
	}
	return nil
}

// Checksum identifies a plan's content: the SHA-256 of its canonical JSON,
// so the same plan re-indented is the same plan.
func (p Plan) Checksum() string {
	b, _ := json.Marshal(p) // a Plan always marshals
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// codes lists every existing-unit code the plan names (not those it creates).
func (p Plan) codes() []string {
	created := map[string]bool{}
	for _, c := range p.Create {
		created[c.Code] = true
	}
	seen := map[string]bool{}
	var out []string
	add := func(c string) {
		if c != "" && !created[c] && !seen[c] {
			seen[c] = true
			out = append(out, c)
		}
	}
	for _, c := range p.Create {
		add(c.Parent)
		for _, s := range c.Serves {
			add(s)
		}
	}
	for _, r := range p.Rename {
		add(r.Unit)
	}
	for _, m := range p.Move {
		add(m.Unit)
		add(m.Parent)
	}
	for _, m := range p.Merge {
		add(m.Into)
		for _, f := range m.From {
			add(f)
		}
	}
	for _, a := range p.Abolish {
		add(a.Unit)
		add(a.Successor)
	}
	return out
}
