package document

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/document/edxml"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/store"
)

// ExchangeConfig is the directory of the edXML exchange (docs/documents.md
// "Exchange"): where each agency's system receives, with the credentials
// this instance sends with, and which systems may send here.
type ExchangeConfig struct {
	// Peers maps an agency's OrganId to its system's endpoint. A document
	// issued to an outside agency goes out through the outbox only when
	// Peers is not empty; an agency missing from it then fails with
	// edxml_no_peer, shown on the recipient.
	Peers map[string]Peer `json:"peers"`
	// Systems maps each SystemId allowed to POST here to its SecretKey
	// and the agencies (OrganIds) it speaks for: a message whose From is
	// another agency is refused.
	Systems map[string]System `json:"systems"`
}

// Peer is another agency's receiving system.
type Peer struct {
	// Endpoint is the URL edXML messages are POSTed to
	// (https://…/edxml/v1/messages for another motcua).
	Endpoint string `json:"endpoint"`
	// SystemID and SecretKey are the credentials the peer gave this
	// instance.
	SystemID  string `json:"system_id"`
	SecretKey string `json:"secret_key"`
}

// System is a system allowed to send to this instance.
type System struct {
	SecretKey string   `json:"secret_key"`
	Organs    []string `json:"organs"`
}

// LoadPeers reads a peers file: {"<OrganId>": {"endpoint", "system_id",
// "secret_key"}, …}.
func LoadPeers(path string) (map[string]Peer, error) {
	out := map[string]Peer{}
	if err := loadJSON(path, &out); err != nil {
		return nil, err
	}
	for id, p := range out {
		if !edxml.ValidOrganID(id) || !validEndpoint(p.Endpoint) || p.SystemID == "" || p.SecretKey == "" {
			return nil, fmt.Errorf("edxml peers %s: %q needs a valid OrganId, an http(s) endpoint without credentials, system_id and secret_key", path, id)
		}
	}
	return out, nil
}

// validEndpoint: an absolute http(s) URL with a host and no userinfo
// (credentials travel as SystemId and SecretKey, and would be logged in
// the URL). Where it points is the administrator's choice: a peer may be
// on the province's private network.
func validEndpoint(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "" && u.User == nil
}

// LoadSystems reads a systems file: {"<SystemId>": {"secret_key",
// "organs": ["<OrganId>", …]}, …}.
func LoadSystems(path string) (map[string]System, error) {
	out := map[string]System{}
	if err := loadJSON(path, &out); err != nil {
		return nil, err
	}
	for id, s := range out {
		if len(s.SecretKey) < 16 || len(s.Organs) == 0 {
			return nil, fmt.Errorf("edxml systems %s: %q needs a secret_key of 16 characters or more and its organs", path, id)
		}
	}
	return out, nil
}

