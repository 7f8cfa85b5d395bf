// Package cursor makes and reads the opaque page cursors of the listing
// convention (docs/api.md, Listings): base64url of a small JSON key of the
// list's order, made by the module that owns the list and read back only
// by it. Clients pass a cursor unchanged; anything that is not one is the
// client's error, never a silent first page.
package cursor

import (
	"encoding/base64"
	"encoding/json"

	"github.com/motcua/motcua/problem"
)

// Encode is the cursor of key, a struct of the list's sort key.
func Encode(key any) string {
	b, _ := json.Marshal(key) // keys are structs of strings and integers: they always marshal
	return base64.RawURLEncoding.EncodeToString(b)
}

// Decode reads s into key and asks valid whether the key is one the list
// could have made (a zero key is not); either failing is 422
// invalid_page_cursor. An empty s is the first page: key is left alone and
// Decode reports false.
func Decode(s string, key any, valid func() bool) (bool, error) {
	if s == "" {
		return false, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err == nil {
		err = json.Unmarshal(b, key)
	}
	if err != nil || !valid() {
		return false, problem.Invalid("cursor", "invalid_page_cursor")
	}
	return true, nil
}
