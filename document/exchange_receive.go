package document

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"path"
	"slices"
	"strings"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/document/edxml"
	"github.com/motcua/motcua/event"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/unit"
)

// The Service is the edXML handler's Receiver.
var _ edxml.Receiver = (*Service)(nil)

// RoleRecipient is the trail role of an outside agency reporting a status.
const RoleRecipient = "recipient"

// arrival rides in the ctx of the RegisterIncoming an edXML message
// causes, so OnRegistered records it in the same transaction.
type arrival struct {
	system, sender, remoteID, organName string
	status                              *edxml.Status
	// replaces is the DocumentId of the sender's document this one
	// replaces (BussinessDocType 3), with the sender's name and reason.
	replaces, senderName, reason string
	// traces is the message's TraceHeaderList, kept with the copy.
	traces []edxml.TraceHeader
}

// maxTraces bounds the TraceHeaderList kept with a received copy (the
// decoder's element limit bounds the message; a path through more
// agencies than this keeps its latest hops).
const maxTraces = 100

type arrivalKey struct{}

// sender checks that the authenticated system speaks for organ.
func (s *Service) sender(ctx context.Context, organ string) (string, error) {
	id, _ := edxml.SystemID(ctx)
	sys, ok := s.cfg.Exchange.Systems[id]
	if !ok || !slices.Contains(sys.Organs, organ) {
		return "", problem.Forbidden("edxml_sender", organ)
	}
	return id, nil
}

// Exchanging reports whether documents issued to organ go out by edXML
// and system may send here for it: the demo world asks before it plays
// that agency's part through ReceiveDocument and ReceiveStatus.
func (s *Service) Exchanging(organ, system string) bool {
	_, peer := s.cfg.Exchange.Peers[organ]
	sys, ok := s.cfg.Exchange.Systems[system]
	return peer && ok && slices.Contains(sys.Organs, organ)
}

// SystemRefused audits a refused SystemId/SecretKey at the receiving
// endpoint (edxml.HandlerConfig.Refused): edxml_auth_failed, the
// SystemId tried as actor and object, from addr.
func (s *Service) SystemRefused(ctx context.Context, system, addr string) error {
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		return event.Publish(ctx, s.cfg.Bus, tx, event.Security{At: s.cfg.Now(), ActorName: "edxml:" + system,
			Action: "edxml_auth_failed", Object: "edxml_system:" + system, ClientAddr: addr})
	})
}

// ReceiveDocument registers a document another agency sent in the
// incoming register of each addressed organ this system keeps, as an
// electronic document whose PDF signatures are verified
// (RegisterIncoming), and queues the 01 status back to the sender, in one
// transaction. The same message again (same sender and DocumentId, or
// number, symbol and date when it has no DocumentId) registers nothing.
func (s *Service) ReceiveDocument(ctx context.Context, m *edxml.Message) error {
	system, err := s.sender(ctx, m.From.OrganID)
	if err != nil {
		return err
	}
	// A correction (2) or a revocation sent as a document (1) is refused
	// out loud: a correction carries the same DocumentId as the document
	// it corrects, so it would otherwise be taken for that message again
	// and acknowledged with nothing applied. Revocation travels as status
	// 13 here; applying corrections is not built.
	if t := m.Business.DocType; t != edxml.BusinessNew && t != edxml.BusinessReplace {
		return problem.Invalid("TraceHeaderList/Bussiness/BussinessDocType", "edxml_business_unsupported", int(t))
	}
	remote := m.DocumentID
	if remote == "" {
		remote = m.Code.String() + "|" + m.PromulgationInfo.Date.String()
	}
	var local []unit.Unit
	for _, to := range m.To {
		if u, err := s.units.ByCode(ctx, to.OrganID); err == nil {
			local = append(local, u)
		}
	}
	if len(local) == 0 {
		return problem.Invalid("To", "edxml_unknown_recipient")
	}
	file := pdfAttachment(m)
	if file == nil {
		return problem.Invalid("AttachmentEncoded", "edxml_no_pdf")
	}
	for _, u := range local {
		if err := s.receiveAt(ctx, system, remote, u, m, file); err != nil {
			return err
		}
	}
	return nil
}

