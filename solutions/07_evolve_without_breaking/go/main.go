// BEGIN SOLUTION
// Exercise 07, solved: the `users` API grows a `nickname` and renames `name`, and v1 clients never notice.
// STARTER
// | // Exercise 07: the `users` API, v1, to evolve without breaking the clients that rely on it.
// END SOLUTION
//
//	go run ./solutions/07_evolve_without_breaking/go [PORT]
//
// BEGIN SOLUTION
// Every change here only adds: a field in responses (which a tolerant v1 reader ignores), an
// optional field in requests (whose default keeps v1's meaning), a second name for a field (the old
// one stays, in requests and responses). Nothing v1 sent is refused, nothing v1 read is gone or
// changes type. The old name is announced as deprecated (RFC 9745), so that clients can move before
// it goes, and the server can learn, from who still sends it, when it may go.
// STARTER
// | // This is v1 (servers/README.md, without ETags), and a v1 client is deployed against it. Add what
// | // the product needs, a `nickname` and `full_name` in place of `name`, the way the README asks, so
// | // that every v1 contract test still passes; then `make check EX=07 IN=go`.
// END SOLUTION
package main

import (
	"fmt"
	// BEGIN SOLUTION
	"maps"
	// END SOLUTION
	"net/http"
	// BEGIN SOLUTION
	"reflect"
	// END SOLUTION
	"regexp"
	"slices"
	"strconv"
	"sync"
	"unicode/utf8"
)

// ---- Constants ----

// The names are those of the Python and Node files, so the three read alike.
const (
	MAX_EMAIL = 254
	MAX_NAME  = 100
	// BEGIN SOLUTION
	MAX_NICKNAME = 50
	// END SOLUTION
	ALLOW_COLLECTION = "GET, HEAD, POST"
	ALLOW_ITEM       = "GET, HEAD, PATCH, DELETE"
)

// BEGIN SOLUTION

// RFC 9745: Deprecation is a date, @ and seconds since 1970 (here 2026-01-01T00:00:00Z): since
// when `name` is deprecated. RFC 8594: Sunset is the HTTP-date after which it may stop working.
// The Link with rel="deprecation" points to the page that says what replaces it.
var DEPRECATION = map[string]string{
	"Deprecation": "@1767225600",
	"Sunset":      "Wed, 30 Jun 2027 23:59:59 GMT",
	"Link":        `<https://example.com/docs/users-api/deprecations>; rel="deprecation"`,
}

// END SOLUTION

var EMAIL_PATTERN = regexp.MustCompile(`^[^@ \t\r\n]+@[^@ \t\r\n]+$`)

// ---- Store ----

// BEGIN SOLUTION
// A User is the resource as stored: Name as v1 stored it; Nickname nil when there is none.
// STARTER
// | // A User is the resource; the order of the fields is the order of the keys on the wire.
// | // TODO 2: a user also has a `nickname`, null unless the client gives one: store it too.
// END SOLUTION
type User struct {
	// BEGIN SOLUTION
	ID       string
	Email    string
	Name     string
	Nickname *string
	// STARTER
	// | 	ID    string `json:"id"`
	// | 	Email string `json:"email"`
	// | 	Name  string `json:"name"`
	// END SOLUTION
}

// MemoryStore keeps the users in memory; one user per email. net/http serves each connection on
// its own goroutine, so the mutex lets one request at a time read or change the maps.
type MemoryStore struct {
	mu     sync.Mutex
	users  map[string]User
	emails map[string]string // email -> id of the user who has it
	lastID int
}

