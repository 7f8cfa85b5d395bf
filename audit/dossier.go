package audit

import (
	"context"
	"encoding/json"

	"github.com/motcua/motcua/clientip"
	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/event"
	"github.com/motcua/motcua/store"
)

// Subscribe registers the log as a listener of the events it records
// (dossier.Transitioned, event.Security) on bus, at wiring time.
func (l *Log) Subscribe(bus *event.Bus) {
	event.Subscribe(bus, "audit", l.DossierTransitioned)
	event.Subscribe(bus, "audit", l.Security)
}

// transitionDetails is what a dossier entry's Details holds.
type transitionDetails struct {
	Note     string `json:"note,omitempty"`
	Step     int    `json:"step"`
	ToUnitID int64  `json:"to_unit_id"`
}

// DossierTransitioned records one change of a dossier's state, at the unit
// the actor acted at (the receiving unit for a new dossier), from the
// request's address (package clientip).
func (l *Log) DossierTransitioned(ctx context.Context, tx *store.Tx, e dossier.Transitioned) error {
	d := e.Dossier
	unitID := e.FromUnitID
	if unitID == 0 {
		unitID = d.UnitID()
	}
	details, err := json.Marshal(transitionDetails{Note: e.Note, Step: d.Step, ToUnitID: d.UnitID()})
	if err != nil {
		return err
	}
	return l.Record(ctx, tx, Entry{At: e.At, ActorID: e.ActorID, ActorName: e.ActorName, ActorRole: e.ActorRole, UnitID: unitID,
		Action: string(e.Action), Object: "dossier:" + d.Code, From: string(e.From), To: string(d.Status), Details: string(details),
		ClientAddr: clientip.String(ctx), HistoryTable: "dossier_events", HistoryID: e.EventID, HistoryHash: e.EventDigest})
}

// Security records a security-relevant act published by any module,
// taking the client address from ctx when the publisher did not set it.
func (l *Log) Security(ctx context.Context, tx *store.Tx, e event.Security) error {
	if e.ClientAddr == "" {
		e.ClientAddr = clientip.String(ctx)
	}
	return l.Record(ctx, tx, Entry{At: e.At, ActorID: e.ActorID, ActorName: e.ActorName, ActorRole: e.ActorRole, UnitID: e.UnitID,
		Action: e.Action, Object: e.Object, Details: e.Details, ClientAddr: e.ClientAddr,
		HistoryTable: e.HistoryTable, HistoryID: e.HistoryID, HistoryHash: e.HistoryHash})
}
