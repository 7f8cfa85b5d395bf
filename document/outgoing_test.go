package document_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/calendar"
	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/document"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/sign"
	"github.com/motcua/motcua/sign/signtest"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

// keys are the leaders' keys by username and the organisation's seal.
type keys struct {
	personal map[string]*sign.Key
	seal     *sign.Key
}

func (k keys) Personal(_ context.Context, a *auth.Actor) (*sign.Key, error) {
	if key := k.personal[a.Username]; key != nil {
		return key, nil
	}
	return nil, errors.New("no key")
}

func (k keys) Seal(context.Context, int64) (*sign.Key, error) { return k.seal, nil }

// images are the test's signature and seal images.
type images struct{}

func (images) SignatureImage(context.Context, *auth.Actor) ([]byte, error) {
	return signtest.SignatureImage(), nil
}
func (images) SealImage(context.Context, int64) ([]byte, error) { return signtest.SealImage(), nil }

func draftFile() *document.FileInput {
	return &document.FileInput{Name: "du-thao.pdf", ContentType: "application/pdf", Content: signtest.PDF(signtest.PDFOptions{Text: "QUYET DINH"})}
}

// TestOutgoingPath follows a decision of the district from draft to
// issue: the office's specialist drafts it, comments and submits; the
// office's head passes it; the district's leader returns it once, then
// approves and signs it with their key on a SoftHSM token; the district's
// clerk numbers it 01/QĐ-UBND, seals it with the organisation's key on
// the same token and issues it to Gia Lâm and an outside agency. The
// issued file carries both signatures, valid against the CA. Each act is
// refused to someone the table does not give it, and lands in the trail.
func TestOutgoingPath(t *testing.T) {
	ca := signtest.NewCA(t, "Test CA")
	ks := hsmKeys(t, ca, "motcua-documents")
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		w := newWorld(t, db, func(c *document.Config) { c.Keys, c.Images = ks, images{} })
		if _, err := w.docs.CreateDraft(ctx, w.actor(t, "huyen.vanthu"), document.DraftInput{Unit: demo.DistrictCode, DraftingUnit: officeCode, Type: "QD", Subject: "x"}); !errors.Is(err, problem.ErrForbidden) {
			t.Fatalf("the clerk drafts: %v", err)
		}
		d, err := w.docs.CreateDraft(ctx, w.actor(t, "vp.chuyenvien"), document.DraftInput{Unit: demo.DistrictCode, DraftingUnit: officeCode,
			Type: "QD", Subject: "Quyết định phê duyệt Kế hoạch chuyển đổi số năm 2026", Recipients: []document.RecipientInput{{Unit: demo.GiaLamCode},
				{OrganID: "000.00.01.H40", Name: "Sở Nội vụ tỉnh Ninh Bình"}}, Note: "Dự thảo lần 1", File: draftFile()})
		if err != nil {
			t.Fatal(err)
		}
		if d.State != document.StateDrafting || d.Register != document.RegisterDecisions || d.NumberSymbol != "" || d.Drafter != "vp.chuyenvien" || d.DraftingUnit != officeCode {
			t.Fatalf("draft: %+v", d)
		}
		id := d.ID
		steps := []struct {
			name, who, refused string
			act                func(name string) (*document.Document, error)
			want               document.State
		}{
			{"the drafter comments", "vp.chuyenvien", "vp.truongphong", func(n string) (*document.Document, error) {
				return w.docs.AddComment(ctx, w.actor(t, n), id, document.CommentInput{Body: "Đã rà soát căn cứ pháp lý."})
			}, document.StateDrafting},
			{"the drafter submits", "vp.chuyenvien", "huyen.lanhdao", func(n string) (*document.Document, error) {
				return w.docs.Submit(ctx, w.actor(t, n), id, document.NoteInput{})
			}, document.StateReviewing},
			{"the office's head passes it", "vp.truongphong", "huyen.lanhdao", func(n string) (*document.Document, error) {
				return w.docs.Approve(ctx, w.actor(t, n), id, document.NoteInput{Note: "Trình lãnh đạo."})
			}, document.StateApproving},
			{"the leader returns it", "huyen.lanhdao", "vp.truongphong", func(n string) (*document.Document, error) {
				return w.docs.Return(ctx, w.actor(t, n), id, document.NoteInput{Note: "Bổ sung căn cứ Nghị định 30."})
			}, document.StateDrafting},
			{"the drafter adds a version", "vp.chuyenvien", "huyen.vanthu", func(n string) (*document.Document, error) {
				return w.docs.AddVersion(ctx, w.actor(t, n), id, document.VersionInput{Note: "Dự thảo lần 2", File: draftFile()})
			}, document.StateDrafting},
			{"the drafter submits again", "vp.chuyenvien", "vp.truongphong", func(n string) (*document.Document, error) {
				return w.docs.Submit(ctx, w.actor(t, n), id, document.NoteInput{})
			}, document.StateReviewing},
			{"the head passes it again", "vp.truongphong", "vp.chuyenvien", func(n string) (*document.Document, error) {
				return w.docs.Approve(ctx, w.actor(t, n), id, document.NoteInput{})
			}, document.StateApproving},
			{"the leader approves and signs", "huyen.lanhdao", "huyen.vanthu", func(n string) (*document.Document, error) {
				return w.docs.Approve(ctx, w.actor(t, n), id, document.NoteInput{})
			}, document.StateApproved},
			{"the clerk numbers, seals and issues", "huyen.vanthu", "huyen.lanhdao", func(n string) (*document.Document, error) {
				return w.docs.Issue(ctx, w.actor(t, n), id, document.IssueInput{})
			}, document.StateIssued},
		}
		for _, s := range steps {
			t.Run(s.name, func(t *testing.T) {
				if _, err := s.act(s.refused); !errors.Is(err, problem.ErrNotPermitted) {
					t.Fatalf("%s: want not permitted, got %v", s.refused, err)
				}
				if _, err := s.act("khac.vanthu"); !errors.Is(err, problem.ErrNotFound) {
					t.Fatalf("another commune's clerk: want not found, got %v", err)
				}
				got, err := s.act(s.who)
				if err != nil {
					t.Fatal(err)
				}
				if got.State != s.want {
					t.Fatalf("state %s, want %s", got.State, s.want)
				}
			})
		}
		got, err := w.docs.Get(ctx, w.actor(t, "vp.chuyenvien"), id)
		if err != nil {
			t.Fatal(err)
		}
		if got.NumberSymbol != "01/QĐ-UBND" || got.IssuedDate != "2026-03-02" || got.Signer.FullName != "Lê Trần Hương" || got.IssuedAt.IsZero() {
			t.Fatalf("issued: %s %s %+v", got.NumberSymbol, got.IssuedDate, got.Signer)
		}
		var kinds []string
		var issued int64
		for _, f := range got.Files {
			kinds = append(kinds, f.Kind)
			if f.Kind == document.FileIssued {
				issued = f.ID
			}
		}
		if !slices.Equal(kinds, []string{"draft", "draft", "signed", "issued", "filing"}) || len(got.Versions) != 2 || len(got.Comments) != 1 {
			t.Fatalf("files %v, versions %d, comments %d", kinds, len(got.Versions), len(got.Comments))
		}
		_, content, err := w.docs.FileContent(ctx, w.actor(t, "huyen.vanthu"), id, issued)
		if err != nil {
			t.Fatal(err)
		}
		sigs, err := sign.Verify(content, ca.Pool())
		if err != nil {
			t.Fatal(err)
		}
		if len(sigs) != 2 || !sign.AllValid(sigs) || sigs[0].Signer != "Lê Trần Hương" || sigs[1].Signer != "UBND huyện Nho Quan" || sigs[1].Reason != "Số: 01/QĐ-UBND" {
			t.Fatalf("signatures of the issued file: %+v", sigs)
		}
		var recipients []string
		for _, r := range got.Recipients {
			recipients = append(recipients, r.Unit+"|"+r.Organ.OrganID)
		}
		if !slices.Equal(recipients, []string{demo.GiaLamCode + "|" + demo.GiaLamCode, "|000.00.01.H40"}) {
			t.Fatalf("recipients %v", recipients)
		}
		var approvals []string
		for _, p := range got.Approvals {
			approvals = append(approvals, p.Step+":"+p.Decision)
		}
		if !slices.Equal(approvals, []string{"review:approved", "approve:returned", "review:approved", "approve:approved"}) {
			t.Fatalf("approvals %v", approvals)
		}
		events := []string{"Drafted", "Drafted", "Submitted", "Approved", "Returned", "Drafted", "Submitted", "Approved", "Approved", "Issued"}
		if !slices.Equal(w.events.list(), events) {
			t.Fatalf("events %v, want %v", w.events.list(), events)
		}
		if len(got.Trail) != len(events) {
			t.Fatalf("trail of %d entries, want %d", len(got.Trail), len(events))
		}
	})
}

