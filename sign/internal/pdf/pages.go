package pdf

import "errors"

// Catalog returns the document catalog and its reference.
func (r *Reader) Catalog() (Dict, Ref, error) {
	ref, _ := r.Trailer["Root"].(Ref)
	d, ok := r.Dict(ref)
	if !ok {
		return nil, ref, errors.New("pdf: no document catalog")
	}
	return d, ref, nil
}

// Page is one page: its object, dictionary and inherited media box.
type Page struct {
	Ref      Ref
	Dict     Dict
	MediaBox [4]float64
}

// Pages returns the pages in order, walking the page tree.
func (r *Reader) Pages() ([]Page, error) {
	cat, _, err := r.Catalog()
	if err != nil {
		return nil, err
	}
	var pages []Page
	seen := map[int]bool{}
	var walk func(o Object, box [4]float64, depth int) error
	walk = func(o Object, box [4]float64, depth int) error {
		ref, ok := o.(Ref)
		if !ok || seen[ref.Num] || depth > maxDepth || len(pages) > maxPages {
			return errors.New("pdf: malformed page tree")
		}
		seen[ref.Num] = true
		d, ok := r.Dict(ref)
		if !ok {
			return errors.New("pdf: malformed page tree")
		}
		if b, ok := r.rect(d["MediaBox"]); ok {
			box = b
		}
		if d.Name("Type") == "Page" || (d.Name("Type") == "" && d["Kids"] == nil) {
			pages = append(pages, Page{Ref: ref, Dict: d, MediaBox: box})
			return nil
		}
		kids, _ := r.Array(d["Kids"])
		for _, k := range kids {
			if err := walk(k, box, depth+1); err != nil {
				return err
			}
		}
		return nil
	}
	// A4 when no media box is given anywhere (the PDF default is Letter,
	// but every motcua document is A4).
	if err := walk(cat["Pages"], [4]float64{0, 0, 595.28, 841.89}, 0); err != nil {
		return nil, err
	}
	if len(pages) == 0 {
		return nil, errors.New("pdf: document has no pages")
	}
	return pages, nil
}

func (r *Reader) rect(o Object) ([4]float64, bool) {
	a, ok := r.Array(o)
	if !ok || len(a) != 4 {
		return [4]float64{}, false
	}
	var out [4]float64
	for i, v := range a {
		v, _ = r.Resolve(v)
		f, ok := Number(v)
		if !ok {
			return [4]float64{}, false
		}
		out[i] = f
	}
	return [4]float64{min(out[0], out[2]), min(out[1], out[3]), max(out[0], out[2]), max(out[1], out[3])}, true
}

// Rect reads a rectangle array, normalised to [llx lly urx ury].
func (r *Reader) Rect(o Object) ([4]float64, bool) { return r.rect(o) }

// Numbers returns the numbers of the objects in use.
func (r *Reader) Numbers() []int {
	out := make([]int, 0, len(r.xref))
	for n, e := range r.xref {
		if e.kind != entryFree {
			out = append(out, n)
		}
	}
	return out
}

// InUse reports whether object num is in use.
func (r *Reader) InUse(num int) bool {
	e, ok := r.xref[num]
	return ok && e.kind != entryFree
}
