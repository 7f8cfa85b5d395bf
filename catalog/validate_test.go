package catalog

import (
	"encoding/json"
	"io/fs"
	"path"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"golang.org/x/text/unicode/norm"

	"github.com/motcua/motcua/unit"
)

// validProcedure is the smallest procedure that passes Validate; each
// test case below breaks one thing in a fresh copy of it.
func validProcedure() Procedure {
	return Procedure{
		Code:      "1.001193",
		Name:      "Thủ tục đăng ký khai sinh",
		Field:     "Hộ tịch",
		FieldCode: "ho-tich",
		Levels:    []string{"commune", "district"},
		Agency:    "Ủy ban nhân dân cấp xã",
		Time:      Duration{Unit: "day", Value: 2},
		Fees: []Fee{
			{Name: "Phí chứng thực", Kind: "per_page", Amount: 2000, FromPage: 3, NextAmount: 1000, Cap: 200000},
			{Name: "Lệ phí", Kind: "fixed", Amount: 0, Note: "Do HĐND tỉnh quy định", Exempt: []string{"Hộ nghèo"}},
		},
		Components: []Component{
			{Key: "to_khai", Name: "Tờ khai", Required: true, Kind: "original", Quantity: 1, Template: "Mẫu số 01"},
			{Key: "giay_to_tuy_than", Name: "Giấy tờ tùy thân", Kind: "show", Quantity: 1},
		},
		Form: []FormField{
			{Key: "ho_ten", Label: "Họ và tên", Type: "text", Required: true, Max: 100},
			{Key: "gioi_tinh", Label: "Giới tính", Type: "select", Options: []string{"Nam", "Nữ"}},
			{Key: "so_dinh_danh", Label: "Số định danh", Type: "id_number", Pattern: `^[0-9]{12}$`},
		},
		Online:     "full",
		Result:     "Giấy khai sinh",
		LegalBasis: []LegalDoc{{Type: "Luật", Title: "Hộ tịch", Number: "60/2014/QH13", Date: "2014-11-20", Issuer: "Quốc hội", Articles: []string{"16"}}},
		Steps: []Step{
			{Name: "Thẩm định", Role: "specialist", Level: "commune", Hours: 8},
			{Name: "Xử lý liên thông", Role: "specialist", Level: "district", Hours: 4},
			{Name: "Ký duyệt", Role: "leader", Level: "commune", Hours: 3},
			{Name: "Trả kết quả", Role: "reception", Level: "commune", Hours: 1},
		},
		Requirements: []string{"Đăng ký trong 60 ngày"},
	}
}

func TestValidateAcceptsValidProcedure(t *testing.T) {
	p := validProcedure()
	if err := p.Validate(); err != nil {
		t.Fatalf("valid procedure rejected:\n%v", err)
	}
	p.Time = Duration{Unit: "same_day"}
	p.Steps = []Step{{Name: "Xử lý", Role: "specialist", Level: "commune", Hours: 7}, {Name: "Trả", Role: "reception", Level: "commune", Hours: 1}}
	if err := p.Validate(); err != nil {
		t.Fatalf("same-day procedure with 8 hours rejected:\n%v", err)
	}
	p.Time = Duration{Unit: "hour", Value: 4}
	p.Steps = p.Steps[:1]
	p.Steps[0].Hours = 4
	if err := p.Validate(); err != nil {
		t.Fatalf("4-hour procedure rejected:\n%v", err)
	}
}