// approvedLetters makes n official letters of the district's office,
// approved by the district's leader (signed with a software key).
func approvedLetters(t *testing.T, w *world, n int) []int64 {
	t.Helper()
	ctx := t.Context()
	var ids []int64
	for i := range n {
		d, err := w.docs.CreateDraft(ctx, w.actor(t, "vp.chuyenvien"), document.DraftInput{Unit: demo.DistrictCode, DraftingUnit: officeCode,
			Type: "CV", Field: "VX", Subject: fmt.Sprintf("V/v số %d", i), File: draftFile()})
		if err != nil {
			t.Fatal(err)
		}
		for _, step := range []struct {
			who string
			fn  func(context.Context, *auth.Actor, int64, document.NoteInput) (*document.Document, error)
		}{{"vp.chuyenvien", w.docs.Submit}, {"vp.truongphong", w.docs.Approve}, {"huyen.lanhdao", w.docs.Approve}} {
			if _, err := step.fn(ctx, w.actor(t, step.who), d.ID, document.NoteInput{}); err != nil {
				t.Fatal(err)
			}
		}
		ids = append(ids, d.ID)
	}
	return ids
}

// TestIssueNumbersConcurrentAndNewYear: clerks issuing at once get the
// numbers 01…n of the letters register, none twice, none skipped, on both
// engines; one issued a minute after midnight on 1 January (Vietnam's
// time, still 31 December in UTC) starts the new year at 01.
func TestIssueNumbersConcurrentAndNewYear(t *testing.T) {
	ca := signtest.NewCA(t, "Test CA")
	ks := keys{personal: map[string]*sign.Key{"huyen.lanhdao": ca.Signer(t, 0, "Lê Trần Hương", "UBND huyện Nho Quan")},
		seal: ca.Signer(t, 1, "UBND huyện Nho Quan", "UBND huyện Nho Quan")}
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		w := newWorld(t, db, func(c *document.Config) { c.Keys = ks })
		const n = 8
		ids := approvedLetters(t, w, n+2)
		w.clock.Set(time.Date(2026, 12, 31, 23, 58, 0, 0, calendar.Zone))
		got := make(chan string, n)
		var wg sync.WaitGroup
		for _, id := range ids[:n] {
			wg.Go(func() {
				d, err := w.docs.Issue(ctx, w.actor(t, "huyen.vanthu"), id, document.IssueInput{})
				if err != nil {
					t.Error(err)
					return
				}
				got <- d.NumberSymbol + " " + d.IssuedDate
			})
		}
		wg.Wait()
		close(got)
		var nums, want []string
		for x := range got {
			nums = append(nums, x)
		}
		for i := 1; i <= n; i++ {
			want = append(want, fmt.Sprintf("%02d/UBND-VX 2026-12-31", i))
		}
		slices.Sort(nums)
		if !slices.Equal(nums, want) {
			t.Fatalf("numbers %v, want %v", nums, want)
		}
		for i, c := range []struct {
			at   time.Time
			want string
		}{
			{time.Date(2027, 1, 1, 0, 0, 30, 0, calendar.Zone), "01/UBND-VX 2027-01-01"},
			{time.Date(2027, 1, 1, 0, 1, 0, 0, calendar.Zone), "02/UBND-VX 2027-01-01"},
		} {
			w.clock.Set(c.at)
			d, err := w.docs.Issue(ctx, w.actor(t, "huyen.vanthu"), ids[n+i], document.IssueInput{})
			if err != nil {
				t.Fatal(err)
			}
			if got := d.NumberSymbol + " " + d.IssuedDate; got != c.want {
				t.Fatalf("at %v: %s, want %s", c.at, got, c.want)
			}
		}
	})
}

