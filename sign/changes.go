package sign

import (
	"reflect"

	"github.com/motcua/motcua/sign/internal/pdf"
)

// changedSince reports whether doc differs from its first rev bytes by
// anything but what signing adds: new objects, pages that only gained
// annotations, a catalog that only gained or changed its form (and a
// document security store), the form's field list and flags, and empty
// signature fields being filled. Anything else (a changed content stream,
// font, image, page box, or a deleted object) is a modification of the
// signed document. This is the check PDF readers make for approval
// signatures; it needs no trust in whoever made the later revisions.
// With dssOnly, only a new or grown document security store is allowed:
// what may follow the last signature (validation data, PAdES B-LT).
func changedSince(doc []byte, rev int, dssOnly bool) bool {
	before, err := pdf.Open(doc[:rev])
	if err != nil {
		return true
	}
	after, err := pdf.Open(doc)
	if err != nil {
		return true
	}
	cat, catRef, err := before.Catalog()
	if err != nil {
		return true
	}
	acroRef, _ := cat["AcroForm"].(pdf.Ref)
	lists := map[int]bool{} // annotation and field arrays held indirectly
	if acro, ok := before.Dict(cat["AcroForm"]); ok {
		if ref, ok := acro["Fields"].(pdf.Ref); ok {
			lists[ref.Num] = true
		}
	}
	if pages, err := before.Pages(); err == nil {
		for _, p := range pages {
			if ref, ok := p.Dict["Annots"].(pdf.Ref); ok {
				lists[ref.Num] = true
			}
		}
	}
	for _, num := range before.Numbers() {
		if !after.InUse(num) {
			return true // a deleted object
		}
	}
	for _, num := range after.Numbers() {
		if !before.InUse(num) {
			continue // new objects change nothing until something old points at them
		}
		ref := pdf.Ref{Num: num}
		old, err1 := before.Object(ref)
		now, err2 := after.Object(ref)
		if err1 != nil || err2 != nil {
			return true
		}
		if reflect.DeepEqual(old, now) {
			continue
		}
		if a, ok := old.(pdf.Array); ok && lists[num] && !dssOnly {
			if b, ok := now.(pdf.Array); !ok || !contains(b, a) {
				return true
			}
			continue
		}
		o, ok1 := old.(pdf.Dict)
		n, ok2 := now.(pdf.Dict)
		if !ok1 || !ok2 {
			return true
		}
		switch {
		case dssOnly && num == catRef.Num:
			if !equalExcept(o, n, "DSS") {
				return true
			}
		case dssOnly:
			if ref, ok := cat["DSS"].(pdf.Ref); !ok || ref.Num != num {
				return true // only the store itself may change
			}
		case num == catRef.Num:
			if !equalExcept(o, n, "AcroForm", "DSS") {
				return true
			}
		case num == acroRef.Num:
			if !equalExcept(o, n, "Fields", "SigFlags", "DR", "DA") {
				return true
			}
		case o.Name("Type") == "Page":
			if !equalExcept(o, n, "Annots") {
				return true
			}
			oa, _ := before.Array(o["Annots"])
			na, _ := after.Array(n["Annots"])
			if !contains(na, oa) {
				return true
			}
		case o.Name("FT") == "Sig" && o["V"] == nil:
			// An empty signature field placed in advance, now signed.
		default:
			return true
		}
	}
	return false
}

// equalExcept compares two dictionaries ignoring the given keys.
func equalExcept(a, b pdf.Dict, keys ...pdf.Name) bool {
	skip := func(k pdf.Name) bool {
		for _, s := range keys {
			if k == s {
				return true
			}
		}
		return false
	}
	for k, v := range a {
		if !skip(k) && !reflect.DeepEqual(v, b[k]) {
			return false
		}
	}
	for k := range b {
		if _, ok := a[k]; !ok && !skip(k) {
			return false
		}
	}
	return true
}

// contains reports whether every element of old is still in now.
func contains(now, old pdf.Array) bool {
	for _, o := range old {
		found := false
		for _, n := range now {
			if reflect.DeepEqual(o, n) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}
