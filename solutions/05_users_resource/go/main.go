// BEGIN SOLUTION
// Exercise 05, solved: one user, one URL, /users/{id}, read, updated and deleted with HTTP's methods.
// STARTER
// | // Exercise 05: one user, one URL, /users/{id}, read, updated and deleted with HTTP's methods.
// END SOLUTION
//
//	go run ./solutions/05_users_resource/go [PORT]
//
// BEGIN SOLUTION
// The URL names the user, the method says what to do with it: GET reads it, PATCH changes the
// fields the body names (JSON Merge Patch, RFC 7396), DELETE removes it. The status code says what
// happened, in words every HTTP client already knows: 200, 204, 404, 400, 415.
// STARTER
// | // POST /users already creates users, and the store already keeps them. Give each user its URL,
// | // /users/{id}, and answer GET, PATCH and DELETE on it the way the README asks, then
// | // `make check EX=05 IN=go`.
// END SOLUTION
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"unicode/utf8"
)

// ---- Constants ----

// The names are those of the Python and Node files, so the three read alike.
const (
	HOST             = "127.0.0.1"
	MAX_BODY_BYTES   = 16384
	MAX_EMAIL        = 254
	MAX_NAME         = 100
	ALLOW_COLLECTION = "POST"
	ALLOW_ITEM       = "GET, HEAD, PATCH, DELETE"
)

var EMAIL_PATTERN = regexp.MustCompile(`^[^@ \t\r\n]+@[^@ \t\r\n]+$`)

// ---- Errors ----

// An apiError is an answer the client caused: its status, the message of its JSON body, headers.
type apiError struct {
	status  int
	message string
	headers map[string]string
}

func (e apiError) Error() string { return e.message }

func errorf(status int, format string, args ...any) apiError {
	return apiError{status: status, message: fmt.Sprintf(format, args...)}
}

// ---- Store ----

// A User is the resource; the order of the fields is the order of the keys on the wire.
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

// readBody returns the request body; net/http has already checked Content-Length against it.
func readBody(r *http.Request) ([]byte, error) {
	if r.ContentLength < 0 {
		return nil, errorf(411, "Content-Length is required")
	}
	if r.ContentLength > MAX_BODY_BYTES {
		return nil, errorf(413, "body must be at most %d bytes", MAX_BODY_BYTES)
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		panic(http.ErrAbortHandler) // the client went away mid-body: nobody to answer
	}
	return body, nil
}

// Parameters such as "; charset=utf-8" are allowed, and media types are case-insensitive.
func checkContentType(r *http.Request, allowed ...string) error {
	mediaType, _, _ := strings.Cut(r.Header.Get("Content-Type"), ";")
	if !slices.Contains(allowed, strings.ToLower(strings.TrimSpace(mediaType))) {
		return errorf(415, "Content-Type must be %s", strings.Join(allowed, " or "))
	}
	return nil
}

// A map, never a struct: encoding/json matches struct fields case-insensitively and would take
// {"EMAIL": ...} for an email, and a struct cannot tell a field left out from a null.
func parseObject(body []byte) (map[string]any, error) {
	var value any
	// encoding/json would silently put U+FFFD in place of invalid UTF-8: refuse it first.
	if !utf8.Valid(body) || json.Unmarshal(body, &value) != nil {
		return nil, errorf(400, "body is not valid JSON")
	}
	fields, ok := value.(map[string]any)
	if !ok {
		return nil, errorf(400, "body must be a JSON object")
	}
	return fields, nil
}

// BEGIN SOLUTION
// validateUser returns the checked email and name of a POST body, or of a PATCH body when partial.
func validateUser(fields map[string]any, partial bool) (map[string]string, error) {
	// STARTER
	// | // validateUser returns the checked email and name of a POST body.
	// | // TODO 4: PATCH checks only the fields it is given: a field left out stays as it is, and null is
	// | // 400 (both fields are required, so neither can be removed). A `partial` flag?
	// | func validateUser(fields map[string]any) (map[string]string, error) {
	// END SOLUTION
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
		// BEGIN SOLUTION
		raw, present := fields[field]
		if partial && !present {
			continue // JSON Merge Patch: a field left out stays as it is
		}
		// Missing on POST, or null on PATCH (which in a merge patch means "remove this field"):
		// both fields are required, so neither can be removed.
		// STARTER
		// | 		raw := fields[field]
		// END SOLUTION
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

// Each handler returns a response; body nil means no body at all (204).
type response struct {
	status  int
	headers map[string]string
	body    any
}

type handler func(r *http.Request, id string) (response, error)

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
	// BEGIN SOLUTION
	valid, err := validateUser(fields, false)
	// STARTER
	// | 	valid, err := validateUser(fields)
	// END SOLUTION
	if err != nil {
		return response{}, err
	}
	user, err := store.create(valid["email"], valid["name"])
	if err != nil {
		return response{}, err
	}
	return response{201, map[string]string{"Location": "/users/" + user.ID}, user}, nil
}

