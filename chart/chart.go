// Package chart draws the statistics pages' charts as inline SVG on the
// server: no script runs in the browser, the page's strict
// Content-Security-Policy holds, and a chart is as fast on a cheap phone as
// the HTML around it. Every chart is an image with a title and a
// description for screen readers, and comes with a table of the same
// figures (in a <details> beside it): the table is the chart's accessible
// form and what a reader copies numbers from.
//
// The SVG scales with its container (a viewBox and width 100%), so one
// drawing serves a desktop and a 360 px phone; labels that would collide
// on a narrow chart are thinned, never the data in the table.
package chart

import (
	"fmt"
	"html/template"
	"math"
	"strconv"
	"strings"
)

// Series is one named row of values, one per label of the chart.
type Series struct {
	Name   string
	Values []float64
}

// Chart is what is drawn: categories (months, units) along one axis, one
// or more series of values.
type Chart struct {
	// ID makes the chart's element ids unique on its page.
	ID string
	// Title and Desc are the image's accessible name and description.
	Title, Desc string
	// Category heads the table's first column (e.g. "Tháng", "Đơn vị").
	Category string
	// TableLabel is the text of the <summary> opening the data table.
	TableLabel string
	Labels     []string
	Series     []Series
	// Suffix follows each value in labels and the table, e.g. "%".
	Suffix string
	// Max is the top of the value axis; 0 takes the largest value.
	Max float64
	// Decimals is the number of decimals shown.
	Decimals int
}

// Colours with a contrast of at least 4.5:1 on white (WCAG AA for text,
// so a bar's value label in the same colour is legible too).
var colours = []string{"#1f5f99", "#a4461a", "#2d6a31", "#6a3d9a"}

const (
	width    = 600.0 // viewBox width; the drawing scales to its container
	fontSize = 14.0
	ink      = "#222"
	grid     = "#767676"
)

// Bars draws grouped vertical bars: one group per label, one bar per
// series (monthly trends).
func Bars(c Chart) template.HTML { return render(c, bars(c)) }

// Line draws one polyline per series across the labels (monthly trends).
func Line(c Chart) template.HTML { return render(c, line(c)) }

// HBars draws one horizontal bar per label for the first series, its
// label above it so that long unit names fit a phone (on-time rate by
// unit).
func HBars(c Chart) template.HTML { return render(c, hbars(c)) }

// render wraps the drawing in a figure with its data table.
func render(c Chart, svg string) template.HTML {
	var b strings.Builder
	b.WriteString(`<figure class="chart">`)
	b.WriteString(svg)
	b.WriteString(`<details class="chart-data"><summary>`)
	b.WriteString(esc(c.TableLabel))
	b.WriteString(`</summary>`)
	b.WriteString(string(Table(c)))
	b.WriteString(`</details></figure>`)
	return template.HTML(b.String())
}

// Table is the chart's figures as a table: one row per label, one column
// per series.
func Table(c Chart) template.HTML {
	var b strings.Builder
	fmt.Fprintf(&b, `<table class="chart-table"><caption>%s</caption><thead><tr><th scope="col">%s</th>`, esc(c.Title), esc(c.Category))
	for _, s := range c.Series {
		fmt.Fprintf(&b, `<th scope="col">%s</th>`, esc(s.Name))
	}
	b.WriteString(`</tr></thead><tbody>`)
	for i, l := range c.Labels {
		fmt.Fprintf(&b, `<tr><th scope="row">%s</th>`, esc(l))
		for _, s := range c.Series {
			fmt.Fprintf(&b, `<td>%s</td>`, esc(c.value(s, i)))
		}
		b.WriteString(`</tr>`)
	}
	b.WriteString(`</tbody></table>`)
	return template.HTML(b.String())
}

// value is series s's i-th value as text, with the chart's decimals and suffix.
func (c Chart) value(s Series, i int) string {
	if i >= len(s.Values) {
		return ""
	}
	v := s.Values[i]
	if math.IsNaN(v) {
		return "–"
	}
	return strings.Replace(strconv.FormatFloat(v, 'f', c.Decimals, 64), ".", ",", 1) + c.Suffix
}

// top is the value the axis ends at: Max, else the largest value, never 0.
func (c Chart) top() float64 {
	m := c.Max
	if m <= 0 {
		for _, s := range c.Series {
			for _, v := range s.Values {
				if !math.IsNaN(v) && v > m {
					m = v
				}
			}
		}
	}
	if m <= 0 {
		return 1
	}
	return m
}

// open starts the SVG: its size, its role and accessible name.
func open(b *strings.Builder, c Chart, height float64) {
	fmt.Fprintf(b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %s %s" width="100%%" role="img" aria-labelledby="%s-title %s-desc" font-size="%s" font-family="sans-serif">`,
		num(width), num(height), esc(c.ID), esc(c.ID), num(fontSize))
	fmt.Fprintf(b, `<title id="%s-title">%s</title><desc id="%s-desc">%s</desc>`, esc(c.ID), esc(c.Title), esc(c.ID), esc(c.Desc))
}

// legend draws the series' names with their colours at the top.
func legend(b *strings.Builder, c Chart) {
	x := 0.0
	for i, s := range c.Series {
		fmt.Fprintf(b, `<rect x="%s" y="4" width="12" height="12" fill="%s"/><text x="%s" y="15" fill="%s">%s</text>`,
			num(x), colours[i%len(colours)], num(x+16), ink, esc(s.Name))
		x += 24 + float64(len([]rune(s.Name)))*fontSize*0.55
	}
}

