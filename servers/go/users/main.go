// users: the `users` API of the workbook, on Go's standard library (net/http).
//
//	go run ./servers/go/users [PORT]
//	USERS_STORE=DIR go run ./servers/go/users [PORT]     share the users with other processes
//
// The contract is servers/users.openapi.yaml, in prose in servers/README.md. The same program,
// section by section: servers/python/users.py and servers/node/users.js.
package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log"
	"math"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
	"unicode/utf8"
)

// ---- Constants ----

// The names are those of the Python and Node files, so the three read alike (Go's own style would
// be maxBodyBytes). 127.0.0.1, not 0.0.0.0: only programs on this machine can reach the server.
const (
	HOST           = "127.0.0.1"
	MAX_BODY_BYTES = 16384
	DEFAULT_LIMIT  = 20
	MAX_LIMIT      = 100
	MAX_EMAIL      = 254
	MAX_NAME       = 100
	// HTTP/1.1 limits and deadlines, the same in the three servers (servers/README.md, "Robustness").
	MAX_HEADER_BYTES = 16384 // request line and header section together (431)
	MAX_HEADERS      = 100   // header field lines (431)
	MAX_TARGET_BYTES = 8192  // request-target (414)
	HEADER_TIMEOUT   = 5     // seconds from a request's first byte to the end of its headers
	REQUEST_TIMEOUT  = 10    // seconds from a request's first byte to the end of its body
	IDLE_TIMEOUT     = 30    // seconds a keep-alive connection may wait for its next request
	WRITE_TIMEOUT    = 10    // seconds a client may take to take one answer, from its first byte
	DRAIN_TIMEOUT    = 10    // seconds requests in flight get to finish after SIGTERM
	MAX_JSON_DEPTH   = 20    // nesting of [ and { in a request body
	// Not in an email: @, controls and spaces (U+0000-U+0020, U+007F-U+00A0), and the invisible
	// characters of Unicode's first plane: soft hyphen, Arabic format marks, zero-width and
	// direction marks, line and paragraph separators, the other spaces, word joiners, the BOM.
	NOT_IN_EMAIL = `@\x00-\x20\x7f-\x{a0}\x{ad}\x{600}-\x{605}\x{61c}\x{6dd}\x{70f}\x{8e2}\x{1680}` +
		`\x{180e}\x{2000}-\x{200f}\x{2028}-\x{202f}\x{205f}-\x{206f}\x{3000}\x{feff}\x{fff9}-\x{fffb}`
	ALLOW_COLLECTION = "GET, HEAD, POST"
	ALLOW_ITEM       = "GET, HEAD, PATCH, DELETE"
	ALLOW_TOKENS     = "POST"
)

var (
	CREATE_TYPES = []string{"application/json"}
	UPDATE_TYPES = []string{"application/json", "application/merge-patch+json"}
)

// Caching (servers/README.md, "Caching"): a user may be stored, and reused only once its ETag is
// revalidated (RFC 9111 §5.2.2.4); every other response, list pages, writes and errors, never.
const (
	CACHE_REVALIDATE = "no-cache"
	CACHE_NEVER      = "no-store"
)

var (
	EMAIL_PATTERN = regexp.MustCompile(`^[^` + NOT_IN_EMAIL + `]+@[^` + NOT_IN_EMAIL + `]+$`)
	ID_PATTERN    = regexp.MustCompile(`^[1-9][0-9]*$`)
	DIGITS        = regexp.MustCompile(`^[0-9]+$`)
)

// ---- Errors ----

// Handlers return an ApiError; serveHTTP is the one place that turns it into a JSON error response.
type ApiError struct {
	status  int
	message string
	headers map[string]string // 405: Allow; 411 and 413: Connection: close
}

func (e ApiError) Error() string { return e.message }

// errorf makes an ApiError, formatting its message like fmt.Sprintf.
func errorf(status int, format string, args ...any) ApiError {
	return ApiError{status: status, message: fmt.Sprintf(format, args...)}
}

var (
	errNotFound    = errorf(404, "user not found")
	errEmailInUse  = errorf(409, "email is already in use")
	errNoMatch     = errorf(412, "If-Match does not match the current ETag")
	errInvalidJSON = errorf(400, "body is not valid JSON")
)

// ---- Store ----

// A User is the resource; the order of the fields is the order of the keys on the wire.
type User struct {
	ID    string `json:"id"`
	Email string `json:"email"`
	Name  string `json:"name"`
}