func (s *Service) receiveAt(ctx context.Context, system, remote string, u unit.Unit, m *edxml.Message, file *FileInput) error {
	seen := func() (bool, error) {
		var n int
		err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM document_exchange_in WHERE sender_organ_id = ? AND remote_id = ? AND unit_id = ?`,
			m.From.OrganID, remote, u.ID).Scan(&n)
		return n > 0, err
	}
	if ok, err := seen(); err != nil || ok {
		return err
	}
	name := m.From.OrganName
	if name == "" {
		name = m.From.OrganID
	}
	in := Incoming{Unit: u.Code, Medium: Electronic, Sender: Organ{OrganID: m.From.OrganID, Name: name},
		CodeNumber: m.Code.Number, CodeNotation: m.Code.Notation, Type: typeOfMessage(m.DocumentType), Subject: m.Subject,
		Priority: min(max(m.OtherInfo.Priority, 0), 3), PageAmount: min(max(m.OtherInfo.PageAmount, 0), 999),
		Signer:         Signer{Position: m.SignerInfo.Position, FullName: m.SignerInfo.FullName},
		AllowDuplicate: true, File: file}
	if !m.PromulgationInfo.Date.IsZero() {
		in.IssuedDate = isoDate(m.PromulgationInfo.Date)
	}
	if !m.DueDate.IsZero() {
		in.DueDate = isoDate(m.DueDate)
	}
	self := edxml.Organization{OrganID: u.Code, OrganName: u.Name}
	ar := &arrival{system: system, sender: m.From.OrganID, remoteID: remote, organName: u.Name,
		status: edxml.StatusFor(m, edxml.StatusReceived, self, s.cfg.Now()), senderName: name, reason: m.Business.DocReason,
		traces: m.TraceHeaders[max(0, len(m.TraceHeaders)-maxTraces):]}
	// A replacement names the document it replaces in ResponseFor [M]
	// (ReplacementInfoList is not modelled); only the sender's own.
	if m.Business.DocType == edxml.BusinessReplace {
		for _, rf := range m.ResponseFor {
			if rf.OrganID == m.From.OrganID && rf.DocumentID != "" {
				ar.replaces = rf.DocumentID
				break
			}
		}
	}
	ctx = context.WithValue(ctx, arrivalKey{}, ar)
	// The message's system registers, with the register right at this
	// organ only; its name is what the trail shows.
	a := &auth.Actor{User: auth.User{Username: "edxml:" + system, FullName: name + " (edXML)"},
		Client: &auth.ClientAccess{ClientID: "edxml:" + system, Rights: []auth.ClientRight{{UnitID: u.ID, UnitCode: u.Code, Right: auth.RegisterDocument}}}}
	_, err := s.RegisterIncoming(ctx, a, in)
	if err != nil && store.IsUniqueViolation(err) {
		// The same message, received concurrently, won the race.
		if ok, err2 := seen(); err2 == nil && ok {
			return nil
		}
	}
	return err
}

// OnRegistered records, in the registration's transaction, where a
// document registered from an edXML message came from, and queues its 01
// (received) status to the sender. Other registrations pass.
func (s *Service) OnRegistered(ctx context.Context, tx *store.Tx, e Registered) error {
	ar, ok := ctx.Value(arrivalKey{}).(*arrival)
	if !ok {
		return nil
	}
	rf, err := json.Marshal(ar.status.ResponseFor)
	if err != nil {
		return err
	}
	traces, err := json.Marshal(append([]edxml.TraceHeader{}, ar.traces...))
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO document_exchange_in (document_id, unit_id, sender_organ_id, remote_id, system_id, organ_name, response_for, trace_headers, received_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, e.Document.ID, e.UnitID, ar.sender, ar.remoteID, ar.system, ar.organName, string(rf), string(traces), e.At.UnixMilli()); err != nil {
		return err
	}
	payload, err := json.Marshal(ar.status)
	if err != nil {
		return err
	}
	if err := s.enqueue(ctx, tx, e.Document.ID, outStatus, ar.sender, string(edxml.StatusReceived), string(payload)); err != nil {
		return err
	}
	return s.replaceCopies(ctx, tx, ar, e)
}

// replaceCopies moves this organ's copies of the document a replacement
// names to replaced, in the replacement's registration: a trail entry
// (action replace, role sender) names the new document. A copy returned,
// withdrawn or already replaced stays as it is.
func (s *Service) replaceCopies(ctx context.Context, tx *store.Tx, ar *arrival, e Registered) error {
	if ar.replaces == "" {
		return nil
	}
	ids, err := tx.QueryContext(ctx, `SELECT document_id FROM document_exchange_in WHERE sender_organ_id = ? AND remote_id = ? AND unit_id = ? AND document_id <> ?`,
		ar.sender, ar.replaces, e.UnitID, e.Document.ID)
	if err != nil {
		return err
	}
	var list []int64
	for ids.Next() {
		var id int64
		if err := ids.Scan(&id); err != nil {
			ids.Close()
			return err
		}
		list = append(list, id)
	}
	ids.Close()
	if err := ids.Err(); err != nil {
		return err
	}
	note := "3 " + ar.senderName + ": thay thế bằng văn bản " + e.Document.CodeNumber + "/" + e.Document.CodeNotation
	if ar.reason != "" {
		note += " — " + clip(ar.reason, 400)
	}
	for _, id := range list {
		d, err := s.load(ctx, tx, id)
		if err != nil {
			return err
		}
		if _, err := s.move(ctx, tx, d, ActionReplace, RoleSender, ar.senderName+" (edXML)", note); err != nil {
			return err
		}
	}
	return nil
}

// ReceiveStatus records a status an outside recipient reports for a
// document this system issued: on the recipient's row (the last status,
// its time and description) and in the trail. The same status again
// records nothing.
func (s *Service) ReceiveStatus(ctx context.Context, st *edxml.Status) error {
	if _, err := s.sender(ctx, st.From.OrganID); err != nil {
		return err
	}
	if st.StatusCode == edxml.StatusRevokeRequest {
		return s.receiveRevocation(ctx, st)
	}
	unknown := problem.NotFound("edxml_document_unknown", st.ResponseFor.Code)
	organ, id, ok := parseDocumentKey(st.ResponseFor.DocumentID)
	if !ok || organ != st.ResponseFor.OrganID {
		return unknown
	}
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		d, err := s.load(ctx, tx, id)
		if err != nil {
			return unknown
		}
		codes, err := s.units.Codes(ctx, tx, []int64{d.unitID})
		if err != nil {
			return err
		}
		if d.Direction != Out || codes[d.unitID] != organ {
			return unknown
		}
		at := st.Timestamp.UnixMilli()
		var cur string
		var curAt, asked int64
		// Only an outside recipient the document was sent to by edXML
		// reports on it.
		err = tx.QueryRowContext(ctx, `SELECT r.edxml_status, r.edxml_status_at, r.edxml_asked_at FROM document_recipients r
			WHERE r.document_id = ? AND r.unit_id IS NULL AND r.organ_id = ?
			AND EXISTS (SELECT 1 FROM document_outbox o WHERE o.document_id = r.document_id AND o.organ_id = r.organ_id AND o.kind = ?)
			ORDER BY r.id LIMIT 1`, id, st.From.OrganID, outDocument).Scan(&cur, &curAt, &asked)
		if errors.Is(err, sql.ErrNoRows) {
			return unknown
		}
		if err != nil || cur == string(st.StatusCode) && curAt == at {
			return err
		}
		answer := st.StatusCode == edxml.StatusRevokeAccepted || st.StatusCode == edxml.StatusRevokeRefused
		// After 15 its copy is gone: nothing more comes from it. A 15 or 16
		// answers an open request (OnRevoked), once.
		if cur == string(edxml.StatusRevokeAccepted) || answer && asked == 0 {
			return problem.Conflict("edxml_status_out_of_turn", string(st.StatusCode))
		}
		// A status stamped before the one recorded is an earlier message
		// again (a replay, or a retry overtaken by the next status): it is
		// acknowledged and changes nothing, else it would take the
		// recipient's status back (06 to 01) and add to the trail. Equal
		// stamps pass: 03 and 04 are sent for one act, in the same second.
		// The answers to a request (15, 16) are bounded by the request.
		if !answer && at < curAt {
			return nil
		}
		if answer {
			asked = 0
		}
		if _, err := tx.ExecContext(ctx, `UPDATE document_recipients SET edxml_status = ?, edxml_status_at = ?, edxml_description = ?, edxml_asked_at = ?
			WHERE document_id = ? AND unit_id IS NULL AND organ_id = ?`, st.StatusCode, at, clip(st.Description, 500), asked, id, st.From.OrganID); err != nil {
			return err
		}
		name := st.From.OrganName
		if name == "" {
			name = st.From.OrganID
		}
		note := string(st.StatusCode) + " " + name
		if st.Description != "" {
			note += ": " + clip(st.Description, 400)
		}
		if _, err = s.trace(ctx, tx, &auth.Actor{User: auth.User{FullName: name}}, d, ActionExchange, RoleRecipient, d.State, note); err != nil {
			return err
		}
		return s.settleRevocation(ctx, tx, d, st)
	})
}

// pdfAttachment is the message's first PDF, the document itself.
func pdfAttachment(m *edxml.Message) *FileInput {
	for _, a := range m.Attachments {
		if a.ContentType == "application/pdf" || strings.EqualFold(path.Ext(a.Name), ".pdf") {
			return &FileInput{Name: a.Name, ContentType: "application/pdf", Content: a.Data}
		}
	}
	return nil
}

// typeOfMessage maps an edXML DocumentType to a type of Appendix III by its
// name (the numeric codes are each sender's own [M]); an unknown name is
// taken as an official letter (công văn).
func typeOfMessage(t edxml.DocumentType) string {
	name := strings.ToLower(strings.TrimSpace(t.TypeName))
	for _, dt := range Types {
		n := strings.ToLower(dt.Name)
		if n == name || strings.HasPrefix(n, name+" (") && name != "" {
			return dt.Code
		}
	}
	return "CV"
}

func isoDate(d edxml.Date) string {
	return strings.ReplaceAll(d.String(), "/", "-")
}
