package server_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/motcua/motcua/document"
	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/store/storetest"
	"github.com/motcua/motcua/web"
)

// TestNoUntranslatedKeys: Vietnamese and English catalogs have the same
// keys, and every key a template or page handler names exists, including
// the keys built from enumerations (states, actions, levels…).
func TestNoUntranslatedKeys(t *testing.T) {
	t.Parallel()
	e := newEnv(t, storetest.Open(t, "sqlite"))
	cat := e.app.Web.Catalog()
	vi, en := cat.Keys("vi"), cat.Keys("en")
	if strings.Join(vi, ",") != strings.Join(en, ",") {
		for _, k := range vi {
			if !cat.Has("en", k) {
				t.Errorf("key %q has no English text", k)
			}
		}
		for _, k := range en {
			if !cat.Has("vi", k) {
				t.Errorf("key %q has no Vietnamese text", k)
			}
		}
	}
	for _, lang := range web.Languages {
		for _, k := range cat.Keys(lang) {
			if strings.TrimSpace(cat.T(lang, k)) == "" {
				t.Errorf("%s: key %q is empty", lang, k)
			}
		}
	}

	// Keys named literally in templates and Go code of the page packages.
	literal := regexp.MustCompile(`\.T "([a-z0-9_.\-]+)"|\.T\("([a-z0-9_.\-]+)"|Page\(r, "([a-z0-9_.\-]+)"`)
	var sources []string
	for _, pattern := range []string{"../*/templates/*.html", "../web/pages/templates/*.html", "../web/*.go", "../portal/*.go", "../office/*.go", "../admin/*.go"} {
		m, _ := filepath.Glob(pattern)
		sources = append(sources, m...)
	}
	used := 0
	for _, f := range sources {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		text := string(b)
		if strings.HasSuffix(f, ".go") {
			text = stripComments(text)
		}
		for _, m := range literal.FindAllStringSubmatch(text, -1) {
			key := m[1] + m[2] + m[3]
			used++
			for _, lang := range web.Languages {
				if !cat.Has(lang, key) {
					t.Errorf("%s uses key %q, missing in %s", filepath.Base(f), key, lang)
				}
			}
		}
	}
	if used < 50 {
		t.Fatalf("only %d message keys found in %d sources: the scan is broken", used, len(sources))
	}

	// Keys built with (print "prefix." value) from enumerations.
	var dynamic []string
	for _, s := range dossier.States {
		dynamic = append(dynamic, "state."+string(s))
	}
	for _, a := range append(dossier.Actions, "submit") {
		dynamic = append(dynamic, "action."+string(a))
	}
	for _, l := range []string{"province", "district", "commune"} {
		dynamic = append(dynamic, "level."+l)
	}
	for _, k := range []string{"original", "copy", "certified_copy", "show"} {
		dynamic = append(dynamic, "kind."+k)
	}
	for _, o := range []string{"full", "partial", "none"} {
		dynamic = append(dynamic, "online."+o)
	}
	// The document pages name states, trail actions and edXML statuses.
	for _, s := range document.States {
		dynamic = append(dynamic, "document.state."+string(s))
	}
	for _, r := range document.Rules {
		dynamic = append(dynamic, "document.action."+string(r.Action))
	}
	for _, c := range []string{"01", "02", "03", "04", "05", "06", "13", "15", "16", "delivery.pending", "delivery.sending", "delivery.sent", "delivery.failed"} {
		dynamic = append(dynamic, "document.edxml."+c)
	}
	for _, r := range []string{document.RoleClerk, document.RoleLeader, document.RoleLead, document.RoleSpecialist, document.RoleCoordinator,
		document.RoleDrafter, document.RoleHead, document.RoleSender, document.RoleRecipient, document.RoleSystem} {
		dynamic = append(dynamic, "office.doc.role."+r)
	}
	for _, key := range dynamic {
		for _, lang := range web.Languages {
			if !cat.Has(lang, key) {
				t.Errorf("enumerated key %q missing in %s", key, lang)
			}
		}
	}
}

// TestPagesInEnglish renders the public pages in English: no Vietnamese
// interface text and no raw message keys.
func TestPagesInEnglish(t *testing.T) {
	t.Parallel()
	e := newEnv(t, storetest.Open(t, "sqlite"))
	p := interLevel(t)
	d := e.submit(p.Code, "000.04.07.H40")
	rawKey := regexp.MustCompile(`>\s*[a-z]+\.[a-z_.\-]+\s*<`)
	for _, path := range []string{"/", "/thu-tuc/" + p.Code, "/tra-cuu", "/tra-cuu/" + d.Code, "/dang-nhap"} {
		req, _ := newGet(e.srv.URL + path)
		req.AddCookie(&httpCookie{Name: "lang", Value: "en"})
		status, body := fetch(t, req)
		if status != 200 {
			t.Fatalf("%s: %d", path, status)
		}
		if !strings.Contains(body, `lang="en"`) {
			t.Errorf("%s: not marked English", path)
		}
		for _, vi := range []string{"Tra cứu", "Đăng nhập", "Thủ tục hành chính"} {
			if strings.Contains(body, ">"+vi+"<") {
				t.Errorf("%s: Vietnamese interface text %q in the English page", path, vi)
			}
		}
		if k := rawKey.FindString(body); k != "" {
			t.Errorf("%s: raw message key %s", path, k)
		}
	}
}

// stripComments drops // comment lines, whose examples are not real keys.
func stripComments(src string) string {
	var b strings.Builder
	for _, line := range strings.Split(src, "\n") {
		if !strings.HasPrefix(strings.TrimSpace(line), "//") {
			b.WriteString(line + "\n")
		}
	}
	return b.String()
}
