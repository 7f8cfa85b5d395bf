package auth

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/motcua/motcua/event"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/store"
)

// Identity is a person as the national SSO (VNeID) asserted them after
// signing in: Issuer and Subject are the provider's key for the person;
// IDNumber (the 12-digit personal identification number on the CCCD),
// FullName and BirthDate (YYYY-MM-DD) are verified by the provider.
type Identity struct {
	Issuer, Subject    string
	IDNumber, FullName string
	BirthDate          string
	// Provider names the provider in the audit log ("vneid").
	Provider string
	// Owner is the citizen account the browser was signed in to (with
	// its password) when this sign-in began and still is: a first
	// sign-in of the identity links to it. Zero: a new account.
	Owner int64
}

// Verified is what an account's verified identity says: set on an Actor
// whose account signed in through the national SSO at least once.
type Verified struct {
	Provider  string
	IDNumber  string
	FullName  string
	BirthDate string
}

var idNumberRE = regexp.MustCompile(`^[0-9]{12}$`)

// SignInIdentity signs in the citizen account of a verified identity and
// returns a new session token, like Login. The account is, in order: the
// one already linked to (issuer, subject); id.Owner, the account its
// owner proved by signing in with its password first; a new citizen
// account (username the ID number when free, no usable password).
//
// An account that merely claims the same ID number is never linked: that
// number was typed at registration by whoever registered, and linking it
// would hand the verified person's sessions, dossiers and population
// lookups to that account's password holder. The verified identity wins;
// such an account stays as it is, unlinked. The account's name and ID
// number become the verified ones. Audited as "login" with details
// "vneid" (and "account_created"/"identity_linked" the first time).
func (s *Service) SignInIdentity(ctx context.Context, id Identity) (token string, expires time.Time, err error) {
	id.IDNumber, id.FullName = strings.TrimSpace(id.IDNumber), strings.TrimSpace(id.FullName)
	if id.Issuer == "" || id.Subject == "" || len(id.Issuer) > 500 || len(id.Subject) > 255 || !idNumberRE.MatchString(id.IDNumber) || !plainName(id.FullName) {
		return "", time.Time{}, problem.Invalid("identity", "identity_incomplete")
	}
	if !validDate(id.BirthDate) {
		// A malformed date is not a verified one: kept as unknown rather
		// than shown or copied into an application.
		id.BirthDate = ""
	}
	if id.Provider == "" {
		id.Provider = "vneid"
	}
	now := s.cfg.Now()
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		uid, linked, err := s.identityUser(ctx, tx, id)
		if err != nil {
			return err
		}
		var name string
		var disabled int64
		if err := tx.QueryRowContext(ctx, `SELECT username, disabled FROM users WHERE id = ?`, uid).Scan(&name, &disabled); err != nil {
			return err
		}
		if disabled != 0 {
			return errIdentityDisabled
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET full_name = ?, id_number = ? WHERE id = ?`, cutRunes(id.FullName, 300), id.IDNumber, uid); err != nil {
			return err
		}
		if linked {
			_, err = tx.ExecContext(ctx, `UPDATE citizen_identities SET id_number = ?, full_name = ?, birth_date = ?, last_login_at = ?
				WHERE issuer = ? AND subject = ?`, id.IDNumber, cutRunes(id.FullName, 300), cutRunes(id.BirthDate, 10), now.UnixMilli(), id.Issuer, id.Subject)
		} else {
			_, err = tx.ExecContext(ctx, `INSERT INTO citizen_identities (issuer, subject, user_id, id_number, full_name, birth_date, linked_at, last_login_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, id.Issuer, id.Subject, uid, id.IDNumber, cutRunes(id.FullName, 300), cutRunes(id.BirthDate, 10), now.UnixMilli(), now.UnixMilli())
			if err == nil {
				err = s.publish(ctx, tx, event.Security{ActorID: uid, ActorName: name, Action: "identity_linked", Object: "user:" + name, Details: id.Provider})
			}
		}
		if err != nil {
			return err
		}
		if token, expires, err = s.newSession(ctx, tx, uid); err != nil {
			return err
		}
		return s.publish(ctx, tx, event.Security{ActorID: uid, ActorName: name, Action: "login", Object: "user:" + name, Details: id.Provider})
	})
	if err != nil {
		return "", time.Time{}, err
	}
	return token, expires, nil
}

