// Exercise 07: the `users` API, v1, to evolve without breaking the clients that rely on it.
//
//	go run ./exercises/07_evolve_without_breaking/go [PORT]
//
// This is v1 (servers/README.md, without ETags), and a v1 client is deployed against it. Add what
// the product needs, a `nickname` and `full_name` in place of `name`, the way the README asks, so
// that every v1 contract test still passes; then `make check EX=07 IN=go`.
package main

import (
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"sync"
	"unicode/utf8"
)

// ---- Constants ----

// The names are those of the Python and Node files, so the three read alike.
const (
	MAX_EMAIL        = 254
	MAX_NAME         = 100
	ALLOW_COLLECTION = "GET, HEAD, POST"
	ALLOW_ITEM       = "GET, HEAD, PATCH, DELETE"
)

var EMAIL_PATTERN = regexp.MustCompile(`^[^@ \t\r\n]+@[^@ \t\r\n]+$`)

// ---- Store ----

// A User is the resource; the order of the fields is the order of the keys on the wire.
// TODO 2: a user also has a `nickname`, null unless the client gives one: store it too.
type User struct {
	ID    string `json:"id"`
	Email string `json:"email"`
	Name  string `json:"name"`
}

// MemoryStore keeps the users in memory; one user per email. net/http serves each connection on
// its own goroutine, so the mutex lets one request at a time read or change the maps.
type MemoryStore struct {
	mu     sync.Mutex
	users  map[string]User
	emails map[string]string // email -> id of the user who has it
	lastID int
}

func (s *MemoryStore) create(email, name string) (User, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, taken := s.emails[email]; taken {
		return User{}, errorf(409, "email is already in use")
	}
	s.lastID++
	user := User{ID: strconv.Itoa(s.lastID), Email: email, Name: name}
	s.users[user.ID], s.emails[email] = user, user.ID
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
	for n := afterID + 1; n <= s.lastID && len(page) < limit; n++ {
		if user, ok := s.users[strconv.Itoa(n)]; ok {
			page = append(page, user)
		}
	}
	return page
}

// update applies changes, each field replacing the stored one; false if there is no such user.
func (s *MemoryStore) update(id string, changes map[string]string) (User, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	user, ok := s.users[id]
	if !ok {
		return User{}, false, nil
	}
	updated := user
	if email, ok := changes["email"]; ok {
		updated.Email = email
	}
	if name, ok := changes["name"]; ok {
		updated.Name = name
	}
	if updated.Email != user.Email {
		if _, taken := s.emails[updated.Email]; taken {
			return User{}, true, errorf(409, "email is already in use")
		}
		delete(s.emails, user.Email)
		s.emails[updated.Email] = id
	}
	s.users[id] = updated
	return updated, true, nil
}

// delete removes the user; false if there was none.
func (s *MemoryStore) delete(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	user, ok := s.users[id]
	if !ok {
		return false
	}
	delete(s.users, id)
	delete(s.emails, user.Email)
	return true
}

var store = &MemoryStore{users: map[string]User{}, emails: map[string]string{}}

// ---- Validation ----