// BEGIN SOLUTION
func (s *MemoryStore) create(email, name string, nickname *string) (User, error) {
	// STARTER
	// | func (s *MemoryStore) create(email, name string) (User, error) {
	// END SOLUTION
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, taken := s.emails[email]; taken {
		return User{}, errorf(409, "email is already in use")
	}
	s.lastID++
	// BEGIN SOLUTION
	user := User{ID: strconv.Itoa(s.lastID), Email: email, Name: name, Nickname: nickname}
	// STARTER
	// | 	user := User{ID: strconv.Itoa(s.lastID), Email: email, Name: name}
	// END SOLUTION
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
// BEGIN SOLUTION
func (s *MemoryStore) update(id string, changes map[string]any) (User, bool, error) {
	// STARTER
	// | func (s *MemoryStore) update(id string, changes map[string]string) (User, bool, error) {
	// END SOLUTION
	s.mu.Lock()
	defer s.mu.Unlock()
	user, ok := s.users[id]
	if !ok {
		return User{}, false, nil
	}
	updated := user
	if email, ok := changes["email"]; ok {
		// BEGIN SOLUTION
		updated.Email = email.(string)
		// STARTER
		// | 		updated.Email = email
		// END SOLUTION
	}
	if name, ok := changes["name"]; ok {
		// BEGIN SOLUTION
		updated.Name = name.(string)
	}
	if nickname, ok := changes["nickname"]; ok {
		updated.Nickname = nickname.(*string) // nil: removed
		// STARTER
		// | 		updated.Name = name
		// END SOLUTION
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

// BEGIN SOLUTION
// validateUser returns the checked email, name and nickname of a POST body, or of a PATCH body
// when partial: email and name as strings, nickname as a *string (nil: no nickname).
func validateUser(fields map[string]any, partial bool) (map[string]any, error) {
	// STARTER
	// | // validateUser returns the checked email and name of a POST body, or of a PATCH body when partial.
	// | // TODO 3: `nickname` is optional: null or a string of 1 to 50 characters, else 400
	// | // "nickname must be null or 1 to 50 characters". Left out of a POST: null.
	// | // TODO 4: in a PATCH, a nickname replaces the stored one, and null removes it.
	// | // TODO 6: `full_name` is accepted in place of `name` (or beside it, if both are the same:
	// | // else 400 "name and full_name must be the same").
	// | func validateUser(fields map[string]any, partial bool) (map[string]string, error) {
	// END SOLUTION
	if _, ok := fields["id"]; ok {
		return nil, errorf(400, "id is assigned by the server")
	}
	unknown := []string{}
	for key := range fields {
		// BEGIN SOLUTION
		if !slices.Contains([]string{"email", "name", "full_name", "nickname"}, key) {
			// STARTER
			// | 		if key != "email" && key != "name" {
			// END SOLUTION
			unknown = append(unknown, key)
		}
	}
	if len(unknown) > 0 {
		return nil, errorf(400, "unknown field: %s", slices.Min(unknown)) // the first, sorted
	}
	// BEGIN SOLUTION
	fields = maps.Clone(fields) // a copy: full_name is folded into name below
	if fullName, ok := fields["full_name"]; ok {
		// Two names for one field: either is accepted, and both if they agree. One stored value,
		// so a v1 client reading `name` sees what a new client wrote as `full_name`.
		delete(fields, "full_name")
		// DeepEqual, not !=: comparing two JSON objects (maps) with != would panic.
		if name, ok := fields["name"]; ok && !reflect.DeepEqual(name, fullName) {
			return nil, errorf(400, "name and full_name must be the same")
		}
		fields["name"] = fullName
	}
	checked := map[string]any{}
	// STARTER
	// | 	checked := map[string]string{}
	// END SOLUTION
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
		// BEGIN SOLUTION
	}
	// Optional, so a v1 client that never sends it still creates valid users: left out of a POST
	// it is nil, the value that means what v1 meant (no nickname). In a PATCH, null removes it.
	if raw, present := fields["nickname"]; !partial || present {
		var nickname *string
		if raw != nil {
			value, ok := raw.(string)
			if n := utf8.RuneCountInString(value); !ok || n < 1 || n > MAX_NICKNAME {
				return nil, errorf(400, "nickname must be null or 1 to %d characters", MAX_NICKNAME)
			}
			nickname = &value
		}
		checked["nickname"] = nickname
		// END SOLUTION
	}
	return checked, nil
}

// ---- Handlers ----

// BEGIN SOLUTION
// presented is a user as the API sends it: v1's three fields first, then what was added.
type presented struct {
	ID       string  `json:"id"`
	Email    string  `json:"email"`
	Name     string  `json:"name"`
	FullName string  `json:"full_name"`
	Nickname *string `json:"nickname"` // nil encodes as null
	// STARTER
	// | // present returns a stored user as the API sends it.
	// | // TODO 5: every user the API sends carries `full_name` (the same as `name`) and `nickname`;
	// | // `name` stays, where v1 clients read it.
	// | func present(user User) any {
	// | 	return user
	// END SOLUTION
}

// BEGIN SOLUTION
// present returns a stored user as the API sends it. `name` stays where v1 clients read it;
// `full_name` is the same value under its new name, and `nickname` is always there (null when
// unset), so a new client never has to guess.
func present(user User) any {
	return presented{user.ID, user.Email, user.Name, user.Name, user.Nickname}
}

// announce returns the headers of a response that carries users, plus the deprecation notice for
// `name`. RFC 9745 speaks of the resource: every response that carries `name` carries the notice.
// Two Links (next page, deprecation) are one header, a comma-separated list.
func announce(headers map[string]string) map[string]string {
	announced := maps.Clone(DEPRECATION)
	if link, ok := headers["Link"]; ok {
		announced["Link"] = link + ", " + DEPRECATION["Link"]
	}
	for name, value := range headers {
		if name != "Link" {
			announced[name] = value
		}
	}
	return announced
}

// STARTER
// | // TODO 7: every response that carries users announces that `name` is deprecated:
// | // Deprecation: @1767225600 (RFC 9745), and Sunset and a Link to the docs if you like.
// END SOLUTION

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
	// BEGIN SOLUTION
	user, err := store.create(valid["email"].(string), valid["name"].(string), valid["nickname"].(*string))
	// STARTER
	// | 	user, err := store.create(valid["email"], valid["name"])
	// END SOLUTION
	if err != nil {
		return response{}, err
	}
	// BEGIN SOLUTION
	return response{201, announce(map[string]string{"Location": "/users/" + user.ID}), present(user)}, nil
	// STARTER
	// | 	return response{201, map[string]string{"Location": "/users/" + user.ID}, present(user)}, nil
	// END SOLUTION
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
	// BEGIN SOLUTION
	return response{200, announce(headers), page}, nil
	// STARTER
	// | 	return response{200, headers, page}, nil
	// END SOLUTION
}

func getUser(r *http.Request, id string) (response, error) {
	user, ok := store.get(id)
	if !ok {
		// The path names no user: 404, with a message that says which kind of thing is missing.
		return response{}, errorf(404, "user not found")
	}
	// BEGIN SOLUTION
	return response{200, announce(nil), present(user)}, nil
	// STARTER
	// | 	return response{200, nil, present(user)}, nil
	// END SOLUTION
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
	// BEGIN SOLUTION
	return response{200, announce(nil), present(user)}, nil // the whole user as it is now
	// STARTER
	// | 	return response{200, nil, present(user)}, nil // the whole user as it is now: no second GET
	// END SOLUTION
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