// TestValidateRejects breaks one rule per case and checks that the error
// names the offending path, so every check is shown to be able to fail.
func TestValidateRejects(t *testing.T) {
	decomposed := norm.NFD.String("Hộ tịch")
	tests := []struct {
		name   string
		mutate func(p *Procedure)
		want   string // substring of the error: the path and the gist
	}{
		{"code without dot", func(p *Procedure) { p.Code = "1001193" }, "code: mã thủ tục"},
		{"code too short", func(p *Procedure) { p.Code = "1.00119" }, "code: mã thủ tục"},
		{"code with agency suffix", func(p *Procedure) { p.Code = "1.001193.H35" }, "code: mã thủ tục"},
		{"negative version", func(p *Procedure) { p.Version = -1 }, "version:"},
		{"empty name", func(p *Procedure) { p.Name = "" }, "name: không được để trống"},
		{"blank field", func(p *Procedure) { p.Field = "   " }, "field: không được để trống"},
		{"field code with accents", func(p *Procedure) { p.FieldCode = "hộ-tịch" }, "field_code:"},
		{"field code with underscore", func(p *Procedure) { p.FieldCode = "ho_tich" }, "field_code:"},
		{"empty agency", func(p *Procedure) { p.Agency = "" }, "agency: không được để trống"},
		{"empty result", func(p *Procedure) { p.Result = "" }, "result: không được để trống"},
		{"no levels", func(p *Procedure) { p.Levels = nil }, "levels: phải có"},
		{"unknown level", func(p *Procedure) { p.Levels[1] = "ward" }, `levels[1]: giá trị "ward"`},
		{"duplicate level", func(p *Procedure) { p.Levels[1] = "commune" }, `levels[1]: cấp "commune" bị lặp`},
		{"unknown time unit", func(p *Procedure) { p.Time.Unit = "week" }, `time.unit: giá trị "week"`},
		{"same day with value", func(p *Procedure) { p.Time = Duration{Unit: "same_day", Value: 1} }, "time.value:"},
		{"zero days", func(p *Procedure) { p.Time.Value = 0 }, "time.value:"},
		{"empty fee name", func(p *Procedure) { p.Fees[0].Name = "" }, "fees[0].name:"},
		{"unknown fee kind", func(p *Procedure) { p.Fees[1].Kind = "percent" }, `fees[1].kind: giá trị "percent"`},
		{"negative fee", func(p *Procedure) { p.Fees[1].Amount = -5 }, "fees[1].amount:"},
		{"zero fee without note", func(p *Procedure) { p.Fees[1].Note = "" }, "fees[1].note:"},
		{"tier on fixed fee", func(p *Procedure) { p.Fees[1].FromPage = 3 }, "fees[1].from_page: bậc giá"},
		{"tier from page one", func(p *Procedure) { p.Fees[0].FromPage = 1 }, "fees[0].from_page:"},
		{"negative cap", func(p *Procedure) { p.Fees[0].Cap = -1 }, "fees[0].cap:"},
		{"empty exemption", func(p *Procedure) { p.Fees[1].Exempt[0] = "" }, "fees[1].exempt[0]:"},
		{"no components", func(p *Procedure) { p.Components = nil }, "components: phải có"},
		{"component key with accent", func(p *Procedure) { p.Components[0].Key = "tờ_khai" }, "components[0].key:"},
		{"component key camelCase", func(p *Procedure) { p.Components[0].Key = "toKhai" }, "components[0].key:"},
		{"duplicate component key", func(p *Procedure) { p.Components[1].Key = "to_khai" }, `components[1].key: khoá "to_khai" bị trùng`},
		{"empty component name", func(p *Procedure) { p.Components[1].Name = "" }, "components[1].name:"},
		{"unknown component kind", func(p *Procedure) { p.Components[0].Kind = "scan" }, `components[0].kind: giá trị "scan"`},
		{"zero quantity", func(p *Procedure) { p.Components[0].Quantity = 0 }, "components[0].quantity:"},
		{"form key with dash", func(p *Procedure) { p.Form[0].Key = "ho-ten" }, "form[0].key:"},
		{"duplicate form key", func(p *Procedure) { p.Form[2].Key = "ho_ten" }, `form[2].key: khoá "ho_ten" bị trùng`},
		{"empty form label", func(p *Procedure) { p.Form[0].Label = "" }, "form[0].label:"},
		{"unknown form type", func(p *Procedure) { p.Form[0].Type = "email" }, `form[0].type: giá trị "email"`},
		{"select without options", func(p *Procedure) { p.Form[1].Options = nil }, "form[1].options: trường chọn"},
		{"options on text field", func(p *Procedure) { p.Form[0].Options = []string{"a"} }, "form[0].options: chỉ trường select"},
		{"duplicate option", func(p *Procedure) { p.Form[1].Options = []string{"Nam", "Nam"} }, "form[1].options[1]:"},
		{"empty option", func(p *Procedure) { p.Form[1].Options[0] = "" }, "form[1].options[0]:"},
		{"bad pattern", func(p *Procedure) { p.Form[2].Pattern = `^[0-9{12}$` }, "form[2].pattern:"},
		{"lookahead is not RE2", func(p *Procedure) { p.Form[2].Pattern = `^(?=\d)\d+$` }, "form[2].pattern:"},
		{"negative max", func(p *Procedure) { p.Form[0].Max = -1 }, "form[0].max:"},
		// Issue 8 (input limits): ranges belong to number fields and make sense.
		{"min on a text field", func(p *Procedure) { p.Form[0].Min = 1 }, "form[0].min: chỉ trường số"},
		{"integer on a text field", func(p *Procedure) { p.Form[0].Integer = true }, "form[0].min: chỉ trường số"},
		{"max below min", func(p *Procedure) { p.Form[0].Type, p.Form[0].Min, p.Form[0].Max = "number", 10, 5 }, "form[0].min: khoảng giá trị"},
		{"negative min", func(p *Procedure) { p.Form[0].Type, p.Form[0].Min, p.Form[0].Max = "number", -5, 0 }, "form[0].min: khoảng giá trị"},
		{"a string over MaxText", func(p *Procedure) { p.Requirements[0] = strings.Repeat("x", MaxText+1) }, "requirements[0]: dài 5001 ký tự"},
		{"unknown online mode", func(p *Procedure) { p.Online = "level4" }, `online: giá trị "level4"`},
		{"no legal basis", func(p *Procedure) { p.LegalBasis = nil }, "legal_basis: phải có"},
		{"empty legal basis entry", func(p *Procedure) { p.LegalBasis = append(p.LegalBasis, LegalDoc{}) }, "legal_basis[1].text:"},
		{"empty requirement", func(p *Procedure) { p.Requirements[0] = "" }, "requirements[0]:"},
		{"no steps", func(p *Procedure) { p.Steps = nil }, "steps: phải có"},
		{"empty step name", func(p *Procedure) { p.Steps[0].Name = "" }, "steps[0].name:"},
		{"unknown role", func(p *Procedure) { p.Steps[0].Role = "chairman" }, `steps[0].role: giá trị "chairman"`},
		{"unknown step level", func(p *Procedure) { p.Steps[1].Level = "ministry" }, `steps[1].level: giá trị "ministry"`},
		{"unknown step kind", func(p *Procedure) { p.Steps[1].Kind = "land_office" }, `steps[1].kind: giá trị "land_office"`},
		{"step level outside levels", func(p *Procedure) { p.Steps[1].Level = "province" }, `steps[1].level: cấp "province" không nằm trong levels`},
		{"zero-hour step", func(p *Procedure) { p.Steps[3].Hours = 0; p.Steps[0].Hours = 9 }, "steps[3].hours:"},
		{"hours short of statutory time", func(p *Procedure) { p.Steps[0].Hours = 7 }, "steps: tổng số giờ các bước là 15, khác thời hạn luật định 16"},
		{"same day needs 8 hours", func(p *Procedure) { p.Time = Duration{Unit: "same_day"} }, "khác thời hạn luật định 8"},
		{"decomposed accents", func(p *Procedure) { p.Field = decomposed }, "field: chuỗi chưa chuẩn hoá Unicode NFC"},
		{"decomposed accents deep inside", func(p *Procedure) { p.Form[1].Options[1] = norm.NFD.String("Nữ") }, "form[1].options[1]: chuỗi chưa chuẩn hoá"},
		{"leading space", func(p *Procedure) { p.Name = " Thủ tục" }, "name: có khoảng trắng"},
		{"trailing newline in step", func(p *Procedure) { p.Steps[0].Name = "Thẩm định\n" }, "steps[0].name: có khoảng trắng"},
		{"invalid UTF-8", func(p *Procedure) { p.Result = "Gi\xffy" }, "result: chuỗi không phải UTF-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := validProcedure()
			tt.mutate(&p)
			err := p.Validate()
			if err == nil {
				t.Fatalf("Validate accepted the broken procedure; want an error containing %q", tt.want)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error does not contain %q:\n%v", tt.want, err)
			}
		})
	}
}

