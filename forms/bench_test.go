package forms

import (
	"testing"
)

// BenchmarkReceipt lays out Mẫu 01 for the sample dossier (fonts parsed
// once, as the service does), beside a baseline in the same run: a
// one-page PDF with one line in the same embedded font, which is the fixed
// cost of any document (font subsetting, compression, writing). Signing
// (package sign) comes on top. Reports documents per second.
//
//	go test -run '^$' -bench Receipt -benchtime 2s ./forms/
func BenchmarkReceipt(b *testing.B) {
	s := testService(b)
	sh := sampleSheet(b)
	b.Run("baseline", func(b *testing.B) {
		size := 0
		for b.Loop() {
			d := newDoc(s.fonts, false, meta{Title: "x"})
			d.Font(regular, 13)
			d.Text(d.M.Left, d.Baseline(d.Y), "Bộ phận Một cửa")
			out, err := d.finish()
			if err != nil {
				b.Fatal(err)
			}
			size = len(out.pdf)
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "docs/s")
		b.ReportMetric(float64(size), "bytes/doc")
	})
	b.Run("receipt", func(b *testing.B) {
		size := 0
		for b.Loop() {
			out, err := s.renderReceipt(sh, 15)
			if err != nil {
				b.Fatal(err)
			}
			size = len(out.pdf)
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "docs/s")
		b.ReportMetric(float64(size), "bytes/doc")
	})
}
