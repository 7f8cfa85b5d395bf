package dvcqg

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"os"

	"github.com/motcua/motcua/dossier"
)

// mappingJSON is the one place motcua's words meet the portal's codes,
// with the list of what is assumed ([M] in the domain notes).
//
//go:embed mapping.json
var mappingJSON []byte

// Mapping turns motcua's states and actions into the portal's codes.
type Mapping struct {
	States       map[dossier.State]int  `json:"states"`
	Actions      map[dossier.Action]int `json:"actions"`
	Delivery     map[string]int         `json:"delivery"`
	DeliveryText map[string]string      `json:"delivery_text"`
	Services     struct {
		PushRecord string `json:"push_record"`
		PushStep   string `json:"push_step"`
		Lookup     string `json:"lookup"`
		ListFiled  string `json:"list_filed"`
	} `json:"services"`
	Assumed []struct {
		Field string `json:"field"`
		Note  string `json:"note"`
	} `json:"assumed"`
}

// DefaultMapping is the embedded mapping.json. It fails only if the file
// shipped is broken, which a test checks.
func DefaultMapping() (*Mapping, error) { return parseMapping("mapping.json", mappingJSON) }

// LoadMapping reads an operator's copy of mapping.json (motcua serve
// --dvcqg-mapping), for when the province confirms other codes than the
// ones assumed: what it sets replaces the embedded file's entries, what it
// leaves out keeps them.
func LoadMapping(path string) (*Mapping, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("dvcqg: %w", err)
	}
	var base map[string]json.RawMessage
	if err := json.Unmarshal(mappingJSON, &base); err != nil {
		return nil, err
	}
	var over map[string]json.RawMessage
	if err := json.Unmarshal(b, &over); err != nil {
		return nil, fmt.Errorf("dvcqg: %s: %w", path, err)
	}
	for k, v := range over {
		if k == "states" || k == "actions" || k == "services" || k == "delivery" || k == "delivery_text" {
			merged, err := mergeObjects(base[k], v)
			if err != nil {
				return nil, fmt.Errorf("dvcqg: %s: %s: %w", path, k, err)
			}
			v = merged
		}
		base[k] = v
	}
	out, _ := json.Marshal(base)
	return parseMapping(path, out)
}

// mergeObjects is a with b's keys set over it.
func mergeObjects(a, b json.RawMessage) (json.RawMessage, error) {
	var x, y map[string]json.RawMessage
	if err := json.Unmarshal(a, &x); err != nil {
		return nil, err
	}
	if err := json.Unmarshal(b, &y); err != nil {
		return nil, err
	}
	for k, v := range y {
		x[k] = v
	}
	return json.Marshal(x)
}

func parseMapping(name string, b []byte) (*Mapping, error) {
	var m Mapping
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("dvcqg: %s: %w", name, err)
	}
	for _, s := range dossier.States {
		if c := m.States[s]; c < 1 || c > 10 {
			return nil, fmt.Errorf("dvcqg: %s: state %s has no portal code 1..10", name, s)
		}
	}
	for a, c := range m.Actions {
		if c < 1 || c > 10 {
			return nil, fmt.Errorf("dvcqg: %s: action %s has no portal code 1..10", name, a)
		}
	}
	if m.Services.PushRecord == "" || m.Services.PushStep == "" || m.Services.Lookup == "" || m.Services.ListFiled == "" {
		return nil, fmt.Errorf("dvcqg: %s: a service name is missing", name)
	}
	return &m, nil
}

// Status is the portal's code for a dossier after action: the action's
// own code when it has one (a reception reports "received"), else its
// state's (a refusal during processing leaves a result, not granted, so
// it is reported as finished).
func (m *Mapping) Status(d *dossier.Dossier, action dossier.Action) int {
	if c, ok := m.Actions[action]; ok {
		return c
	}
	return m.States[d.Status]
}
