// Package edxmlsim is a local stand-in for other agencies' document
// systems on the edXML exchange (QCVN 102:2016), as motcua reaches them:
// the same HTTP transport as package edxml (POST application/xml with
// SystemId and SecretKey headers, checked by edxml.NewHandler; messages
// sent with edxml.Client), so motcua's outbox worker and receiving
// endpoint run unchanged against it. It plays one or more agencies
// (Config.Agencies) and keeps in memory what they received and sent.
//
// A document motcua sends to one of its agencies is answered at once with
// 01 (received), as a real system does on arrival (queued, sent by Run
// or Flush, after the 204). The later statuses — 02 returned, 03
// accepted, 04 assigned, 05 processing, 06 completed — are sent when a
// person presses their buttons on the page (Answer), so a demonstrator
// shows each one arriving. A 13 from motcua (revocation request) waits
// for the 15 (accept) or 16 (refuse) button. From the page an agency also
// sends motcua a document (Send), a correction of one it sent
// (BussinessDocType 2, Correct), a replacement (3, Replace) and a
// revocation request (13, RequestRevocation).
//
// A status naming a document the simulator does not hold (after a
// restart: it keeps nothing on disk) is accepted and listed apart. Tests
// use it over real HTTP; `motcua serve --demo` mounts it under
// /_sim/edxml/. It is not for production.
package edxmlsim

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/motcua/motcua/document/edxml"
	"github.com/motcua/motcua/problem"
)

// Config sets up a simulator.
type Config struct {
	// Agencies are the outside agencies it plays (OrganId and name).
	Agencies []edxml.Organization
	// Recipients are motcua's organs the page offers as addressees.
	Recipients []edxml.Organization
	// Endpoint is motcua's receiving endpoint (…/edxml/v1/messages);
	// SystemID and SecretKey are the simulator's credentials there (its
	// entry in motcua's --edxml-systems, speaking for Agencies).
	Endpoint, SystemID, SecretKey string
	// Systems maps each SystemId allowed to POST to the simulator to its
	// SecretKey (what motcua's --edxml-peers gives for these agencies).
	Systems map[string]string
	// HTTP sends; nil: a client with a 30 s timeout.
	HTTP *http.Client
	// MaxDocs bounds the documents it keeps, received and sent (0: 500):
	// the demo's credentials are public, so anyone may send it some.
	MaxDocs int
	Now     func() time.Time
	Log     *slog.Logger
}

// MessagesPath is where the simulator receives edXML, under its mount.
const MessagesPath = "/messages"

// Event is one message about a document, in the order it happened.
type Event struct {
	At time.Time
	// Sent: the simulator sent it; else it came from motcua.
	Sent bool
	// Code is a status code ("01"…"16"), or "document", "2" (a
	// correction) or "3" (a replacement) for a document message.
	Code        string
	Description string
	// Err is why motcua refused it or could not be reached, when sent.
	Err string
	// Queued: an automatic 01 not yet taken by motcua.
	Queued bool
}

// Doc is a document the simulator holds.
type Doc struct {
	ID int // the page's handle, from 1
	// Incoming: motcua sent it to Agency; else Agency sent it to motcua.
	Incoming bool
	Agency   edxml.Organization
	Message  *edxml.Message
	Events   []Event
	// RevocationAsked: motcua asked for it back (13), unanswered.
	RevocationAsked bool
	// ReplacedBy is the ID of the document that replaced it, 0 if none.
	ReplacedBy int
}

// Last is the last status code of the document, "" if none.
func (d Doc) Last() string {
	for _, e := range slices.Backward(d.Events) {
		if e.Err == "" && !e.Queued && len(e.Code) == 2 {
			return e.Code
		}
	}
	return ""
}

// Sim is the simulated agencies' system. The zero value is not usable;
// call New.
type Sim struct {
	cfg     Config
	mux     *http.ServeMux
	handler http.Handler // mux behind the cross-origin check
	client  *edxml.Client

	mu      sync.Mutex
	docs    []*Doc
	orphans []edxml.Status // statuses about documents not held here
	queue   []*edxml.Status
	seq     int // DocumentIds given to sent documents
}

