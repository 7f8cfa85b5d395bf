package demo

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/document"
)

// Actors is what LoadDocuments needs of the accounts (*auth.Service).
type Actors interface {
	UserByName(ctx context.Context, username string) (*auth.Actor, error)
}

// samplePDF is the demo documents' file: a minimal well-formed PDF, one
// blank A4 page with its cross-reference table, so that a server with a
// seal configured (motcua serve --seal-pkcs11-module… --demo) can sign it.
var samplePDF = []byte("%PDF-1.4\n1 0 obj\n<</Type/Catalog/Pages 2 0 R>>\nendobj\n2 0 obj\n<</Type/Pages/Kids[3 0 R]/Count 1>>\nendobj\n3 0 obj\n<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Resources<<>>>>\nendobj\nxref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n0000000054 00000 n \n0000000105 00000 n \ntrailer\n<</Size 4/Root 1 0 R>>\nstartxref\n184\n%%EOF\n")

// desk is an organ whose clerk, leader and specialist are demo logins.
type desk struct {
	unit                   string
	clerk, leader, spec    *auth.Actor
	clerkN, leaderN, specN string
}

// docDesks are the units of world where a clerk, a leader and a
// specialist log in: each gets its registers filled.
func docDesks(ctx context.Context, au Actors, world string) ([]desk, error) {
	byUnit := map[string]*desk{}
	var order []string
	for _, a := range Logins(world) {
		d := byUnit[a.UnitCode]
		if d == nil {
			d = &desk{unit: a.UnitCode}
			byUnit[a.UnitCode] = d
			order = append(order, a.UnitCode)
		}
		switch a.Role {
		case auth.Clerk:
			d.clerkN = a.Username
		case auth.Leader:
			d.leaderN = a.Username
		case auth.Specialist:
			d.specN = a.Username
		}
	}
	var out []desk
	for _, code := range order {
		d := byUnit[code]
		if d.clerkN == "" || d.leaderN == "" || d.specN == "" {
			continue
		}
		var err error
		if d.clerk, err = au.UserByName(ctx, d.clerkN); err != nil {
			return nil, err
		}
		if d.leader, err = au.UserByName(ctx, d.leaderN); err != nil {
			return nil, err
		}
		if d.spec, err = au.UserByName(ctx, d.specN); err != nil {
			return nil, err
		}
		out = append(out, *d)
	}
	return out, nil
}

// LoadDocuments fills the registers of every unit of world where a
// clerk, a leader and a specialist log in (the district and Gia Lâm in
// 2022; their successors in the two-tier world) with documents in every
// state, through the service's own acts so each has its trail: incoming
// registered, assigned, processing and completed; outgoing drafting,
// reviewing, approving, approved and issued. When the exchange is the
// demo's (demo.Exchange: the province played by the simulator) also the
// states another agency causes, through the Receiver the edXML endpoint
// uses (documents_exchange.go): incoming returned, revocation_requested,
// withdrawn and replaced, outgoing revoking and revoked. A unit that already holds a
// document is left alone, so a restart adds nothing; it reports whether
// it added any. The history's approvals carry no remote signature: no
// leader is there to type an OTP, and serve loads the world before the
// signing service it mounts answers.
func LoadDocuments(ctx context.Context, docs *document.Service, au Actors, world string) (bool, error) {
	return LoadDocumentsDelivering(ctx, docs, au, world, nil)
}

// LoadDocumentsDelivering is LoadDocuments whose outbox goes out through
// deliver (nil: it waits for the worker) while the province's documents
// are made: the outgoing documents it revokes reach the province first,
// so its 15 answers a 13 about a document it holds. Recorded for a
// document still in the outbox, that 15 left the document revoked
// unsent: its row failed (edxml_revoked_unsent), a WARN at every start
// and a failed delivery on its recipient.
func LoadDocumentsDelivering(ctx context.Context, docs *document.Service, au Actors, world string, deliver *http.Client) (bool, error) {
	docs = docs.WithoutRemoteSigning()
	desks, err := docDesks(ctx, au, world)
	if err != nil {
		return false, err
	}
	added := false
	for _, d := range desks {
		p, err := docs.List(ctx, d.clerk, document.Filter{Unit: d.unit, Limit: 1})
		if err != nil {
			return added, err
		}
		if len(p.Documents) > 0 {
			continue
		}
		if err := deskDocuments(ctx, docs, d); err != nil {
			return added, fmt.Errorf("demo documents at %s: %w", d.unit, err)
		}
		added = true
		if !docs.Exchanging(ProvinceCode, SimSystemID) {
			continue // another exchange configured: the province is not ours to play
		}
		last, err := docs.List(ctx, d.clerk, document.Filter{Unit: d.unit, Limit: 1})
		if err != nil {
			return added, err
		}
		if err := exchangeDocuments(ctx, docs, d, last.Documents[0].UpdatedAt, deliver); err != nil {
			return added, fmt.Errorf("demo exchanged documents at %s: %w", d.unit, err)
		}
	}
	return added, nil
}

