package document

import (
	"context"
	"encoding/json"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/store"
)

// draftDetails reads an outgoing document's versions, comments, approvals
// and recipients.
func (s *Service) draftDetails(ctx context.Context, q store.Querier, d *Document) error {
	if d.Direction != Out {
		return nil
	}
	var users []int64
	rows, err := q.QueryContext(ctx, `SELECT n, file_id, note, COALESCE(by_id, 0), at, compose FROM document_versions WHERE document_id = ? ORDER BY n`, d.ID)
	if err != nil {
		return err
	}
	for rows.Next() {
		var v Version
		var by, at int64
		var text string
		if err := rows.Scan(&v.N, &v.FileID, &v.Note, &by, &at, &text); err != nil {
			rows.Close()
			return err
		}
		if text != "" {
			v.Compose = new(Compose)
			if err := json.Unmarshal([]byte(text), v.Compose); err != nil {
				rows.Close()
				return err
			}
		}
		v.At = fromMs(at)
		d.Versions = append(d.Versions, v)
		users = append(users, by)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	names, err := auth.Usernames(ctx, q, users...)
	if err != nil {
		return err
	}
	for i := range d.Versions {
		d.Versions[i].By = names[users[i]]
	}
	rows, err = q.QueryContext(ctx, `SELECT version_n, by_name, body, at FROM document_comments WHERE document_id = ? ORDER BY id`, d.ID)
	if err != nil {
		return err
	}
	for rows.Next() {
		var c Comment
		var at int64
		if err := rows.Scan(&c.Version, &c.By, &c.Body, &at); err != nil {
			rows.Close()
			return err
		}
		c.At = fromMs(at)
		d.Comments = append(d.Comments, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	rows, err = q.QueryContext(ctx, `SELECT step, version_n, decision, by_name, note, at FROM document_approvals WHERE document_id = ? ORDER BY id`, d.ID)
	if err != nil {
		return err
	}
	for rows.Next() {
		var p Approval
		var at int64
		if err := rows.Scan(&p.Step, &p.Version, &p.Decision, &p.By, &p.Note, &at); err != nil {
			rows.Close()
			return err
		}
		p.At = fromMs(at)
		d.Approvals = append(d.Approvals, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	return s.recipientsOf(ctx, q, []*Document{d})
}
