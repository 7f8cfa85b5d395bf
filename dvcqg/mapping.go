package dvcqg

import (
	_ "embed"
	"encoding/json"
	"fmt"

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
func DefaultMapping() (*Mapping, error) {
	var m Mapping
	if err := json.Unmarshal(mappingJSON, &m); err != nil {
		return nil, fmt.Errorf("dvcqg: mapping.json: %w", err)
	}
	for _, s := range dossier.States {
		if c := m.States[s]; c < 1 || c > 10 {
			return nil, fmt.Errorf("dvcqg: mapping.json: state %s has no portal code 1..10", s)
		}
	}
	if m.Services.PushRecord == "" || m.Services.PushStep == "" || m.Services.Lookup == "" || m.Services.ListFiled == "" {
		return nil, fmt.Errorf("dvcqg: mapping.json: a service name is missing")
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
