// The plumbing that exercises 05, 06 and 07 share in Go: what they are not about. Each of them
// links this file beside its main.go, with launch.go (one package, three files): the store, JSON
// in and out, one JSON answer per request, the query of GET /users (the launch contract is in
// launch.go). You need not open it (but you may: nothing in it is hidden magic). Standard library
// only.
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"math"
	"net/http"
	"net/url"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
)

// ---- Constants ----

// The names are those of the Python and Node files, so the three read alike (Go's own style would
// be maxBodyBytes).
const (
	MAX_BODY_BYTES = 16384
	MAX_JSON_DEPTH = 20 // nesting of [ and { in a request body
	MAX_EMAIL      = 254
	MAX_NAME       = 100
	DEFAULT_LIMIT  = 20
	MAX_LIMIT      = 100
	// Not in an email (servers/README.md): @, controls and spaces (U+0000-U+0020, U+007F-U+00A0),
	// and the invisible characters of Unicode's first plane (zero-width, direction marks, ...).
	NOT_IN_EMAIL = `@\x00-\x20\x7f-\x{a0}\x{ad}\x{600}-\x{605}\x{61c}\x{6dd}\x{70f}\x{8e2}` +
		`\x{1680}\x{180e}\x{2000}-\x{200f}\x{2028}-\x{202f}\x{205f}-\x{206f}\x{3000}\x{feff}\x{fff9}-\x{fffb}`
)

var (
	EMAIL_PATTERN = regexp.MustCompile(`^[^` + NOT_IN_EMAIL + `]+@[^` + NOT_IN_EMAIL + `]+$`)
	DIGITS        = regexp.MustCompile(`^[0-9]+$`) // ASCII only: strconv.Atoi would take "+5"
)

// ---- Errors ----

// An apiError is an answer the client caused: its status and the message of its JSON body.
type apiError struct {
	status  int
	message string
}

func (e apiError) Error() string { return e.message }

func errorf(status int, format string, args ...any) error {
	return apiError{status, fmt.Sprintf(format, args...)}
}

// ---- Store ----

// A User is the resource; the order of the fields is the order of the keys on the wire.
type User struct {
	ID       string  `json:"id"`
	Email    string  `json:"email"`
	Name     string  `json:"name"`
	Nickname *string `json:"-"` // exercise 07's (nil: none); its present() sends it
}

// What the store refuses. Not HTTP answers: the handler decides what each means to the client.
var (
	errNoUser     = errors.New("no such user")
	errEmailTaken = errors.New("email is already in use")
)

// MemoryStore keeps the users in memory, one per email. net/http serves each connection on its
// own goroutine, so the mutex lets one request at a time read or change the maps.
type MemoryStore struct {
	mu     sync.Mutex
	users  map[string]User
	owners map[string]string // emailKey(email) -> id of the user who has it
	lastID int
}

var store = &MemoryStore{users: map[string]User{}, owners: map[string]string{}}

// emailKey is what makes two emails the same (servers/README.md): equal once ASCII A-Z are
// lower-cased. Other characters compare as they are: Unicode case folding would need tables Go's
// standard library does not have, and the three languages keep one rule.
func emailKey(email string) string {
	return strings.Map(func(r rune) rune {
		if 'A' <= r && r <= 'Z' {
			return r + ('a' - 'A')
		}
		return r
	}, email)
}

// create stores user under a new id, or refuses with errEmailTaken. Checking the email and
// inserting under one lock: two POSTs with one email, checked apart, would both pass.
func (s *MemoryStore) create(user User) (User, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, taken := s.owners[emailKey(user.Email)]; taken {
		return User{}, errEmailTaken
	}
	s.lastID++
	user.ID = strconv.Itoa(s.lastID)
	s.users[user.ID], s.owners[emailKey(user.Email)] = user, user.ID
	return user, nil
}

// get returns the user, and false if there is no such user.
func (s *MemoryStore) get(id string) (User, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	user, ok := s.users[id]
	return user, ok
}

// list returns at most limit users created after the user afterID, oldest first.
func (s *MemoryStore) list(afterID, limit int) []User {
	s.mu.Lock()
	defer s.mu.Unlock()
	page := []User{} // encodes as [], where a nil slice would encode as null
	for n := min(afterID, s.lastID) + 1; n <= s.lastID && len(page) < limit; n++ {
		if user, ok := s.users[strconv.Itoa(n)]; ok {
			page = append(page, user)
		}
	}
	return page
}