func TestValidateReportsEveryProblem(t *testing.T) {
	p := validProcedure()
	p.Code = "x"
	p.Online = "maybe"
	p.Components[0].Quantity = 0
	err := p.Validate()
	joined, ok := err.(interface{ Unwrap() []error })
	if !ok {
		t.Fatalf("Validate error %T is not a joined error", err)
	}
	if got := len(joined.Unwrap()); got != 3 {
		t.Errorf("got %d problems, want 3:\n%v", got, err)
	}
}

func TestParse(t *testing.T) {
	good, err := json.Marshal(validProcedure())
	if err != nil {
		t.Fatal(err)
	}
	p, err := Parse(good)
	if err != nil {
		t.Fatalf("Parse(valid) = %v", err)
	}
	if p.Code != "1.001193" || len(p.Steps) != 4 {
		t.Errorf("Parse lost data: %+v", p)
	}

	withUnknown := strings.Replace(string(good), `"code":`, `"ma_thu_tuc":"x","code":`, 1)
	tests := []struct {
		name, data, want string
	}{
		{"unknown field", withUnknown, `unknown field "ma_thu_tuc"`},
		{"trailing data", string(good) + `{}`, "dữ liệu thừa"},
		{"trailing garbage", string(good) + `x`, "dữ liệu thừa"},
		{"not JSON", `<xml/>`, "JSON thủ tục không đọc được"},
		{"wrong type", `{"code": 1}`, "JSON thủ tục không đọc được"},
		{"null", `null`, "không hợp lệ"},
		{"invalid procedure", strings.Replace(string(good), `"online":"full"`, `"online":"yes"`, 1), `online: giá trị "yes"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := Parse([]byte(tt.data))
			if err == nil {
				t.Fatalf("Parse accepted %q", tt.data)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error does not contain %q:\n%v", tt.want, err)
			}
			if p.Code != "" {
				t.Errorf("Parse returned a procedure with an error: %+v", p)
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	good, _ := json.Marshal(validProcedure())
	f.Add(good)
	f.Add([]byte(`{"code":"1.000001"}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := Parse(data)
		if err != nil {
			return
		}
		if err := p.Validate(); err != nil {
			t.Fatalf("Parse returned a procedure that does not validate: %v", err)
		}
	})
}

