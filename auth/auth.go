// Package auth owns people and their rights: officer and citizen accounts,
// roles per administrative unit, password hashing (argon2id), and bearer
// tokens/sessions that expire and can be revoked. Only the SHA-256 of a
// token is stored, so a database leak does not leak live sessions.
package auth

import (
	"cmp"
	"context"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/motcua/motcua/event"
	"github.com/motcua/motcua/msg"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/throttle"
)

// Roles an account can hold on a unit.
const (
	Reception  = "reception"  // tiếp nhận và trả kết quả
	Specialist = "specialist" // chuyên viên xử lý
	Leader     = "leader"     // lãnh đạo
	Clerk      = "clerk"      // văn thư
	Admin      = "admin"      // quản trị đơn vị
	Supervisor = "supervisor" // giám sát (chỉ xem)
	// Community is a member of a community digital technology team (Tổ công
	// nghệ số cộng đồng) who files online dossiers on citizens' behalf.
	Community = "community"
	Citizen   = "citizen" // công dân (not tied to a unit)
)

// OfficerRoles lists the roles held on a unit, in display order.
var OfficerRoles = []string{Reception, Specialist, Leader, Clerk, Admin, Supervisor, Community}

// RoleName is the Vietnamese name of a role, from the catalog (package
// msg, "role.<role>"), for documents that are Vietnamese only.
func RoleName(r string) string { return msg.Name("role.", r) }

// ValidRole reports whether r is a known role.
func ValidRole(r string) bool {
	if r == Citizen {
		return true
	}
	for _, x := range OfficerRoles {
		if x == r {
			return true
		}
	}
	return false
}

// User is an account.
type User struct {
	ID       int64  `json:"-"`
	Username string `json:"username"`
	FullName string `json:"full_name"`
	Kind     string `json:"kind"` // "officer" or "citizen"
	Email    string `json:"email,omitempty"`
	Phone    string `json:"phone,omitempty"`
	IDNumber string `json:"id_number,omitempty"`
	Address  string `json:"address,omitempty"`
	Title    string `json:"title,omitempty"`
}

// Grant is one role on one unit.
type Grant struct {
	UnitID   int64  `json:"-"`
	UnitCode string `json:"unit"`
	Role     string `json:"role"`
}

// Actor is an authenticated user with their grants.
type Actor struct {
	User
	Grants []Grant `json:"roles"`
	// TOTPDue: a unit's policy obliges the account to use TOTP and it has
	// not enrolled; it may reach nothing but the enrolment page.
	TOTPDue bool `json:"totp_enrolment_due,omitempty"`
	// Verified is the identity the national SSO last verified for a
	// citizen account (identity.go); nil when it never signed in there.
	Verified *Verified `json:"-"`
	// Client is set for a system account (clients.go): its rights at
	// units and the operations its token may call.
	Client *ClientAccess `json:"client,omitempty"`
}

// LogRef names the actor on a request's log line without personal data:
// a citizen's username may be their ID number or phone, so people are
// their kind and row id (officer:12, citizen:40), system accounts their
// client ID; unit is the distinct unit codes of their roles or rights.
func (a *Actor) LogRef() (actor, unit string) {
	if a == nil {
		return "", ""
	}
	var units []string
	add := func(code string) {
		if code != "" && !slices.Contains(units, code) {
			units = append(units, code)
		}
	}
	if a.Client != nil {
		for _, r := range a.Client.Rights {
			add(r.UnitCode)
		}
		return "client:" + a.Client.ClientID, strings.Join(units, ",")
	}
	for _, g := range a.Grants {
		add(g.UnitCode)
	}
	kind := a.Kind
	if kind == "" {
		kind = "user"
	}
	return kind + ":" + strconv.FormatInt(a.ID, 10), strings.Join(units, ",")
}

// Has reports whether the actor holds role on unitID.
func (a *Actor) Has(role string, unitID int64) bool { return a.HoldsAt(unitID, role) }

// HoldsAt reports whether the actor holds one of roles on unitID (exactly
// that unit: a grant on a parent unit does not count), or any role there
// when no role is named. A nil actor holds nothing.
func (a *Actor) HoldsAt(unitID int64, roles ...string) bool {
	if a == nil {
		return false
	}
	for _, g := range a.Grants {
		if g.UnitID == unitID && (len(roles) == 0 || slices.Contains(roles, g.Role)) {
			return true
		}
	}
	return false
}

// IsCitizen reports whether the actor is a citizen account.
func (a *Actor) IsCitizen() bool { return a.Kind == "citizen" }

