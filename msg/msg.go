// Package msg owns motcua's words: the message catalogs (Vietnamese, the
// default, and English, with the same keys) and the lookup that turns a
// problem.Error, a dossier state or an action into a sentence. Services
// return codes and parameters; the edges (pages, API, PDFs, CLI,
// notifications) ask this package for the words. It imports only problem,
// so every edge can use it without a cycle.
//
// Keys: "err.<code>" or "err.<code>.<variant>" for errors (see
// problem.Error), "state.<state>" and "action.<action>" for the dossier
// lifecycle, "role.<role>" and "payment.state.<state>" for parameters.
package msg

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"maps"
	"sort"
	"sync"

	"github.com/motcua/motcua/problem"
)

// Languages motcua renders; Vietnamese is the default.
var Languages = []string{"vi", "en"}

//go:embed messages.*.json
var files embed.FS

// Catalog holds the messages of every language, key → text. A test checks
// that both languages have exactly the same keys.
type Catalog struct {
	msgs map[string]map[string]string
}

// Load reads messages.<lang>.json for every language at the root of fsys.
func Load(fsys fs.FS) (*Catalog, error) {
	c := &Catalog{msgs: map[string]map[string]string{}}
	for _, lang := range Languages {
		b, err := fs.ReadFile(fsys, "messages."+lang+".json")
		if err != nil {
			return nil, err
		}
		m := map[string]string{}
		if err := json.Unmarshal(b, &m); err != nil {
			return nil, fmt.Errorf("msg: messages.%s.json: %w", lang, err)
		}
		c.msgs[lang] = m
	}
	return c, nil
}

// base parses the embedded catalog once: it is read-only data compiled into
// the binary, so sharing it is no more a global than a constant table.
var base = sync.OnceValue(func() *Catalog {
	c, err := Load(files)
	if err != nil {
		panic(err) // the embedded files are checked by this package's tests
	}
	return c
})

// Default returns the shared catalogs of errors, states and actions. It
// must not be modified: Clone it to Merge page catalogs in.
func Default() *Catalog { return base() }

// Clone returns a copy that can be merged into.
func (c *Catalog) Clone() *Catalog {
	o := &Catalog{msgs: map[string]map[string]string{}}
	for lang, m := range c.msgs {
		o.msgs[lang] = maps.Clone(m)
	}
	return o
}

// Merge adds another package's catalog; a key defined twice is an error.
func (c *Catalog) Merge(o *Catalog) error {
	for lang, m := range o.msgs {
		for k, v := range m {
			if _, dup := c.msgs[lang][k]; dup {
				return fmt.Errorf("msg: message key %q defined twice", k)
			}
			c.msgs[lang][k] = v
		}
	}
	return nil
}

// T returns the message for key in lang, formatted with args (a
// problem.Key among them is looked up first). A missing key shows itself,
// so a gap is visible rather than blank (tests forbid it).
func (c *Catalog) T(lang, key string, args ...any) string {
	s, ok := c.msgs[lang][key]
	if !ok {
		s, ok = c.msgs["vi"][key]
	}
	if !ok {
		return key
	}
	if len(args) == 0 {
		return s
	}
	for i, a := range args {
		if k, ok := a.(problem.Key); ok {
			if i == 0 {
				args = append([]any(nil), args...)
			}
			args[i] = c.T(lang, string(k))
		}
	}
	return fmt.Sprintf(s, args...)
}

// Error is err's public sentence in lang: its catalog entry formatted with
// its parameters. An error without a public face reads as "internal".
func (c *Catalog) Error(lang string, err error) string {
	pe := problem.Public(err)
	key := pe.MessageKey()
	if !c.Has(lang, key) && !c.Has("vi", key) {
		key = "err." + pe.Code // a variant without its own sentence
	}
	return c.T(lang, key, pe.Params...)
}

// Keys lists a language's keys, sorted (for tests).
func (c *Catalog) Keys(lang string) []string {
	var out []string
	for k := range c.msgs[lang] {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Has reports whether key exists in lang.
func (c *Catalog) Has(lang, key string) bool {
	_, ok := c.msgs[lang][key]
	return ok
}

// Vi is err in Vietnamese, for the API's default message and the CLI.
func Vi(err error) string { return Default().Error("vi", err) }

// State is the Vietnamese name of a dossier state, for documents that are
// Vietnamese only (API status_name, PDF forms).
func State(s string) string { return Name("state.", s) }

// Action is the Vietnamese name of a dossier action (see State).
func Action(a string) string { return Name("action.", a) }

// Name is the Vietnamese name of an enumeration value, the catalog's
// prefix+value; a value the catalog does not know names itself.
func Name(prefix, value string) string {
	if c := Default(); c.Has("vi", prefix+value) {
		return c.T("vi", prefix+value)
	}
	return value
}