// New returns a simulator serving, under its mount point, MessagesPath
// (the edXML endpoint) and its page.
func New(cfg Config) *Sim {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	if cfg.HTTP == nil {
		cfg.HTTP = &http.Client{Timeout: 30 * time.Second}
	}
	if cfg.MaxDocs <= 0 {
		cfg.MaxDocs = 500
	}
	s := &Sim{cfg: cfg, mux: http.NewServeMux(),
		client: &edxml.Client{HTTP: cfg.HTTP, SystemID: cfg.SystemID, SecretKey: cfg.SecretKey}}
	s.mux.Handle("POST "+MessagesPath, edxml.NewHandler(edxml.HandlerConfig{Systems: cfg.Systems, Receiver: receiver{s}, Log: cfg.Log, Now: cfg.Now}))
	s.routes()
	// It is mounted outside motcua's own cross-origin check: without one,
	// another site a demonstrator visits could post its forms. Requests
	// with neither Sec-Fetch-Site nor Origin (motcua's edXML client) pass.
	s.handler = http.NewCrossOriginProtection().Handler(s.mux)
	return s
}

func (s *Sim) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// What one document and the simulator keep beyond its documents: the
// latest events and orphan statuses, older ones dropped.
const (
	maxEvents  = 100
	maxOrphans = 100
)

// full is whether no more documents may be kept; s.mu held.
func (s *Sim) full() bool { return len(s.docs) >= s.cfg.MaxDocs }

// errFull is the page's refusal when full.
func (s *Sim) errFull() error {
	return fmt.Errorf("edxmlsim: it keeps at most %d documents (restart it to empty it)", s.cfg.MaxDocs)
}

// event adds e to d's history, keeping the latest maxEvents; s.mu held.
func (d *Doc) event(e Event) {
	d.Events = append(d.Events, e)
	if n := len(d.Events) - maxEvents; n > 0 {
		d.Events = slices.Delete(d.Events, 0, n)
	}
}

// Docs is a copy of what the simulator holds, in arrival order.
func (s *Sim) Docs() []Doc {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Doc, len(s.docs))
	for i, d := range s.docs {
		out[i] = *d
		out[i].Events = slices.Clone(d.Events)
	}
	return out
}

// Orphans are the statuses received about documents not held here.
func (s *Sim) Orphans() []edxml.Status {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.orphans)
}

// plays is the agency of the simulator with OrganId id.
func (s *Sim) plays(id string) (edxml.Organization, bool) {
	for _, a := range s.cfg.Agencies {
		if a.OrganID == id {
			return a, true
		}
	}
	return edxml.Organization{}, false
}

// find is the document held with these sender and DocumentId, held by
// agency ("" any); s.mu held.
func (s *Sim) find(incoming bool, agency, sender, docID string) []*Doc {
	var out []*Doc
	for _, d := range s.docs {
		if d.Incoming == incoming && (agency == "" || d.Agency.OrganID == agency) &&
			d.Message.From.OrganID == sender && d.Message.DocumentID == docID {
			out = append(out, d)
		}
	}
	return out
}

// add keeps a new document; s.mu held.
func (s *Sim) add(incoming bool, agency edxml.Organization, m *edxml.Message, e Event) *Doc {
	d := &Doc{ID: len(s.docs) + 1, Incoming: incoming, Agency: agency, Message: m, Events: []Event{e}}
	s.docs = append(s.docs, d)
	return d
}

// receiver is the edXML handler's Receiver: what motcua sends.
type receiver struct{ s *Sim }

func (r receiver) ReceiveDocument(_ context.Context, m *edxml.Message) error {
	s := r.s
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.cfg.Now()
	held := false
	m = withoutFiles(m)
	for _, to := range m.To {
		agency, ok := s.plays(to.OrganID)
		if !ok {
			continue
		}
		held = true
		e := Event{At: now, Code: "document", Description: m.Subject}
		if old := s.find(true, agency.OrganID, m.From.OrganID, m.DocumentID); len(old) > 0 {
			// The same document again (a retry), or its correction.
			if m.Business.DocType == edxml.BusinessUpdate {
				old[0].Message = m
				old[0].event(Event{At: now, Code: "2", Description: m.Business.DocReason})
			}
			continue
		}
		if s.full() {
			// Refused, not dropped: motcua shows the refusal on its side.
			return problem.New(problem.ErrTooMany, "document_too_many", s.cfg.MaxDocs)
		}
		d := s.add(true, agency, m, e)
		if m.Business.DocType == edxml.BusinessReplace && len(m.ResponseFor) > 0 {
			rf := m.ResponseFor[0]
			for _, o := range s.find(true, agency.OrganID, rf.OrganID, rf.DocumentID) {
				o.ReplacedBy = d.ID
				o.event(Event{At: now, Code: "3", Description: m.Business.DocReason})
			}
		}
		st := edxml.StatusFor(m, edxml.StatusReceived, agency, now)
		s.queue = append(s.queue, st)
		d.event(Event{At: now, Sent: true, Code: string(edxml.StatusReceived), Queued: true})
	}
	if !held {
		return problem.Invalid("To", "edxml_unknown_recipient")
	}
	return nil
}

