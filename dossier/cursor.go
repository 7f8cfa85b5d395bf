package dossier

import (
	"encoding/base64"
	"encoding/json"

	"github.com/motcua/motcua/problem"
)

// ListKey is where a page of List resumes: after the dossier with this
// deadline (nil: none, those come last) and code. The code is unique, so the
// order (deadline, code) is total and a keyset page never repeats or skips a
// dossier, whatever is filed between two requests (docs/api.md, Listings).
type ListKey struct {
	DueAt *int64 `json:"due,omitempty"` // Unix milliseconds, as stored
	Code  string `json:"code"`
}

// Cursor is the opaque next cursor of a page ending with d.
func Cursor(d *Dossier) string {
	k := ListKey{Code: d.Code}
	if d.DueAt != nil {
		ms := d.DueAt.UnixMilli()
		k.DueAt = &ms
	}
	b, _ := json.Marshal(k) // a struct of an int and a string always marshals
	return base64.RawURLEncoding.EncodeToString(b)
}

// ParseCursor reads a cursor Cursor made; anything else is the client's
// error (422 invalid_page_cursor), never an unfiltered first page.
func ParseCursor(s string) (*ListKey, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	var k ListKey
	if err == nil {
		err = json.Unmarshal(b, &k)
	}
	if err != nil || k.Code == "" {
		return nil, problem.Invalid("cursor", "invalid_page_cursor")
	}
	return &k, nil
}

// where is the keyset condition of the rows after k, in List's order.
func (k *ListKey) where() (string, []any) {
	if k.DueAt == nil {
		return "(d.due_at IS NULL AND d.code > ?)", []any{k.Code}
	}
	return "(d.due_at IS NULL OR d.due_at > ? OR (d.due_at = ? AND d.code > ?))", []any{*k.DueAt, *k.DueAt, k.Code}
}
