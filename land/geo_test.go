package land_test

import (
	"testing"

	"github.com/motcua/motcua/land"
)

// TestMergeRects: merged rectangles that fill their box without
// overlapping become that box; anything else has no geometry.
func TestMergeRects(t *testing.T) {
	tri := `{"type":"Polygon","coordinates":[[[0,0],[10,0],[0,10],[0,0]]]}`
	for _, c := range []struct {
		name  string
		in    []string
		want  string
		merge bool
	}{
		{"side by side", []string{land.Rect(0, 0, 20, 15), land.Rect(20, 0, 40, 15)}, land.Rect(0, 0, 40, 15), true},
		{"a block of four", []string{land.Rect(0, 0, 1, 1), land.Rect(1, 0, 2.5, 1), land.Rect(0, 1, 1, 2), land.Rect(1, 1, 2.5, 2)}, land.Rect(0, 0, 2.5, 2), true},
		{"apart", []string{land.Rect(0, 0, 10, 10), land.Rect(20, 0, 30, 10)}, "", false},
		{"an L", []string{land.Rect(0, 0, 10, 10), land.Rect(10, 0, 20, 5)}, "", false},
		{"overlapping, area adds up", []string{land.Rect(0, 0, 10, 10), land.Rect(5, 0, 15, 10), land.Rect(10, 0, 15, 10)}, "", false},
		{"not a rectangle", []string{land.Rect(0, 0, 10, 10), tri}, "", false},
		{"no geometry", []string{land.Rect(0, 0, 10, 10), ""}, "", false},
		{"one parcel", []string{land.Rect(0, 0, 10, 10)}, "", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, ok := land.MergeRects(c.in)
			if ok != c.merge || got != c.want {
				t.Fatalf("MergeRects = %q, %v; want %q, %v", got, ok, c.want, c.merge)
			}
		})
	}
}
