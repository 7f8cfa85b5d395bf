package archtest

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/motcua/motcua/schema"
)

// readModels may read (never write) any table: cross-module reads for
// reports and screens live in a package whose name says so.
var readModels = map[string]bool{
	"report": true,
}

// knownViolations are cross-module SQL uses not yet moved behind their
// owner's methods. The list only shrinks: a new entry fails review, and an
// entry that no longer happens fails this test so it is removed.
var knownViolations = map[string]bool{}

var (
	createRe = regexp.MustCompile(`(?i)CREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?([a-z_][a-z0-9_]*)`)
	alterRe  = regexp.MustCompile(`(?i)ALTER\s+TABLE\s+([a-z_][a-z0-9_]*)`)
	// A table name follows these keywords in every statement motcua writes.
	useRe   = regexp.MustCompile(`(?i)\b(FROM|JOIN|INTO|UPDATE|TABLE)\s+([a-z_][a-z0-9_]*)`)
	writeRe = regexp.MustCompile(`(?i)\b(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+([a-z_][a-z0-9_]*)`)
)

// root is the repository root (this package sits one level below it).
func root(t *testing.T) string {
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	return filepath.Dir(wd)
}

// owners maps each table to the module whose migrations create it, and
// fails if a module alters a table it does not own.
func owners(t *testing.T) map[string]string {
	out := map[string]string{}
	for _, m := range schema.Modules() {
		ms, err := m.Migrations()
		if err != nil {
			t.Fatal(err)
		}
		for _, mg := range ms {
			for _, c := range createRe.FindAllStringSubmatch(mg.SQL, -1) {
				table := strings.ToLower(c[1])
				if prev, ok := out[table]; ok {
					t.Errorf("table %s is created by both %s and %s", table, prev, m.Name)
				}
				out[table] = m.Name
			}
		}
	}
	for _, m := range schema.Modules() {
		ms, _ := m.Migrations()
		for _, mg := range ms {
			for _, c := range alterRe.FindAllStringSubmatch(mg.SQL, -1) {
				if o := out[strings.ToLower(c[1])]; o != m.Name {
					t.Errorf("%s/%03d alters %s, owned by %s", m.Name, mg.Version, c[1], o)
				}
			}
		}
	}
	return out
}

// use is one table named in one package's SQL.
type use struct {
	pkg, table, pos string
	write           bool
}

// sqlUses parses every non-test Go file and returns the tables named in
// its string literals that look like SQL.
func sqlUses(t *testing.T, dir string, tables map[string]string) []use {
	var out []use
	fset := token.NewFileSet()
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if n := d.Name(); n != "." && (strings.HasPrefix(n, ".") || n == "testdata" || n == "node_modules") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, filepath.Dir(path))
		pkg := filepath.ToSlash(rel)
		ast.Inspect(f, func(n ast.Node) bool {
			if cl, ok := n.(*ast.CompositeLit); ok && isOutboxSpec(cl.Type) {
				out = append(out, outboxTable(t, fset, pkg, cl, tables)...)
				return true
			}
			lit, ok := n.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			s, err := strconv.Unquote(lit.Value)
			if err != nil {
				return true
			}
			writes := map[string]bool{}
			for _, m := range writeRe.FindAllStringSubmatch(s, -1) {
				writes[strings.ToLower(m[2])] = true
			}
			for _, m := range useRe.FindAllStringSubmatch(s, -1) {
				table := strings.ToLower(m[2])
				if _, known := tables[table]; !known {
					continue
				}
				out = append(out, use{pkg: pkg, table: table, write: writes[table], pos: fset.Position(lit.Pos()).String()})
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// isOutboxSpec reports whether x is the type outbox.Spec[…]: the shared
// outbox worker builds its SQL around the table a module names there.
func isOutboxSpec(x ast.Expr) bool {
	if ix, ok := x.(*ast.IndexExpr); ok {
		x = ix.X
	}
	sel, ok := x.(*ast.SelectorExpr)
	if !ok {
		return false
	}
	id, ok := sel.X.(*ast.Ident)
	return ok && id.Name == "outbox" && sel.Sel.Name == "Spec"
}

// outboxTable is the table an outbox.Spec literal names, as a write: the
// worker claims and updates its rows. The name must be a literal, so that
// this test sees whose table it is.
func outboxTable(t *testing.T, fset *token.FileSet, pkg string, cl *ast.CompositeLit, tables map[string]string) []use {
	for _, e := range cl.Elts {
		kv, ok := e.(*ast.KeyValueExpr)
		if k, isID := kv.Key.(*ast.Ident); !ok || !isID || k.Name != "Table" {
			continue
		}
		lit, ok := kv.Value.(*ast.BasicLit)
		name, err := strconv.Unquote(litValue(lit))
		if !ok || lit.Kind != token.STRING || err != nil {
			t.Errorf("%s: outbox.Spec's Table must be a string literal", fset.Position(kv.Pos()))
			return nil
		}
		if _, known := tables[strings.ToLower(name)]; !known {
			t.Errorf("%s: outbox.Spec names %q, which no module's migrations create", fset.Position(kv.Pos()), name)
			return nil
		}
		return []use{{pkg: pkg, table: strings.ToLower(name), write: true, pos: fset.Position(lit.Pos()).String()}}
	}
	return nil
}

func litValue(l *ast.BasicLit) string {
	if l == nil {
		return ""
	}
	return l.Value
}

// owns reports whether package pkg may use a table of module owner: the
// owner itself and its sub-packages (dossier/migrations…).
func owns(pkg, owner string) bool { return pkg == owner || strings.HasPrefix(pkg, owner+"/") }

// TestEachTableHasOneWriterAndOneReader fails when a package's SQL names a
// table another module owns. Cross-module changes go through the owner's
// methods (which take the caller's transaction) or through events;
// cross-module reads for reports go to a read-model package.
func TestEachTableHasOneOwner(t *testing.T) {
	dir := root(t)
	tables := owners(t)
	if len(tables) < 20 {
		t.Fatalf("found only %d tables in the modules' migrations", len(tables))
	}
	seen := map[string]bool{}
	var bad []string
	for _, u := range sqlUses(t, dir, tables) {
		owner := tables[u.table]
		if owns(u.pkg, owner) {
			continue
		}
		top := strings.SplitN(u.pkg, "/", 2)[0]
		if readModels[top] && !u.write {
			continue
		}
		key := u.pkg + " " + u.table
		seen[key] = true
		if knownViolations[key] {
			continue
		}
		verb := "reads"
		if u.write {
			verb = "writes"
		}
		bad = append(bad, u.pos+": package "+u.pkg+" "+verb+" table "+u.table+", owned by "+owner)
	}
	sort.Strings(bad)
	for _, b := range bad {
		t.Error(b)
	}
	for k := range knownViolations {
		if !seen[k] {
			t.Errorf("knownViolations lists %q, which no longer happens: remove it", k)
		}
	}
}
