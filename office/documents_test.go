package office

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/catalog/catalogtest"
	"github.com/motcua/motcua/document"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/web"
)

// fakeDocuments serves fixed documents and records what the pages ask;
// calls it does not implement panic through the nil interface.
type fakeDocuments struct {
	Documents
	list []document.Document
	next string
	// pages, when set, answers List by the filter's cursor instead of
	// list and next.
	pages   map[string]*document.Page
	doc     *document.Document
	filters []document.Filter
	err     error
	assign  []document.AssignInput
	reg     []document.Incoming
}

func (f *fakeDocuments) List(_ context.Context, _ *auth.Actor, flt document.Filter) (*document.Page, error) {
	f.filters = append(f.filters, flt)
	if f.pages != nil {
		return f.pages[flt.Cursor], nil
	}
	return &document.Page{Documents: f.list, Next: f.next}, nil
}

func (f *fakeDocuments) Get(context.Context, *auth.Actor, int64) (*document.Document, error) {
	if f.doc == nil {
		return nil, problem.NotFound("document_not_found", 1)
	}
	return f.doc, nil
}

func (f *fakeDocuments) Assign(_ context.Context, _ *auth.Actor, _ int64, in document.AssignInput) (*document.Document, error) {
	f.assign = append(f.assign, in)
	return f.doc, f.err
}

func (f *fakeDocuments) RegisterIncoming(_ context.Context, _ *auth.Actor, in document.Incoming) (*document.Document, error) {
	f.reg = append(f.reg, in)
	return f.doc, f.err
}

var docClerk = &auth.Actor{User: auth.User{ID: 12, Username: "lan", FullName: "Vũ Thị Lan", Kind: "officer"},
	Grants: []auth.Grant{{UnitID: 1, UnitCode: "H01", Role: auth.Clerk}, {UnitID: 1, UnitCode: "H01", Role: auth.Leader}}}

func newDocWorld(t *testing.T, fd *fakeDocuments) *world {
	t.Helper()
	cat, err := catalogtest.New()
	if err != nil {
		t.Fatal(err)
	}
	w, err := web.New(web.Config{Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	o, err := New(Config{Web: w, Catalog: cat, Units: fakeUnits{}, Dossiers: &fakeDossiers{cat: cat}, Documents: fd})
	if err != nil {
		t.Fatal(err)
	}
	wd := &world{as: docClerk}
	mux := http.NewServeMux()
	o.Register(mux)
	wd.srv = httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		if wd.as != nil {
			r = r.WithContext(web.WithActor(r.Context(), wd.as))
		}
		mux.ServeHTTP(rw, r)
	}))
	t.Cleanup(wd.srv.Close)
	return wd
}

// The queue puts overdue documents first, then the nearest deadline, and
// says how many are overdue.
func TestDocumentQueueOverdueFirst(t *testing.T) {
	fd := &fakeDocuments{list: []document.Document{
		{ID: 1, Direction: "in", State: document.StateAssigned, Subject: "Không hạn"},
		{ID: 2, Direction: "in", State: document.StateProcessing, Subject: "Còn hạn", Deadline: "2026-03-20"},
		{ID: 3, Direction: "in", State: document.StateProcessing, Subject: "Quá hạn rồi", Deadline: "2026-03-01", Overdue: true},
	}}
	w := newDocWorld(t, fd)
	status, _, body := w.do(t, "GET", "/can-bo/van-ban", nil)
	if status != 200 || len(fd.filters) != 1 || !fd.filters[0].Mine {
		t.Fatalf("%d %+v", status, fd.filters)
	}
	a, b, c := strings.Index(body, "Quá hạn rồi"), strings.Index(body, "Còn hạn"), strings.Index(body, "Không hạn")
	if a < 0 || !(a < b && b < c) {
		t.Fatalf("order %d %d %d", a, b, c)
	}
	if !strings.Contains(body, "Có 1 văn bản quá hạn") || !strings.Contains(body, `of-band-overdue`) || !strings.Contains(body, "<caption>") {
		t.Fatal("the overdue document is not marked")
	}
}

// The queue reads every page of the officer's queue before sorting: an
// overdue document on the service's second page is listed first. A queue
// longer than queueCap stops there and says so.
func TestDocumentQueueReadWhole(t *testing.T) {
	first := make([]document.Document, 200)
	for i := range first {
		first[i] = document.Document{ID: int64(1000 - i), Direction: "in", State: document.StateAssigned, Subject: fmt.Sprintf("Văn bản mới %d", i)}
	}
	late := document.Document{ID: 7, Direction: "in", State: document.StateProcessing, Subject: "Văn bản cũ quá hạn", Deadline: "2026-01-05", Overdue: true}
	fd := &fakeDocuments{pages: map[string]*document.Page{
		"":   {Documents: first, Next: "P2"},
		"P2": {Documents: []document.Document{late}},
	}}
	w := newDocWorld(t, fd)
	status, _, body := w.do(t, "GET", "/can-bo/van-ban", nil)
	if status != 200 || len(fd.filters) != 2 || fd.filters[1].Cursor != "P2" || !fd.filters[1].Mine {
		t.Fatalf("%d %+v", status, fd.filters)
	}
	if a, b := strings.Index(body, "Văn bản cũ quá hạn"), strings.Index(body, "Văn bản mới 0"); a < 0 || b < 0 || a > b {
		t.Fatalf("the overdue document of page 2 is not first: %d %d", a, b)
	}
	if strings.Contains(body, "queue-capped") {
		t.Fatal("a whole queue is said to be capped")
	}

	endless := &fakeDocuments{list: first, next: "MORE"}
	w = newDocWorld(t, endless)
	_, _, body = w.do(t, "GET", "/can-bo/van-ban", nil)
	if len(endless.filters) != queueCap/200 || !strings.Contains(body, "Hàng đợi có hơn 1000 văn bản") {
		t.Fatalf("%d calls; capped message missing", len(endless.filters))
	}
}

