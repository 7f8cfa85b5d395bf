package typeset

// The national name (Quốc hiệu) and the motto (Tiêu ngữ), Decree 30/2020
// Appendix I §II.1: on the right of the heading of every document that
// names its issuer.
const (
	NationalName = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
	Motto        = "Độc lập - Tự do - Hạnh phúc"
)

// Split is where a heading's left column (the agency) ends and its right
// one (the national name) starts: the national name in bold 12 on one line
// with some air, at least 92 mm wide. Signature blocks sit in the same
// right column.
func (d *Doc) Split() float64 {
	d.Font(Bold, 12)
	rw := max(d.Measure(NationalName)+6*MM, 92*MM)
	return d.M.Left + d.Width() - rw
}

// National sets the national name and the underlined motto centred in the
// column [x, x+w] beside an agency set in lines of size from y: the name
// (bold 12, smaller should the column be narrower) on the agency's first
// baseline, the motto (bold, size) on its second. It returns the y below
// the motto.
func (d *Doc) National(x, w, y, size float64) float64 {
	d.Font(Bold, 12)
	nameSize := 12.0
	if d.Measure(NationalName) > w {
		nameSize = 12 * w / d.Measure(NationalName)
	}
	d.Centred(x, w, y+(size-nameSize)*0.94, []Styled{{Text: NationalName, Style: Bold, Size: nameSize}})
	return d.Centred(x, w, y+size*1.2, []Styled{{Text: Motto, Style: Bold, Size: size, Underline: true}})
}