var errIdentityDisabled = problem.Forbidden("identity_account_disabled")

// identityUser finds or creates the account of id inside tx; linked says
// whether (issuer, subject) already named it.
func (s *Service) identityUser(ctx context.Context, tx *store.Tx, id Identity) (uid int64, linked bool, err error) {
	err = tx.QueryRowContext(ctx, `SELECT user_id FROM citizen_identities WHERE issuer = ? AND subject = ?`, id.Issuer, id.Subject).Scan(&uid)
	if err == nil {
		return uid, true, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return 0, false, err
	}
	if id.Owner == 0 {
		return s.createIdentityUser(ctx, tx, id)
	}
	// The signed-in account joins the identity unless it is not a
	// citizen's or already holds another identity of this provider.
	var kind string
	var others int64
	if err := tx.QueryRowContext(ctx, `SELECT kind FROM users WHERE id = ?`, id.Owner).Scan(&kind); err != nil {
		return 0, false, err
	}
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM citizen_identities WHERE user_id = ? AND issuer = ?`, id.Owner, id.Issuer).Scan(&others); err != nil {
		return 0, false, err
	}
	if kind != "citizen" || others != 0 {
		return 0, false, problem.Conflict("identity_account_linked")
	}
	return id.Owner, false, nil
}

// createIdentityUser makes the citizen account of a first sign-in. Its
// password hash is a random string no argon2 check matches: the account
// signs in through the SSO until its owner sets a password by recovery.
func (s *Service) createIdentityUser(ctx context.Context, tx *store.Tx, id Identity) (int64, bool, error) {
	var raw [16]byte
	rand.Read(raw[:])
	locked := "!sso:" + hex.EncodeToString(raw[:])
	for i := 0; i < 3; i++ {
		name := id.IDNumber
		if i > 0 {
			name = fmt.Sprintf("%s-%s-%d", id.Provider, id.IDNumber, i)
		}
		var uid int64
		err := tx.QueryRowContext(ctx, `INSERT INTO users (username, full_name, kind, password_hash, id_number, created_at)
			VALUES (?, ?, 'citizen', ?, ?, ?) ON CONFLICT (username) DO NOTHING RETURNING id`,
			name, cutRunes(id.FullName, 300), locked, id.IDNumber, s.cfg.Now().UnixMilli()).Scan(&uid)
		if errors.Is(err, sql.ErrNoRows) {
			continue // the username is taken (an officer's?): the next one
		}
		if err != nil {
			return 0, false, err
		}
		return uid, false, s.publish(ctx, tx, event.Security{ActorID: uid, ActorName: name, Action: "account_created", Object: "user:" + name, Details: id.Provider})
	}
	return 0, false, problem.Conflict("username_taken")
}

// IdentityFailed records a sign-in through the SSO that did not complete
// (reason: a stable code such as "vneid_state"), as "login_failed".
func (s *Service) IdentityFailed(ctx context.Context, provider, reason string) error {
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		return s.publish(ctx, tx, event.Security{ActorName: provider, Action: "login_failed", Object: "sso:" + provider, Details: reason})
	})
}

// verified loads the identity last verified for a citizen account, nil
// when it never signed in through the SSO.
func (s *Service) verified(ctx context.Context, q store.Querier, userID int64) (*Verified, error) {
	v := &Verified{Provider: "vneid"}
	err := q.QueryRowContext(ctx, `SELECT id_number, full_name, birth_date FROM citizen_identities WHERE user_id = ?
		ORDER BY last_login_at DESC LIMIT 1`, userID).Scan(&v.IDNumber, &v.FullName, &v.BirthDate)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	return v, err
}

// plainName: a full name of at most 300 characters without control or
// format characters (a provider's newline or bidi override would reach
// pages and documents).
func plainName(s string) bool {
	if s == "" || utf8.RuneCountInString(s) > 300 || !utf8.ValidString(s) {
		return false
	}
	return !strings.ContainsFunc(s, func(r rune) bool { return unicode.IsControl(r) || unicode.Is(unicode.Cf, r) })
}

// validDate: "" or a real YYYY-MM-DD date.
func validDate(s string) bool {
	if s == "" {
		return true
	}
	_, err := time.Parse(time.DateOnly, s)
	return err == nil
}

func cutRunes(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		return string(r[:n])
	}
	return s
}
