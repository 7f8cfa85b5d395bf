package main

import (
	"fmt"
	"log/slog"

	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/document"
	"github.com/motcua/motcua/document/edxml/edxmlsim"
	"github.com/motcua/motcua/server"
)

// exchangeFlags connect the edXML exchange between agencies
// (docs/documents.md "Exchange").
type exchangeFlags struct{ peers, systems string }

// configure fills cfg.Exchange from --edxml-peers and --edxml-systems.
// With --demo and neither, the outside agencies of the demo (the
// province) are played by the simulator mounted on this server at
// /_sim/edxml/: documents issued to them go there through the outbox
// worker, and their statuses and documents come back to
// /edxml/v1/messages over HTTP. self is the address this server listens
// on. It returns the startup line ("" when there is nothing to say) and
// the simulator, whose queue the caller runs.
func (x exchangeFlags) configure(cfg *server.Config, self string, demoWorld string, log *slog.Logger) (string, *edxmlsim.Sim, error) {
	var err error
	if x.peers != "" {
		if cfg.Exchange.Peers, err = document.LoadPeers(x.peers); err != nil {
			return "", nil, fmt.Errorf("--edxml-peers: %w", err)
		}
	}
	if x.systems != "" {
		if cfg.Exchange.Systems, err = document.LoadSystems(x.systems); err != nil {
			return "", nil, fmt.Errorf("--edxml-systems: %w", err)
		}
	}
	if demoWorld == "" || x.peers != "" || x.systems != "" {
		return "", nil, nil
	}
	base := "http://" + loopback(self)
	sim := edxmlsim.New(edxmlsim.Config{Agencies: demo.SimAgencies, Recipients: demo.SimRecipients(demoWorld),
		Endpoint: base + "/edxml/v1/messages", SystemID: demo.SimSystemID, SecretKey: demo.SimSecret,
		Systems: map[string]string{demo.MotcuaSystemID: demo.MotcuaSecret}, Now: cfg.Now, Log: log})
	peers, systems := demo.Exchange(base + server.EdXMLSimulatorPath + edxmlsim.MessagesPath)
	cfg.Exchange.Peers, cfg.Exchange.Systems, cfg.Exchange.Simulator = peers, systems, sim
	a := demo.SimAgencies[0]
	return fmt.Sprintf("edXML exchange: %s (%s) simulated at http://%s%s/ (documents issued to it go there and come back with statuses; it sends documents from its page).",
		a.OrganName, a.OrganID, publicHost(self), server.EdXMLSimulatorPath), sim, nil
}
