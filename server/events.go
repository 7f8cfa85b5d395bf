package server

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/motcua/motcua/audit"
	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/document"
	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/dvcqg"
	"github.com/motcua/motcua/esign"
	"github.com/motcua/motcua/event"
	"github.com/motcua/motcua/forms"
	"github.com/motcua/motcua/notify"
	"github.com/motcua/motcua/sohoa"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/unit"
	"github.com/motcua/motcua/webhook"
)

// subscribeUnitMerged lets the owners of what a merged unit held move it
// to the successor, in the merge's transaction: open dossiers (closed ones
// keep the unit that handled them) and officers' roles.
func subscribeUnitMerged(bus *event.Bus) {
	event.Subscribe(bus, "dossier.MoveUnit", func(ctx context.Context, tx *store.Tx, e unit.Merged) error {
		return dossier.MoveUnit(ctx, tx, e.From, e.Into, e.Desk)
	})
	event.Subscribe(bus, "auth.MoveRoles", func(ctx context.Context, tx *store.Tx, e unit.Merged) error {
		return auth.MoveRoles(ctx, tx, e.From, e.Into, e.Desk)
	})
	// The successor's numbering registers continue from the merged unit's,
	// so no number repeats in the year.
	event.Subscribe(bus, "forms.ContinueRegisters", forms.OnMerged)
}

// subscribeUnitAbolished lets the owners of what an abolished unit held
// send it on: each open dossier to the unit the new chart makes competent
// for its step (dossier.Service.Reroute), the officers' roles to the
// successor named for them.
func subscribeUnitAbolished(bus *event.Bus, dossiers *dossier.Service) {
	event.Subscribe(bus, "dossier.Reroute", dossiers.Reroute)
	event.Subscribe(bus, "auth.MoveRoles", func(ctx context.Context, tx *store.Tx, e unit.Abolished) error {
		if e.Successor == 0 {
			return nil
		}
		return auth.MoveRoles(ctx, tx, e.ID, e.Successor, e.Desk)
	})
}

// subscribeDossierTransitioned registers the listeners of the dossier
// lifecycle, in call order: the notifications it sends, then its audit
// row. Either failing rolls the transition back.
func subscribeDossierTransitioned(bus *event.Bus, n *notify.Service, log *audit.Log) {
	n.Subscribe(bus)
	log.Subscribe(bus)
}

// subscribePortalSync has every act reported to the national portal: the
// dvcqg listener writes its outbox rows in the act's transaction.
func subscribePortalSync(bus *event.Bus, svc *dvcqg.Service) {
	svc.Subscribe(bus)
}

// subscribeWebhooks records every act on a dossier and every fee paid as
// an event, with a delivery for each matching subscription, in the act's
// transaction (package webhook; docs/webhooks.md).
func subscribeWebhooks(bus *event.Bus, s *webhook.Service) {
	s.Subscribe(bus)
}

// subscribeDigitisation gives each result its result code and puts it in
// the applicant's data store, in the transaction that makes the result;
// logs the papers a draft took from the store in the transaction that
// files them; and hands a merged or abolished unit's papers to its
// successor in the reorganisation's transaction.
func subscribeDigitisation(bus *event.Bus, s *sohoa.Service) {
	event.Subscribe(bus, "sohoa.ResultCodes", s.OnTransitioned)
	event.Subscribe(bus, "sohoa.DraftReuses", s.OnDraftFiled)
	event.Subscribe(bus, "sohoa.MovePapers", s.OnUnitMerged)
	event.Subscribe(bus, "sohoa.MovePapers", s.OnUnitAbolished)
}

// subscribeESign issues a result signed in the application in the
// approval's transaction (package esign); nothing when signing is off.
func subscribeESign(bus *event.Bus, s *esign.Service) {
	if s != nil {
		event.Subscribe(bus, "esign.Issue", s.OnTransitioned)
	}
}

// subscribeResultsRegister registers each one-stop result a unit issues
// in its outgoing register (document.Service.OnTransitioned), in the
// approval's transaction: after esign, whose listener attaches the
// e-result the document links, and sohoa; before webhooks, the last.
func subscribeResultsRegister(bus *event.Bus, docs *document.Service) {
	event.Subscribe(bus, "document.RegisterResult", docs.OnTransitioned)
}

// subscribeDocuments has the audit log record every act on a document
// (package document), in the act's transaction. Later listeners (the
// outgoing register of one-stop results, the edXML exchange, the work
// files) subscribe here after it.
func subscribeDocuments(bus *event.Bus, log *audit.Log, hooks *webhook.Service) {
	auditDocument[document.Registered](bus, log)
	auditDocument[document.Assigned](bus, log)
	auditDocument[document.SpecialistAssigned](bus, log)
	auditDocument[document.Processed](bus, log)
	auditDocument[document.Completed](bus, log)
	auditDocument[document.Drafted](bus, log)
	auditDocument[document.Submitted](bus, log)
	auditDocument[document.Approved](bus, log)
	auditDocument[document.Returned](bus, log)
	auditDocument[document.Issued](bus, log)
	auditDocument[document.Revoked](bus, log)
	auditDocument[document.RevocationAccepted](bus, log)
	auditDocument[document.RevocationRefused](bus, log)
	auditDocument[document.FileChanged](bus, log)
	// After the audit log: integrators hear of an issued document
	// (document.issued) once the rest of the act is accepted.
	hooks.SubscribeDocuments(bus)
}

// subscribeWorkFileWarnings has notify tell a work file's keeper, by
// e-mail and in-app, that the file is due for the archive within 30 days
// (document.WorkFileDueSoon, published by the scheduled check
// document.Service.RunArchiveWarnings that motcua serve runs).
func subscribeWorkFileWarnings(bus *event.Bus, n *notify.Service) {
	event.Subscribe(bus, "notify.WorkFileDue", n.OnWorkFileDueSoon)
}

// auditDocument records events of type E as audit rows.
func auditDocument[E document.Auditable](bus *event.Bus, log *audit.Log) {
	event.Subscribe(bus, "audit", func(ctx context.Context, tx *store.Tx, e E) error {
		return log.Security(ctx, tx, e.Security())
	})
}

// buildTally fills the tally from the history on the first start of a
// database it has never followed (an upgrade, a restore from before it
// existed); on an empty database that is instant, and once built the
// listeners keep it.
func buildTally(ctx context.Context, a *App, log *slog.Logger) error {
	if ready, err := a.Tally.Ready(ctx); err != nil || ready {
		return err
	}
	start := time.Now()
	if err := a.Reports.BuildTally(ctx, a.Tally, a.Calendar); err != nil {
		return fmt.Errorf("tally: build from the history: %w", err)
	}
	log.Info("tally built from the dossiers' history", "took", time.Since(start).Round(time.Millisecond))
	return nil
}