// update stores change(the user), under one lock: errNoUser if there is no such user,
// errEmailTaken if the new email is another user's.
func (s *MemoryStore) update(id string, change func(User) User) (User, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	user, ok := s.users[id]
	if !ok {
		return User{}, errNoUser
	}
	updated := change(user)
	updated.ID = id
	// A user may change the case of their own email: only another owner is a conflict.
	if owner, taken := s.owners[emailKey(updated.Email)]; taken && owner != id {
		return User{}, errEmailTaken
	}
	delete(s.owners, emailKey(user.Email))
	s.owners[emailKey(updated.Email)] = id
	s.users[id] = updated
	return updated, nil
}

// delete removes the user; false if there was none.
func (s *MemoryStore) delete(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	user, ok := s.users[id]
	if ok {
		delete(s.users, id)
		delete(s.owners, emailKey(user.Email))
	}
	return ok
}

// storeError is what the store's refusals mean to the client: 404 for a user that is gone (another
// request deleted it), 409 for an email that another user has (RFC 9110 §15.5.10: the request is
// fine, but it conflicts with the state of the server). Any other error stays a 500.
func storeError(err error) error {
	switch {
	case errors.Is(err, errNoUser):
		return errorf(404, "user not found")
	case errors.Is(err, errEmailTaken):
		return errorf(409, "email is already in use")
	}
	return err
}

// ---- JSON in ----

// readBody returns the request body; net/http has already checked it against Content-Length.
func readBody(r *http.Request) ([]byte, error) {
	// No Content-Length (chunked bodies too): refused, a choice that keeps the three servers alike.
	if r.Header.Get("Content-Length") == "" || len(r.TransferEncoding) > 0 {
		return nil, errorf(411, "Content-Length is required")
	}
	if r.ContentLength > MAX_BODY_BYTES {
		return nil, errorf(413, "body must be at most %d bytes", MAX_BODY_BYTES)
	}
	body, err := io.ReadAll(r.Body) // at most MAX_BODY_BYTES: r.Body ends at Content-Length
	if err != nil {
		panic(http.ErrAbortHandler) // the client went away mid-body: nobody to answer
	}
	return body, nil
}

// checkContentType: 415 unless the media type is one of allowed. Parameters such as
// "; charset=utf-8" are allowed, and media types are case-insensitive (RFC 9110 §8.3.1).
func checkContentType(r *http.Request, allowed ...string) error {
	mediaType, _, _ := strings.Cut(r.Header.Get("Content-Type"), ";")
	if !slices.Contains(allowed, strings.ToLower(strings.TrimSpace(mediaType))) {
		return errorf(415, "Content-Type must be %s", strings.Join(allowed, " or "))
	}
	return nil
}

// readJSON is the body of a POST or PATCH, once its length and media type pass (411, 413, 415).
func readJSON(r *http.Request, allowed ...string) ([]byte, error) {
	body, err := readBody(r)
	if err != nil {
		return nil, err
	}
	return body, checkContentType(r, allowed...)
}

// parseObject returns the fields of a JSON object, each value still JSON: the caller decodes each
// into its type, and tells a field left out (not in the map) from a null (json.RawMessage "null").
// A map, not a struct: encoding/json matches struct fields case-insensitively and would take
// {"EMAIL": ...} for an email, where the contract calls it an unknown field.
func parseObject(body []byte) (map[string]json.RawMessage, error) {
	if jsonDepth(body) > MAX_JSON_DEPTH {
		return nil, errorf(400, "body must be nested at most %d levels deep", MAX_JSON_DEPTH)
	}
	// encoding/json would silently put U+FFFD in place of invalid UTF-8, and of a "\ud800" that is
	// not half of a pair: refuse both first, as Python and Node do.
	if !utf8.Valid(body) || hasLoneSurrogate(body) || !json.Valid(body) {
		return nil, errorf(400, "body is not valid JSON")
	}
	var fields map[string]json.RawMessage
	if json.Unmarshal(body, &fields) != nil || fields == nil { // nil: the body is null
		return nil, errorf(400, "body must be a JSON object")
	}
	return fields, nil
}

