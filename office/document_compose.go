package office

import (
	"net/url"
	"strings"

	"github.com/motcua/motcua/document"
)

// The compose part of the new-draft and add-version forms: instead of a
// PDF the drafter types the text, which document/layout sets in the
// Decree 30 form. Without JavaScript both parts are on the form and a
// radio says which one counts; the compose textareas take one paragraph
// (or addressee, or "Nơi nhận" line) per line.

// composeFields are the form's compose inputs, kept as typed.
var composeFields = []string{"compose_mode", "compose_place", "compose_addressees", "compose_body", "compose_recipients",
	"compose_filing", "compose_competence", "compose_position", "compose_signer"}

// Compose modes of the forms.
const (
	modeFile    = "file"
	modeCompose = "compose"
)

// composeValues reads the compose inputs of form f.
func composeValues(f url.Values) map[string]string {
	v := map[string]string{}
	for _, k := range composeFields {
		v[k] = f.Get(k)
	}
	return v
}

// composeInput is the text the form composed, nil when it uploads a file.
func composeInput(v map[string]string) *document.Compose {
	if v["compose_mode"] != modeCompose {
		return nil
	}
	return &document.Compose{Place: v["compose_place"], Addressees: lines(v["compose_addressees"]), Body: lines(v["compose_body"]),
		Recipients: lines(v["compose_recipients"]), Filing: v["compose_filing"], Competence: v["compose_competence"],
		Position: v["compose_position"], SignerName: v["compose_signer"]}
}

// composeFrom fills the compose inputs from a version's text, to edit
// the next version from it.
func composeFrom(c *document.Compose) map[string]string {
	if c == nil {
		return map[string]string{"compose_mode": modeFile}
	}
	return map[string]string{"compose_mode": modeCompose, "compose_place": c.Place, "compose_addressees": strings.Join(c.Addressees, "\n"),
		"compose_body": strings.Join(c.Body, "\n"), "compose_recipients": strings.Join(c.Recipients, "\n"), "compose_filing": c.Filing,
		"compose_competence": c.Competence, "compose_position": c.Position, "compose_signer": c.SignerName}
}

// lines are the non-blank lines of a textarea.
func lines(s string) []string {
	var out []string
	for l := range strings.SplitSeq(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}