// validateUser returns the checked email and name of a POST body, or of a PATCH body when partial.
// TODO 3: `nickname` is optional: null or a string of 1 to 50 characters, else 400
// "nickname must be null or 1 to 50 characters". Left out of a POST: null.
// TODO 4: in a PATCH, a nickname replaces the stored one, and null removes it.
// TODO 6: `full_name` is accepted in place of `name` (or beside it, if both are the same:
// else 400 "name and full_name must be the same").
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
		return nil, errorf(400, "unknown field: %s", slices.Min(unknown)) // the first, sorted
	}
	checked := map[string]string{}
	for _, field := range []string{"email", "name"} {
		raw, present := fields[field]
		if partial && !present {
			continue // JSON Merge Patch: a field left out stays as it is
		}
		// Missing on POST, or null on PATCH (which in a merge patch means "remove this field"):
		// both fields are required, so neither can be removed.
		if raw == nil {
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
}

// ---- Handlers ----

// present returns a stored user as the API sends it.
// TODO 5: every user the API sends carries `full_name` (the same as `name`) and `nickname`;
// `name` stays, where v1 clients read it.
func present(user User) any {
	return user
}

// TODO 7: every response that carries users announces that `name` is deprecated:
// Deprecation: @1767225600 (RFC 9745), and Sunset and a Link to the docs if you like.

func createUser(r *http.Request, _ string) (response, error) {
	body, err := readBody(r)
	if err != nil {
		return response{}, err
	}
	if err := checkContentType(r, "application/json"); err != nil {
		return response{}, err
	}
	fields, err := parseObject(body)
	if err != nil {
		return response{}, err
	}
	valid, err := validateUser(fields, false)
	if err != nil {
		return response{}, err
	}
	user, err := store.create(valid["email"], valid["name"])
	if err != nil {
		return response{}, err
	}
	return response{201, map[string]string{"Location": "/users/" + user.ID}, present(user)}, nil
}

// listPage is the body of GET /users; a nil NextCursor encodes as null.
type listPage struct {
	Users      []any   `json:"users"`
	NextCursor *string `json:"next_cursor"`
}

func listUsers(r *http.Request, _ string) (response, error) {
	limit, err := parseLimit(queryValue(r.URL.RawQuery, "limit"))
	if err != nil {
		return response{}, err
	}
	afterID, err := parseCursor(queryValue(r.URL.RawQuery, "cursor"))
	if err != nil {
		return response{}, err
	}
	users := store.list(afterID, limit+1) // one more than the page: is there a next?
	page := listPage{Users: []any{}}
	for _, user := range users[:min(limit, len(users))] {
		page.Users = append(page.Users, present(user))
	}
	headers := map[string]string{}
	if len(users) > limit {
		nextCursor := users[limit-1].ID // the cursor is the id of the last user on the page
		page.NextCursor = &nextCursor
		headers["Link"] = fmt.Sprintf(`</users?limit=%d&cursor=%s>; rel="next"`, limit, nextCursor)
	}
	return response{200, headers, page}, nil
}

func getUser(r *http.Request, id string) (response, error) {
	user, ok := store.get(id)
	if !ok {
		// The path names no user: 404, with a message that says which kind of thing is missing.
		return response{}, errorf(404, "user not found")
	}
	return response{200, nil, present(user)}, nil
}

func updateUser(r *http.Request, id string) (response, error) {
	body, err := readBody(r)
	if err != nil {
		return response{}, err
	}
	// application/merge-patch+json names the patch format exactly; plain JSON is accepted too.
	if err := checkContentType(r, "application/json", "application/merge-patch+json"); err != nil {
		return response{}, err
	}
	if _, ok := store.get(id); !ok { // 404 before any complaint about the body
		return response{}, errorf(404, "user not found")
	}
	fields, err := parseObject(body)
	if err != nil {
		return response{}, err
	}
	changes, err := validateUser(fields, true)
	if err != nil {
		return response{}, err
	}
	user, ok, err := store.update(id, changes)
	if err != nil {
		return response{}, err
	}
	if !ok { // deleted by another request in between
		return response{}, errorf(404, "user not found")
	}
	return response{200, nil, present(user)}, nil // the whole user as it is now: no second GET
}

func deleteUser(r *http.Request, id string) (response, error) {
	if !store.delete(id) {
		return response{}, errorf(404, "user not found") // so a second DELETE says it is gone
	}
	return response{status: 204}, nil // done, and nothing left to show
}

// ---- Routing ----

// routes registers the users API: since Go 1.22 a ServeMux pattern names the method and the path,
// {id} is one path segment (r.PathValue("id")), and a GET pattern answers HEAD too. The patterns
// without a method catch the other methods (405, with Allow) and the other paths (404).
func routes(mux *http.ServeMux) {
	mux.Handle("GET /users", handle(listUsers))
	mux.Handle("POST /users", handle(createUser))
	mux.Handle("/users", refuse(405, ALLOW_COLLECTION))
	// One URL per user: /users/{id}. The method, not the URL, says what to do with it.
	mux.Handle("GET /users/{id}", handle(getUser))
	mux.Handle("PATCH /users/{id}", handle(updateUser))
	mux.Handle("DELETE /users/{id}", handle(deleteUser))
	mux.Handle("/users/{id}", refuse(405, ALLOW_ITEM))
	mux.Handle("/", refuse(404, ""))
}