// with returns the user with the validated changes of a PATCH applied (JSON Merge Patch).
func (u User) with(changes map[string]string) User {
	if email, ok := changes["email"]; ok {
		u.Email = email
	}
	if name, ok := changes["name"]; ok {
		u.Name = name
	}
	return u
}

// A Store keeps the users; MemoryStore and FileStore answer alike.
type Store interface {
	create(email, name string) (User, int, error)
	get(id string) (User, int, error)
	list(afterID, limit int) []User
	update(id string, changes map[string]string, ifMatch string) (User, int, error)
	delete(id, ifMatch string) error
}

// emailKey is what makes two emails the same: equal once ASCII A-Z are lower-cased. Other
// characters compare as they are: Unicode case folding and NFC would need tables (such as
// golang.org/x/text) that Go's standard library does not have.
func emailKey(email string) string {
	return strings.Map(func(r rune) rune {
		if 'A' <= r && r <= 'Z' {
			return r + ('a' - 'A')
		}
		return r
	}, email)
}

// Version n of a user is the strong ETag "vn".
func etagFor(version int) string { return fmt.Sprintf(`"v%d"`, version) }

// If-Match and If-None-Match hold a comma-separated list of ETags, or *.
// Weak comparison (If-None-Match) ignores a W/ prefix; strong comparison (If-Match) does not.
func etagMatches(header, tag string, weak bool) bool {
	for _, candidate := range strings.Split(header, ",") {
		value := strings.Trim(candidate, " \t") // RFC 9110 §5.6.1: OWS, spaces and tabs only
		if weak {
			value = strings.TrimPrefix(value, "W/")
		}
		if value == "*" || value == tag {
			return true
		}
	}
	return false
}

// An empty or missing If-Match means "whatever the version": the update is unconditional.
func checkIfMatch(ifMatch string, version int) error {
	if ifMatch != "" && !etagMatches(ifMatch, etagFor(version), false) {
		return errNoMatch
	}
	return nil
}

// net/http serves each connection on its own goroutine, so requests run at the same time:
// the mutex lets one of them at a time read or change the maps.
type MemoryStore struct {
	mu     sync.Mutex
	lastID int
	users  map[string]versioned
	owners map[string]string // emailKey(email) -> id
}

type versioned struct {
	user    User
	version int
}

func (s *MemoryStore) create(email, name string) (User, int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	// Like FileStore: the id is taken before the email is checked, so a 409 uses one up.
	s.lastID++
	id := strconv.Itoa(s.lastID)
	if _, taken := s.owners[emailKey(email)]; taken {
		return User{}, 0, errEmailInUse
	}
	user := User{ID: id, Email: email, Name: name}
	s.users[id], s.owners[emailKey(email)] = versioned{user, 1}, id
	return user, 1, nil
}

func (s *MemoryStore) get(id string) (User, int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	current, ok := s.users[id]
	if !ok {
		return User{}, 0, errNotFound
	}
	return current.user, current.version, nil
}

func (s *MemoryStore) list(afterID, limit int) []User {
	s.mu.Lock()
	defer s.mu.Unlock()
	page := []User{} // encodes as [], where a nil slice would encode as null
	for n := min(afterID, s.lastID) + 1; n <= s.lastID && len(page) < limit; n++ {
		if current, ok := s.users[strconv.Itoa(n)]; ok {
			page = append(page, current.user)
		}
	}
	return page
}

func (s *MemoryStore) update(id string, changes map[string]string, ifMatch string) (User, int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	current, ok := s.users[id]
	if !ok {
		return User{}, 0, errNotFound
	}
	if err := checkIfMatch(ifMatch, current.version); err != nil {
		return User{}, 0, err
	}
	user := current.user.with(changes)
	if owner, taken := s.owners[emailKey(user.Email)]; taken && owner != id {
		return User{}, 0, errEmailInUse
	}
	delete(s.owners, emailKey(current.user.Email))
	s.users[id], s.owners[emailKey(user.Email)] = versioned{user, current.version + 1}, id
	return user, current.version + 1, nil
}

func (s *MemoryStore) delete(id, ifMatch string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	current, ok := s.users[id]
	if !ok {
		return errNotFound
	}
	if err := checkIfMatch(ifMatch, current.version); err != nil {
		return err
	}
	delete(s.users, id)
	delete(s.owners, emailKey(current.user.Email))
	return nil
}

// FileStore keeps the users in a directory that any number of processes share; the layout and the
// algorithm are in servers/README.md, "Sharing state between processes". Every write creates a
// file in one step that fails if it exists (mkdir, link): that failure is the compare-and-swap
// between processes, and between this process's goroutines too, so FileStore needs no mutex.
type FileStore struct{ dir string }

