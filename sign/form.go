package sign

import (
	"fmt"

	"github.com/motcua/motcua/sign/internal/pdf"
)

// form is the document's interactive form (AcroForm), where signature
// fields live.
type form struct {
	r          *pdf.Reader
	catalog    pdf.Dict
	catalogRef pdf.Ref
	names      map[string]bool
	maxNum     int
	placed     []placedSig
}

func readForm(r *pdf.Reader, pages []pdf.Page) (*form, error) {
	cat, ref, err := r.Catalog()
	if err != nil {
		return nil, err
	}
	f := &form{r: r, catalog: cat, catalogRef: ref, names: map[string]bool{}}
	pageNo := map[int]int{}
	for i, p := range pages {
		pageNo[p.Ref.Num] = i + 1
	}
	acro, _ := r.Dict(cat["AcroForm"])
	fields, _ := r.Array(acro["Fields"])
	seen := map[pdf.Ref]bool{}
	var walk func(fields pdf.Array, depth int)
	walk = func(fields pdf.Array, depth int) {
		if depth > 20 {
			return
		}
		for _, o := range fields {
			if ref, ok := o.(pdf.Ref); ok {
				if seen[ref] {
					continue
				}
				seen[ref] = true
			}
			d, ok := r.Dict(o)
			if !ok {
				continue
			}
			if t, ok := d["T"].(pdf.String); ok {
				name := decodeText(t)
				f.names[name] = true
				f.maxNum = max(f.maxNum, nameNumber(name))
			}
			if box, ok := r.Rect(d["MotcuaImageBox"]); ok {
				p, _ := d["P"].(pdf.Ref)
				f.placed = append(f.placed, placedSig{page: pageNo[p.Num], imageBox: &Rect{box[0], box[1], box[2] - box[0], box[3] - box[1]}})
			}
			if kids, ok := r.Array(d["Kids"]); ok {
				walk(kids, depth+1)
			}
		}
	}
	walk(fields, 0)
	return f, nil
}

// newName returns an unused field name.
func (f *form) newName() string {
	for n := f.maxNum + 1; ; n++ {
		name := fmt.Sprintf("%s%d", fieldNameBase, n)
		if !f.names[name] {
			return name
		}
	}
}

// addField adds the field to the form (creating the form if needed) and
// sets SigFlags 3 (signatures exist; append only).
func (f *form) addField(u *pdf.Update, field pdf.Ref) error {
	cat := f.catalog.Clone()
	var acro pdf.Dict
	acroRef, indirect := cat["AcroForm"].(pdf.Ref)
	if d, ok := f.r.Dict(cat["AcroForm"]); ok {
		acro = d.Clone()
	} else {
		acro = pdf.Dict{}
		indirect = false
	}
	fields, _ := f.r.Array(acro["Fields"])
	acro["Fields"] = append(append(pdf.Array{}, fields...), field)
	acro["SigFlags"] = int64(3)
	if indirect {
		u.Set(acroRef, acro)
		return nil
	}
	cat["AcroForm"] = u.Add(acro)
	u.Set(f.catalogRef, cat)
	return nil
}

// addWidget adds the widget to the page's annotations. The page gets a
// new direct array, so an annotation array shared with other pages is
// never changed.
func addWidget(r *pdf.Reader, u *pdf.Update, page pdf.Page, widget pdf.Ref) error {
	d := page.Dict.Clone()
	annots, _ := r.Array(d["Annots"])
	d["Annots"] = append(append(pdf.Array{}, annots...), widget)
	u.Set(page.Ref, d)
	return nil
}

// decodeText decodes a PDF text string (UTF-16BE with a byte order mark,
// UTF-8 with one, or PDFDocEncoding read as Latin-1).
func decodeText(s pdf.String) string {
	switch {
	case len(s) >= 2 && s[0] == 0xfe && s[1] == 0xff:
		var rs []rune
		for i := 2; i+1 < len(s); i += 2 {
			u := rune(s[i])<<8 | rune(s[i+1])
			if u >= 0xd800 && u < 0xdc00 && i+3 < len(s) {
				l := rune(s[i+2])<<8 | rune(s[i+3])
				u = 0x10000 + (u-0xd800)<<10 + (l - 0xdc00)
				i += 2
			}
			rs = append(rs, u)
		}
		return string(rs)
	case len(s) >= 3 && s[0] == 0xef && s[1] == 0xbb && s[2] == 0xbf:
		return string(s[3:])
	}
	rs := make([]rune, len(s))
	for i, c := range s {
		rs[i] = rune(c)
	}
	return string(rs)
}
