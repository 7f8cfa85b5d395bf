package document

import (
	"context"

	"github.com/motcua/motcua/document/edxml"
	"github.com/motcua/motcua/store"
)

// recipientsOf fills the distribution of ds and, for each outside
// recipient, how the edXML exchange went (Exchange): two queries for the
// whole slice, so a register page of 50 documents costs the same as one.
func (s *Service) recipientsOf(ctx context.Context, q store.Querier, ds []*Document) error {
	if len(ds) == 0 {
		return nil
	}
	byID := map[int64]*Document{}
	ids := make([]any, 0, len(ds))
	for _, d := range ds {
		d.Recipients = nil
		byID[d.ID] = d
		ids = append(ids, d.ID)
	}
	in := "(" + store.Placeholders(len(ids)) + ")"
	rows, err := q.QueryContext(ctx, `SELECT document_id, COALESCE(unit_id, 0), organ_id, organ_name FROM document_recipients
		WHERE document_id IN `+in+` ORDER BY document_id, id`, ids...)
	if err != nil {
		return err
	}
	type at struct {
		d    *Document
		i    int
		unit int64
	}
	var all []at
	var units []int64
	for rows.Next() {
		var id, u int64
		var r Recipient
		if err := rows.Scan(&id, &u, &r.Organ.OrganID, &r.Organ.Name); err != nil {
			rows.Close()
			return err
		}
		d := byID[id]
		d.Recipients = append(d.Recipients, r)
		all = append(all, at{d, len(d.Recipients) - 1, u})
		units = append(units, u)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	codes, err := s.units.Codes(ctx, q, units)
	if err != nil {
		return err
	}
	for _, x := range all {
		x.d.Recipients[x.i].Unit = codes[x.unit]
	}
	return s.exchangeOf(ctx, q, byID, in, ids)
}

// exchangeOf fills the outside recipients' Exchange of the outgoing
// documents byID (in and ids: their placeholders and ids): the latest
// sending of each (the document, or its last correction) and the last
// status the recipient reported.
func (s *Service) exchangeOf(ctx context.Context, q store.Querier, byID map[int64]*Document, in string, ids []any) error {
	rows, err := q.QueryContext(ctx, `SELECT o.document_id, o.organ_id, o.status, o.attempts, o.last_error, COALESCE(o.sent_at, 0),
		COALESCE(r.edxml_status, ''), COALESCE(r.edxml_status_at, 0), COALESCE(r.edxml_description, '')
		FROM document_outbox o LEFT JOIN document_recipients r ON r.document_id = o.document_id AND r.organ_id = o.organ_id AND r.unit_id IS NULL
		WHERE o.document_id IN `+in+` AND o.kind IN (?, ?) ORDER BY o.id`, append(ids, outDocument, outUpdate)...)
	if err != nil {
		return err
	}
	defer rows.Close()
	type key struct {
		doc   int64
		organ string
	}
	byOrgan := map[key]*Exchange{}
	for rows.Next() {
		var x Exchange
		var k key
		var sent, at int64
		if err := rows.Scan(&k.doc, &k.organ, &x.Delivery, &x.Attempts, &x.Error, &sent, &x.Status, &at, &x.Description); err != nil {
			return err
		}
		if sent != 0 {
			x.SentAt = fromMs(sent)
		}
		if at != 0 {
			x.StatusAt = fromMs(at)
		}
		byOrgan[k] = &x // the latest row wins
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for id, d := range byID {
		if d.Direction != Out {
			continue
		}
		for i, r := range d.Recipients {
			if r.Unit == "" {
				d.Recipients[i].Exchange = byOrgan[key{id, r.Organ.OrganID}]
			}
		}
	}
	return nil
}

// RevocationRefused reports whether an outside recipient of an issued
// document answered its last revocation request with 16: the document
// stays in force, and its officers are told so.
func (d *Document) RevocationRefused() bool {
	if d.Direction != Out || d.State != StateIssued {
		return false
	}
	for _, r := range d.Recipients {
		if r.Exchange != nil && r.Exchange.Status == string(edxml.StatusRevokeRefused) {
			return true
		}
	}
	return false
}
