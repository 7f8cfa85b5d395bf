package document

import (
	"context"

	"github.com/motcua/motcua/document/layout"
)

// SignatureSpot is where the layout left the blank for the signature in
// document id's latest version (nil when uploaded), for the tests to
// find the leader's signature there.
func (s *Service) SignatureSpot(ctx context.Context, id int64) (*layout.Spot, error) {
	_, spot, err := composed(ctx, s.db, id)
	return spot, err
}