func newFileStore(dir string) *FileStore {
	for _, sub := range []string{"tmp", "users", "emails"} {
		check(os.MkdirAll(filepath.Join(dir, sub), 0o755))
	}
	return &FileStore{dir: dir}
}

// check turns an I/O error into a panic: a broken store is not the client's fault, and serveHTTP
// recovers the panic and answers the documented 500; other requests are served on.
func check(err error) {
	if err != nil {
		panic(err)
	}
}

func (s *FileStore) create(email, name string) (User, int, error) {
	id := s.allocateID()
	if !s.claim(email, id) {
		return User{}, 0, errEmailInUse // the id stays used: never reused
	}
	user := User{ID: id, Email: email, Name: name}
	s.writeVersion(id, 1, user)
	return user, 1, nil
}

func (s *FileStore) get(id string) (User, int, error) {
	user, version := s.read(id)
	if user == nil {
		return User{}, 0, errNotFound
	}
	return *user, version, nil
}

func (s *FileStore) list(afterID, limit int) []User {
	page := []User{}
	for _, n := range s.ids() {
		if len(page) == limit {
			break
		}
		if n <= afterID { // skipped without reading it: a page costs the same at any cursor
			continue
		}
		if user, _ := s.read(strconv.Itoa(n)); user != nil {
			page = append(page, *user)
		}
	}
	return page
}

func (s *FileStore) update(id string, changes map[string]string, ifMatch string) (User, int, error) {
	for {
		old, version, err := s.get(id)
		if err != nil {
			return User{}, 0, err
		}
		if err := checkIfMatch(ifMatch, version); err != nil {
			return User{}, 0, err
		}
		user := old.with(changes)
		newEmail := emailKey(user.Email) != emailKey(old.Email)
		if newEmail && !s.claim(user.Email, id) {
			return User{}, 0, errEmailInUse
		}
		if s.writeVersion(id, version+1, user) {
			if newEmail {
				s.release(old.Email)
			}
			return user, version + 1, nil
		}
		// Another process wrote version + 1 first. With If-Match the client asked for the version
		// it saw, which is gone: 412. Without it, read the new version and apply the patch again.
		if newEmail {
			s.release(user.Email)
		}
		if ifMatch != "" {
			return User{}, 0, errNoMatch
		}
	}
}

func (s *FileStore) delete(id, ifMatch string) error {
	for {
		old, version, err := s.get(id)
		if err != nil {
			return err
		}
		if err := checkIfMatch(ifMatch, version); err != nil {
			return err
		}
		if s.writeVersion(id, version+1, map[string]bool{"deleted": true}) {
			s.release(old.Email)
			return nil
		}
		if ifMatch != "" {
			return errNoMatch
		}
	}
}

// ids lists the users/<id> directories, ascending (deleted users and unfinished creates included).
func (s *FileStore) ids() []int {
	entries, err := os.ReadDir(filepath.Join(s.dir, "users"))
	check(err)
	ids := []int{}
	for _, entry := range entries {
		if ID_PATTERN.MatchString(entry.Name()) {
			ids = append(ids, atoi(entry.Name()))
		}
	}
	slices.Sort(ids) // ReadDir sorts by name, which puts "10" before "9"
	return ids
}

// mkdir is the allocation: it fails with EEXIST if another process took that id first.
func (s *FileStore) allocateID() string {
	next := 1
	if ids := s.ids(); len(ids) > 0 {
		next = ids[len(ids)-1] + 1
	}
	for ; ; next++ {
		err := os.Mkdir(filepath.Join(s.dir, "users", strconv.Itoa(next)), 0o755)
		if err == nil {
			return strconv.Itoa(next)
		}
		if !errors.Is(err, fs.ErrExist) {
			panic(err)
		}
	}
}

