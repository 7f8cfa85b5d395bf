package land

import (
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"math"
	"strings"
)

// Box is a bounding box in centimetres of the VN-2000 plane.
type Box struct{ MinX, MinY, MaxX, MaxY int64 }

// geometry is the part of a GeoJSON geometry the registry reads: a
// Polygon or a MultiPolygon of planar coordinates in metres.
type geometry struct {
	Type        string          `json:"type"`
	Coordinates json.RawMessage `json:"coordinates"`
}

// rings returns the polygons of a geometry, each its rings (the first the
// outer boundary), each ring its points.
func rings(raw string) ([][][][2]float64, error) {
	var g geometry
	if err := json.Unmarshal([]byte(raw), &g); err != nil {
		return nil, errors.New("land: geometry is not GeoJSON")
	}
	var polys [][][][2]float64
	switch g.Type {
	case "Polygon":
		var p [][][2]float64
		if err := json.Unmarshal(g.Coordinates, &p); err != nil {
			return nil, errors.New("land: a Polygon's coordinates are rings of [x, y]")
		}
		polys = [][][][2]float64{p}
	case "MultiPolygon":
		if err := json.Unmarshal(g.Coordinates, &polys); err != nil {
			return nil, errors.New("land: a MultiPolygon's coordinates are polygons of rings of [x, y]")
		}
	default:
		return nil, fmt.Errorf("land: geometry type %q: a parcel is a Polygon or MultiPolygon", g.Type)
	}
	for _, p := range polys {
		if len(p) == 0 || len(p[0]) < 4 {
			return nil, errors.New("land: a polygon's ring needs at least four points (closed)")
		}
		for _, r := range p {
			for _, pt := range r {
				if math.IsNaN(pt[0]) || math.IsInf(pt[0], 0) || math.IsNaN(pt[1]) || math.IsInf(pt[1], 0) {
					return nil, errors.New("land: a coordinate is not a number")
				}
			}
		}
	}
	return polys, nil
}

// CheckGeometry validates a GeoJSON geometry and returns its bounding box
// and its planar area in dm² (outer rings less holes).
func CheckGeometry(raw string) (Box, int64, error) {
	polys, err := rings(raw)
	if err != nil {
		return Box{}, 0, err
	}
	b := Box{MinX: math.MaxInt64, MinY: math.MaxInt64, MaxX: math.MinInt64, MaxY: math.MinInt64}
	var area float64
	for _, p := range polys {
		for i, r := range p {
			a := math.Abs(shoelace(r))
			if i == 0 {
				area += a
			} else {
				area -= a
			}
			for _, pt := range r {
				x, y := int64(math.Round(pt[0]*100)), int64(math.Round(pt[1]*100))
				b.MinX, b.MaxX = min(b.MinX, x), max(b.MaxX, x)
				b.MinY, b.MaxY = min(b.MinY, y), max(b.MaxY, y)
			}
		}
	}
	return b, int64(math.Round(area * 100)), nil
}

func shoelace(r [][2]float64) float64 {
	var s float64
	for i := 0; i+1 < len(r); i++ {
		s += r[i][0]*r[i+1][1] - r[i+1][0]*r[i][1]
	}
	return s / 2
}

// Rect is the GeoJSON Polygon of an axis-aligned rectangle (metres).
func Rect(x0, y0, x1, y1 float64) string {
	return fmt.Sprintf(`{"type":"Polygon","coordinates":[[[%s,%s],[%s,%s],[%s,%s],[%s,%s],[%s,%s]]]}`,
		num(x0), num(y0), num(x1), num(y0), num(x1), num(y1), num(x0), num(y1), num(x0), num(y0))
}

func num(f float64) string {
	return strings.TrimRight(strings.TrimRight(fmt.Sprintf("%.2f", f), "0"), ".")
}

// SplitRect cuts a parcel whose geometry is an axis-aligned rectangle
// into strips across its longer side, in proportion to areas (dm²): the
// children's geometry when the measurement gives none. ok is false when
// the parent is not such a rectangle.
func SplitRect(raw string, areas []int64) (out []string, ok bool) {
	x0, y0, x1, y1, ok := rectOf(raw)
	if !ok {
		return nil, false
	}
	var total int64
	for _, a := range areas {
		total += a
	}
	if total <= 0 {
		return nil, false
	}
	wide := x1-x0 >= y1-y0
	at := x0
	if !wide {
		at = y0
	}
	var acc int64
	for i, a := range areas {
		acc += a
		end := x0 + (x1-x0)*float64(acc)/float64(total)
		if !wide {
			end = y0 + (y1-y0)*float64(acc)/float64(total)
		}
		if i == len(areas)-1 {
			end = x1
			if !wide {
				end = y1
			}
		}
		if wide {
			out = append(out, Rect(at, y0, end, y1))
		} else {
			out = append(out, Rect(x0, at, x1, end))
		}
		at = end
	}
	return out, true
}