// incomingSeeds are the demo's incoming documents, each left in a state.
var incomingSeeds = []struct {
	state                  document.State
	number, notation, typ  string
	sender, senderID, subj string
	medium                 string
	priority               int
}{
	{document.StateRegistered, "125", "UBND-VX", "CV", "UBND tỉnh Ninh Bình", ProvinceCode,
		"V/v đẩy mạnh cung cấp dịch vụ công trực tuyến toàn trình năm 2022", document.Electronic, 1},
	{document.StateAssigned, "38", "KH-UBND", "KH", "UBND tỉnh Ninh Bình", ProvinceCode,
		"Kế hoạch chuyển đổi số tỉnh Ninh Bình năm 2022", document.Electronic, 0},
	{document.StateProcessing, "412", "STNMT-QLĐĐ", "CV", "Sở Tài nguyên và Môi trường", "",
		"V/v rà soát hồ sơ cấp giấy chứng nhận quyền sử dụng đất tồn đọng", document.Paper, 0},
	{document.StateCompleted, "21", "TB-STTTT", "TB", "Sở Thông tin và Truyền thông", "",
		"Thông báo lịch bảo trì hệ thống quản lý văn bản và điều hành", document.Electronic, 0},
}

// outgoingSeeds are the demo's outgoing drafts, each left in a state.
var outgoingSeeds = []struct {
	state      document.State
	typ, subj  string
	field      string
	recipients []document.RecipientInput
}{
	{document.StateDrafting, "CV", "V/v hướng dẫn nộp hồ sơ trực tuyến qua Cổng Dịch vụ công", "VP", nil},
	{document.StateReviewing, "BC", "Báo cáo kết quả giải quyết thủ tục hành chính quý III năm 2022", "", nil},
	{document.StateApproving, "KH", "Kế hoạch tuyên truyền chuyển đổi số năm 2023", "", nil},
	{document.StateApproved, "TB", "Thông báo lịch tiếp công dân tháng 12", "", nil},
	{document.StateIssued, "QD", "Quyết định thành lập Tổ công nghệ số cộng đồng", "",
		[]document.RecipientInput{{OrganID: ProvinceCode, Name: "UBND tỉnh Ninh Bình"}}},
}

// deskDocuments makes one document in each state at d.
func deskDocuments(ctx context.Context, docs *document.Service, d desk) error {
	file := func(name string) *document.FileInput {
		return &document.FileInput{Name: name, ContentType: "application/pdf", Content: samplePDF}
	}
	today, err := time.Parse(time.DateOnly, docs.Today())
	if err != nil {
		return err
	}
	issued2 := today.AddDate(0, 0, -2).Format(time.DateOnly)
	for i, s := range incomingSeeds {
		in := document.Incoming{Unit: d.unit, Medium: s.medium, Sender: document.Organ{OrganID: s.senderID, Name: s.sender},
			CodeNumber: s.number, CodeNotation: s.notation, Type: s.typ, Subject: s.subj, Priority: s.priority,
			File: file(fmt.Sprintf("den-%d.pdf", i+1))}
		if s.senderID != "" {
			// As the clerk copies them from the document, dated two days
			// before it arrives; with them it has its edXML message (GET
			// …/edxml), which needs the date and the signer.
			in.Signer = document.Signer{Position: "KT. CHỦ TỊCH, PHÓ CHỦ TỊCH", FullName: "Đinh Văn Bình"}
			in.IssuedDate = issued2
		}
		doc, err := docs.RegisterIncoming(ctx, d.clerk, in)
		if err != nil {
			return err
		}
		if s.state == document.StateRegistered {
			continue
		}
		if doc, err = docs.Assign(ctx, d.leader, doc.ID, document.AssignInput{Version: doc.Version,
			Instruction: "Giao chuyên viên tham mưu, báo cáo kết quả.", LeadUnit: d.unit}); err != nil {
			return err
		}
		if s.state == document.StateAssigned {
			continue
		}
		if doc, err = docs.AssignSpecialist(ctx, d.leader, doc.ID, document.SpecialistInput{Version: doc.Version, Specialist: d.specN}); err != nil {
			return err
		}
		spec := d.spec
		if doc, err = docs.Process(ctx, spec, doc.ID, document.NoteInput{Version: doc.Version, Note: "Đang rà soát, tổng hợp."}); err != nil {
			return err
		}
		if s.state == document.StateProcessing {
			continue
		}
		if _, err = docs.Complete(ctx, spec, doc.ID, document.NoteInput{Version: doc.Version, Note: "Đã xử lý xong."}); err != nil {
			return err
		}
	}
	spec := d.spec
	for i, s := range outgoingSeeds {
		doc, err := docs.CreateDraft(ctx, spec, document.DraftInput{Unit: d.unit, Type: s.typ, Subject: s.subj, Field: s.field,
			Recipients: s.recipients, Note: "Dự thảo lần 1", File: file(fmt.Sprintf("du-thao-%d.pdf", i+1))})
		if err != nil {
			return err
		}
		if s.state == document.StateDrafting {
			continue
		}
		if doc, err = docs.Submit(ctx, spec, doc.ID, document.NoteInput{Version: doc.Version}); err != nil {
			return err
		}
		// The drafting unit is the organ itself: its head is the leader,
		// who reviews, then approves as the organ's leader.
		for _, stop := range []document.State{document.StateReviewing, document.StateApproving} {
			if s.state == stop {
				break
			}
			if doc, err = docs.Approve(ctx, d.leader, doc.ID, document.NoteInput{Version: doc.Version}); err != nil {
				return err
			}
		}
		if s.state != document.StateIssued {
			continue
		}
		if _, err = docs.Issue(ctx, d.clerk, doc.ID, document.IssueInput{Version: doc.Version}); err != nil {
			return err
		}
	}
	return nil
}