// hasLoneSurrogate reports whether a \uD800-\uDFFF escape in body is not half of a UTF-16 pair
// (a high \uD800-\uDBFF followed at once by a low \uDC00-\uDFFF): no character, no UTF-8 form.
func hasLoneSurrogate(body []byte) bool {
	for i := 0; i < len(body); i++ {
		if body[i] != '\\' {
			continue
		}
		switch unit := utf16Escape(body[i:]); {
		case unit >= 0xD800 && unit <= 0xDBFF: // high: a low escape must come next
			if low := utf16Escape(body[i+6:]); low < 0xDC00 || low > 0xDFFF {
				return true
			}
			i += 11 // past the pair
		case unit >= 0xDC00 && unit <= 0xDFFF: // low, with no high before it
			return true
		default:
			i++ // past the escaped character: in "\\ud800" the second backslash escapes nothing
		}
	}
	return false
}

// utf16Escape is the code unit of the \uXXXX escape text starts with, or -1 if there is none.
func utf16Escape(text []byte) int {
	if len(text) < 6 || text[0] != '\\' || text[1] != 'u' {
		return -1
	}
	unit, err := strconv.ParseUint(string(text[2:6]), 16, 16)
	if err != nil {
		return -1
	}
	return int(unit)
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
			deepest = max(deepest, depth)
		case b == ']' || b == '}':
			depth--
		}
	}
	return deepest
}

// checkKeys refuses a body that sends id (the server assigns it) or a field not in known: the
// first, sorted, so that the answer is the same every time (a map's order changes from run to run).
// A field the API does not define is an error, not something to drop: a typo such as "nmae" would
// otherwise create a user without the name the client meant to send.
func checkKeys(fields map[string]json.RawMessage, known ...string) error {
	if _, ok := fields["id"]; ok {
		return errorf(400, "id is assigned by the server")
	}
	unknown := []string{}
	for key := range fields {
		if !slices.Contains(known, key) {
			unknown = append(unknown, key)
		}
	}
	if len(unknown) > 0 {
		return errorf(400, "unknown field: %s", slices.Min(unknown))
	}
	return nil
}

// stringField checks fields["email"] or fields["name"]: there and not null (both are required,
// so neither can be removed), a string, and within its bounds; else 400 and the contract's words.
func stringField(fields map[string]json.RawMessage, field string) (*string, error) {
	raw, present := fields[field]
	if !present || string(raw) == "null" {
		return nil, errorf(400, "%s is required", field)
	}
	var value string
	if json.Unmarshal(raw, &value) != nil {
		return nil, errorf(400, "%s must be a string", field)
	}
	length := utf8.RuneCountInString(value) // code points; len() would count bytes
	switch {
	case field == "email" && length > MAX_EMAIL:
		return nil, errorf(400, "email must be at most %d characters", MAX_EMAIL)
	case field == "email" && !EMAIL_PATTERN.MatchString(value):
		return nil, errorf(400, "email must look like name@example.com")
	case field == "name" && (length < 1 || length > MAX_NAME):
		return nil, errorf(400, "name must be 1 to %d characters", MAX_NAME)
	}
	return &value, nil
}

// jsonEqual tells whether two JSON values are equal as values: "\u0041" is "A", [1] is [1.0].
func jsonEqual(a, b json.RawMessage) bool {
	var x, y any
	return json.Unmarshal(a, &x) == nil && json.Unmarshal(b, &y) == nil && reflect.DeepEqual(x, y)
}

// ---- GET /users: the query and the page ----

// queryValue is the first value of the query parameter name, and whether it is there at all
// (?limit= is there, with the value ""). url.ParseQuery would drop a pair holding a ";" and
// ?limit=5;x=1 would pass for no limit: this keeps it, as Python and Node do, to refuse it.
func queryValue(query, name string) (string, bool) {
	for _, pair := range strings.Split(query, "&") {
		key, value, _ := strings.Cut(pair, "=")
		if plainKey, err := url.QueryUnescape(key); err == nil && plainKey == name {
			if plain, err := url.QueryUnescape(value); err == nil {
				return plain, true
			}
			return value, true
		}
	}
	return "", false
}

