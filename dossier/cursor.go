package dossier

import (
	"github.com/motcua/motcua/cursor"
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
	return cursor.Encode(k)
}

// ParseCursor reads a cursor Cursor made; anything else is the client's
// error (422 invalid_page_cursor), never an unfiltered first page.
func ParseCursor(s string) (*ListKey, error) {
	var k ListKey
	ok, err := cursor.Decode(s, &k, func() bool { return k.Code != "" })
	if err != nil {
		return nil, err
	}
	if !ok { // "" is no cursor at all, which a caller asking for one did not mean
		return nil, problem.Invalid("cursor", "invalid_page_cursor")
	}
	return &k, nil
}
