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
// one already linked to (issuer, subject); the single citizen account
// whose ID number is the identity's (refused if disabled: a new account
// must not get round that); a new citizen account (username the ID
// number, no usable password). The account's name and ID
// number become the verified ones. Audited as "login" with details
// "vneid" (and "account_created"/"identity_linked" the first time).
func (s *Service) SignInIdentity(ctx context.Context, id Identity) (token string, expires time.Time, err error) {
	id.IDNumber, id.FullName = strings.TrimSpace(id.IDNumber), strings.TrimSpace(id.FullName)
	if id.Issuer == "" || id.Subject == "" || len(id.Issuer) > 500 || len(id.Subject) > 255 || !idNumberRE.MatchString(id.IDNumber) || id.FullName == "" {
		return "", time.Time{}, problem.Invalid("identity", "identity_incomplete")
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
	// An account registered before with the same ID number is the
	// person's; two would be ambiguous, and an admin must sort them out.
	rows, err := tx.QueryContext(ctx, `SELECT id FROM users WHERE kind = 'citizen' AND id_number = ? ORDER BY id LIMIT 2`, id.IDNumber)
	if err != nil {
		return 0, false, err
	}
	var ids []int64
	for rows.Next() {
		var x int64
		if err := rows.Scan(&x); err != nil {
			rows.Close()
			return 0, false, err
		}
		ids = append(ids, x)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, false, err
	}
	switch len(ids) {
	case 1:
		return ids[0], false, nil
	case 2:
		return 0, false, problem.Conflict("identity_ambiguous")
	}
	return s.createIdentityUser(ctx, tx, id)
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

func cutRunes(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		return string(r[:n])
	}
	return s
}
