// Authentication for the `users` API (main.go), standard library only.
//
// Off unless USERS_AUTH_SECRET is set: then its value is the HMAC key of every token, and any
// `users` server started with the same secret, in any of the three languages, accepts the tokens of
// the others. The contract is in servers/README.md ("Authentication"); the same module in Python
// and Node: servers/python/users_auth.py, servers/node/users_auth.js.
package main

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// ---- Constants ----

const (
	PBKDF2_ITERATIONS = 600000 // OWASP's 2023 figure for PBKDF2-HMAC-SHA256
	SALT_BYTES        = 16
	TOKEN_LIFETIME    = 3600 // seconds; a token cannot be revoked, so it must not live long
	MIN_PASSWORD      = 8
	MAX_PASSWORD      = 128
	REALM             = `Bearer realm="users"`
)

var (
	// RFC 6750, section 2.1: b64token. Ours is base64url(payload) "." base64url(signature).
	TOKEN_PATTERN = regexp.MustCompile(`^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$`)
	BEARER        = regexp.MustCompile(`^(?i:Bearer) +([A-Za-z0-9._~+/-]+=*)$`) // the scheme is case-insensitive
)

// ---- Passwords at rest ----

var b64url = base64.RawURLEncoding // no padding, like Python's and Node's here

// pbkdf2SHA256 is PBKDF2 (RFC 8018, section 5.2) over HMAC-SHA256, for one 32-byte block: the
// standard library has crypto/pbkdf2 only since Go 1.24, and the workbook promises Go 1.22.
func pbkdf2SHA256(password, salt []byte, iterations int) []byte {
	mac := hmac.New(sha256.New, password)
	mac.Write(salt)
	mac.Write(binary.BigEndian.AppendUint32(nil, 1)) // block number 1: 32 bytes are all we need
	u := mac.Sum(nil)
	derived := append([]byte(nil), u...)
	for i := 1; i < iterations; i++ {
		mac.Reset()
		mac.Write(u)
		u = mac.Sum(u[:0])
		for j := range derived {
			derived[j] ^= u[j]
		}
	}
	return derived
}

// hashPassword returns "pbkdf2_sha256$<iterations>$<salt>$<hash>": everything a later check
// needs, no password. A nil salt draws a new one: per user, so no table of hashes fits two users.
func hashPassword(password string, iterations int, salt []byte) string {
	if salt == nil {
		salt = make([]byte, SALT_BYTES)
		rand.Read(salt)
	}
	derived := pbkdf2SHA256([]byte(password), salt, iterations)
	return fmt.Sprintf("pbkdf2_sha256$%d$%s$%s", iterations, b64url.EncodeToString(salt), b64url.EncodeToString(derived))
}

// verifyPassword hashes the guess with the stored salt and count, then compares in constant time.
func verifyPassword(password, stored string) bool {
	parts := strings.Split(stored, "$")
	iterations, _ := strconv.Atoi(parts[1])
	salt, _ := b64url.DecodeString(parts[2])
	derived := b64url.EncodeToString(pbkdf2SHA256([]byte(password), salt, iterations))
	return constantTimeEqual(derived, parts[3])
}

// ConstantTimeCompare takes as long for a first byte that differs as for a last one: the time of
// a refusal tells an attacker nothing about how close the guess was.
func constantTimeEqual(a, b string) bool {
	return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}

// ---- Signed tokens ----

type claims struct {
	Sub string `json:"sub"`
	Exp int64  `json:"exp"`
}

func sign(secret []byte, payload string) string {
	mac := hmac.New(sha256.New, secret)
	mac.Write([]byte(payload))
	return b64url.EncodeToString(mac.Sum(nil))
}

// mintToken returns base64url({"sub":..,"exp":..}) "." base64url(HMAC-SHA256(secret, the first part)).
func mintToken(secret []byte, sub string, exp int64) string {
	payload := b64url.EncodeToString(encodeClaims(claims{sub, exp}))
	return payload + "." + sign(secret, payload)
}

