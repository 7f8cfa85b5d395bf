package demo

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/motcua/motcua/document"
	"github.com/motcua/motcua/document/edxml"
	"github.com/motcua/motcua/document/edxml/edxmlsim"
)

// The states only another agency can cause, or that answer another
// agency's message: the province (played by the simulator, demo.Exchange)
// sends documents and asks for one back, and answers the revocation of a
// document the unit issued. Its messages are built as the simulator
// builds them (package edxmlsim) and handed to the service's Receiver as
// the endpoint /edxml/v1/messages would hand them, with the simulator's
// SystemId: the demo loads before the server listens. The statuses the
// unit's acts queue for the province (01, 02, 13, 15) go out through the
// outbox once the server runs, and the simulator shows them; the
// documents it revokes go out (through LoadDocumentsDelivering's client)
// before the province answers, as they would have.

// exchangeSeeds are the incoming documents the province sends, each left
// in a state.
var exchangeSeeds = []struct {
	state                 document.State
	number, notation, typ string
	subj                  string
}{
	{document.StateReturned, "96", "UBND-KT", "Công văn", "V/v báo cáo tình hình thu, chi ngân sách quý IV"},
	{document.StateRevocationRequested, "101", "UBND-VX", "Công văn", "V/v tổ chức Ngày Chuyển đổi số quốc gia"},
	{document.StateWithdrawn, "17", "QĐ-UBND", "Quyết định", "Quyết định phê duyệt danh mục dịch vụ công trực tuyến toàn trình"},
	{document.StateReplaced, "45", "KH-UBND", "Kế hoạch", "Kế hoạch cải cách hành chính năm 2026"},
}

// revokedSeeds are the outgoing documents issued to the province and
// asked back, each left in a state.
var revokedSeeds = []struct {
	state     document.State
	typ, subj string
}{
	{document.StateRevoking, "TB", "Thông báo kết quả kiểm tra công tác văn thư, lưu trữ"},
	{document.StateRevoked, "CV", "V/v đề nghị bổ sung kinh phí sự nghiệp chuyển đổi số"},
}

