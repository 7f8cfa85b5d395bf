package typeset

import (
	"embed"
	"fmt"
	"sync"

	"github.com/signintech/gopdf"
)

// The prescribed face is Times New Roman (Decree 30/2020, Appendix I);
// Liberation Serif has the same metrics, covers Vietnamese and may be
// embedded (SIL OFL 1.1, fonts/LICENSE). The files ship in the binary, once
// for every renderer, so a server needs no fonts installed.
//
//go:embed fonts/LiberationSerif-Regular.ttf fonts/LiberationSerif-Bold.ttf fonts/LiberationSerif-Italic.ttf fonts/LiberationSerif-BoldItalic.ttf
var fontFiles embed.FS

// Style is a face of the family.
type Style int

const (
	Regular Style = iota
	Bold
	Italic
	BoldItalic
)

// faces are the embedded font names, indexed by style. The six-letter
// prefix is the subset tag PDF (and PDF/A) expects on a subsetted font;
// gopdf writes the family name as the BaseFont verbatim.
var faces = [...]struct{ family, file string }{
	Regular:    {"MCTAAA+LiberationSerif", "fonts/LiberationSerif-Regular.ttf"},
	Bold:       {"MCTAAB+LiberationSerif-Bold", "fonts/LiberationSerif-Bold.ttf"},
	Italic:     {"MCTAAC+LiberationSerif-Italic", "fonts/LiberationSerif-Italic.ttf"},
	BoldItalic: {"MCTAAD+LiberationSerif-BoldItalic", "fonts/LiberationSerif-BoldItalic.ttf"},
}

// Font is the embedded Liberation Serif in style st, for what draws text
// outside this package (package sign's signature appearances).
func Font(st Style) ([]byte, error) {
	if st < Regular || st > BoldItalic {
		return nil, fmt.Errorf("typeset: no font style %d", st)
	}
	return fontFiles.ReadFile(faces[st].file)
}

// Fonts holds the parsed fonts. Parsing a TTF costs milliseconds, so it is
// done once a process; every document takes its own subset of the shared
// parse (gopdf only reads the container when it embeds a face).
type Fonts struct{ c gopdf.FontContainer }

// LoadFonts parses the four faces on its first call and returns the same
// set after.
var LoadFonts = sync.OnceValues(func() (*Fonts, error) {
	fs := &Fonts{}
	for _, f := range faces {
		data, err := fontFiles.ReadFile(f.file)
		if err != nil {
			return nil, err
		}
		if err := fs.c.AddTTFFontData(f.family, data); err != nil {
			return nil, fmt.Errorf("typeset: font %s: %w", f.file, err)
		}
	}
	return fs, nil
})

// add embeds one face in a document, on its first use.
func (fs *Fonts) add(pdf *gopdf.GoPdf, st Style) error {
	if err := pdf.AddTTFFontFromFontContainer(faces[st].family, &fs.c); err != nil {
		return fmt.Errorf("typeset: font %s: %w", faces[st].family, err)
	}
	return nil
}