func TestLoadDirChecksFileNames(t *testing.T) {
	good, _ := json.Marshal(validProcedure())
	fsys := fstest.MapFS{
		"p/1.001193.json": {Data: good},
		"p/1.000000.json": {Data: good},
		"p/2.000000.json": {Data: []byte(`{`)},
	}
	_, err := loadDir(fsys, "p")
	if err == nil {
		t.Fatal("loadDir accepted a misnamed file and a broken one")
	}
	for _, want := range []string{"p/1.000000.json: mã thủ tục \"1.001193\" không khớp tên tệp", "p/2.000000.json: JSON thủ tục không đọc được"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not contain %q:\n%v", want, err)
		}
	}
}

// The tests below are about the shipped data rather than the validator.

func TestBuiltin(t *testing.T) {
	procs, err := Builtin()
	if err != nil {
		t.Fatalf("Builtin:\n%v", err)
	}
	if len(procs) < 30 {
		t.Errorf("got %d builtin procedures, want at least 30", len(procs))
	}
	if !slices.IsSortedFunc(procs, func(a, b Procedure) int { return strings.Compare(a.Code, b.Code) }) {
		t.Error("Builtin is not sorted by code")
	}

	fields := map[string]string{}
	for _, p := range procs {
		if prev, ok := fields[p.FieldCode]; ok && prev != p.Field {
			t.Errorf("field_code %s is named both %q and %q", p.FieldCode, prev, p.Field)
		}
		fields[p.FieldCode] = p.Field
	}
	for _, fc := range []string{"ho-tich", "chung-thuc", "dat-dai", "xay-dung", "ho-kinh-doanh", "bao-tro-xa-hoi"} {
		if _, ok := fields[fc]; !ok {
			t.Errorf("no builtin procedure in field %s", fc)
		}
	}
}

// TestBuiltinFiles checks what Builtin cannot see once parsed: one file per
// code, named after it, and conventions the validator leaves to editors.
func TestBuiltinFiles(t *testing.T) {
	names, err := fs.Glob(builtinFiles, "procedures/*.json")
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]string{}
	interLevel := 0
	for _, name := range names {
		data, err := fs.ReadFile(builtinFiles, name)
		if err != nil {
			t.Fatal(err)
		}
		p, err := Parse(data)
		if err != nil {
			t.Errorf("%s:\n%v", name, err)
			continue
		}
		if want := p.Code + ".json"; path.Base(name) != want {
			t.Errorf("%s holds code %s; file should be %s", name, p.Code, want)
		}
		if other, dup := seen[p.Code]; dup {
			t.Errorf("code %s defined in both %s and %s", p.Code, other, name)
		}
		seen[p.Code] = name
		// A civil-status paper takes all its lines from the e-form: the
		// Giấy khai sinh needs both parents' year of birth, ethnicity,
		// nationality and residence, 21 fields in all.
		if n := len(p.Form); n < 3 || n > 24 {
			t.Errorf("%s: %d form fields, want 3–24", p.Code, n)
		}
		if last := p.Steps[len(p.Steps)-1]; last.Role != RoleReception && last.Role != RoleClerk {
			t.Errorf("%s: last step %q is done by %s; the result should be returned by reception or clerk", p.Code, last.Name, last.Role)
		}
		if slices.ContainsFunc(p.Steps, func(s Step) bool { return s.Level != LevelCommune }) {
			interLevel++
		}
	}
	if interLevel == 0 {
		t.Error("no builtin procedure hands off to a higher level; the demo needs inter-level (liên thông) examples")
	}
}

func TestWorkingHours(t *testing.T) {
	tests := []struct {
		d    Duration
		want int
	}{
		{Duration{Unit: "same_day"}, 8},
		{Duration{Unit: "day", Value: 12}, 96},
		{Duration{Unit: "hour", Value: 4}, 4},
		{Duration{Unit: "week", Value: 1}, 0},
	}
	for _, tt := range tests {
		if got := tt.d.WorkingHours(); got != tt.want {
			t.Errorf("%+v.WorkingHours() = %d, want %d", tt.d, got, tt.want)
		}
	}
}

// TestStepKindsAreUnitKinds: the kinds a step may name are the unit tree's.
func TestStepKindsAreUnitKinds(t *testing.T) {
	if !slices.Equal(stepKinds, unit.Kinds) {
		t.Fatalf("catalog step kinds %v, unit kinds %v", stepKinds, unit.Kinds)
	}
}
