package forms

import (
	"embed"
	"fmt"

	"github.com/signintech/gopdf"
)

// The prescribed face is Times New Roman (Decree 30/2020, Appendix I);
// Liberation Serif has the same metrics, covers Vietnamese and may be
// embedded (SIL OFL 1.1, fonts/LICENSE). The files ship in the binary so a
// server needs no fonts installed.
//
//go:embed fonts/LiberationSerif-Regular.ttf fonts/LiberationSerif-Bold.ttf fonts/LiberationSerif-Italic.ttf fonts/LiberationSerif-BoldItalic.ttf
var fontFiles embed.FS

// style is a face of the family.
type style int

const (
	regular style = iota
	bold
	italic
	boldItalic
)

// faces are the embedded font names, indexed by style. The six-letter
// prefix is the subset tag PDF (and PDF/A) expects on a subsetted font;
// gopdf writes the family name as the BaseFont verbatim.
var faces = [...]struct{ family, file string }{
	regular:    {"MCTAAA+LiberationSerif", "fonts/LiberationSerif-Regular.ttf"},
	bold:       {"MCTAAB+LiberationSerif-Bold", "fonts/LiberationSerif-Bold.ttf"},
	italic:     {"MCTAAC+LiberationSerif-Italic", "fonts/LiberationSerif-Italic.ttf"},
	boldItalic: {"MCTAAD+LiberationSerif-BoldItalic", "fonts/LiberationSerif-BoldItalic.ttf"},
}

// fontSet holds the parsed fonts. Parsing a TTF costs milliseconds, so it
// is done once; every document takes its own subset of the shared parse.
type fontSet struct{ c gopdf.FontContainer }

func loadFonts() (*fontSet, error) {
	fs := &fontSet{}
	for _, f := range faces {
		data, err := fontFiles.ReadFile(f.file)
		if err != nil {
			return nil, err
		}
		if err := fs.c.AddTTFFontData(f.family, data); err != nil {
			return nil, fmt.Errorf("forms: font %s: %w", f.file, err)
		}
	}
	return fs, nil
}

// add embeds one face in a document, on its first use.
func (fs *fontSet) add(pdf *gopdf.GoPdf, st style) error {
	if err := pdf.AddTTFFontFromFontContainer(faces[st].family, &fs.c); err != nil {
		return fmt.Errorf("forms: font %s: %w", faces[st].family, err)
	}
	return nil
}