// read returns the current (highest) version of a user: (user, n), or (nil, n) if it is no user.
func (s *FileStore) read(id string) (*User, int) {
	if !ID_PATTERN.MatchString(id) { // the id comes from the URL: never let it name a path
		return nil, 0
	}
	names, err := os.ReadDir(filepath.Join(s.dir, "users", id))
	if errors.Is(err, fs.ErrNotExist) {
		// The store itself gone is the server's fault (500), not a missing user.
		_, err = os.Stat(filepath.Join(s.dir, "users"))
		check(err)
		return nil, 0
	}
	check(err)
	version := 0
	for _, entry := range names {
		if n, ok := strings.CutSuffix(entry.Name(), ".json"); ok && ID_PATTERN.MatchString(n) {
			version = max(version, atoi(n))
		}
	}
	if version == 0 { // being created, or its create lost the email (409)
		return nil, 0
	}
	data, err := os.ReadFile(s.versionPath(id, version))
	check(err)
	var record struct {
		Email, Name string
		Deleted     bool
	}
	check(json.Unmarshal(data, &record))
	if record.Deleted {
		return nil, version
	}
	return &User{ID: id, Email: record.Email, Name: record.Name}, version
}

// writeVersion writes version n of a user once: false if another process wrote version n first.
func (s *FileStore) writeVersion(id string, version int, record any) bool {
	return s.writeOnce(s.versionPath(id, version), encodeJSON(record))
}

func (s *FileStore) versionPath(id string, version int) string {
	return filepath.Join(s.dir, "users", id, strconv.Itoa(version)+".json")
}

// claim: whoever creates emails/<sha256 of the email> owns the email; the file holds the id.
func (s *FileStore) claim(email, id string) bool {
	return s.writeOnce(s.emailPath(email), []byte(id))
}

func (s *FileStore) release(email string) {
	os.Remove(s.emailPath(email))
}

func (s *FileStore) emailPath(email string) string {
	digest := sha256.Sum256([]byte(emailKey(email)))
	return filepath.Join(s.dir, "emails", hex.EncodeToString(digest[:]))
}

// writeOnce writes data whole under tmp/, then links it to path: readers never see half a file,
// and the link fails with EEXIST if another process created path first (then it returns false).
func (s *FileStore) writeOnce(path string, data []byte) bool {
	tmp, err := os.CreateTemp(filepath.Join(s.dir, "tmp"), "write-*")
	check(err)
	defer os.Remove(tmp.Name())
	_, err = tmp.Write(data)
	check(err)
	check(tmp.Close())
	err = os.Link(tmp.Name(), path)
	if errors.Is(err, fs.ErrExist) {
		return false
	}
	check(err)
	return true
}

// atoi is for strings already checked to be digits; one too big for an int becomes the largest.
func atoi(digits string) int {
	n, err := strconv.Atoi(digits)
	if err != nil {
		return math.MaxInt
	}
	return n
}

// USERS_STORE=DIR shares the users with every process started on DIR; else each keeps its own.
var store Store

// ---- Validation ----

// net/http has already refused a Content-Length that is not digits or repeated with different
// values (a plain-text 400), merged identical repeats into one, and dropped Content-Length when
// Transfer-Encoding is present (RFC 9112, section 6.3), before this function runs.
func readBody(r *http.Request) ([]byte, error) {
	// A chunked body has no Content-Length either: refused, so the three servers stay alike.
	if len(r.TransferEncoding) > 0 {
		// Close the connection rather than let net/http read the refused body to find where it
		// ends: a body that is not really chunk-framed would hold the answer for 10 s.
		return nil, ApiError{411, "Content-Length is required", map[string]string{"Connection": "close"}}
	}
	if len(r.Header.Values("Content-Length")) == 0 {
		return nil, errorf(411, "Content-Length is required")
	}
	if r.ContentLength > MAX_BODY_BYTES {
		// The body is never read, so the connection is closed after the answer (RFC 9110 §15.5.14).
		message := fmt.Sprintf("body must be at most %d bytes", MAX_BODY_BYTES)
		return nil, ApiError{413, message, map[string]string{"Connection": "close"}}
	}
	// r.Body ends at Content-Length, so this reads at most MAX_BODY_BYTES. (http.MaxBytesReader
	// would be the guard for a body of unknown length, which readBody has already refused.)
	body, err := io.ReadAll(r.Body)
	if err != nil {
		// The client stalled (ReadTimeout) or hung up before sending Content-Length bytes:
		// drop the connection without an answer, as the Python and Node servers do.
		panic(http.ErrAbortHandler)
	}
	return body, nil
}

// readJSON is the body of a POST or PATCH, once its length and media type pass (400, 411, 413, 415).
func readJSON(r *http.Request, allowed ...string) ([]byte, error) {
	body, err := readBody(r)
	if err != nil {
		return nil, err
	}
	return body, checkContentType(r, allowed...)
}