// parseLimit: the page size; an empty value (?limit=) is not a number, so it is refused.
func parseLimit(raw string, present bool) (int, error) {
	if !present {
		return DEFAULT_LIMIT, nil
	}
	limit, err := strconv.Atoi(raw)
	if !DIGITS.MatchString(raw) || err != nil || limit < 1 || limit > MAX_LIMIT {
		return 0, errorf(400, "limit must be an integer from 1 to %d", MAX_LIMIT)
	}
	return limit, nil
}

// parseCursor returns the id after which the page starts; 0 (before every id) on the first page.
func parseCursor(raw string, present bool) (int, error) {
	if !present {
		return 0, nil
	}
	if !DIGITS.MatchString(raw) { // empty included
		return 0, errorf(400, "cursor is not valid")
	}
	cursor, err := strconv.Atoi(raw)
	if err != nil { // more digits than an int holds: after every id, the empty last page
		return math.MaxInt, nil
	}
	return cursor, nil
}

// listPage is the body of GET /users; a nil NextCursor encodes as null.
type listPage[T any] struct {
	Users      []T     `json:"users"`
	NextCursor *string `json:"next_cursor"`
}

// listUsers answers GET /users: a page of users, oldest first, each as present shows it, with the
// headers announce adds. The cursor is the id of the last user on the page, so a delete between two
// pages never makes a client skip or repeat a user.
func listUsers[T any](present func(User) T, announce func(http.Header)) http.Handler {
	return handle(func(w http.ResponseWriter, r *http.Request) error {
		limit, err := parseLimit(queryValue(r.URL.RawQuery, "limit"))
		if err != nil {
			return err
		}
		afterID, err := parseCursor(queryValue(r.URL.RawQuery, "cursor"))
		if err != nil {
			return err
		}
		users := store.list(afterID, limit+1) // one more than the page: is there a next?
		page := listPage[T]{Users: []T{}}     // [], where a nil slice would encode as null
		for _, user := range users[:min(limit, len(users))] {
			page.Users = append(page.Users, present(user))
		}
		if len(users) > limit {
			next := users[limit-1].ID
			page.NextCursor = &next
			w.Header().Set("Link", fmt.Sprintf(`</users?limit=%d&cursor=%s>; rel="next"`, limit, next))
		}
		announce(w.Header())
		writeJSON(w, http.StatusOK, page)
		return nil
	})
}

// ---- JSON out ----

// writeJSON answers status and value as compact JSON and a newline. SetEscapeHTML(false) keeps
// <, > and & as they are, like Python's json.dumps and JavaScript's JSON.stringify.
func writeJSON(w http.ResponseWriter, status int, value any) {
	var buffer bytes.Buffer
	encoder := json.NewEncoder(&buffer)
	encoder.SetEscapeHTML(false)
	if err := encoder.Encode(value); err != nil {
		panic(err) // a value of ours that JSON cannot hold is a bug
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(buffer.Len()))
	w.WriteHeader(status)
	w.Write(buffer.Bytes()) // HEAD: net/http sends the headers and discards the body
}

// A handler answers one request: it writes its success itself, or returns the error to answer.
type handler func(w http.ResponseWriter, r *http.Request) error

// handle turns a handler into what ServeMux calls, and its error into one JSON answer: an apiError
// as it says; anything else is a bug, not the client's fault: 500, logged, and the other clients
// keep their server.
func handle(h handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Without ETags no answer can be revalidated: no cache may store one (RFC 9111 §5.2.2.5).
		w.Header().Set("Cache-Control", "no-store")
		err := h(w, r)
		if err == nil {
			return
		}
		var e apiError
		if !errors.As(err, &e) {
			log.Printf("internal error on %s %s: %v", r.Method, r.URL.Path, err)
			e = apiError{500, "internal server error"}
			w.Header().Set("Connection", "close") // the request may be half read
		}
		writeJSON(w, e.status, map[string]string{"error": e.message})
	})
}

// methodNotAllowed answers 405 and Allow, the methods the path takes (RFC 9110 §15.5.6). ServeMux
// would answer a 405 of its own, but in plain text and with the methods in its own order.
func methodNotAllowed(allow string) http.Handler {
	return handle(func(w http.ResponseWriter, _ *http.Request) error {
		w.Header().Set("Allow", allow)
		return errorf(405, "method not allowed")
	})
}

// notFound answers 404 to any method: there is no resource at this path.
var notFound = handle(func(http.ResponseWriter, *http.Request) error {
	return errorf(404, "not found")
})
