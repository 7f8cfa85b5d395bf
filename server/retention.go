package server

import (
	"github.com/motcua/motcua/audit"
	"github.com/motcua/motcua/dancu"
	"github.com/motcua/motcua/document"
	"github.com/motcua/motcua/dvcqg"
	"github.com/motcua/motcua/esign"
	"github.com/motcua/motcua/event"
	"github.com/motcua/motcua/notify"
	"github.com/motcua/motcua/payment"
	"github.com/motcua/motcua/postal"
	"github.com/motcua/motcua/rating"
	"github.com/motcua/motcua/sohoa"
)

// subscribeRetention lets every module that keeps a copy of a dossier's
// personal data scrub its own rows in the transaction that anonymised the
// dossier (dossier.Anonymised, the retention job: docs/operations.md).
// The audit log comes last: it records the redaction of its own entries
// with the digests of the dossier's history as the dossier module left it.
// Modules not listed hold no personal data of a dossier: tally (figures),
// webhook (codes and states only, docs/webhooks.md).
func subscribeRetention(bus *event.Bus, log *audit.Log) {
	event.Subscribe(bus, "notify.OnDossierAnonymised", notify.OnDossierAnonymised)
	event.Subscribe(bus, "payment.OnDossierAnonymised", payment.OnDossierAnonymised)
	event.Subscribe(bus, "postal.OnDossierAnonymised", postal.OnDossierAnonymised)
	event.Subscribe(bus, "rating.OnDossierAnonymised", rating.OnDossierAnonymised)
	event.Subscribe(bus, "sohoa.OnDossierAnonymised", sohoa.OnDossierAnonymised)
	event.Subscribe(bus, "dancu.OnDossierAnonymised", dancu.OnDossierAnonymised)
	event.Subscribe(bus, "dvcqg.OnDossierAnonymised", dvcqg.OnDossierAnonymised)
	event.Subscribe(bus, "esign.OnDossierAnonymised", esign.OnDossierAnonymised)
	event.Subscribe(bus, "document.OnDossierAnonymised", document.OnDossierAnonymised)
	event.Subscribe(bus, "audit.Redact", log.OnDossierAnonymised)
}