// Parameters such as "; charset=utf-8" are allowed, and media types are case-insensitive.
func checkContentType(r *http.Request, allowed ...string) error {
	mediaType, _, _ := strings.Cut(r.Header.Get("Content-Type"), ";")
	// RFC 9110 §8.3.1: only spaces and tabs (OWS) around it; TrimSpace would also drop a UTF-8 NBSP.
	if !slices.Contains(allowed, strings.ToLower(strings.Trim(mediaType, " \t"))) {
		return errorf(415, "Content-Type must be %s", strings.Join(allowed, " or "))
	}
	return nil
}

// jsonDepth is how deep [ and { nest in body (strings skipped), counted before any parser recurses.
func jsonDepth(body []byte) int {
	depth, deepest, inString, escaped := 0, 0, false, false
	for _, b := range body {
		switch {
		case inString:
			escaped, inString = !escaped && b == '\\', escaped || b != '"'
		case b == '"':
			inString = true
		case b == '[' || b == '{':
			depth++
			if deepest = max(deepest, depth); deepest > MAX_JSON_DEPTH {
				return deepest
			}
		case b == ']' || b == '}':
			depth--
		}
	}
	return deepest
}

// A map, never a struct: encoding/json matches struct fields case-insensitively and would take
// {"EMAIL": ...} for an email.
func parseObject(body []byte) (map[string]any, error) {
	if jsonDepth(body) > MAX_JSON_DEPTH {
		return nil, errorf(400, "body must be nested at most %d levels deep", MAX_JSON_DEPTH)
	}
	// encoding/json would silently put U+FFFD in place of invalid UTF-8, and in place of a
	// "\ud800" that is not half of a pair: refuse both first, as Python and Node do.
	if !utf8.Valid(body) || hasLoneSurrogate(body) {
		return nil, errInvalidJSON
	}
	decoder := json.NewDecoder(bytes.NewReader(body))
	decoder.UseNumber() // 1e400 is valid JSON, though no float64 holds it
	var value any
	if err := decoder.Decode(&value); err != nil {
		return nil, errInvalidJSON
	}
	if _, err := decoder.Token(); err != io.EOF { // anything after the value
		return nil, errInvalidJSON
	}
	fields, ok := value.(map[string]any)
	if !ok {
		return nil, errorf(400, "body must be a JSON object")
	}
	return fields, nil
}

// The field as a string; ok is false if a PATCH (partial) leaves it out.
func stringField(fields map[string]any, field string, partial bool) (value string, ok bool, err error) {
	raw, present := fields[field]
	if !present && partial {
		return "", false, nil
	}
	// Missing on POST, or null on PATCH: the field cannot be removed.
	if raw == nil {
		return "", false, errorf(400, "%s is required", field)
	}
	value, isString := raw.(string)
	if !isString {
		return "", false, errorf(400, "%s must be a string", field)
	}
	return value, true, nil
}

// The fields to store; the checks run in the order of the README.
func validateUser(fields map[string]any, partial bool) (map[string]string, error) {
	if _, ok := fields["id"]; ok {
		return nil, errorf(400, "id is assigned by the server")
	}
	unknown := []string{}
	for key := range fields {
		if key != "email" && key != "name" {
			unknown = append(unknown, key)
		}
	}
	if len(unknown) > 0 {
		// Go compares strings byte by byte, which for UTF-8 is code point order, as in Python.
		return nil, errorf(400, "unknown field: %s", slices.Min(unknown))
	}
	changes := map[string]string{}
	email, ok, err := stringField(fields, "email", partial)
	if err != nil {
		return nil, err
	}
	if ok {
		// Lengths count code points (runes), not the bytes len() would count.
		if utf8.RuneCountInString(email) > MAX_EMAIL {
			return nil, errorf(400, "email must be at most %d characters", MAX_EMAIL)
		}
		if !EMAIL_PATTERN.MatchString(email) {
			return nil, errorf(400, "email must look like name@example.com")
		}
		changes["email"] = email
	}
	name, ok, err := stringField(fields, "name", partial)
	if err != nil {
		return nil, err
	}
	if ok {
		if n := utf8.RuneCountInString(name); n < 1 || n > MAX_NAME {
			return nil, errorf(400, "name must be 1 to %d characters", MAX_NAME)
		}
		changes["name"] = name
	}
	return changes, nil
}

// decodeUser returns the checked fields of a POST body, or of a PATCH body when partial: create
// and update decode their bodies here, one path.
func decodeUser(body []byte, partial bool) (map[string]string, error) {
	fields, err := parseObject(body)
	if err != nil {
		return nil, err
	}
	return validateUser(fields, partial)
}