// Plot geometry of the vertical charts.
const (
	plotTop    = 32.0
	plotHeight = 200.0
	plotLeft   = 48.0
	vHeight    = plotTop + plotHeight + 28
)

// axes draws the value gridlines (0, half, top) and returns nothing.
func axes(b *strings.Builder, c Chart) {
	top := c.top()
	for _, f := range []float64{0, 0.5, 1} {
		y := plotTop + plotHeight*(1-f)
		fmt.Fprintf(b, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="0.5"/>`, num(plotLeft), num(y), num(width), num(y), grid)
		fmt.Fprintf(b, `<text x="%s" y="%s" text-anchor="end" fill="%s">%s</text>`, num(plotLeft-4), num(y+4), ink,
			esc(Chart{Decimals: 0, Suffix: c.Suffix}.value(Series{Values: []float64{top * f}}, 0)))
	}
}

// categoryLabels writes the labels under the slots, skipping some when
// they would overlap.
func categoryLabels(b *strings.Builder, c Chart, slot float64) {
	longest := 1
	for _, l := range c.Labels {
		longest = max(longest, len([]rune(l)))
	}
	every := max(1, int(math.Ceil(float64(longest)*fontSize*0.6/slot)))
	for i, l := range c.Labels {
		if i%every != 0 {
			continue
		}
		x := plotLeft + slot*(float64(i)+0.5)
		fmt.Fprintf(b, `<text x="%s" y="%s" text-anchor="middle" fill="%s">%s</text>`, num(x), num(plotTop+plotHeight+18), ink, esc(l))
	}
}

func bars(c Chart) string {
	var b strings.Builder
	open(&b, c, vHeight)
	legend(&b, c)
	axes(&b, c)
	n := max(1, len(c.Labels))
	slot := (width - plotLeft) / float64(n)
	bw := slot * 0.8 / float64(max(1, len(c.Series)))
	top := c.top()
	for i := range c.Labels {
		for j, s := range c.Series {
			if i >= len(s.Values) || math.IsNaN(s.Values[i]) {
				continue
			}
			h := plotHeight * clamp(s.Values[i]/top)
			x := plotLeft + slot*float64(i) + slot*0.1 + bw*float64(j)
			fmt.Fprintf(&b, `<rect class="bar" x="%s" y="%s" width="%s" height="%s" fill="%s"><title>%s: %s</title></rect>`,
				num(x), num(plotTop+plotHeight-h), num(bw), num(h), colours[j%len(colours)], esc(c.Labels[i]), esc(c.value(s, i)))
		}
	}
	categoryLabels(&b, c, slot)
	b.WriteString(`</svg>`)
	return b.String()
}

func line(c Chart) string {
	var b strings.Builder
	open(&b, c, vHeight)
	legend(&b, c)
	axes(&b, c)
	n := max(1, len(c.Labels))
	slot := (width - plotLeft) / float64(n)
	top := c.top()
	for j, s := range c.Series {
		var pts []string
		for i := range c.Labels {
			if i >= len(s.Values) || math.IsNaN(s.Values[i]) {
				continue
			}
			x := plotLeft + slot*(float64(i)+0.5)
			y := plotTop + plotHeight*(1-clamp(s.Values[i]/top))
			pts = append(pts, num(x)+","+num(y))
			fmt.Fprintf(&b, `<circle cx="%s" cy="%s" r="3" fill="%s"/>`, num(x), num(y), colours[j%len(colours)])
		}
		fmt.Fprintf(&b, `<polyline class="series" points="%s" fill="none" stroke="%s" stroke-width="2"/>`, strings.Join(pts, " "), colours[j%len(colours)])
	}
	categoryLabels(&b, c, slot)
	b.WriteString(`</svg>`)
	return b.String()
}

// Geometry of the horizontal bars: a label line, then the bar.
const (
	rowHeight = 44.0
	barHeight = 16.0
	valueRoom = 72.0 // room right of the longest bar for its value
)

func hbars(c Chart) string {
	var b strings.Builder
	open(&b, c, float64(len(c.Labels))*rowHeight+8)
	top := c.top()
	var s Series
	if len(c.Series) > 0 {
		s = c.Series[0]
	}
	for i, l := range c.Labels {
		y := float64(i)*rowHeight + 4
		fmt.Fprintf(&b, `<text x="0" y="%s" fill="%s">%s</text>`, num(y+fontSize), ink, esc(l))
		if i >= len(s.Values) || math.IsNaN(s.Values[i]) {
			continue
		}
		w := (width - valueRoom) * clamp(s.Values[i]/top)
		fmt.Fprintf(&b, `<rect class="bar" x="0" y="%s" width="%s" height="%s" fill="%s"><title>%s: %s</title></rect>`,
			num(y+fontSize+4), num(w), num(barHeight), colours[0], esc(l), esc(c.value(s, i)))
		fmt.Fprintf(&b, `<text x="%s" y="%s" fill="%s">%s</text>`, num(w+4), num(y+fontSize+4+barHeight-3), ink, esc(c.value(s, i)))
	}
	b.WriteString(`</svg>`)
	return b.String()
}

// clamp keeps a fraction of the axis within [0, 1].
func clamp(f float64) float64 { return math.Max(0, math.Min(1, f)) }

// num writes a coordinate with at most two decimals.
func num(f float64) string { return strconv.FormatFloat(math.Round(f*100)/100, 'f', -1, 64) }

// esc escapes text for XML and HTML alike.
func esc(s string) string { return template.HTMLEscapeString(s) }
