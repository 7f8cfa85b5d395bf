package demo

import (
	"github.com/motcua/motcua/document"
	"github.com/motcua/motcua/document/edxml"
)

// The demo's edXML exchange (docs/documents.md "Exchange"): UBND tỉnh
// Ninh Bình, addressed by its OrganId ProvinceCode, is an outside agency
// whose document system the simulator (package edxmlsim) plays — the
// province keeps its own system, as provinces do, although the demo
// world also holds it as a unit for its administrators. The credentials
// are the demo's, public like its password.
const (
	// SimSystemID and SimSecret are the simulator's credentials at
	// motcua (its --edxml-systems entry).
	SimSystemID = "edxmlsim-ninh-binh"
	SimSecret   = "demo-edxmlsim-secret-2026"
	// MotcuaSystemID and MotcuaSecret are motcua's at the simulator (the
	// --edxml-peers entry).
	MotcuaSystemID = "motcua-demo"
	MotcuaSecret   = "demo-motcua-secret-2026"
)

// SimAgencies are the agencies the demo's simulator plays.
var SimAgencies = []edxml.Organization{{OrganID: ProvinceCode, OrganName: "UBND tỉnh Ninh Bình"}}

// Exchange is the demo's exchange directory for a simulator receiving at
// endpoint: each simulated agency a peer there, and the simulator a
// system speaking for them.
func Exchange(endpoint string) (map[string]document.Peer, map[string]document.System) {
	peers := map[string]document.Peer{}
	sys := document.System{SecretKey: SimSecret}
	for _, a := range SimAgencies {
		peers[a.OrganID] = document.Peer{Endpoint: endpoint, SystemID: MotcuaSystemID, SecretKey: MotcuaSecret}
		sys.Organs = append(sys.Organs, a.OrganID)
	}
	return peers, map[string]document.System{SimSystemID: sys}
}

// SimRecipients are the units of world the simulator's page offers as
// addressees: those whose clerk logs in.
func SimRecipients(world string) []edxml.Organization {
	if world == WorldTwoTier {
		return []edxml.Organization{{OrganID: GiaLam2025Code, OrganName: "UBND xã Gia Lâm"}}
	}
	return []edxml.Organization{{OrganID: DistrictCode, OrganName: "UBND huyện Nho Quan"}, {OrganID: GiaLamCode, OrganName: "UBND xã Gia Lâm"}}
}