func encodeClaims(c claims) []byte {
	data, _ := json.Marshal(c) // compact, keys in field order: the bytes Python and Node make
	return data
}

// verifyToken returns the user id of a good token, else "" and why: "not valid" or "expired".
func verifyToken(secret []byte, token string, now int64) (string, string) {
	if !TOKEN_PATTERN.MatchString(token) {
		return "", "token is not valid"
	}
	payload, signature, _ := strings.Cut(token, ".")
	// The signature first, in constant time: nothing of an unsigned payload is even decoded.
	if !constantTimeEqual(sign(secret, payload), signature) {
		return "", "token is not valid"
	}
	var c claims
	data, _ := b64url.DecodeString(payload)
	json.Unmarshal(data, &c)
	if c.Exp <= now {
		return "", "token has expired"
	}
	return c.Sub, ""
}

// ---- Credentials: one password hash per user id ----

// Credentials keep one password hash per user id.
type Credentials interface {
	save(id, stored string)
	load(id string) (string, bool)
}

// MemoryCredentials keeps the hashes in this process's memory, beside the MemoryStore.
type MemoryCredentials struct {
	mu     sync.Mutex
	hashes map[string]string
}

func (c *MemoryCredentials) save(id, stored string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.hashes[id] = stored
}

func (c *MemoryCredentials) load(id string) (string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	stored, ok := c.hashes[id]
	return stored, ok
}

// FileCredentials keeps the hashes in USERS_STORE/passwords/<id>, shared by every process of
// that store.
type FileCredentials struct{ folder string }

func newFileCredentials(dir string) *FileCredentials {
	folder := filepath.Join(dir, "passwords")
	check(os.MkdirAll(folder, 0o755))
	return &FileCredentials{folder}
}

func (c *FileCredentials) save(id, stored string) {
	suffix := make([]byte, 8)
	rand.Read(suffix)
	temporary := filepath.Join(c.folder, "."+id+"."+hex.EncodeToString(suffix))
	check(os.WriteFile(temporary, []byte(stored), 0o600))
	check(os.Rename(temporary, filepath.Join(c.folder, id))) // readers see the whole hash or none
}

func (c *FileCredentials) load(id string) (string, bool) {
	data, err := os.ReadFile(filepath.Join(c.folder, id))
	if errors.Is(err, fs.ErrNotExist) {
		return "", false
	}
	check(err)
	return string(data), true
}

// ---- The decisions: who may do what ----

// Auth is what main.go asks when auth is on.
type Auth struct {
	secret      []byte
	iterations  int
	credentials Credentials
	decoy       string
}

// refuseTokenInURL: a URL ends up in logs, history and Referer headers: a token there is a leaked token.
func (a *Auth) refuseTokenInURL(query string) error {
	for _, part := range strings.Split(query, "&") {
		if name, _, _ := strings.Cut(part, "="); name == "access_token" {
			challenge := REALM + `, error="invalid_request"`
			return ApiError{400, "a token must not be sent in the URL", map[string]string{"WWW-Authenticate": challenge}}
		}
	}
	return nil
}

// authorize: the token must be valid (else 401) and be this user's (else 403).
func (a *Auth) authorize(authorization []string, id string) error {
	value := strings.TrimSpace(strings.Join(authorization, ", "))
	if scheme, _, _ := strings.Cut(value, " "); !strings.EqualFold(scheme, "bearer") {
		// none, or another scheme: no token at all
		return ApiError{401, "a token is required", map[string]string{"WWW-Authenticate": REALM}}
	}
	found := BEARER.FindStringSubmatch(value) // also refuses two Authorization lines, joined by ", "
	sub, why := "", "token is not valid"
	if found != nil {
		sub, why = verifyToken(a.secret, found[1], time.Now().Unix())
	}
	if sub == "" {
		challenge := fmt.Sprintf(`%s, error="invalid_token", error_description="%s"`, REALM, why)
		return ApiError{401, why, map[string]string{"WWW-Authenticate": challenge}}
	}
	if sub != id {
		return errorf(403, "the token is for another user")
	}
	return nil
}

