package office

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/problem"
)

// submitted is a dossier waiting at X01's desk, which the receptionist may
// receive or refuse.
func submitted() *dossier.Dossier {
	d := dossiers(1)[0]
	d.Status, d.DueAt, d.Version = dossier.Submitted, nil, 4
	d.Actions = []dossier.Action{dossier.Receive, dossier.Refuse}
	return d
}

func TestDossierPage(t *testing.T) {
	w := newWorld(t, submitted())
	w.as = receptionist
	birth, _ := w.dossiers.cat.Get(context.Background(), "1.001193")

	code, _, body := w.do(t, "GET", "/can-bo/ho-so/H001", nil)
	if code != 200 {
		t.Fatalf("status %d", code)
	}
	want := []string{"H001", "Người nộp 1", "Xã Gia Thủy",
		// One form per action offered, each carrying the version it was read at.
		`action="/can-bo/ho-so/H001/thao-tac/receive"`, `action="/can-bo/ho-so/H001/thao-tac/refuse"`,
		`name="version" value="4"`,
		// Receiving hands the first step to someone: the candidates are offered.
		`<option value="hung">Phạm Văn Hùng (hung)</option>`,
	}
	for _, c := range birth.Components {
		want = append(want, c.Name)
	}
	for _, s := range want {
		if !strings.Contains(body, s) {
			t.Errorf("dossier page lacks %q", s)
		}
	}
	for _, s := range []string{"thao-tac/forward", "thao-tac/approve"} {
		if strings.Contains(body, s) {
			t.Errorf("dossier page offers %s, which the dossier does not allow", s)
		}
	}
	if code, _, _ := w.do(t, "GET", "/can-bo/ho-so/H404", nil); code != 404 {
		t.Errorf("unknown dossier: status %d, want 404", code)
	}
}

func TestDossierActions(t *testing.T) {
	cases := []struct {
		name     string
		action   string
		form     url.Values
		actErr   error
		status   int
		location string
		call     string // what the service was asked ("" none)
		page     string // what the page says, when it is shown again
	}{
		{"receive goes to the receipt", "receive", url.Values{"version": {"4"}, "paper": {"tk", "cccd"}}, nil,
			303, "/can-bo/ho-so/H001/bien-nhan?da=receive", "mai receive H001 v4 paper=[tk cccd]", ""},
		{"refuse with a reason", "refuse", url.Values{"version": {"4"}, "note": {"Sai thẩm quyền"}}, nil,
			303, "/can-bo/ho-so/H001?da=refuse", `mai refuse H001 v4 note="Sai thẩm quyền" assignee=""`, ""},
		{"a colleague got there first", "refuse", url.Values{"version": {"4"}, "note": {"x"}},
			problem.New(problem.ErrConflict, "version_conflict", "Hồ sơ vừa được người khác cập nhật."),
			409, "", `mai refuse H001 v4 note="x" assignee=""`, "Hồ sơ vừa được người khác cập nhật"},
		{"a form without its version", "refuse", url.Values{"note": {"x"}}, nil,
			409, "", "", "Hồ sơ vừa được người khác cập nhật. Vui lòng xem lại"},
		{"an unknown action", "fly", url.Values{"version": {"4"}}, nil, 404, "", "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := newWorld(t, submitted())
			w.as = receptionist
			w.dossiers.actErr = c.actErr
			code, loc, body := w.do(t, "POST", "/can-bo/ho-so/H001/thao-tac/"+c.action, c.form)
			if code != c.status || loc != c.location {
				t.Fatalf("got %d to %q, want %d to %q", code, loc, c.status, c.location)
			}
			var calls string
			if len(w.dossiers.acts) > 0 {
				calls = strings.Join(w.dossiers.acts, "; ")
			}
			if calls != c.call {
				t.Errorf("service asked %q, want %q", calls, c.call)
			}
			if c.page != "" && !strings.Contains(body, c.page) {
				t.Errorf("the page shown again lacks %q", c.page)
			}
		})
	}
}

func TestDoneNotice(t *testing.T) {
	w := newWorld(t, submitted())
	w.as = receptionist
	_, _, body := w.do(t, "GET", "/can-bo/ho-so/H001?da=refuse", nil)
	if !strings.Contains(body, "Đã thực hiện: Từ chối tiếp nhận.") {
		t.Error("the page does not say the refusal was done")
	}
}
