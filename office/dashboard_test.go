package office

import (
	"reflect"
	"strings"
	"testing"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/dossier"
)

// TestDashboardCounts: the dashboard asks the dossier service to count over
// the units the officer may see, in the bands' due-time ranges, and shows
// each count in its tile.
func TestDashboardCounts(t *testing.T) {
	w := newWorld(t, dossiers(1)...)
	w.as = receptionist
	code, _, body := w.do(t, "GET", "/can-bo", nil)
	if code != 200 {
		t.Fatalf("status %d", code)
	}
	// A receptionist reads their own unit's dossiers only (auth.Scopes).
	if want := (dossier.Scope{Units: []int64{2}, CreatedBy: 10}); !reflect.DeepEqual(w.dossiers.scopes, []dossier.Scope{want}) {
		t.Errorf("Tally scopes %+v, want %+v", w.dossiers.scopes, want)
	}
	e := w.dossiers.BandEdges()
	wantRanges := []dossier.DueRange{{To: e.Now}, {From: e.Now, To: e.Day}, {From: e.Day, To: e.Soon}, {From: e.Soon}, {From: e.Now, To: e.Midnight}, {Paused: true}}
	if !reflect.DeepEqual(w.dossiers.ranges[0], wantRanges) {
		t.Errorf("Tally ranges %+v\nwant %+v", w.dossiers.ranges[0], wantRanges)
	}
	// The fake counts 1 overdue, 2 within a day, 3 within three days, 4
	// later, 5 due today, and 2 waiting for a supplement besides 3 whose
	// clock an officer paused (issue 10): 5 paused.
	for id, n := range map[string]string{"n-overdue": "1", "n-day": "2", "n-soon": "3", "n-ok": "4", "n-today": "5", "n-paused": "5"} {
		if !strings.Contains(body, `id="`+id+`">`+n+`<`) {
			t.Errorf("tile %s does not show %s", id, n)
		}
	}
}

// TestDashboardSupervisor: a supervisor counts over their unit and every
// unit below it.
func TestDashboardSupervisor(t *testing.T) {
	w := newWorld(t, dossiers(1)...)
	w.as = &auth.Actor{User: auth.User{ID: 12, Username: "tra", Kind: "officer"},
		Grants: []auth.Grant{{UnitID: 2, UnitCode: "X01", Role: auth.Supervisor}}}
	if code, _, _ := w.do(t, "GET", "/can-bo", nil); code != 200 {
		t.Fatalf("status %d", code)
	}
	if want := (dossier.Scope{Units: []int64{2, 4}, CreatedBy: 12}); !reflect.DeepEqual(w.dossiers.scopes, []dossier.Scope{want}) {
		t.Errorf("Tally scopes %+v, want %+v", w.dossiers.scopes, want)
	}
}

// TestQueueMatch: an officer's queue is the desk of the units they receive
// at, the open steps whose role they hold there, and what is assigned to
// them.
func TestQueueMatch(t *testing.T) {
	both := &auth.Actor{User: auth.User{ID: 12, Username: "lan", Kind: "officer"}, Grants: []auth.Grant{
		{UnitID: 2, UnitCode: "X01", Role: auth.Reception}, {UnitID: 3, UnitCode: "X02", Role: auth.Specialist},
		{UnitID: 1, UnitCode: "H01", Role: "admin"},
	}}
	steps := []dossier.StepAt{
		{Unit: 3, Procedure: "1.001193", Version: 1, Step: 1, Role: auth.Specialist}, // hers
		{Unit: 3, Procedure: "1.001193", Version: 1, Step: 2, Role: auth.Leader},     // her leader's
		{Unit: 2, Procedure: "1.001193", Version: 1, Step: 1, Role: auth.Specialist}, // not her role at X01
		{Unit: 3, Procedure: "1.000656", Version: 2, Step: 9, Role: ""},              // past the last step
	}
	w := newWorld(t, dossiers(1)...)
	w.dossiers.steps = steps
	w.as = both
	code, _, body := w.do(t, "GET", "/can-bo", nil)
	if code != 200 {
		t.Fatalf("status %d", code)
	}
	if want := [][]int64{{2, 3}}; !reflect.DeepEqual(w.dossiers.stepsAt, want) {
		t.Errorf("OpenSteps asked at %v, want %v (the units she works at, not where she administers)", w.dossiers.stepsAt, want)
	}
	want := dossier.Match{AtDesk: []int64{2}, AtStep: steps[:1], AssignedTo: 12}
	if !reflect.DeepEqual(w.dossiers.matches, []dossier.Match{want}) {
		t.Errorf("Find got %+v\nwant %+v", w.dossiers.matches, want)
	}
	if !strings.Contains(body, `href="/can-bo/ho-so/H001"`) {
		t.Error("the queue does not list what Find returned")
	}
}