// The page size; an empty value (?limit=) is not a number, so it is refused like "abc".
func parseLimit(raw string, present bool) (int, error) {
	if !present {
		return DEFAULT_LIMIT, nil
	}
	if !DIGITS.MatchString(raw) || atoi(raw) < 1 || atoi(raw) > MAX_LIMIT {
		return 0, errorf(400, "limit must be an integer from 1 to %d", MAX_LIMIT)
	}
	return atoi(raw), nil
}

// The cursor is the id of the last user of the previous page; the first page has none (0).
func parseCursor(raw string, present bool) (int, error) {
	if !present {
		return 0, nil
	}
	if !DIGITS.MatchString(raw) { // empty included
		return 0, errorf(400, "cursor is not valid")
	}
	// Any digits are a cursor: one longer than any id could be is past every id (the empty page).
	return atoi(raw), nil
}

// ---- Handlers ----

// Each handler returns a response; body nil means no body at all (204, 304).
type response struct {
	status  int
	headers map[string]string
	body    any
}

type handler func(r *http.Request, id string) (response, error)

func createUser(r *http.Request, _ string) (response, error) {
	body, err := readJSON(r, CREATE_TYPES...)
	if err != nil {
		return response{}, err
	}
	object, err := parseObject(body)
	var password any
	if err == nil && AUTH != nil {
		password = AUTH.takePassword(object) // with auth on, required and write-only
	}
	var fields map[string]string
	if err == nil {
		fields, err = validateUser(object, false)
	}
	passwordHash := ""
	if err == nil && AUTH != nil {
		passwordHash, err = AUTH.hashNew(password)
	}
	if err != nil {
		return response{}, err
	}
	user, version, err := store.create(fields["email"], fields["name"])
	if err != nil {
		return response{}, err
	}
	if AUTH != nil {
		AUTH.credentials.save(user.ID, passwordHash)
	}
	headers := map[string]string{"Location": "/users/" + user.ID, "ETag": etagFor(version)}
	return response{201, headers, user}, nil
}

// The list body; a nil NextCursor encodes as null.
type listPage struct {
	Users      []User  `json:"users"`
	NextCursor *string `json:"next_cursor"`
}

func listUsers(r *http.Request, _ string) (response, error) {
	// The query as sent, read the way Python's parse_qs and Node's URLSearchParams read it.
	_, query, _ := strings.Cut(r.RequestURI, "?")
	limit, err := parseLimit(queryValue(query, "limit"))
	if err != nil {
		return response{}, err
	}
	afterID, err := parseCursor(queryValue(query, "cursor"))
	if err != nil {
		return response{}, err
	}
	// Ask for one more than the page: if it exists, there is a next page.
	users := store.list(afterID, limit+1)
	page := listPage{Users: users[:min(limit, len(users))]}
	headers := map[string]string{}
	if len(users) > limit {
		nextCursor := page.Users[limit-1].ID
		page.NextCursor = &nextCursor
		headers["Link"] = fmt.Sprintf(`</users?limit=%d&cursor=%s>; rel="next"`, limit, nextCursor)
	}
	return response{200, headers, page}, nil
}

func getUser(r *http.Request, id string) (response, error) {
	user, version, err := store.get(id)
	if err != nil {
		return response{}, err
	}
	ifNoneMatch := headerList(r, "If-None-Match") // empty or missing: no condition
	// A 304 carries the ETag and Cache-Control its 200 would carry (RFC 9110 §15.4.5).
	headers := map[string]string{"ETag": etagFor(version), "Cache-Control": CACHE_REVALIDATE}
	// The client's copy is current: say so in a few bytes instead of sending the user again.
	if ifNoneMatch != "" && etagMatches(ifNoneMatch, etagFor(version), true) {
		return response{304, headers, nil}, nil
	}
	return response{200, headers, user}, nil
}

func updateUser(r *http.Request, id string) (response, error) {
	body, err := readJSON(r, UPDATE_TYPES...)
	if err != nil {
		return response{}, err
	}
	// 404 and 412 come before any complaint about the body; the store checks both again, in the
	// same step as the write, because another request may change the user in between.
	ifMatch := headerList(r, "If-Match")
	_, version, err := store.get(id)
	if err == nil {
		err = checkIfMatch(ifMatch, version)
	}
	if err != nil {
		return response{}, err
	}
	changes, err := decodeUser(body, true)
	if err != nil {
		return response{}, err
	}
	user, version, err := store.update(id, changes, ifMatch)
	if err != nil {
		return response{}, err
	}
	return response{200, map[string]string{"ETag": etagFor(version)}, user}, nil
}

