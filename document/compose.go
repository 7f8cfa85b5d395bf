package document

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/document/layout"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/sign"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/unit"
)

// Compose is a draft version written as text instead of uploaded as a
// PDF: document/layout sets it in the Decree 30 form, with the document's
// organ, type, subject and symbol, the number and the day left blank (the
// clerk numbers it at issue, and the seal carries the number). The text is
// kept with the version, so the next version starts from it.
type Compose struct {
	// Place is the place name of the date line ("Nho Quan, ngày …").
	Place string `json:"place"`
	// Addressees are an official letter's "Kính gửi:"; other types have none.
	Addressees []string `json:"addressees,omitempty"`
	// Body holds the paragraphs; one wholly in capitals ending in ":"
	// ("QUYẾT ĐỊNH:") is set as a centred heading.
	Body []string `json:"body"`
	// Recipients are the lines of "Nơi nhận:"; Filing who keeps the copies
	// ("VT, VP": "- Lưu: VT, VP.").
	Recipients []string `json:"recipients,omitempty"`
	Filing     string   `json:"filing,omitempty"`
	// Competence is the authority above the position ("TM. ỦY BAN NHÂN
	// DÂN", or two lines "TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH"); empty when
	// the head signs in their own name. Position ("CHỦ TỊCH") and
	// SignerName are who signs: the leader who approves must be that person.
	Competence string `json:"competence,omitempty"`
	Position   string `json:"position"`
	SignerName string `json:"signer_name"`
}

// Bounds of a composed text: a long decision fits, a pasted book does not.
const (
	maxComposeText  = 50000 // characters in all
	maxComposeLines = 500   // paragraphs, addressees and recipients each
)

// check trims c and refuses what the layout cannot set.
func (c *Compose) check() error {
	clean := func(lines []string) []string {
		var out []string
		for _, l := range lines {
			if l = strings.TrimSpace(l); l != "" {
				out = append(out, l)
			}
		}
		return out
	}
	c.Place, c.Filing = strings.TrimSpace(c.Place), strings.TrimSpace(c.Filing)
	c.Position, c.SignerName = strings.TrimSpace(c.Position), strings.TrimSpace(c.SignerName)
	c.Competence = strings.Join(clean(strings.Split(c.Competence, "\n")), "\n")
	c.Body, c.Addressees, c.Recipients = clean(c.Body), clean(c.Addressees), clean(c.Recipients)
	total := 0
	for _, s := range [][]string{c.Body, c.Addressees, c.Recipients, {c.Place, c.Filing, c.Competence, c.Position, c.SignerName}} {
		if len(s) > maxComposeLines {
			return problem.Invalid("compose", "document_too_many", maxComposeLines)
		}
		for _, l := range s {
			total += utf8.RuneCountInString(l)
		}
	}
	switch {
	case total > maxComposeText:
		return problem.Invalid("compose", "document_text_too_long", maxComposeText)
	case c.Place == "":
		return problem.Invalid("compose.place", "document_compose_place")
	case len(c.Body) == 0:
		return problem.Invalid("compose.body", "document_compose_body")
	case c.Position == "" || c.SignerName == "":
		return problem.Invalid("compose.signer_name", "document_compose_signer")
	}
	return nil
}

// fileOrCompose checks that a version is a file or a text, not both; need
// says one is required (a new version; a new draft may have neither).
func (s *Service) fileOrCompose(f *FileInput, c *Compose, need bool) error {
	if f != nil && c != nil {
		return problem.Invalid("compose", "document_file_or_compose")
	}
	if c != nil {
		return c.check()
	}
	return s.checkFile(f, need)
}

// render lays out c as a version of document d: the organ (under its
// parent's name when it is an agency), the type and subject, the symbol
// of d's register, the number and day blank, the year of now.
func (s *Service) render(ctx context.Context, q store.Querier, d *row, c Compose) (*layout.Rendered, error) {
	codes, err := s.units.Codes(ctx, q, []int64{d.unitID})
	if err != nil {
		return nil, err
	}
	organ, err := s.units.ByCode(ctx, codes[d.unitID])
	if err != nil {
		return nil, err
	}
	var parent string
	if organ.Kind == unit.Agency && organ.ParentCode != "" {
		if p, err := s.units.ByCode(ctx, organ.ParentCode); err == nil {
			parent = p.Name
		}
	}
	var issuer string
	if err := q.QueryRowContext(ctx, `SELECT issuer FROM document_registers WHERE id = ?`, d.registerID).Scan(&issuer); err != nil {
		return nil, err
	}
	t, _ := TypeOf(d.Type)
	doc := layout.Document{
		Issuer:     layout.Issuer{Parent: parent, Name: organ.Name, Abbrev: issuer},
		Place:      c.Place,
		Date:       s.cfg.Now(),
		Unnumbered: true,
		Symbol:     Notation(t, issuer, d.Field),
		Subject:    d.Subject,
		Body:       c.Body,
		Signer:     layout.Signer{Competence: c.Competence, Position: c.Position, FullName: c.SignerName},
		Recipients: c.Recipients,
		Filing:     c.Filing,
	}
	if t.Abbr != "" {
		// Appendix III's "Quyết định (cá biệt)" is headed "QUYẾT ĐỊNH".
		doc.TypeName = strings.TrimSuffix(t.Name, " (cá biệt)")
	} else {
		doc.Addressees = c.Addressees
	}
	return layout.Render(doc)
}

