package msg_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/msg"
	"github.com/motcua/motcua/payment"
	"github.com/motcua/motcua/problem"
)

var verbRE = regexp.MustCompile(`%(\[(\d+)\])?[-+# 0]*\d*(\.\d+)?[a-zA-Z]`)

// verbs is how many arguments a sentence formats.
func verbs(s string) int {
	n, next := 0, 0
	for _, m := range verbRE.FindAllStringSubmatch(strings.ReplaceAll(s, "%%", ""), -1) {
		if m[2] != "" {
			next, _ = strconv.Atoi(m[2])
		} else {
			next++
		}
		n = max(n, next)
	}
	return n
}

// TestCatalogsAgree: both languages have the same keys, and each sentence
// takes the same number of parameters in both.
func TestCatalogsAgree(t *testing.T) {
	c := msg.Default()
	vi, en := c.Keys("vi"), c.Keys("en")
	if len(vi) < 200 {
		t.Fatalf("only %d Vietnamese keys", len(vi))
	}
	for _, pair := range [][2]string{{"vi", "en"}, {"en", "vi"}} {
		for _, k := range c.Keys(pair[0]) {
			if !c.Has(pair[1], k) {
				t.Errorf("key %q is in %s, not in %s", k, pair[0], pair[1])
			}
		}
	}
	for _, k := range vi {
		if a, b := verbs(c.T("vi", k)), verbs(c.T("en", k)); a != b {
			t.Errorf("%s: %d parameters in Vietnamese, %d in English", k, a, b)
		}
	}
	_ = en
}

// TestEveryProblemHasWords scans the code base for problem constructors
// and checks that each code literal has a sentence in both catalogs that
// takes as many parameters as the call passes.
func TestEveryProblemHasWords(t *testing.T) {
	c := msg.Default()
	codeArg := map[string]int{"New": 1, "Invalid": 1, "NotFound": 0, "Conflict": 0, "Forbidden": 0}
	found := 0
	fset := token.NewFileSet()
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") && path != "..") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			if x, ok := sel.X.(*ast.Ident); !ok || x.Name != "problem" {
				return true
			}
			i, ok := codeArg[sel.Sel.Name]
			if !ok || len(call.Args) <= i {
				return true
			}
			lit, ok := call.Args[i].(*ast.BasicLit)
			if !ok {
				return true // a code built at run time (invalid_limit, invalid_offset): checked below
			}
			code, _ := strconv.Unquote(lit.Value)
			var pe *problem.Error
			if sel.Sel.Name == "Forbidden" {
				pe = problem.Forbidden(code)
			} else {
				pe = problem.New(nil, code)
			}
			key := pe.MessageKey()
			found++
			where := fset.Position(call.Pos()).String()
			for _, lang := range msg.Languages {
				if !c.Has(lang, key) {
					t.Errorf("%s: %s has no %s sentence", where, key, lang)
				}
			}
			if call.Ellipsis == token.NoPos {
				if got, want := len(call.Args)-i-1, verbs(c.T("vi", key)); got != want {
					t.Errorf("%s: %s gets %d parameters, its sentence takes %d", where, key, got, want)
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if found < 200 {
		t.Fatalf("only %d problem constructors found: the scan is broken", found)
	}
	for _, k := range []string{"err.invalid_limit", "err.invalid_offset", "err.internal", "err.not_found", "err.conflict", "err.forbidden", "err.unauthorized"} {
		if !c.Has("vi", k) || !c.Has("en", k) {
			t.Errorf("%s missing", k)
		}
	}
}

// TestNamedParameters: the keys errors pass as parameters exist.
func TestNamedParameters(t *testing.T) {
	c := msg.Default()
	var keys []string
	for _, s := range dossier.States {
		keys = append(keys, "state."+string(s))
	}
	for _, a := range append(dossier.Actions, "submit") {
		keys = append(keys, "action."+string(a))
	}
	for _, r := range append(auth.OfficerRoles, auth.Citizen) {
		keys = append(keys, "role."+r)
	}
	for _, s := range payment.States {
		keys = append(keys, "payment.state."+string(s))
	}
	for _, f := range []string{"01", "02", "03", "04", "05", "06", "07"} {
		keys = append(keys, "form."+f)
	}
	for _, k := range keys {
		for _, lang := range msg.Languages {
			if !c.Has(lang, k) {
				t.Errorf("%s missing in %s", k, lang)
			}
		}
	}
}

// TestRender: parameters fill the sentence, a Key parameter is itself
// translated, and an error without a public face reads as "internal".
func TestRender(t *testing.T) {
	c := msg.Default()
	err := problem.New(problem.ErrState, "invalid_transition", problem.Key("action.deliver"), problem.Key("state.processing"))
	for lang, want := range map[string]string{
		"vi": `Không thể thực hiện "Trả kết quả" khi hồ sơ ở trạng thái "Đang xử lý".`,
		"en": `"Result delivered" is not possible while the dossier is "Being processed".`,
	} {
		if got := c.Error(lang, err); got != want {
			t.Errorf("%s: %q, want %q", lang, got, want)
		}
	}
	if got := msg.Vi(problem.Invalid("channel", "invalid_channel.citizen")); got != "Công dân chỉ nộp hồ sơ trực tuyến." {
		t.Errorf("variant: %q", got)
	}
	if got := c.Error("en", problem.Forbidden("admin_page")); got != "Only unit administrators may open this page." {
		t.Errorf("forbidden: %q", got)
	}
	if got := msg.Vi(strconv.ErrRange); got != "Hệ thống gặp lỗi. Vui lòng thử lại sau." {
		t.Errorf("internal: %q", got)
	}
	if got := dossier.Processing.Name(); got != "Đang xử lý" {
		t.Errorf("state name: %q", got)
	}
}