func deleteUser(r *http.Request, id string) (response, error) {
	if err := store.delete(id, headerList(r, "If-Match")); err != nil {
		return response{}, err
	}
	return response{status: 204}, nil
}

func createToken(r *http.Request, _ string) (response, error) {
	body, err := readJSON(r, CREATE_TYPES...)
	var fields map[string]any
	if err == nil {
		fields, err = parseObject(body)
	}
	var token tokenBody
	if err == nil {
		token, err = AUTH.issue(fields)
	}
	if err != nil {
		return response{}, err
	}
	// A token is for this client only (RFC 6749, section 5.1).
	return response{200, map[string]string{"Cache-Control": CACHE_NEVER}, token}, nil
}

// A header sent on several lines is one comma-separated list (RFC 9110, section 5.3).
func headerList(r *http.Request, name string) string {
	return strings.Join(r.Header.Values(name), ", ")
}

// Compact JSON, UTF-8, non-ASCII as is, then a newline. SetEscapeHTML(false) keeps <, > and &
// as they are, like Python's json.dumps and JavaScript's JSON.stringify.
func encodeJSON(value any) []byte {
	var buffer bytes.Buffer
	encoder := json.NewEncoder(&buffer)
	encoder.SetEscapeHTML(false)
	check(encoder.Encode(value)) // Encode adds the newline
	return []byte(lineSeparators.Replace(buffer.String()))
}

func sendJSON(w http.ResponseWriter, r *http.Request, res response) {
	// The answer starts: the client must take it within WRITE_TIMEOUT (framing.go's Write).
	http.NewResponseController(w).SetWriteDeadline(time.Now().Add(WRITE_TIMEOUT * time.Second))
	// Unless the handler says otherwise, no cache may store the answer (servers/README.md).
	w.Header()["Cache-Control"] = []string{CACHE_NEVER}
	for name, value := range res.headers {
		w.Header()[name] = []string{value} // as written: Header().Set would send ETag as "Etag"
	}
	if res.headers["Connection"] == "close" {
		// Even so, net/http reads up to 256 KB of an unread body before it closes the connection,
		// and a "chunked" body that is not chunk-framed holds it there for 10 s: stop reading now.
		http.NewResponseController(w).SetReadDeadline(time.Now())
	}
	if res.body == nil { // 204 and 304: no body, no Content-Length
		w.WriteHeader(res.status)
		return
	}
	data := encodeJSON(res.body)
	w.Header().Set("Content-Type", "application/json")
	// Set by hand, so there is never a chunked response, and HEAD gets the length GET would have.
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	w.WriteHeader(res.status)
	if r.Method != http.MethodHead {
		w.Write(data)
	}
}

// ---- Routing ----

var (
	COLLECTION_HANDLERS = map[string]handler{"GET": listUsers, "HEAD": listUsers, "POST": createUser}
	ITEM_HANDLERS       = map[string]handler{"GET": getUser, "HEAD": getUser, "PATCH": updateUser, "DELETE": deleteUser}
	TOKEN_HANDLERS      = map[string]handler{"POST": createToken}
)

// route returns the handler for a request and the user id in its path: the path decides 404,
// then 405.
func route(method, path string) (handler, string, error) {
	var handlers map[string]handler
	var allow, id string
	segments := strings.Split(path, "/")
	switch {
	case path == "/users":
		handlers, allow, id = COLLECTION_HANDLERS, ALLOW_COLLECTION, ""
	case len(segments) == 3 && segments[1] == "users" && segments[2] != "":
		handlers, allow, id = ITEM_HANDLERS, ALLOW_ITEM, segments[2]
	case path == "/tokens" && AUTH != nil:
		handlers, allow, id = TOKEN_HANDLERS, ALLOW_TOKENS, ""
	default:
		return nil, "", errorf(404, "not found")
	}
	h, ok := handlers[method]
	if !ok {
		return nil, "", ApiError{405, "method not allowed", map[string]string{"Allow": allow}}
	}
	return h, id, nil
}