// TestDraftRegisters: a draft's type and secrecy choose the register that
// will number it; a drafting unit outside the organ is refused; a return
// needs its reason; a draft without a version cannot be submitted.
func TestDraftRegisters(t *testing.T) {
	w := newWorld(t, storetest.Open(t, "sqlite"), nil)
	ctx := t.Context()
	drafter := w.actor(t, "vp.chuyenvien")
	for _, c := range []struct {
		typ     string
		secrecy int
		want    string
	}{
		{"QD", 0, document.RegisterDecisions}, {"KH", 0, document.RegisterDecisions}, {"CV", 0, document.RegisterLetters},
		{"QD", 1, document.RegisterSecret}, {"CV", 2, document.RegisterSecret},
	} {
		d, err := w.docs.CreateDraft(ctx, drafter, document.DraftInput{Unit: demo.DistrictCode, DraftingUnit: officeCode, Type: c.typ, Secrecy: c.secrecy, Subject: "x"})
		if err != nil || d.Register != c.want {
			t.Errorf("%s secrecy %d: %v %v, want %s", c.typ, c.secrecy, d, err, c.want)
		}
	}
	_, err := w.docs.CreateDraft(ctx, w.actor(t, "huyen.chuyenvien"), document.DraftInput{Unit: demo.GiaLamCode, DraftingUnit: demo.DistrictCode, Type: "CV", Subject: "x"})
	var pe *problem.Error
	if !errors.As(err, &pe) || pe.Code != "document_unit_outside" || pe.Field != "drafting_unit" {
		t.Fatalf("drafting for the commune below: %v", err)
	}
	d, err := w.docs.CreateDraft(ctx, drafter, document.DraftInput{Unit: demo.DistrictCode, DraftingUnit: officeCode, Type: "CV", Subject: "x"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.docs.Submit(ctx, drafter, d.ID, document.NoteInput{}); !errors.As(err, &pe) || pe.Code != "document_no_version" {
		t.Fatalf("submit without a version: %v", err)
	}
	if _, err := w.docs.AddVersion(ctx, drafter, d.ID, document.VersionInput{File: draftFile()}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.docs.Submit(ctx, drafter, d.ID, document.NoteInput{}); err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]bool{"vp.truongphong": true, "vp.chuyenvien": false, "huyen.lanhdao": false} {
		p, err := w.docs.List(ctx, w.actor(t, name), document.Filter{Mine: true, Direction: document.Out})
		if err != nil {
			t.Fatal(err)
		}
		if got := len(p.Documents) == 1 && p.Documents[0].ID == d.ID; got != want {
			t.Errorf("%s's queue of drafts under review: %+v", name, p.Documents)
		}
	}
	if _, err := w.docs.Return(ctx, w.actor(t, "vp.truongphong"), d.ID, document.NoteInput{}); !errors.As(err, &pe) || pe.Code != "document_note_required" {
		t.Fatalf("return without a reason: %v", err)
	}
}

// TestRevokeNeedsExchange: an issued document that went to no outside
// agency by edXML cannot be revoked (it would stay revoking for ever);
// revoking needs a reason.
func TestRevokeNeedsExchange(t *testing.T) {
	ca := signtest.NewCA(t, "Test CA")
	ks := keys{personal: map[string]*sign.Key{"huyen.lanhdao": ca.Signer(t, 0, "Lê Trần Hương", "UBND huyện Nho Quan")},
		seal: ca.Signer(t, 1, "UBND huyện Nho Quan", "UBND huyện Nho Quan")}
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		w := newWorld(t, db, func(c *document.Config) { c.Keys = ks })
		id := approvedLetters(t, w, 1)[0]
		clerk := w.actor(t, "huyen.vanthu")
		if _, err := w.docs.Issue(ctx, clerk, id, document.IssueInput{}); err != nil {
			t.Fatal(err)
		}
		code := func(err error) string {
			var pe *problem.Error
			if !errors.As(err, &pe) {
				return fmt.Sprint(err)
			}
			return pe.Code
		}
		if _, err := w.docs.Revoke(ctx, clerk, id, document.NoteInput{}); code(err) != "document_note_required" {
			t.Fatalf("without a reason: %v", err)
		}
		if _, err := w.docs.Revoke(ctx, clerk, id, document.NoteInput{Note: "Sai."}); code(err) != "document_not_exchanged" {
			t.Fatalf("not sent by edXML: %v", err)
		}
		if d, err := w.docs.Get(ctx, clerk, id); err != nil || d.State != document.StateIssued {
			t.Fatalf("after the refusals: %v %+v", err, d)
		}
	})
}
