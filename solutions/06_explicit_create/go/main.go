// BEGIN SOLUTION
// Exercise 06, solved: POST /users says exactly what it did, and exactly what was wrong.
// STARTER
// | // Exercise 06: POST /users says exactly what it did, and exactly what was wrong.
// END SOLUTION
//
//	go run ./solutions/06_explicit_create/go [PORT]
//
// BEGIN SOLUTION
// Every outcome is explicit: 201 with the user and its Location when it worked; otherwise one
// status and one message per reason (415, 400, 409), from servers/README.md, word for word, so a
// client can act on each one. Nothing is guessed, filled in or silently dropped.
// STARTER
// | // POST /users creates a user from whatever it gets, answers 200 and an id, and never says no.
// | // Make every outcome explicit the way the README asks, then `make check EX=06 IN=go`.
// END SOLUTION
package main

import (
	"encoding/json"
	"net/http"
	"regexp"
	// BEGIN SOLUTION
	"slices"
	// END SOLUTION
	"strconv"
	// BEGIN SOLUTION
	"strings"
	// END SOLUTION
	"sync"
	// BEGIN SOLUTION
	"unicode/utf8"
	// END SOLUTION
)

// ---- Constants ----

// The names are those of the Python and Node files, so the three read alike.
const (
	MAX_EMAIL        = 254
	MAX_NAME         = 100
	ALLOW_COLLECTION = "POST"
	ALLOW_ITEM       = "GET, HEAD"
)

var EMAIL_PATTERN = regexp.MustCompile(`^[^@ \t\r\n]+@[^@ \t\r\n]+$`)

// ---- Store ----

// A User is the resource; the order of the fields is the order of the keys on the wire.
type User struct {
	ID    string `json:"id"`
	Email string `json:"email"`
	Name  string `json:"name"`
}

// BEGIN SOLUTION
// MemoryStore keeps the users in memory; one user per email. net/http serves each connection on
// STARTER
// | // MemoryStore keeps the users in memory. net/http serves each connection on
// END SOLUTION
// its own goroutine, so the mutex lets one request at a time read or change the maps.
type MemoryStore struct {
	mu    sync.Mutex
	users map[string]User
	// BEGIN SOLUTION
	emails map[string]string // email -> id of the user who has it
	// END SOLUTION
	lastID int
}

// BEGIN SOLUTION
// create checks and inserts under one lock: two POSTs with the same email, checked apart and then
// inserted, would both pass the check.
// END SOLUTION
func (s *MemoryStore) create(email, name string) (User, error) {
	// BEGIN SOLUTION
	// STARTER
	// | 	// TODO 8: one user per email: a second one is 409 {"error": "email is already in use"}.
	// END SOLUTION
	s.mu.Lock()
	defer s.mu.Unlock()
	// BEGIN SOLUTION
	if _, taken := s.emails[email]; taken {
		return User{}, errorf(409, "email is already in use")
	}
	// END SOLUTION
	s.lastID++
	user := User{ID: strconv.Itoa(s.lastID), Email: email, Name: name}
	// BEGIN SOLUTION
	s.users[user.ID], s.emails[email] = user, user.ID
	// STARTER
	// | 	s.users[user.ID] = user
	// END SOLUTION
	return user, nil
}

// get returns the user, and false if there is no such user.
func (s *MemoryStore) get(id string) (User, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	user, ok := s.users[id]
	return user, ok
}

// BEGIN SOLUTION
var store = &MemoryStore{users: map[string]User{}, emails: map[string]string{}}

// STARTER
// | var store = &MemoryStore{users: map[string]User{}}
// END SOLUTION

// ---- Validation ----

// BEGIN SOLUTION
// Parameters such as "; charset=utf-8" are allowed, and media types are case-insensitive.
func checkContentType(r *http.Request, allowed ...string) error {
	mediaType, _, _ := strings.Cut(r.Header.Get("Content-Type"), ";")
	if !slices.Contains(allowed, strings.ToLower(strings.TrimSpace(mediaType))) {
		return errorf(415, "Content-Type must be %s", strings.Join(allowed, " or "))
	}
	return nil
}

// STARTER
// | // TODO 3: checkContentType(r, allowed...): a Content-Type other than application/json is
// | //         415 {"error": "Content-Type must be application/json"}.
// END SOLUTION

