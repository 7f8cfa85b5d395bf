package server_test

import (
	"html"
	"regexp"
	"strings"
	"testing"

	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/msg"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/store/storetest"
)

// TestErrorsInEnglish: an English page that shows a service's error shows
// the English sentence and none of the Vietnamese error sentences, both on
// the error page (a forbidden page) and beside a form (a refused counter
// submission).
func TestErrorsInEnglish(t *testing.T) {
	e := newEnv(t, storetest.Open(t, "sqlite"))
	p := interLevel(t)
	desk := e.officeLogin("gialam.tiepnhan", "en")

	status, body, _ := desk.get("/quan-tri")
	expectEnglishError(t, "forbidden page", status, 403, body, problem.Forbidden("admin_page"))

	_, form, _ := desk.get("/can-bo/tiep-nhan/" + p.Code)
	key := regexp.MustCompile(`name="key" value="([0-9a-f]+)"`).FindStringSubmatch(form)
	if key == nil {
		t.Fatal("reception form has no key")
	}
	values := counterFormValues(p)
	values.Set("key", key[1])
	values.Set("unit", demo.GiaLamCode)
	values.Set("delivery", "counter")
	status, body, _ = desk.post("/can-bo/tiep-nhan/"+p.Code, values)
	expectEnglishError(t, "counter form", status, 422, body, problem.Invalid("applicant.name", "applicant_name_required"))
}

func expectEnglishError(t *testing.T, name string, status, wantStatus int, body string, want error) {
	t.Helper()
	if status != wantStatus {
		t.Fatalf("%s: status %d, want %d", name, status, wantStatus)
	}
	cat := msg.Default()
	if en := cat.Error("en", want); !strings.Contains(body, html.EscapeString(en)) {
		t.Errorf("%s: the English sentence %q is missing", name, en)
	}
	for _, k := range cat.Keys("vi") {
		if !strings.HasPrefix(k, "err.") {
			continue
		}
		for _, part := range regexp.MustCompile(`%[a-z]`).Split(cat.T("vi", k), -1) {
			part = strings.TrimSpace(part)
			if len([]rune(part)) < 12 {
				continue
			}
			if strings.Contains(body, part) || strings.Contains(body, html.EscapeString(part)) {
				t.Errorf("%s: Vietnamese error text of %s in the English page: %q", name, k, part)
			}
		}
	}
}