// takePassword removes the password from a POST body, so the user's fields are checked as before.
func (a *Auth) takePassword(fields map[string]any) any {
	password := fields["password"]
	delete(fields, "password")
	return password
}

// hashNew checks a new password (400), then hashes it.
func (a *Auth) hashNew(password any) (string, error) {
	if password == nil {
		return "", errorf(400, "password is required")
	}
	text, ok := password.(string)
	if !ok {
		return "", errorf(400, "password must be a string")
	}
	if n := utf8.RuneCountInString(text); n < MIN_PASSWORD || n > MAX_PASSWORD {
		return "", errorf(400, "password must be %d to %d characters", MIN_PASSWORD, MAX_PASSWORD)
	}
	return hashPassword(text, a.iterations, nil), nil
}

// tokenBody is the answer of POST /tokens.
type tokenBody struct {
	Token     string `json:"token"`
	ExpiresIn int    `json:"expires_in"`
}

// issue is POST /tokens: a token for the right email and password; one 401 for any wrong one.
func (a *Auth) issue(fields map[string]any) (tokenBody, error) {
	unknown := []string{}
	for key := range fields {
		if key != "email" && key != "password" {
			unknown = append(unknown, key)
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown) // bytes of UTF-8 sort by code point, as in Python and Node
		return tokenBody{}, errorf(400, "unknown field: %s", unknown[0])
	}
	text := map[string]string{}
	for _, field := range []string{"email", "password"} {
		if fields[field] == nil {
			return tokenBody{}, errorf(400, "%s is required", field)
		}
		value, ok := fields[field].(string)
		if !ok {
			return tokenBody{}, errorf(400, "%s must be a string", field)
		}
		text[field] = value
	}
	id, known := ownerOf(store, text["email"])
	stored, found := "", false
	if known {
		stored, found = a.credentials.load(id)
	}
	// An unknown email is checked against the decoy: same time, same answer as a wrong password.
	if !found {
		stored = a.decoy
	}
	if !verifyPassword(text["password"], stored) || !found {
		return tokenBody{}, ApiError{401, "email or password is not correct", map[string]string{"WWW-Authenticate": REALM}}
	}
	exp := time.Now().Unix() + TOKEN_LIFETIME
	return tokenBody{mintToken(a.secret, id, exp), TOKEN_LIFETIME}, nil
}

// ownerOf returns the id of the user who has this email: the store's own index (servers/README.md).
func ownerOf(s Store, email string) (string, bool) {
	switch s := s.(type) {
	case *MemoryStore:
		s.mu.Lock()
		defer s.mu.Unlock()
		id, ok := s.owners[emailKey(email)]
		return id, ok
	case *FileStore: // emails/<sha256 of the email> holds the id
		data, err := os.ReadFile(s.emailPath(email))
		if errors.Is(err, fs.ErrNotExist) {
			return "", false
		}
		check(err)
		return string(data), true
	}
	return "", false
}

// authFromEnvironment returns Auth as the environment asks: nil (off) unless USERS_AUTH_SECRET is set.
func authFromEnvironment() *Auth {
	secret := os.Getenv("USERS_AUTH_SECRET")
	if secret == "" {
		return nil
	}
	// For tests only: fewer iterations make a test suite fast and a password cheap to guess.
	iterations := PBKDF2_ITERATIONS
	if n, err := strconv.Atoi(os.Getenv("USERS_PBKDF2_ITERATIONS")); err == nil && n > 0 {
		iterations = n
	}
	a := &Auth{secret: []byte(secret), iterations: iterations}
	a.credentials = &MemoryCredentials{hashes: map[string]string{}}
	if dir := os.Getenv("USERS_STORE"); dir != "" {
		a.credentials = newFileCredentials(dir)
	}
	decoy := make([]byte, 32)
	rand.Read(decoy)
	a.decoy = hashPassword(hex.EncodeToString(decoy), iterations, nil)
	return a
}