// addComposed renders c and stores it as d's next version with its text
// and the signature's spot.
func (s *Service) addComposed(ctx context.Context, tx *store.Tx, a *auth.Actor, d *row, c Compose, note string) error {
	r, err := s.render(ctx, tx, d, c)
	if err != nil {
		return err
	}
	text, err := json.Marshal(c)
	if err != nil {
		return err
	}
	spot, err := json.Marshal(r.Signature)
	if err != nil {
		return err
	}
	fid, err := s.addFile(ctx, tx, a, d.ID, FileDraft, &FileInput{Name: "du-thao.pdf", ContentType: "application/pdf", Content: r.PDF})
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO document_versions (document_id, n, file_id, note, by_id, at, compose, spot)
		VALUES (?, (SELECT COALESCE(MAX(n), 0) + 1 FROM document_versions WHERE document_id = ?), ?, ?, ?, ?, ?, ?)`,
		d.ID, d.ID, fid, note, actorID(a), s.cfg.Now().UnixMilli(), string(text), string(spot))
	return err
}

// composed is the text and signature spot of document id's latest
// version; nil when that version was uploaded (or there is none).
func composed(ctx context.Context, q store.Querier, id int64) (*Compose, *layout.Spot, error) {
	var text, spot string
	err := q.QueryRowContext(ctx, `SELECT compose, spot FROM document_versions WHERE document_id = ?
		ORDER BY n DESC LIMIT 1`, id).Scan(&text, &spot)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && text == "") {
		return nil, nil, nil // no version, or an uploaded one
	}
	if err != nil {
		return nil, nil, err
	}
	var c Compose
	var sp layout.Spot
	if err := json.Unmarshal([]byte(text), &c); err != nil {
		return nil, nil, err
	}
	if err := json.Unmarshal([]byte(spot), &sp); err != nil {
		return nil, nil, err
	}
	return &c, &sp, nil
}

// sameName compares names as people write them: Unicode forms, case and
// spacing aside.
func sameName(a, b string) bool {
	f := func(s string) string { return strings.ToLower(strings.Join(strings.Fields(norm.NFC.String(s)), " ")) }
	return f(a) == f(b)
}

// personalAppearance is the leader's signature on the latest version of
// d: for a composed version the layout's blank between the position and
// the name (the layout printed both; the leader must be the person it
// names), otherwise sign's own block with the leader's title and name.
func (s *Service) personalAppearance(ctx context.Context, q store.Querier, a *auth.Actor, d *row, image []byte) (sign.Appearance, error) {
	c, spot, err := composed(ctx, q, d.ID)
	if err != nil {
		return sign.Appearance{}, err
	}
	if c == nil {
		return sign.Appearance{Kind: sign.Personal, Title: a.Title, Name: a.FullName, Image: image, Font: s.cfg.Font, BoldFont: s.cfg.BoldFont}, nil
	}
	return spot.Personal(image)
}

// composedSigner checks that the leader approving d is the signer its
// composed version names, and returns the signer as printed; ok is false
// for an uploaded version.
func composedSigner(ctx context.Context, q store.Querier, a *auth.Actor, d *row) (Signer, bool, error) {
	c, _, err := composed(ctx, q, d.ID)
	if err != nil || c == nil {
		return Signer{}, false, err
	}
	if !sameName(c.SignerName, a.FullName) {
		return Signer{}, false, problem.New(problem.ErrState, "document_signer_mismatch", c.SignerName)
	}
	return Signer{Position: c.Position, FullName: a.FullName}, true, nil
}

// sealAppearance is the organisation's seal with its image on d's issued
// file: for a composed version in the layout's seal place (over the left
// third of the leader's signature image on the spot's page, or in the
// blank itself when the leader signed nothing); nil for an uploaded one.
func sealAppearance(ctx context.Context, q store.Querier, d *row, image []byte, leaderSigned bool) (*sign.Appearance, error) {
	c, spot, err := composed(ctx, q, d.ID)
	if err != nil || c == nil {
		return nil, err
	}
	app := spot.Seal(image)
	if !leaderSigned {
		r := spot.Rect()
		app.Rect = &r
	}
	return &app, nil
}