func (r receiver) ReceiveStatus(_ context.Context, st *edxml.Status) error {
	s := r.s
	s.mu.Lock()
	defer s.mu.Unlock()
	rf := st.ResponseFor
	e := Event{At: s.cfg.Now(), Code: string(st.StatusCode), Description: st.Description}
	var docs []*Doc
	if st.StatusCode == edxml.StatusRevokeRequest {
		// motcua asks its own document back, from each agency holding it.
		docs = s.find(true, "", rf.OrganID, rf.DocumentID)
		for _, d := range docs {
			d.RevocationAsked = true
		}
	} else {
		// A status on a document an agency of ours sent.
		docs = s.find(false, rf.OrganID, rf.OrganID, rf.DocumentID)
	}
	for _, d := range docs {
		d.event(e)
	}
	if len(docs) == 0 {
		s.orphans = append(s.orphans, *st)
		if n := len(s.orphans) - maxOrphans; n > 0 {
			s.orphans = slices.Delete(s.orphans, 0, n)
		}
	}
	return nil
}

// Flush sends the queued 01 statuses; one motcua did not take stays
// queued, with the reason on its document.
func (s *Sim) Flush(ctx context.Context) {
	s.mu.Lock()
	q := s.queue
	s.queue = nil
	s.mu.Unlock()
	for _, st := range q {
		err := s.client.SendStatus(ctx, s.cfg.Endpoint, st)
		s.mu.Lock()
		for _, d := range s.find(true, st.From.OrganID, st.ResponseFor.OrganID, st.ResponseFor.DocumentID) {
			for i := range d.Events {
				if e := &d.Events[i]; e.Queued && e.Code == string(st.StatusCode) {
					e.Err, e.At = errText(err), s.cfg.Now()
					e.Queued = err != nil && edxml.IsRetryable(err)
				}
			}
		}
		if err != nil && edxml.IsRetryable(err) {
			s.queue = append(s.queue, st)
		}
		s.mu.Unlock()
	}
}

// Run flushes the queue every second until ctx ends.
func (s *Sim) Run(ctx context.Context) {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			s.Flush(ctx)
		}
	}
}

