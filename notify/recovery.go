package notify

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/url"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/store"
)

// Recovery is the auth.RecoveryRequested listener: it writes the one-time
// password link into the outbox, in the recovery's transaction. It goes
// by e-mail and by SMS to the account's own addresses whatever the
// account's preferences (a forgotten password is not a notice one opts out
// of, and "e-mail off" must not mean "no way back in"), and never in-app:
// the owner cannot sign in to read it, and a live link would linger in
// the notice list. The link's token is in the row's body, as it must be
// to be sent; it works once and expires (auth keeps only its hash).
func (s *Service) Recovery(ctx context.Context, tx *store.Tx, e auth.RecoveryRequested) error {
	a, err := accountOf(ctx, tx, e.UserID)
	if err != nil {
		return err
	}
	if a.disabled {
		return nil
	}
	path := "/dat-lai-mat-khau?t=" + url.QueryEscape(e.Token)
	due := e.Expires
	d := Data{Account: e.Username, Name: a.name, Due: &due, Link: s.cfg.PublicURL + path}
	msg, err := s.render(PasswordRecovery, a.prefs.Lang, d, false)
	if err != nil {
		return err
	}
	sum := sha256.Sum256([]byte(e.Token))
	key := fmt.Sprintf("%s/%s/u%d", PasswordRecovery, hex.EncodeToString(sum[:8]), e.UserID)
	now := s.cfg.Now()
	var rows []row
	for _, c := range []struct {
		ch       Channel
		to, body string
	}{{Email, a.email, msg.email}, {SMS, a.phone, msg.sms}} {
		if c.to == "" {
			continue
		}
		rows = append(rows, row{kind: PasswordRecovery, channel: c.ch, userID: e.UserID, recipient: c.to, lang: a.prefs.Lang, subject: msg.subject,
			body: c.body, link: "/dat-lai-mat-khau", key: key + "/" + string(c.ch)})
	}
	return insert(ctx, tx, rows, now)
}
