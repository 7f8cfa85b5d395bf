package server

import (
	"context"
	"net/http"

	"github.com/motcua/motcua/document"
	"github.com/motcua/motcua/document/edxml"
	"github.com/motcua/motcua/event"
)

// ExchangeConfig connects the edXML exchange between agencies
// (docs/documents.md "Exchange"; motcua serve --edxml-peers,
// --edxml-systems).
type ExchangeConfig struct {
	// Peers maps each outside agency's OrganId to its system's endpoint
	// and the credentials this instance sends with; empty: issued
	// documents are not sent by edXML.
	Peers map[string]document.Peer
	// Systems are the systems allowed to POST to /edxml/v1/messages, by
	// SystemId, with their SecretKey and the OrganIds they speak for.
	Systems map[string]document.System
	// HTTP sends the outbox; nil: a client with the worker's timeout.
	HTTP *http.Client
	// Simulator, when set, is served under /_sim/edxml/ (package
	// edxmlsim: outside agencies' systems), outside the session layer
	// like the other simulators.
	Simulator http.Handler
}

// EdXMLSimulatorPath is where ExchangeConfig.Simulator is mounted; it
// receives edXML at EdXMLSimulatorPath + edxmlsim.MessagesPath.
const EdXMLSimulatorPath = "/_sim/edxml"

// withEdXMLSimulator serves the exchange simulator beside the application.
func withEdXMLSimulator(app, sim http.Handler) http.Handler {
	mux := http.NewServeMux()
	mux.Handle(EdXMLSimulatorPath+"/", http.StripPrefix(EdXMLSimulatorPath, sim))
	mux.Handle("/", app)
	return mux
}

// exchangePath is where other agencies' systems POST edXML messages:
// outside /api/v1, since the callers authenticate with their SystemId
// and SecretKey, not OAuth tokens.
const exchangePath = "/edxml/v1/messages"

// subscribeExchange has the document module write the edXML outbox in
// the acts' transactions: an issued document for each outside recipient,
// the 01 status when a document arrives by edXML, and 04, 05, 06 as it
// is assigned (03 first), handled and completed, 02 when returned, 13
// when revoked, 15/16 when a revocation is accepted or refused.
func subscribeExchange(bus *event.Bus, s *document.Service) {
	event.Subscribe(bus, "document.OnIssued", s.OnIssued)
	event.Subscribe(bus, "document.OnRegistered", s.OnRegistered)
	event.Subscribe(bus, "document.OnAssigned", s.OnAssigned)
	event.Subscribe(bus, "document.OnSpecialistAssigned", s.OnSpecialistAssigned)
	event.Subscribe(bus, "document.OnCompleted", s.OnCompleted)
	event.Subscribe(bus, "document.OnReturned", s.OnReturned)
	event.Subscribe(bus, "document.OnRevoked", s.OnRevoked)
	event.Subscribe(bus, "document.OnRevocationAccepted", s.OnRevocationAccepted)
	event.Subscribe(bus, "document.OnRevocationRefused", s.OnRevocationRefused)
}

// registerExchange mounts the receiving endpoint; without systems
// configured it refuses every caller (401).
func registerExchange(mux *routeList, a *App, cfg Config) {
	x := document.ExchangeConfig{Systems: cfg.Exchange.Systems}
	mux.Handle("POST "+exchangePath, edxml.NewHandler(edxml.HandlerConfig{Systems: x.Secrets(), Receiver: a.Documents, Log: cfg.Log,
		Refused: func(ctx context.Context, system, addr string) {
			if err := a.Documents.SystemRefused(ctx, system, addr); err != nil {
				cfg.Log.ErrorContext(ctx, "edxml: audit a refused system", "system", system, "err", err)
			}
		}, Now: cfg.Now}))
}
