package catalog

import (
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Enumerated values of the on-disk format. They are plain strings in the
// JSON files; these constants name them for code that branches on them.
const (
	LevelProvince = "province"
	LevelDistrict = "district"
	LevelCommune  = "commune"

	UnitSameDay = "same_day"
	UnitDay     = "day"
	UnitHour    = "hour"

	OnlineFull    = "full"
	OnlinePartial = "partial"
	OnlineNone    = "none"

	RoleReception  = "reception"
	RoleSpecialist = "specialist"
	RoleLeader     = "leader"
	RoleClerk      = "clerk"
)

// HoursPerDay is the length of a working day in working hours, the unit in
// which step times are allotted.
const HoursPerDay = 8

// WorkingHours is the statutory time in working hours: Value×8 for days,
// Value for hours, and one working day (8) for same-day procedures. It is 0
// for an unknown unit.
func (d Duration) WorkingHours() int {
	switch d.Unit {
	case UnitSameDay:
		return HoursPerDay
	case UnitDay:
		return d.Value * HoursPerDay
	case UnitHour:
		return d.Value
	}
	return 0
}

var (
	codeRE = regexp.MustCompile(`^\d\.\d{6}$`)
	// keyRE is the form of component and form-field keys: they appear in
	// URLs, upload names and stored dossier data, so ASCII snake_case only.
	keyRE  = regexp.MustCompile(`^[a-z][a-z0-9]*(_[a-z0-9]+)*$`)
	slugRE = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
)

// The allowed values of each enumerated field, in the order error messages list them.
var (
	levels      = []string{LevelProvince, LevelDistrict, LevelCommune}
	units       = []string{UnitSameDay, UnitDay, UnitHour}
	onlineModes = []string{OnlineFull, OnlinePartial, OnlineNone}
	roles       = []string{RoleReception, RoleSpecialist, RoleLeader, RoleClerk}
	feeKinds    = []string{"fixed", "per_page", "per_copy"}
	docKinds    = []string{"original", "copy", "certified_copy", "show"}
	formTypes   = []string{"text", "textarea", "date", "number", "select", "id_number", "phone"}
	// stepKinds are unit.Kinds, repeated because catalog does not depend
	// on the unit tree: a misspelt kind would silently route by level.
	stepKinds = []string{"committee", "agency", "centre", "land_branch", "outside"}
)

// Validate checks the procedure and returns nil, or an error joining one
// error per problem (errors.Join), each starting with the JSON path of the
// offending value, e.g. "steps[2].hours: …". Every problem is reported, not
// only the first, so an admin can fix an uploaded file in one pass.
func (p *Procedure) Validate() error {
	var c checker

	if !codeRE.MatchString(p.Code) {
		c.addf("code", "mã thủ tục %q không đúng dạng d.dddddd (ví dụ 1.001193)", p.Code)
	}
	if p.Version < 0 {
		c.addf("version", "phiên bản %d âm", p.Version)
	}
	c.required("name", p.Name)
	c.required("field", p.Field)
	if !slugRE.MatchString(p.FieldCode) {
		c.addf("field_code", "mã lĩnh vực %q phải là slug chữ thường không dấu, nối bằng '-' (ví dụ ho-tich)", p.FieldCode)
	}
	c.required("agency", p.Agency)
	c.required("result", p.Result)

	if len(p.Levels) == 0 {
		c.addf("levels", "phải có ít nhất một cấp thực hiện")
	}
	seenLevel := map[string]bool{}
	for i, l := range p.Levels {
		path := fmt.Sprintf("levels[%d]", i)
		c.oneOf(path, l, levels)
		if seenLevel[l] {
			c.addf(path, "cấp %q bị lặp", l)
		}
		seenLevel[l] = true
	}

	c.validateTime(p.Time)
	c.oneOf("online", p.Online, onlineModes)

	for i, f := range p.Fees {
		c.validateFee(fmt.Sprintf("fees[%d]", i), f)
	}
	c.validateComponents(p.Components)
	c.validateForm(p.Form)

	c.validateLegalBasis(p.LegalBasis)
	c.validateLawData(p)
	for i, s := range p.Requirements {
		c.required(fmt.Sprintf("requirements[%d]", i), s)
	}
	c.validateSteps(p.Steps, p.Time, seenLevel)
	c.validatePauses(p.Pauses)
	if p.ResultTemplate != nil {
		c.validateResultTemplate(*p.ResultTemplate, p.Form)
	}

	if err := retentionCheck(p.Retention); err != nil {
		c.addf("retention", "%s", err.Error())
	}
	if p.SupplementDays < 0 || p.SupplementDays > 365 {
		c.addf("supplement_days", "thời hạn bổ sung %d ngày phải từ 0 (theo mặc định của đơn vị) đến 365", p.SupplementDays)
	}

	c.validateText("", reflect.ValueOf(*p))
	return errors.Join(c.errs...)
}

func (c *checker) validateTime(d Duration) {
	c.oneOf("time.unit", d.Unit, units)
	switch d.Unit {
	case UnitSameDay:
		if d.Value != 0 {
			c.addf("time.value", "thủ tục trong ngày (same_day) không được có value (đang là %d)", d.Value)
		}
	case UnitDay, UnitHour:
		if d.Value < 1 {
			c.addf("time.value", "thời hạn phải ít nhất 1 %s (đang là %d)", d.Unit, d.Value)
		}
	}
}

func (c *checker) validateFee(path string, f Fee) {
	c.required(path+".name", f.Name)
	c.oneOf(path+".kind", f.Kind, feeKinds)
	if f.Amount < 0 {
		c.addf(path+".amount", "số tiền âm (%d)", f.Amount)
	}
	if f.Amount == 0 && f.Note == "" {
		c.addf(path+".note", "khoản thu 0 đồng phải có ghi chú giải thích (ví dụ mức thu do HĐND tỉnh quy định)")
	}
	if f.FromPage != 0 || f.NextAmount != 0 {
		if f.Kind != "per_page" {
			c.addf(path+".from_page", "bậc giá theo trang chỉ dùng cho kind per_page")
		} else if f.FromPage < 2 || f.NextAmount < 0 {
			c.addf(path+".from_page", "bậc giá theo trang cần from_page ≥ 2 và next_amount ≥ 0 (đang là %d, %d)", f.FromPage, f.NextAmount)
		}
	}
	if f.Cap < 0 {
		c.addf(path+".cap", "mức trần âm (%d)", f.Cap)
	}
	for i, s := range f.Exempt {
		c.required(fmt.Sprintf("%s.exempt[%d]", path, i), s)
	}
}

func (c *checker) validateComponents(cs []Component) {
	if len(cs) == 0 {
		c.addf("components", "phải có ít nhất một thành phần hồ sơ")
	}
	seen := map[string]bool{}
	for i, comp := range cs {
		path := fmt.Sprintf("components[%d]", i)
		c.key(path+".key", comp.Key, seen)
		c.required(path+".name", comp.Name)
		c.oneOf(path+".kind", comp.Kind, docKinds)
		if comp.Quantity < 1 {
			c.addf(path+".quantity", "số lượng phải ít nhất 1 (đang là %d)", comp.Quantity)
		}
	}
}

func (c *checker) validateForm(fields []FormField) {
	seen := map[string]bool{}
	for i, f := range fields {
		path := fmt.Sprintf("form[%d]", i)
		c.key(path+".key", f.Key, seen)
		c.required(path+".label", f.Label)
		c.oneOf(path+".type", f.Type, formTypes)
		if f.Type == "select" && len(f.Options) == 0 {
			c.addf(path+".options", "trường chọn (select) phải có danh sách lựa chọn")
		}
		if f.Type != "select" && len(f.Options) > 0 {
			c.addf(path+".options", "chỉ trường select mới có options (kiểu đang là %q)", f.Type)
		}
		seenOpt := map[string]bool{}
		for j, o := range f.Options {
			op := fmt.Sprintf("%s.options[%d]", path, j)
			c.required(op, o)
			if seenOpt[o] {
				c.addf(op, "lựa chọn %q bị lặp", o)
			}
			seenOpt[o] = true
		}
		if f.Pattern != "" {
			if _, err := regexp.Compile(f.Pattern); err != nil {
				c.addf(path+".pattern", "biểu thức chính quy không hợp lệ (RE2): %v", err)
			}
		}
		if f.Max < 0 {
			c.addf(path+".max", "max âm (%d)", f.Max)
		}
		if f.Type != "number" && (f.Min != 0 || f.Integer) {
			c.addf(path+".min", "chỉ trường số (number) mới có min, integer (kiểu đang là %q)", f.Type)
		}
		if f.Type == "number" && (f.Min < 0 || (f.Max > 0 && f.Max < f.Min)) {
			c.addf(path+".min", "khoảng giá trị không hợp lệ: min %d, max %d", f.Min, f.Max)
		}
	}
}

// validateSteps checks each step and that the steps use up exactly the
// statutory time: deadlines of steps are derived from their hours, so a
// mismatch would make the per-step deadlines disagree with the legal one.
func (c *checker) validateSteps(steps []Step, d Duration, procLevels map[string]bool) {
	if len(steps) == 0 {
		c.addf("steps", "phải có ít nhất một bước xử lý")
	}
	total := 0
	for i, s := range steps {
		path := fmt.Sprintf("steps[%d]", i)
		c.required(path+".name", s.Name)
		c.oneOf(path+".role", s.Role, roles)
		if c.oneOf(path+".level", s.Level, levels) && !procLevels[s.Level] {
			c.addf(path+".level", "cấp %q không nằm trong levels của thủ tục", s.Level)
		}
		if s.Kind != "" {
			c.oneOf(path+".kind", s.Kind, stepKinds)
		}
		if s.Hours < 1 {
			c.addf(path+".hours", "số giờ phải ít nhất 1 (đang là %d)", s.Hours)
		}
		total += s.Hours
	}
	if want := d.WorkingHours(); len(steps) > 0 && want > 0 && total != want {
		c.addf("steps", "tổng số giờ các bước là %d, khác thời hạn luật định %d giờ làm việc", total, want)
	}
}

// PlaceholderRE finds the placeholders of a result template: {{name}}.
var PlaceholderRE = regexp.MustCompile(`\{\{\s*([a-z0-9_.]+)\s*\}\}`)

var symbolRE = regexp.MustCompile(`^[A-ZĐ]{1,12}$`)

// validateResultTemplate checks the template's parts and that every
// placeholder names a known field, so a typo cannot print "{{form.ho_tn}}"
// on a certificate.
func (c *checker) validateResultTemplate(t ResultTemplate, form []FormField) {
	c.required("result_template.title", t.Title)
	switch t.Kind {
	case Attestation:
		// A lời chứng carries the book's number, not a document symbol.
		if !slices.Contains(Books, t.Book) {
			c.addf("result_template.book", "sổ chứng thực %q phải là một trong: %s", t.Book, strings.Join(Books, ", "))
		}
	case "":
		if !symbolRE.MatchString(t.Symbol) {
			c.addf("result_template.symbol", "ký hiệu %q phải là chữ in hoa viết tắt (ví dụ GCN)", t.Symbol)
		}
	default:
		c.addf("result_template.kind", "loại %q không hợp lệ (để trống hoặc %q)", t.Kind, Attestation)
	}
	if len(t.Body) == 0 && len(t.Articles) == 0 {
		c.addf("result_template.body", "phải có ít nhất một đoạn nội dung")
	}
	if len(t.Signer) == 0 {
		c.addf("result_template.signer", "phải có chức vụ người ký")
	}
	known := map[string]bool{}
	for _, f := range ResultFields {
		known[f] = true
	}
	for _, f := range form {
		known["form."+f.Key] = true
		if f.Type == "date" {
			known["form."+f.Key+Words] = true
		}
	}
	known["result_date"+Words], known["received_date"+Words] = true, true
	c.validateCivilStatus(t)
	if t.Kind == Attestation {
		for _, f := range AttestationFields {
			known[f] = true
		}
	}
	check := func(path, s string) {
		c.required(path, s)
		found := PlaceholderRE.FindAllStringSubmatch(s, -1)
		for _, m := range found {
			if !known[m[1]] {
				c.addf(path, "trường {{%s}} không tồn tại (dùng một trong: %s, hoặc form.<khóa trường tờ khai>)", m[1], strings.Join(ResultFields, ", "))
			}
		}
		if strings.Count(s, "{{") != len(found) || strings.Count(s, "}}") != len(found) {
			c.addf(path, "dấu {{ }} không khớp: mỗi trường phải viết {{tên}}")
		}
	}
	for i, s := range t.Subtitle {
		check(fmt.Sprintf("result_template.subtitle[%d]", i), s)
	}
	for i, s := range t.Body {
		check(fmt.Sprintf("result_template.body[%d]", i), s)
	}
	for i, s := range t.Basis {
		check(fmt.Sprintf("result_template.basis[%d]", i), s)
	}
	for i, s := range t.Articles {
		check(fmt.Sprintf("result_template.articles[%d]", i), s)
	}
	for i, s := range t.Recipients {
		check(fmt.Sprintf("result_template.recipients[%d]", i), s)
	}
	for i, s := range t.Signer {
		c.required(fmt.Sprintf("result_template.signer[%d]", i), s)
	}
	c.validateText("result_template", reflect.ValueOf(t))
}

// MaxText is the longest string a procedure holds, in characters: every
// one is printed on forms and pages (the longest shipped one has about 300).
const MaxText = 5000

// validateText walks every string of the procedure: text shown to citizens
// and compared in search must be NFC (decomposed accents render and match
// differently) and carry no stray surrounding spaces.
func (c *checker) validateText(path string, v reflect.Value) {
	switch v.Kind() {
	case reflect.String:
		s := v.String()
		switch {
		case !utf8.ValidString(s):
			c.addf(path, "chuỗi không phải UTF-8 hợp lệ")
		case !norm.NFC.IsNormalString(s):
			c.addf(path, "chuỗi chưa chuẩn hoá Unicode NFC (dấu tiếng Việt đang ở dạng tổ hợp)")
		}
		if strings.TrimSpace(s) != s {
			c.addf(path, "có khoảng trắng ở đầu hoặc cuối chuỗi")
		}
		if n := utf8.RuneCountInString(s); n > MaxText {
			c.addf(path, "dài %d ký tự, tối đa %d", n, MaxText)
		}
	case reflect.Struct:
		t := v.Type()
		for i := range t.NumField() {
			name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
			if name == "" {
				name = t.Field(i).Name
			}
			if path != "" {
				name = path + "." + name
			}
			c.validateText(name, v.Field(i))
		}
	case reflect.Slice:
		for i := range v.Len() {
			c.validateText(fmt.Sprintf("%s[%d]", path, i), v.Index(i))
		}
	}
}

// checker collects problems; each is an error prefixed with its JSON path.
type checker struct{ errs []error }

func (c *checker) addf(path, format string, args ...any) {
	c.errs = append(c.errs, fmt.Errorf("%s: %s", path, fmt.Sprintf(format, args...)))
}

func (c *checker) required(path, s string) {
	if strings.TrimSpace(s) == "" {
		c.addf(path, "không được để trống")
	}
}

// oneOf reports whether v is allowed, recording a problem if it is not.
func (c *checker) oneOf(path, v string, allowed []string) bool {
	if slices.Contains(allowed, v) {
		return true
	}
	c.addf(path, "giá trị %q không hợp lệ, phải là một trong: %s", v, strings.Join(allowed, ", "))
	return false
}

func (c *checker) key(path, k string, seen map[string]bool) {
	if !keyRE.MatchString(k) {
		c.addf(path, "khoá %q phải là snake_case ASCII (chữ thường, số, '_'), bắt đầu bằng chữ", k)
	}
	if seen[k] {
		c.addf(path, "khoá %q bị trùng", k)
	}
	seen[k] = true
}