// Config tunes the service.
type Config struct {
	Params     Params
	SessionTTL time.Duration
	// Login bounds login throttling and password hashing (login.go).
	Login LoginLimits
	Now   func() time.Time
	// Units resolves the unit codes of grants (a *unit.Store: auth cannot
	// import unit, which imports auth). Required to load an Actor.
	Units UnitCodes
	// Bus carries event.Security for logins, tokens and account changes
	// (the audit log listens); nil publishes nothing.
	Bus *event.Bus
	// SecretKey (KeySize bytes) seals TOTP secrets at rest. Empty: a
	// random key for this process only (tests), with which
	// EncryptTOTPSecrets refuses to run.
	SecretKey []byte
	// RecoveryTTL is how long a password recovery link works.
	RecoveryTTL time.Duration
}

// UnitCodes returns the current code of each unit in ids, reading through
// q. units are the unit module's rows, so auth asks rather than joins.
type UnitCodes interface {
	Codes(ctx context.Context, q store.Querier, ids []int64) (map[int64]string, error)
}

// Service manages accounts and sessions.
type Service struct {
	db  *store.DB
	cfg Config
	// dummy is checked when a username does not exist, so a miss costs as much as a hit.
	dummy string
	// aead seals TOTP secrets; ephemeral: its key was made up at start.
	aead      cipher.AEAD
	ephemeral bool
	// guesses slows wrong old passwords (per account) and recovery
	// requests (per client address); see account.go.
	guesses *throttle.Limiter
	gate    *hashGate
	guard   *loginGuard
	limits  clientLimits
}

// NewService returns a Service; zero fields of cfg take safe defaults.
func NewService(db *store.DB, cfg Config) *Service {
	if cfg.Params.Time == 0 {
		cfg.Params = DefaultParams
	}
	if cfg.SessionTTL == 0 {
		cfg.SessionTTL = 12 * time.Hour
	}
	cfg.Login.defaults()
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.RecoveryTTL == 0 {
		cfg.RecoveryTTL = 30 * time.Minute
	}
	dummy, _ := HashPassword("motcua-dummy-password", cfg.Params)
	s := &Service{db: db, cfg: cfg, dummy: dummy, guesses: throttle.New(throttle.Config{Burst: 5, Per: time.Minute, Now: cfg.Now}),
		gate: newHashGate(cfg.Login.HashMemory, cfg.Login.HashWait), guard: newLoginGuard(cfg.Login, cfg.Now)}
	key := cfg.SecretKey
	if len(key) == 0 {
		key, s.ephemeral = make([]byte, KeySize), true
		rand.Read(key)
	}
	aead, err := newAEAD(key)
	if err != nil {
		panic(err) // a wrong-sized key is a wiring error: ParseKey checks what users give
	}
	s.aead = aead
	return s
}

var usernameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{1,63}$`)

// NewUser is what creating an account needs.
type NewUser struct {
	User
	Password string
}

// CreateUser adds an account inside tx.
func (s *Service) CreateUser(ctx context.Context, tx *store.Tx, nu NewUser) (User, error) {
	u := nu.User
	u.Username = strings.ToLower(strings.TrimSpace(u.Username))
	if !usernameRE.MatchString(u.Username) {
		return User{}, problem.Invalid("username", "invalid_username")
	}
	if len(nu.Password) < 8 {
		return User{}, problem.Invalid("password", "weak_password")
	}
	if u.Kind != "officer" && u.Kind != "citizen" {
		return User{}, problem.Invalid("kind", "invalid_kind")
	}
	if field, max := tooLongField(u, nu.Password); field != "" {
		return User{}, problem.Invalid(field, "text_too_long", max)
	}
	if strings.TrimSpace(u.FullName) == "" {
		u.FullName = u.Username
	}
	hash, err := s.hashPassword(ctx, nu.Password)
	if err != nil {
		return User{}, err
	}
	err = tx.QueryRowContext(ctx, `INSERT INTO users (username, full_name, kind, password_hash, email, phone, id_number, address, title, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		u.Username, u.FullName, u.Kind, hash, u.Email, u.Phone, u.IDNumber, u.Address, u.Title, s.cfg.Now().UnixMilli()).Scan(&u.ID)
	if store.IsUniqueViolation(err) {
		return User{}, problem.Conflict("username_taken")
	}
	return u, err
}