// exchangeDocuments makes one document in each state of exchangeSeeds
// and revokedSeeds at d; at is the service's clock (a document's
// creation), which the province's messages are stamped from.
func exchangeDocuments(ctx context.Context, docs *document.Service, d desk, at time.Time, deliver *http.Client) error {
	province := SimAgencies[0]
	ctx = edxml.WithSystemID(ctx, SimSystemID)
	for i, s := range exchangeSeeds {
		at = at.Add(time.Minute)
		m := edxmlsim.NewMessage(edxmlsim.Draft{From: province, To: edxml.Organization{OrganID: d.unit}, Number: s.number,
			Notation: s.notation, TypeName: s.typ, Subject: s.subj}, fmt.Sprintf("edxmlsim:%s:demo-%s-%d", province.OrganID, d.unit, i+1), at)
		if err := docs.ReceiveDocument(ctx, m); err != nil {
			return err
		}
		p, err := docs.List(ctx, d.clerk, document.Filter{Unit: d.unit, Direction: document.In, Limit: 1})
		if err != nil {
			return err
		}
		doc := p.Documents[0]
		switch s.state {
		case document.StateReturned:
			if _, err = docs.Return(ctx, d.clerk, doc.ID, document.NoteInput{Version: doc.Version,
				Note: "Văn bản gửi nhầm nơi nhận, đề nghị gửi Sở Tài chính."}); err != nil {
				return err
			}
			continue
		case document.StateReplaced:
			// Replaced by a new document, which arrives registered.
			at = at.Add(time.Minute)
			r := edxmlsim.Replacement(m, m.DocumentID+"-r", "46", s.subj+" (thay thế)", "Bổ sung chỉ tiêu số hóa hồ sơ", at)
			if err := docs.ReceiveDocument(ctx, r); err != nil {
				return err
			}
			continue
		case document.StateRevocationRequested:
			// Asked back while being handled.
			if _, err = docs.Assign(ctx, d.leader, doc.ID, document.AssignInput{Version: doc.Version,
				Instruction: "Giao chuyên viên tham mưu.", LeadUnit: d.unit}); err != nil {
				return err
			}
		}
		at = at.Add(time.Minute)
		if err := docs.ReceiveStatus(ctx, edxmlsim.RevocationRequest(m, "Văn bản ban hành chưa đúng thể thức, sẽ ban hành lại.", at)); err != nil {
			return err
		}
		if s.state == document.StateWithdrawn {
			cur, err := docs.Get(ctx, d.clerk, doc.ID)
			if err != nil {
				return err
			}
			if _, err = docs.AcceptRevocation(ctx, d.clerk, doc.ID, document.NoteInput{Version: cur.Version, Note: "Đồng ý thu hồi."}); err != nil {
				return err
			}
		}
	}
	for i, s := range revokedSeeds {
		doc, err := issued(ctx, docs, d, s.typ, s.subj, fmt.Sprintf("thu-hoi-%d.pdf", i+1),
			[]document.RecipientInput{{OrganID: province.OrganID, Name: province.OrganName}})
		if err != nil {
			return err
		}
		// The message as sent (readable while issued).
		raw, err := docs.EdXML(ctx, d.clerk, doc.ID)
		if err != nil {
			return err
		}
		m, err := edxml.DecodeMessage(bytes.NewReader(raw), edxml.Limits{})
		if err != nil {
			return err
		}
		if err := flushOutbox(ctx, docs, deliver); err != nil {
			return err
		}
		if doc, err = docs.Revoke(ctx, d.clerk, doc.ID, document.NoteInput{Version: doc.Version, Note: "Văn bản có sai sót về số liệu, đề nghị thu hồi."}); err != nil {
			return err
		}
		if err := flushOutbox(ctx, docs, deliver); err != nil {
			return err
		}
		if s.state == document.StateRevoking {
			continue
		}
		// The province's 15 answers the 13 as the simulator's button would:
		// StatusFor the message motcua sent it.
		at = at.Add(time.Minute)
		if err := docs.ReceiveStatus(ctx, edxml.StatusFor(m, edxml.StatusRevokeAccepted, province, at)); err != nil {
			return err
		}
	}
	return nil
}

// flushOutbox sends what the exchange's outbox holds through deliver
// (nil: nothing, the worker sends it once the server runs), as the
// worker does; a row that fails waits for its retry like any other.
func flushOutbox(ctx context.Context, docs *document.Service, deliver *http.Client) error {
	if deliver == nil {
		return nil
	}
	w := docs.NewWorker(document.WorkerConfig{HTTP: deliver})
	for {
		n, err := w.RunOnce(ctx)
		if err != nil || n == 0 {
			return err
		}
	}
}

// issued drafts, submits, has the leader approve twice (as head of the
// drafting unit and as the organ's leader) and the clerk issue a document.
func issued(ctx context.Context, docs *document.Service, d desk, typ, subj, name string, to []document.RecipientInput) (*document.Document, error) {
	doc, err := docs.CreateDraft(ctx, d.spec, document.DraftInput{Unit: d.unit, Type: typ, Subject: subj, Recipients: to, Note: "Dự thảo lần 1",
		File: &document.FileInput{Name: name, ContentType: "application/pdf", Content: samplePDF}})
	if err != nil {
		return nil, err
	}
	if doc, err = docs.Submit(ctx, d.spec, doc.ID, document.NoteInput{Version: doc.Version}); err != nil {
		return nil, err
	}
	for range 2 {
		if doc, err = docs.Approve(ctx, d.leader, doc.ID, document.NoteInput{Version: doc.Version}); err != nil {
			return nil, err
		}
	}
	return docs.Issue(ctx, d.clerk, doc.ID, document.IssueInput{Version: doc.Version})
}