func loadJSON(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// Secrets is the SystemId → SecretKey map edxml.NewHandler checks.
func (x ExchangeConfig) Secrets() map[string]string {
	out := map[string]string{}
	for id, s := range x.Systems {
		out[id] = s.SecretKey
	}
	return out
}

// Outbox kinds.
const (
	outDocument = "document"
	outStatus   = "status"
	// outUpdate is a correction (BussinessDocType 2) of the issued
	// document for organ_id, built from the document when sent.
	outUpdate = "update"
)

// ActionExchange is the trail entry of a status an outside recipient
// reported (it moves no state).
const ActionExchange Action = "edxml_status"

// OnIssued writes, in the transaction, one outbox row per outside
// agency the document is addressed to (a recipient with an OrganId and no
// unit of this system), when the exchange is configured and the document
// is not secret.
func (s *Service) OnIssued(ctx context.Context, tx *store.Tx, e Issued) error {
	// State secrets do not travel by edXML (Decision 28/2018): a secret
	// document goes to outside agencies on paper, by hand.
	if len(s.cfg.Exchange.Peers) == 0 || e.Document.Secrecy > 0 {
		return nil
	}
	rows, err := tx.QueryContext(ctx, `SELECT organ_id FROM document_recipients WHERE document_id = ? AND unit_id IS NULL AND organ_id <> '' ORDER BY id`, e.Document.ID)
	if err != nil {
		return err
	}
	organs, err := scanStrings(rows)
	if err != nil {
		return err
	}
	for _, o := range organs {
		if err := s.enqueue(ctx, tx, e.Document.ID, outDocument, o, "", ""); err != nil {
			return err
		}
	}
	return nil
}

func scanStrings(rows *sql.Rows) ([]string, error) {
	defer rows.Close()
	var out []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

func (s *Service) enqueue(ctx context.Context, tx *store.Tx, docID int64, kind, organ, code, payload string) error {
	now := s.cfg.Now().UnixMilli()
	_, err := tx.ExecContext(ctx, `INSERT INTO document_outbox (document_id, kind, organ_id, status_code, payload, status, next_attempt_at, created_at)
		VALUES (?, ?, ?, ?, ?, 'pending', ?, ?)`, docID, kind, organ, code, payload, now, now)
	return err
}

// The status each move of a received document reports to its sender
// (02, 15 and 16 in revoke.go).

// OnAssigned reports 04 (assigned); the first assignment, from
// registered, is also the acceptance, so 03 (accepted) goes before it.
func (s *Service) OnAssigned(ctx context.Context, tx *store.Tx, e Assigned) error {
	if e.From == StateRegistered {
		if err := s.reportStatus(ctx, tx, e.Act, edxml.StatusAccepted); err != nil {
			return err
		}
	}
	return s.reportStatus(ctx, tx, e.Act, edxml.StatusAssigned)
}

// OnSpecialistAssigned reports 05 (processing).
func (s *Service) OnSpecialistAssigned(ctx context.Context, tx *store.Tx, e SpecialistAssigned) error {
	return s.reportStatus(ctx, tx, e.Act, edxml.StatusProcessing)
}

// OnCompleted reports 06 (completed).
func (s *Service) OnCompleted(ctx context.Context, tx *store.Tx, e Completed) error {
	return s.reportStatus(ctx, tx, e.Act, edxml.StatusCompleted)
}

// reportStatus queues a status message to the agency that sent the
// document, if it came by edXML.
func (s *Service) reportStatus(ctx context.Context, tx *store.Tx, act Act, code edxml.StatusCode) error {
	var sender, organName, rf string
	err := tx.QueryRowContext(ctx, `SELECT sender_organ_id, organ_name, response_for FROM document_exchange_in WHERE document_id = ?`,
		act.Document.ID).Scan(&sender, &organName, &rf)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	st := edxml.Status{From: edxml.Organization{OrganID: act.Document.Unit, OrganName: organName}, StatusCode: code,
		Description: clip(act.Note, 500), Timestamp: act.At.In(edxml.Zone()).Truncate(time.Second),
		StaffInfo: edxml.StaffInfo{Staff: act.ActorName}}
	if err := json.Unmarshal([]byte(rf), &st.ResponseFor); err != nil {
		return err
	}
	payload, err := json.Marshal(st)
	if err != nil {
		return err
	}
	return s.enqueue(ctx, tx, act.Document.ID, outStatus, sender, string(code), string(payload))
}

// documentKey is the DocumentId this instance gives its documents in
// edXML: unique across agencies, and enough to find the document again
// when a status names it.
func documentKey(organ string, id int64) string {
	return "motcua:" + organ + ":" + strconv.FormatInt(id, 10)
}

// parseDocumentKey is documentKey's inverse.
func parseDocumentKey(k string) (string, int64, bool) {
	parts := strings.Split(k, ":")
	if len(parts) != 3 || parts[0] != "motcua" {
		return "", 0, false
	}
	id, err := strconv.ParseInt(parts[2], 10, 64)
	return parts[1], id, err == nil
}

// EdXML returns document id's edXML message as reader a may see it: an
// issued outgoing document from its organ to its recipients, or an
// electronic incoming document from its sender to its organ, with its
// file as attachment.
func (s *Service) EdXML(ctx context.Context, a *auth.Actor, id int64) ([]byte, error) {
	d, err := s.load(ctx, s.db, id)
	if err != nil {
		return nil, err
	}
	if ok, err := s.canView(ctx, s.db, a, d); err != nil {
		return nil, err
	} else if !ok {
		return nil, problem.NotFound("document_not_found", id)
	}
	m, err := s.message(ctx, s.db, d, "")
	if err != nil {
		return nil, err
	}
	return edxml.Marshal(m)
}

// message builds d's edXML message; to, when set, is the one addressee.
func (s *Service) message(ctx context.Context, q store.Querier, d *row, to string) (*edxml.Message, error) {
	unavailable := problem.New(problem.ErrState, "document_edxml_unavailable")
	codes, err := s.units.Codes(ctx, q, []int64{d.unitID})
	if err != nil {
		return nil, err
	}
	organ, err := s.units.ByCode(ctx, codes[d.unitID])
	if err != nil {
		return nil, err
	}
	self := edxml.Organization{OrganID: organ.Code, OrganName: organ.Name}
	m := &edxml.Message{Code: edxml.Code{Number: d.CodeNumber, Notation: d.CodeNotation}, Subject: d.Subject,
		SignerInfo: edxml.SignerInfo{Position: d.Signer.Position, FullName: d.Signer.FullName},
		OtherInfo:  edxml.OtherInfo{Priority: d.Priority, PageAmount: d.PageAmount}, Business: edxml.Business{DocType: edxml.BusinessNew}}
	m.DocumentType.TypeName = d.TypeName
	for i, t := range Types {
		if t.Code == d.Type {
			m.DocumentType.Type = i + 1 // [M] the position in Appendix III
		}
	}
	if m.PromulgationInfo.Date, err = edDate(d.IssuedDate); err != nil {
		return nil, err
	}
	if m.DueDate, err = edDate(d.DueDate); err != nil {
		return nil, err
	}
	var kind string
	switch {
	case d.Direction == Out && d.State == StateIssued:
		m.From, m.DocumentID, kind = self, documentKey(organ.Code, d.ID), FileIssued
		m.TraceHeaders = []edxml.TraceHeader{{OrganID: organ.Code, Timestamp: d.IssuedAt.In(edxml.Zone()).Truncate(time.Second)}}
		rows, err := q.QueryContext(ctx, `SELECT organ_id, organ_name FROM document_recipients WHERE document_id = ? AND organ_id <> '' ORDER BY id`, d.ID)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var o edxml.Organization
			if err := rows.Scan(&o.OrganID, &o.OrganName); err != nil {
				rows.Close()
				return nil, err
			}
			if to == "" || o.OrganID == to {
				m.To = append(m.To, o)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	case d.Direction == In && d.State != StateWithdrawn && d.Medium == Electronic && d.Sender != nil && edxml.ValidOrganID(d.Sender.OrganID):
		m.From, m.To, kind = edxml.Organization{OrganID: d.Sender.OrganID, OrganName: d.Sender.Name}, []edxml.Organization{self}, FileOriginal
		// Arrived by edXML: the sender's DocumentId and the TraceHeaderList
		// it came with (none for a copy registered by hand).
		var traces string
		err := q.QueryRowContext(ctx, `SELECT remote_id, trace_headers FROM document_exchange_in WHERE document_id = ?`, d.ID).Scan(&m.DocumentID, &traces)
		switch {
		case errors.Is(err, sql.ErrNoRows):
		case err != nil:
			return nil, err
		default:
			if err := json.Unmarshal([]byte(traces), &m.TraceHeaders); err != nil {
				return nil, err
			}
		}
	default:
		return nil, unavailable
	}
	// The message requires its date and signer (Check refuses one
	// without): a document registered without them has none.
	if len(m.To) == 0 || m.SignerInfo.FullName == "" || m.PromulgationInfo.Date.IsZero() {
		return nil, unavailable
	}
	f, content, err := s.latestFile(ctx, q, d.ID, kind)
	if err != nil {
		return nil, unavailable
	}
	m.Attachments = []edxml.Attachment{{ContentID: "1", ContentType: f.ContentType, Name: f.Name, Data: content}}
	return m, nil
}

// edDate turns "YYYY-MM-DD" ("" none) into an edXML date.
func edDate(s string) (edxml.Date, error) {
	if s == "" {
		return edxml.Date{}, nil
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return edxml.Date{}, err
	}
	return edxml.DateOf(t), nil
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n]
}

// Exchange is how an issued document reached an outside recipient: the
// outbox row's state (pending, sending, sent, failed), the reason of a
// failure or of the last retry, and the last status the recipient
// reported (01 received … 06 completed) with its time and description.
type Exchange struct {
	Delivery    string    `json:"delivery"`
	Attempts    int       `json:"attempts"`
	Error       string    `json:"error,omitempty"`
	SentAt      time.Time `json:"sent_at,omitzero"`
	Status      string    `json:"status,omitempty"`
	StatusAt    time.Time `json:"status_at,omitzero"`
	Description string    `json:"description,omitempty"`
}
