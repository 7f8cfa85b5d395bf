package server

import (
	"github.com/motcua/motcua/event"
	"github.com/motcua/motcua/land"
)

// subscribeLand has the land registry check a land dossier's
// preconditions at submission and reception and change the registry in
// the transaction that makes its result (land.Service.OnTransitioned):
// after the tally, before esign, so a refusal (a split not measured)
// rolls the whole act back before anything is signed or sent.
func subscribeLand(bus *event.Bus, s *land.Service) {
	event.Subscribe(bus, "land.Registry", s.OnTransitioned)
}