// Grant gives a user a role on a unit.
func (s *Service) Grant(ctx context.Context, tx *store.Tx, userID, unitID int64, role string) error {
	if !ValidRole(role) || role == Citizen {
		return problem.Invalid("role", "invalid_role")
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO user_roles (user_id, unit_id, role) VALUES (?, ?, ?)`, userID, unitID, role)
	if store.IsUniqueViolation(err) {
		return nil
	}
	return err
}

func (s *Service) newSession(ctx context.Context, tx *store.Tx, userID int64) (string, time.Time, error) {
	var raw [32]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return "", time.Time{}, err
	}
	token := base64.RawURLEncoding.EncodeToString(raw[:])
	now := s.cfg.Now()
	exp := now.Add(s.cfg.SessionTTL)
	_, err := tx.ExecContext(ctx, `INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)`,
		tokenHash(token), userID, now.UnixMilli(), exp.UnixMilli())
	return token, exp, err
}

func tokenHash(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

var errNoSession = problem.New(problem.ErrUnauthorized, "invalid_token")

// Authenticate returns the actor behind a live token.
func (s *Service) Authenticate(ctx context.Context, token string) (*Actor, error) {
	if token == "" {
		return nil, errNoSession
	}
	if IsClientToken(token) {
		return s.authenticateClient(ctx, token)
	}
	var uid int64
	err := s.db.QueryRowContext(ctx, `SELECT s.user_id FROM sessions s JOIN users u ON u.id = s.user_id
		WHERE s.token_hash = ? AND s.revoked_at IS NULL AND s.expires_at > ? AND u.disabled = 0`,
		tokenHash(token), s.cfg.Now().UnixMilli()).Scan(&uid)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errNoSession
	}
	if err != nil {
		return nil, err
	}
	a, err := s.Actor(ctx, uid)
	if err != nil {
		return nil, err
	}
	if a.TOTPDue, err = s.totpDue(ctx, s.db, uid); err != nil {
		return nil, err
	}
	return a, nil
}

// Actor loads a user with their grants.
func (s *Service) Actor(ctx context.Context, userID int64) (*Actor, error) {
	a := &Actor{}
	err := s.db.QueryRowContext(ctx, `SELECT id, username, full_name, kind, email, phone, id_number, address, title FROM users WHERE id = ?`, userID).
		Scan(&a.ID, &a.Username, &a.FullName, &a.Kind, &a.Email, &a.Phone, &a.IDNumber, &a.Address, &a.Title)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, problem.NotFound("user_not_found")
	}
	if err != nil {
		return nil, err
	}
	if a.Grants, err = s.grants(ctx, s.db, userID); err != nil {
		return nil, err
	}
	if a.IsCitizen() {
		if a.Verified, err = s.verified(ctx, s.db, userID); err != nil {
			return nil, err
		}
	}
	return a, nil
}

// grants lists the roles of a user, by unit code then role.
func (s *Service) grants(ctx context.Context, q store.Querier, userID int64) ([]Grant, error) {
	rows, err := q.QueryContext(ctx, `SELECT unit_id, role FROM user_roles WHERE user_id = ?`, userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Grant
	for rows.Next() {
		var g Grant
		if err := rows.Scan(&g.UnitID, &g.Role); err != nil {
			return nil, err
		}
		out = append(out, g)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if err := s.withCodes(ctx, q, out); err != nil {
		return nil, err
	}
	return out, nil
}

// withCodes fills the unit codes of gs and sorts them by code, then role.
func (s *Service) withCodes(ctx context.Context, q store.Querier, gs []Grant) error {
	if len(gs) == 0 {
		return nil
	}
	if s.cfg.Units == nil {
		return errors.New("auth: Config.Units is not set")
	}
	ids := make([]int64, len(gs))
	for i, g := range gs {
		ids[i] = g.UnitID
	}
	codes, err := s.cfg.Units.Codes(ctx, q, ids)
	if err != nil {
		return err
	}
	for i := range gs {
		gs[i].UnitCode = codes[gs[i].UnitID]
	}
	slices.SortFunc(gs, func(a, b Grant) int {
		return cmp.Or(strings.Compare(a.UnitCode, b.UnitCode), strings.Compare(a.Role, b.Role))
	})
	return nil
}

// UserByName finds an account by username.
func (s *Service) UserByName(ctx context.Context, username string) (*Actor, error) {
	var id int64
	err := s.db.QueryRowContext(ctx, `SELECT id FROM users WHERE username = ?`, strings.ToLower(username)).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, problem.NotFound("user_not_found.quoted", username)
	}
	if err != nil {
		return nil, err
	}
	return s.Actor(ctx, id)
}

// HasAnywhere reports whether the actor holds role on any unit.
func (a *Actor) HasAnywhere(role string) bool {
	for _, g := range a.Grants {
		if g.Role == role {
			return true
		}
	}
	return false
}

// SessionTTL is how long a session lives.
func (s *Service) SessionTTL() time.Duration { return s.cfg.SessionTTL }
