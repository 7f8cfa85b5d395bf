package dossier

import "testing"

// TestCoordinationRows pins the coordination rows of the lifecycle table
// (issue 10): only the holder of the current processing step asks a
// partner agency or records its answer, in writing, and the dossier stays
// in processing at its step. None existed on the old code.
func TestCoordinationRows(t *testing.T) {
	for _, action := range []Action{Consult, RecordAnswer} {
		roles := map[string]bool{}
		for _, r := range RulesFor(Processing, action) {
			if r.To != Processing || r.Move != Stay || !r.OnStep || !r.NeedsNote || r.AtReceiving {
				t.Errorf("%s: rule %+v, want Processing → Processing on the step, with a note", action, r)
			}
			roles[r.Role] = true
		}
		if !roles["specialist"] || !roles["leader"] || !roles["clerk"] || len(roles) != 3 {
			t.Errorf("%s: roles %v, want the processing roles", action, roles)
		}
		for _, s := range States {
			if s != Processing && len(RulesFor(s, action)) > 0 {
				t.Errorf("%s allowed in %s", action, s)
			}
		}
	}
}