// withoutFiles is m without its attachments' bytes, which the page never
// shows: a message may carry 32 MiB.
func withoutFiles(m *edxml.Message) *edxml.Message {
	c := *m
	c.Attachments = slices.Clone(m.Attachments)
	for i := range c.Attachments {
		c.Attachments[i].Data = nil
	}
	return &c
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// Answer sends motcua status code for incoming document id, with note as
// its description: 02 to 06 at any time, 15 or 16 only while a 13 is
// unanswered.
func (s *Sim) Answer(ctx context.Context, id int, code edxml.StatusCode, note string) error {
	s.mu.Lock()
	d, err := s.doc(id, true)
	if err == nil && (code == edxml.StatusRevokeAccepted || code == edxml.StatusRevokeRefused) && !d.RevocationAsked {
		err = fmt.Errorf("edxmlsim: document %d: no revocation request to answer", id)
	}
	if err == nil && (!code.Valid() || code == edxml.StatusRevokeRequest || code == edxml.StatusReceived) {
		err = fmt.Errorf("edxmlsim: %q is not an answer", code)
	}
	var st *edxml.Status
	if err == nil {
		st = edxml.StatusFor(d.Message, code, d.Agency, s.cfg.Now())
		st.Description = note
		st.StaffInfo = edxml.StaffInfo{Staff: "Văn thư " + d.Agency.OrganName}
	}
	s.mu.Unlock()
	if err != nil {
		return err
	}
	err = s.client.SendStatus(ctx, s.cfg.Endpoint, st)
	s.mu.Lock()
	defer s.mu.Unlock()
	if err == nil && (code == edxml.StatusRevokeAccepted || code == edxml.StatusRevokeRefused) {
		d.RevocationAsked = false
	}
	d.event(Event{At: s.cfg.Now(), Sent: true, Code: string(code), Description: note, Err: errText(err)})
	return err
}

// doc is document id, incoming or not as asked; s.mu held.
func (s *Sim) doc(id int, incoming bool) (*Doc, error) {
	if id < 1 || id > len(s.docs) || s.docs[id-1].Incoming != incoming {
		return nil, fmt.Errorf("edxmlsim: no such document %d", id)
	}
	return s.docs[id-1], nil
}

// Send has agency d.From send d to motcua. The document is kept, with
// motcua's refusal if it refused it.
func (s *Sim) Send(ctx context.Context, d Draft) (Doc, error) {
	agency, ok := s.plays(d.From.OrganID)
	if !ok {
		return Doc{}, fmt.Errorf("edxmlsim: %q is not an agency it plays", d.From.OrganID)
	}
	d.From = agency
	s.mu.Lock()
	if s.full() {
		s.mu.Unlock()
		return Doc{}, s.errFull()
	}
	s.seq++
	key := fmt.Sprintf("edxmlsim:%s:%d", agency.OrganID, s.seq)
	s.mu.Unlock()
	return s.sendDoc(ctx, agency, NewMessage(d, key, s.cfg.Now()), "document", 0)
}

// sendDoc sends m and keeps it as a new document (code "document" or
// "3") or as the correction of held document of id (code "2").
func (s *Sim) sendDoc(ctx context.Context, agency edxml.Organization, m *edxml.Message, code string, of int) (Doc, error) {
	err := s.client.Send(ctx, s.cfg.Endpoint, m)
	s.mu.Lock()
	defer s.mu.Unlock()
	e := Event{At: s.cfg.Now(), Sent: true, Code: code, Description: m.Business.DocReason, Err: errText(err)}
	if code == "2" {
		d := s.docs[of-1]
		if err == nil {
			d.Message = m
		}
		d.event(e)
		return *d, err
	}
	if code == "document" {
		e.Description = m.Subject
	}
	d := s.add(false, agency, m, e)
	if code == "3" && err == nil {
		old := s.docs[of-1]
		old.ReplacedBy = d.ID
		old.event(Event{At: e.At, Sent: true, Code: "3", Description: m.Business.DocReason})
	}
	return *d, err
}

// Correct sends a correction (BussinessDocType 2) of document id, which
// an agency of the simulator sent: the new subject, the reason.
func (s *Sim) Correct(ctx context.Context, id int, subject, reason string) (Doc, error) {
	s.mu.Lock()
	d, err := s.doc(id, false)
	var m *edxml.Message
	if err == nil {
		m = Correction(d.Message, subject, reason, s.cfg.Now())
	}
	s.mu.Unlock()
	if err != nil {
		return Doc{}, err
	}
	return s.sendDoc(ctx, d.Agency, m, "2", id)
}

// Replace sends a new document (BussinessDocType 3) replacing document
// id, which an agency of the simulator sent.
func (s *Sim) Replace(ctx context.Context, id int, number, subject, reason string) (Doc, error) {
	s.mu.Lock()
	d, err := s.doc(id, false)
	if err == nil && s.full() {
		err = s.errFull()
	}
	var m *edxml.Message
	if err == nil {
		s.seq++
		key := fmt.Sprintf("edxmlsim:%s:%d", d.Agency.OrganID, s.seq)
		m = Replacement(d.Message, key, number, subject, reason, s.cfg.Now())
	}
	s.mu.Unlock()
	if err != nil {
		return Doc{}, err
	}
	return s.sendDoc(ctx, d.Agency, m, "3", id)
}

// RequestRevocation sends 13 for document id, which an agency of the
// simulator sent: motcua's copy goes to revocation_requested and its
// officers answer 15 or 16, which arrive here.
func (s *Sim) RequestRevocation(ctx context.Context, id int, reason string) error {
	s.mu.Lock()
	d, err := s.doc(id, false)
	var st *edxml.Status
	if err == nil {
		st = RevocationRequest(d.Message, reason, s.cfg.Now())
	}
	s.mu.Unlock()
	if err != nil {
		return err
	}
	err = s.client.SendStatus(ctx, s.cfg.Endpoint, st)
	s.mu.Lock()
	defer s.mu.Unlock()
	d.event(Event{At: s.cfg.Now(), Sent: true, Code: string(edxml.StatusRevokeRequest), Description: reason, Err: errText(err)})
	return err
}

// statusName is a status code's name on the page.
func statusName(code string) string {
	switch code {
	case "document":
		return "Văn bản"
	case "2":
		return "Đính chính (2)"
	case "3":
		return "Thay thế (3)"
	}
	if n, ok := names[edxml.StatusCode(code)]; ok {
		return n + " (" + code + ")"
	}
	return strings.TrimSpace(code)
}

var names = map[edxml.StatusCode]string{
	edxml.StatusReceived: "Đã đến", edxml.StatusRejected: "Trả lại", edxml.StatusAccepted: "Đã tiếp nhận",
	edxml.StatusAssigned: "Phân công", edxml.StatusProcessing: "Đang xử lý", edxml.StatusCompleted: "Hoàn thành",
	edxml.StatusRevokeRequest: "Đề nghị thu hồi", edxml.StatusRevokeAccepted: "Đồng ý thu hồi", edxml.StatusRevokeRefused: "Từ chối thu hồi",
}