// rectOf reads a geometry that is one axis-aligned rectangle.
func rectOf(raw string) (x0, y0, x1, y1 float64, ok bool) {
	polys, err := rings(raw)
	if err != nil || len(polys) != 1 || len(polys[0]) != 1 || len(polys[0][0]) != 5 {
		return 0, 0, 0, 0, false
	}
	r := polys[0][0]
	x0, y0, x1, y1 = r[0][0], r[0][1], r[0][0], r[0][1]
	for _, p := range r {
		x0, x1 = math.Min(x0, p[0]), math.Max(x1, p[0])
		y0, y1 = math.Min(y0, p[1]), math.Max(y1, p[1])
	}
	for _, p := range r { // every corner on the box: a rectangle
		if (p[0] != x0 && p[0] != x1) || (p[1] != y0 && p[1] != y1) {
			return 0, 0, 0, 0, false
		}
	}
	return x0, y0, x1, y1, x1 > x0 && y1 > y0
}

// MergeRects is the geometry of merged parcels when each is an
// axis-aligned rectangle and together, without overlapping, they fill
// their bounding box exactly: that box. ok is false otherwise (the merged
// parcel then has no geometry until it is drawn).
func MergeRects(raws []string) (string, bool) {
	type rect struct{ x0, y0, x1, y1 int64 } // centimetres, so areas add exactly
	cm := func(f float64) int64 { return int64(math.Round(f * 100)) }
	var rs []rect
	var sum int64
	box := rect{math.MaxInt64, math.MaxInt64, math.MinInt64, math.MinInt64}
	for _, raw := range raws {
		x0, y0, x1, y1, ok := rectOf(raw)
		if !ok {
			return "", false
		}
		r := rect{cm(x0), cm(y0), cm(x1), cm(y1)}
		for _, o := range rs {
			if r.x0 < o.x1 && o.x0 < r.x1 && r.y0 < o.y1 && o.y0 < r.y1 {
				return "", false // overlapping
			}
		}
		rs = append(rs, r)
		sum += (r.x1 - r.x0) * (r.y1 - r.y0)
		box = rect{min(box.x0, r.x0), min(box.y0, r.y0), max(box.x1, r.x1), max(box.y1, r.y1)}
	}
	if len(rs) < 2 || sum != (box.x1-box.x0)*(box.y1-box.y0) {
		return "", false
	}
	m := func(v int64) float64 { return float64(v) / 100 }
	return Rect(m(box.x0), m(box.y0), m(box.x1), m(box.y1)), true
}

// Map is a server-rendered SVG of a parcel among its neighbours: the
// parcel filled, the neighbours outlined and numbered, north up. No
// tiles: the registry's own geometry is all it shows.
type Map struct {
	SVG   template.HTML
	Empty bool
}

// RenderMap draws p and its neighbours in a width×height box; title is
// the SVG's accessible name.
func RenderMap(p *Parcel, neighbours []*Parcel, width, height int, title string) Map {
	if p.Geometry == "" {
		return Map{Empty: true}
	}
	all := append([]*Parcel{p}, neighbours...)
	b := p.Box
	for _, n := range neighbours {
		b.MinX, b.MinY = min(b.MinX, n.Box.MinX), min(b.MinY, n.Box.MinY)
		b.MaxX, b.MaxY = max(b.MaxX, n.Box.MaxX), max(b.MaxY, n.Box.MaxY)
	}
	spanX, spanY := float64(b.MaxX-b.MinX)/100, float64(b.MaxY-b.MinY)/100
	if spanX <= 0 || spanY <= 0 {
		return Map{Empty: true}
	}
	const pad = 10.0
	scale := math.Min((float64(width)-2*pad)/spanX, (float64(height)-2*pad)/spanY)
	tx := func(x float64) float64 { return pad + (x-float64(b.MinX)/100)*scale }
	ty := func(y float64) float64 { return float64(height) - pad - (y-float64(b.MinY)/100)*scale } // north up
	var sb strings.Builder
	// No width or height: the map takes its column's width, keeping its
	// proportions (a phone's screen is narrower than the drawing).
	fmt.Fprintf(&sb, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" role="img" aria-labelledby="map-title" class="land-map">`,
		width, height)
	fmt.Fprintf(&sb, `<title id="map-title">%s</title>`, template.HTMLEscapeString(title))
	for i, q := range all {
		polys, err := rings(q.Geometry)
		if err != nil {
			continue
		}
		fill, stroke := "#f4f4f4", "#555"
		if i == 0 {
			fill, stroke = "#ffe08a", "#7a4b00"
		}
		sb.WriteString(`<path fill-rule="evenodd" fill="` + fill + `" stroke="` + stroke + `" stroke-width="1.5" d="`)
		var cx, cy float64
		var n int
		for _, poly := range polys {
			for _, r := range poly {
				for j, pt := range r {
					op := "L"
					if j == 0 {
						op = "M"
					}
					fmt.Fprintf(&sb, "%s%.1f %.1f ", op, tx(pt[0]), ty(pt[1]))
					if j+1 < len(r) {
						cx, cy, n = cx+pt[0], cy+pt[1], n+1
					}
				}
				sb.WriteString("Z ")
			}
		}
		sb.WriteString(`"/>`)
		if n > 0 {
			fmt.Fprintf(&sb, `<text x="%.1f" y="%.1f" text-anchor="middle" font-size="12" fill="#111">%s</text>`,
				tx(cx/float64(n)), ty(cy/float64(n)), template.HTMLEscapeString(q.Number))
		}
	}
	sb.WriteString(`</svg>`)
	return Map{SVG: template.HTML(sb.String())}
}
