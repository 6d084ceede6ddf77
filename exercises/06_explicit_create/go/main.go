// Exercise 06: POST /users says exactly what it did, and exactly what was wrong.
//
//	go run ./exercises/06_explicit_create/go [PORT]
//
// POST /users creates a user from whatever it gets, answers 200 and an id, and never says no.
// Make every outcome explicit the way the README asks, then `make check EX=06 IN=go`.
package main

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strconv"
	"sync"
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

// MemoryStore keeps the users in memory. net/http serves each connection on
// its own goroutine, so the mutex lets one request at a time read or change the maps.
type MemoryStore struct {
	mu     sync.Mutex
	users  map[string]User
	lastID int
}

func (s *MemoryStore) create(email, name string) (User, error) {
	// TODO 8: one user per email: a second one is 409 {"error": "email is already in use"}.
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lastID++
	user := User{ID: strconv.Itoa(s.lastID), Email: email, Name: name}
	s.users[user.ID] = user
	return user, nil
}

// get returns the user, and false if there is no such user.
func (s *MemoryStore) get(id string) (User, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	user, ok := s.users[id]
	return user, ok
}

var store = &MemoryStore{users: map[string]User{}}

// ---- Validation ----

// TODO 3: checkContentType(r, allowed...): a Content-Type other than application/json is
//         415 {"error": "Content-Type must be application/json"}.

// parseObject returns the body as a JSON object; anything else counts as an empty one.
func parseObject(body []byte) (map[string]any, error) {
	// TODO 4: a body that is not JSON, or JSON but not an object, is the client's mistake: 400,
	//         with a message that says which of the two.
	var fields map[string]any
	if json.Unmarshal(body, &fields) != nil || fields == nil {
		return map[string]any{}, nil
	}
	return fields, nil
}

// validateUser returns the email and name of a POST body; what is not a string becomes "".
func validateUser(fields map[string]any) (map[string]string, error) {
	// TODO 5: a missing field, or one that is not a string: 400, each with its own message.
	// TODO 6: an email or a name out of bounds: 400, each with its own message.
	// TODO 7: a field the API does not define (`id`, or a typo such as `nmae`): 400.
	// The messages, word for word, and their order: servers/README.md.
	email, _ := fields["email"].(string)
	name, _ := fields["name"].(string)
	return map[string]string{"email": email, "name": name}, nil
}

// ---- Handlers ----

func createUser(r *http.Request, _ string) (response, error) {
	body, err := readBody(r)
	if err != nil {
		return response{}, err
	}
	// TODO 3: the Content-Type (415), before the body is parsed.
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
	// TODO 1: 201 Created, and Location: /users/{id} says where the new user is.
	// TODO 2: the body is the user as stored, all of it.
	return response{200, nil, map[string]string{"id": user.ID}}, nil
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