// BEGIN SOLUTION
func getUser(r *http.Request, id string) (response, error) {
	user, ok := store.get(id)
	if !ok {
		// The path names no user: 404, with a message that says which kind of thing is missing.
		return response{}, errorf(404, "user not found")
	}
	return response{200, nil, user}, nil
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
	return response{200, nil, user}, nil // the whole user as it is now: no second GET needed
}

func deleteUser(r *http.Request, id string) (response, error) {
	if !store.delete(id) {
		return response{}, errorf(404, "user not found") // so a second DELETE says it is gone
	}
	return response{status: 204}, nil // done, and nothing left to show
}

// STARTER
// | // TODO 1: GET /users/{id}: 200 and the user (store.get); HEAD answers the same without the body.
// | // TODO 2: no such user: 404 {"error": "user not found"}, for GET, PATCH and DELETE alike.
// | // TODO 3: PATCH /users/{id}: JSON Merge Patch; each field in the body replaces the stored one,
// | //         a field left out stays as it is (store.update); 200 and the whole updated user.
// | // TODO 5: PATCH takes application/merge-patch+json or application/json; else 415.
// | // TODO 6: DELETE /users/{id}: 204 and no body (store.delete); afterwards, GET and DELETE are 404.
// END SOLUTION

// encodeJSON returns compact JSON and a newline; SetEscapeHTML(false) keeps <, > and & as they
// are, like Python's json.dumps and JavaScript's JSON.stringify.
func encodeJSON(value any) []byte {
	var buffer bytes.Buffer
	encoder := json.NewEncoder(&buffer)
	encoder.SetEscapeHTML(false)
	encoder.Encode(value) // Encode adds the newline
	return buffer.Bytes()
}

func sendJSON(w http.ResponseWriter, res response) {
	for name, value := range res.headers {
		w.Header().Set(name, value)
	}
	if res.body == nil { // 204 has neither a body nor a Content-Length
		w.WriteHeader(res.status)
		return
	}
	data := encodeJSON(res.body)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	w.WriteHeader(res.status)
	w.Write(data) // HEAD: net/http discards the body
}

// ---- Routing ----

var collectionHandlers = map[string]handler{"POST": createUser}

// BEGIN SOLUTION
var itemHandlers = map[string]handler{"GET": getUser, "HEAD": getUser, "PATCH": updateUser, "DELETE": deleteUser}

// STARTER
// |
// | // TODO 1: the handlers of /users/{id}, by method (ALLOW_ITEM lists them for the 405).
// END SOLUTION

// route returns the handler for a request and the user id in its path: path decides 404, then 405.
func route(method, path string) (handler, string, error) {
	// BEGIN SOLUTION
	segments := strings.Split(path, "/")
	// END SOLUTION
	var handlers map[string]handler
	var allow, id string
	switch {
	case path == "/users":
		handlers, allow = collectionHandlers, ALLOW_COLLECTION
	// BEGIN SOLUTION
	case len(segments) == 3 && segments[1] == "users" && segments[2] != "":
		// One URL per user: /users/{id}. The method, not the URL, says what to do with it.
		handlers, allow, id = itemHandlers, ALLOW_ITEM, segments[2]
	// STARTER
	// | 	// TODO 1: /users/{id}, where {id} is one non-empty segment: strings.Split(path, "/") is
	// | 	// ["", "users", id].
	// END SOLUTION
	default:
		return nil, "", errorf(404, "not found")
	}
	h, ok := handlers[method]
	if !ok {
		return nil, "", apiError{405, "method not allowed", map[string]string{"Allow": allow}}
	}
	return h, id, nil
}

// serveHTTP: net/http calls it for every request, whatever the method or path.
func serveHTTP(w http.ResponseWriter, r *http.Request) {
	h, id, err := route(r.Method, r.URL.Path)
	var res response
	if err == nil {
		res, err = h(r, id)
	}
	if err != nil {
		e := err.(apiError) // handlers return no other error
		res = response{e.status, e.headers, map[string]string{"error": e.message}}
	}
	sendJSON(w, res)
}

// ---- Start-up ----

func main() {
	port := os.Getenv("PORT")
	if len(os.Args) > 1 {
		port = os.Args[1]
	}
	if port == "" {
		port = "0"
	}
	listener, err := net.Listen("tcp", net.JoinHostPort(HOST, port))
	if err != nil {
		log.Fatal(err)
	}
	server := &http.Server{Handler: http.HandlerFunc(serveHTTP)}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		server.Shutdown(context.Background())
	}()
	fmt.Printf("listening on http://%s\n", listener.Addr())
	if err := server.Serve(listener); err != http.ErrServerClosed {
		log.Fatal(err)
	}
}