// net/http calls this for every request its parser accepts, whatever the method or path.
func serveHTTP(w http.ResponseWriter, r *http.Request) {
	defer func() {
		// Not the client's fault (a bug, a broken store: check panics): log it, answer the
		// documented 500, and close the connection, since the request may be half read. Serving
		// goes on. http.ErrAbortHandler means the client went away: nobody to answer.
		if err := recover(); err != nil {
			if err == http.ErrAbortHandler {
				panic(err)
			}
			log.Print(err)
			body := map[string]string{"error": "internal server error"}
			sendJSON(w, r, response{500, map[string]string{"Connection": "close"}, body})
		}
	}()
	// RFC 9110 §6.2: answer in HTTP/1.1, the highest version this server conforms to, as Python
	// and Node do; net/http would write the request's HTTP/1.0 in the status line. It has already
	// decided from the request as sent whether the connection stays open and whether 100 Continue
	// may be sent (it reads those before any handler runs), so what changes is the status line and
	// a "Connection: close" where the connection closes. Every answer has a Content-Length
	// (sendJSON), so none is chunked to an HTTP/1.0 client (RFC 9112 §6.1).
	if r.ProtoMajor == 1 && r.ProtoMinor == 0 {
		r.ProtoMinor = 1
	}
	// The path as sent, before percent-decoding, like Python's requestline and Node's req.url.
	path, query, _ := strings.Cut(r.RequestURI, "?")
	var res response
	h, id, err := route(r.Method, path)
	if err == nil && AUTH != nil { // before the body is even read: who asks comes first
		err = AUTH.refuseTokenInURL(query)
		if err == nil && (r.Method == "PATCH" || r.Method == "DELETE") {
			err = AUTH.authorize(r.Header.Values("Authorization"), id)
		}
	}
	if err == nil {
		res, err = h(r, id)
	}
	if err != nil {
		e := err.(ApiError) // handlers return no other error
		res = response{e.status, e.headers, map[string]string{"error": e.message}}
	}
	sendJSON(w, r, res)
}

// nil: auth is off, as in lessons 01 to 09.
var AUTH = authFromEnvironment()

// ---- Start-up ----

func main() {
	// The port: first argument, else $PORT, else 0 (the OS picks any free port).
	port := os.Getenv("PORT")
	if len(os.Args) > 1 {
		port = os.Args[1]
	}
	if port == "" {
		port = "0"
	}
	// SIGTERM (what process managers send) drains the server, and so does Ctrl-C. Installed before
	// listening: a launcher may send it the moment it reads the readiness line.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if dir := os.Getenv("USERS_STORE"); dir != "" {
		store = newFileStore(dir)
	} else {
		store = &MemoryStore{users: map[string]versioned{}, owners: map[string]string{}}
	}
	listener, err := net.Listen("tcp", net.JoinHostPort(HOST, port))
	if err != nil {
		log.Fatal(err)
	}
	// A slow client cannot hold a connection: HEADER_TIMEOUT for the headers, REQUEST_TIMEOUT for
	// the whole request, IDLE_TIMEOUT between keep-alive requests. Other connections have their
	// own goroutines meanwhile.
	server := &http.Server{
		Handler:           http.HandlerFunc(serveHTTP),
		ReadHeaderTimeout: HEADER_TIMEOUT * time.Second,
		ReadTimeout:       REQUEST_TIMEOUT * time.Second,
		IdleTimeout:       IDLE_TIMEOUT * time.Second,
		// framing.go answers 431 past MAX_HEADER_BYTES, before net/http's own limit (this plus
		// 4096 bytes of slack) is reached.
		MaxHeaderBytes: MAX_HEADER_BYTES,
		// OPTIONS * reaches serveHTTP, which answers 404 as Python and Node do, instead of
		// net/http's own empty 200.
		DisableGeneralOptionsHandler: true,
		// framing.go: a refused request is answered after the requests before it.
		ConnState: countAnswers,
	}
	// Exactly one readiness line: a launcher waits for it and reads the real port from it.
	fmt.Printf("listening on http://%s\n", listener.Addr())
	go func() {
		// Each connection's bytes pass the framing rules net/http bends (framing.go) first.
		if err := server.Serve(framingListener{listener}); err != http.ErrServerClosed {
			log.Fatal(err)
		}
	}()
	<-ctx.Done()
	// Draining: stop accepting, close idle connections at once (and those that have sent nothing
	// yet: framing.go), let requests in flight (a POST whose body is still arriving too) finish
	// for up to DRAIN_TIMEOUT, then exit 0.
	drainDeadline = time.Now().Add(DRAIN_TIMEOUT * time.Second)
	draining.Store(true) // connections closed after an answer now linger (framing.go's Close)
	server.RegisterOnShutdown(closeSilent)
	timeout, cancel := context.WithDeadline(context.Background(), drainDeadline)
	defer cancel()
	server.Shutdown(timeout)
}