// The register pages by the service's cursor and passes on only filters
// that name something.
func TestDocumentRegisterPaging(t *testing.T) {
	fd := &fakeDocuments{list: []document.Document{{ID: 9, Direction: "in", ArrivalNumber: 9, Subject: "Một", State: document.StateRegistered}}, next: "CUR2"}
	w := newDocWorld(t, fd)
	_, _, body := w.do(t, "GET", "/can-bo/van-ban-den?trang-thai=lost&don-vi=H01&sau=CUR1", nil)
	f := fd.filters[0]
	if f.Direction != document.In || f.State != "" || f.Unit != "H01" || f.Cursor != "CUR1" {
		t.Fatalf("filter %+v", f)
	}
	if !strings.Contains(body, "sau=CUR2") || !strings.Contains(body, `href="/can-bo/van-ban-den?don-vi=H01"`) {
		t.Fatal("no next or first page link")
	}
}

// The document page has a form for exactly the acts in Actions; a refused
// act comes back with the message and what was typed.
func TestDocumentPageActions(t *testing.T) {
	fd := &fakeDocuments{doc: &document.Document{ID: 5, Unit: "H01", Direction: "in", State: document.StateRegistered, Version: 2,
		Subject: "Công văn", Actions: []document.Action{document.ActionAssign, document.ActionComment}}}
	w := newDocWorld(t, fd)
	_, _, body := w.do(t, "GET", "/can-bo/van-ban/5", nil)
	for form, want := range map[string]bool{"form-assign": true, "form-comment": true, "form-complete": false, "form-issue": false, "form-submit": false} {
		if strings.Contains(body, `id="`+form+`"`) != want {
			t.Errorf("%s shown: %v", form, !want)
		}
	}
	if !strings.Contains(body, `<option value="X01"`) {
		t.Error("the lead unit select lacks the units below the organ")
	}
	fd.err = problem.Invalid("instruction", "document_instruction_required")
	status, _, body := w.do(t, "POST", "/can-bo/van-ban/5/thao-tac/assign", url.Values{"version": {"2"}, "lead_unit": {"X01"}, "deadline": {"2026-04-01"}, "coordinators": {"X02"}})
	if status != 422 || !strings.Contains(body, `role="alert"`) || !strings.Contains(body, `value="2026-04-01"`) || !strings.Contains(body, `value="X02" checked`) {
		t.Fatalf("refused assign: %d", status)
	}
	if in := fd.assign[0]; in.Version != 2 || in.LeadUnit != "X01" || len(in.Coordinators) != 1 {
		t.Fatalf("assign input %+v", in)
	}
	if status, _, _ := w.do(t, "POST", "/can-bo/van-ban/5/thao-tac/nope", url.Values{}); status != 404 {
		t.Fatalf("unknown action: %d", status)
	}
}

// A duplicate is a warning with a box to confirm; the form keeps what was typed.
func TestDocumentRegisterDuplicate(t *testing.T) {
	fd := &fakeDocuments{err: problem.Conflict("document_duplicate", 7)}
	w := newDocWorld(t, fd)
	status, _, body := w.do(t, "POST", "/can-bo/van-ban-den/vao-so", url.Values{"unit": {"H01"}, "medium": {"paper"}, "sender_name": {"Sở Nội vụ"}, "subject": {"V/v tuyển dụng"}})
	if status != 409 || !strings.Contains(body, `name="allow_duplicate"`) || !strings.Contains(body, "số đến 7") || !strings.Contains(body, `value="Sở Nội vụ"`) || !strings.Contains(body, "V/v tuyển dụng") {
		t.Fatalf("duplicate: %d", status)
	}
	fd.err, fd.doc = nil, &document.Document{ID: 11}
	status, loc, _ := w.do(t, "POST", "/can-bo/van-ban-den/vao-so", url.Values{"unit": {"H01"}, "medium": {"paper"}, "sender_name": {"Sở Nội vụ"}, "subject": {"V/v tuyển dụng"}, "allow_duplicate": {"1"}})
	if status != 303 || loc != "/can-bo/van-ban/11?da=register" || !fd.reg[1].AllowDuplicate {
		t.Fatalf("confirmed: %d %s", status, loc)
	}
	w.as = citizen
	if status, _, _ := w.do(t, "GET", "/can-bo/van-ban-den", nil); status != 403 {
		t.Fatalf("a citizen: %d", status)
	}
}
