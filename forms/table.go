package forms

// column is one column of a bordered table; width in millimetres.
type column struct {
	title string
	width float64
	align align
}

// group is a header cell spanning columns from..to (inclusive) above
// their own titles, e.g. "Ngày, tháng, năm" over five date columns.
type group struct {
	title    string
	from, to int
}

// table is a bordered table whose header row(s) repeat on every page.
type table struct {
	cols   []column
	groups []group
	size   float64 // font size of the cells
	rows   [][]string
	// maxLines caps a cell so that one row always fits a page; longer
	// text is cut with "…" (the full text is in the dossier's history).
	maxLines int
	// head, when set, replaces the titles and groups by cells spanning
	// rows and columns (a statistical form's headings; statement.go).
	head []HeadCell
	// bold sets rows in bold (totals), by index; may be shorter than rows.
	bold []bool
}

const (
	padX = 1.4 * mm
	padY = 1.0 * mm
)

// drawTable draws t at the current y, breaking pages between rows.
func (d *doc) drawTable(t table) {
	if t.size == 0 {
		t.size = 12
	}
	if t.maxLines == 0 {
		t.maxLines = 18
	}
	xs := make([]float64, len(t.cols)+1)
	xs[0] = d.M.Left
	for i, c := range t.cols {
		xs[i+1] = xs[i] + c.width*mm
	}
	// Wrap every row first: the header is kept with the first row.
	d.Font(regular, t.size)
	lh := d.LineHeight()
	cells := make([][][]string, len(t.rows))
	heights := make([]float64, len(t.rows))
	for r, row := range t.rows {
		d.Font(t.rowStyle(r), t.size)
		cells[r] = make([][]string, len(t.cols))
		for i := range t.cols {
			text := ""
			if i < len(row) {
				text = row[i]
			}
			w := xs[i+1] - xs[i] - 2*padX
			lines := d.Wrap(text, w, w)
			if len(lines) > t.maxLines {
				lines = append(lines[:t.maxLines-1], "…")
			}
			cells[r][i] = lines
			heights[r] = max(heights[r], float64(len(lines))*lh)
		}
		heights[r] += 2 * padY
	}
	header := func() { d.tableHeader(t, xs) }
	first := 0.0
	if len(heights) > 0 {
		first = heights[0]
	}
	d.Need(d.headerHeight(t, xs) + first)
	header()
	d.Repeat = header
	for r := range cells {
		h := heights[r]
		if d.Y+h > d.Bottom() {
			d.AddPage() // repeats the header
		}
		d.Font(t.rowStyle(r), t.size)
		for i, lines := range cells[r] {
			w := xs[i+1] - xs[i] - 2*padX
			y := d.Y + padY
			for _, ln := range lines {
				save := d.Y
				d.Y = y
				d.DrawLine(ln, xs[i]+padX, w, t.cols[i].align, true)
				d.Y = save
				y += lh
			}
		}
		d.box(xs, d.Y, h)
		d.Y += h
	}
	d.Repeat = nil
}

// box draws the borders of one row of cells.
func (d *doc) box(xs []float64, y, h float64) {
	d.Line(xs[0], y, xs[len(xs)-1], y)
	d.Line(xs[0], y+h, xs[len(xs)-1], y+h)
	for _, x := range xs {
		d.Line(x, y, x, y+h)
	}
}

// headerHeight is the height of the header rows: a column not under a
// group spans both rows.
func (d *doc) headerHeight(t table, xs []float64) float64 {
	if len(t.head) > 0 {
		_, total := d.bands(t, xs)
		return total
	}
	d.Font(bold, t.size)
	lh := d.LineHeight()
	top, sub := 0.0, 0.0
	for _, g := range t.groups {
		w := xs[g.to+1] - xs[g.from] - 2*padX
		top = max(top, float64(len(d.Wrap(g.title, w, w)))*lh+2*padY)
	}
	for i, c := range t.cols {
		w := xs[i+1] - xs[i] - 2*padX
		h := float64(len(d.Wrap(c.title, w, w)))*lh + 2*padY
		if t.groupOf(i) >= 0 {
			sub = max(sub, h)
		} else {
			sub = max(sub, h-top)
		}
	}
	return top + sub
}

func (t table) rowStyle(r int) style {
	if r < len(t.bold) && t.bold[r] {
		return bold
	}
	return regular
}

func (t table) groupOf(col int) int {
	for i, g := range t.groups {
		if col >= g.from && col <= g.to {
			return i
		}
	}
	return -1
}

// tableHeader draws the header rows, bold and centred, at the current y.
func (d *doc) tableHeader(t table, xs []float64) {
	if len(t.head) > 0 {
		d.spannedHeader(t, xs)
		return
	}
	total := d.headerHeight(t, xs)
	d.Font(bold, t.size)
	lh := d.LineHeight()
	top := 0.0
	for _, g := range t.groups {
		w := xs[g.to+1] - xs[g.from] - 2*padX
		top = max(top, float64(len(d.Wrap(g.title, w, w)))*lh+2*padY)
	}
	cell := func(x1, x2, y, h float64, text string) {
		w := x2 - x1 - 2*padX
		lines := d.Wrap(text, w, w)
		ty := y + (h-float64(len(lines))*lh)/2
		for _, ln := range lines {
			d.Text(x1+padX+(w-d.Measure(ln))/2, d.Baseline(ty), ln)
			ty += lh
		}
		d.Line(x1, y, x2, y)
		d.Line(x1, y+h, x2, y+h)
		d.Line(x1, y, x1, y+h)
		d.Line(x2, y, x2, y+h)
	}
	for _, g := range t.groups {
		cell(xs[g.from], xs[g.to+1], d.Y, top, g.title)
	}
	for i, c := range t.cols {
		if t.groupOf(i) >= 0 {
			cell(xs[i], xs[i+1], d.Y+top, total-top, c.title)
		} else {
			cell(xs[i], xs[i+1], d.Y, total, c.title)
		}
	}
	d.Y += total
}