// BEGIN SOLUTION
// parseObject returns the body as a JSON object, else a 400 that says which of the two it is not.
// A map, never a struct: encoding/json matches struct fields case-insensitively and would take
// {"EMAIL": ...} for an email, and a struct cannot tell a field left out from a null.
// STARTER
// | // parseObject returns the body as a JSON object; anything else counts as an empty one.
// END SOLUTION
func parseObject(body []byte) (map[string]any, error) {
	// BEGIN SOLUTION
	var value any
	// encoding/json would silently put U+FFFD in place of invalid UTF-8: refuse it first.
	if !utf8.Valid(body) || json.Unmarshal(body, &value) != nil {
		return nil, errorf(400, "body is not valid JSON")
	}
	fields, ok := value.(map[string]any)
	if !ok {
		return nil, errorf(400, "body must be a JSON object")
		// STARTER
		// | 	// TODO 4: a body that is not JSON, or JSON but not an object, is the client's mistake: 400,
		// | 	//         with a message that says which of the two.
		// | 	var fields map[string]any
		// | 	if json.Unmarshal(body, &fields) != nil || fields == nil {
		// | 		return map[string]any{}, nil
		// END SOLUTION
	}
	return fields, nil
}

// BEGIN SOLUTION
// validateUser returns the checked email and name of a POST body: the first problem, as a 400.
// STARTER
// | // validateUser returns the email and name of a POST body; what is not a string becomes "".
// END SOLUTION
func validateUser(fields map[string]any) (map[string]string, error) {
	// BEGIN SOLUTION
	// A field the API does not define is an error, not something to drop: a typo such as "nmae"
	// would otherwise create a user without the name the client meant to send.
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
		// Sorted, the first: the same answer every time (a map's order changes from run to run).
		return nil, errorf(400, "unknown field: %s", slices.Min(unknown))
	}
	checked := map[string]string{}
	for _, field := range []string{"email", "name"} { // one field entirely, then the other
		raw := fields[field]
		if raw == nil { // missing or null; required: never guessed or filled in with a default
			return nil, errorf(400, "%s is required", field)
		}
		value, ok := raw.(string)
		if !ok {
			return nil, errorf(400, "%s must be a string", field)
		}
		length := utf8.RuneCountInString(value) // code points; len() would count bytes
		if field == "email" && length > MAX_EMAIL {
			return nil, errorf(400, "email must be at most %d characters", MAX_EMAIL)
		}
		if field == "email" && !EMAIL_PATTERN.MatchString(value) {
			return nil, errorf(400, "email must look like name@example.com")
		}
		if field == "name" && (length < 1 || length > MAX_NAME) {
			return nil, errorf(400, "name must be 1 to %d characters", MAX_NAME)
		}
		checked[field] = value
	}
	return checked, nil
	// STARTER
	// | 	// TODO 5: a missing field, or one that is not a string: 400, each with its own message.
	// | 	// TODO 6: an email or a name out of bounds: 400, each with its own message.
	// | 	// TODO 7: a field the API does not define (`id`, or a typo such as `nmae`): 400.
	// | 	// The messages, word for word, and their order: servers/README.md.
	// | 	email, _ := fields["email"].(string)
	// | 	name, _ := fields["name"].(string)
	// | 	return map[string]string{"email": email, "name": name}, nil
	// END SOLUTION
}

// ---- Handlers ----

// BEGIN SOLUTION
// createUser runs one check after the other, in the order of servers/README.md, so that a request
// with two problems always gets the same answer: the media type (415), the syntax (400), each
// field (400), then what only the store knows, the other users (409).
// END SOLUTION
func createUser(r *http.Request, _ string) (response, error) {
	body, err := readBody(r)
	if err != nil {
		return response{}, err
	}
	// BEGIN SOLUTION
	if err := checkContentType(r, "application/json"); err != nil {
		return response{}, err
	}
	// STARTER
	// | 	// TODO 3: the Content-Type (415), before the body is parsed.
	// END SOLUTION
	fields, err := parseObject(body)
	if err != nil {
		return response{}, err
	}
	valid, err := validateUser(fields)
	if err != nil {
		return response{}, err
	}
	user, err := store.create(valid["email"], valid["name"])
	if err != nil {
		return response{}, err
	}
	// BEGIN SOLUTION
	// 201, not 200: something new exists, and Location says where. The body is the user as
	// stored, id included, so the client needs no second request to learn what it created.
	return response{201, map[string]string{"Location": "/users/" + user.ID}, user}, nil
	// STARTER
	// | 	// TODO 1: 201 Created, and Location: /users/{id} says where the new user is.
	// | 	// TODO 2: the body is the user as stored, all of it.
	// | 	return response{200, nil, map[string]string{"id": user.ID}}, nil
	// END SOLUTION
}

// ---- Routing ----

// routes registers the users API: since Go 1.22 a ServeMux pattern names the method and the path,
// {id} is one path segment (r.PathValue("id")), and a GET pattern answers HEAD too. The patterns
// without a method catch the other methods (405, with Allow) and the other paths (404).
func routes(mux *http.ServeMux) {
	mux.Handle("POST /users", handle(createUser))
	mux.Handle("/users", refuse(405, ALLOW_COLLECTION))
	// One URL per user: /users/{id}. The method, not the URL, says what to do with it.
	mux.Handle("GET /users/{id}", handle(getUser))
	mux.Handle("/users/{id}", refuse(405, ALLOW_ITEM))
	mux.Handle("/", refuse(404, ""))
}
