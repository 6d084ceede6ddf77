// The plumbing of exercise 05, which is not what it is about: the store, reading and writing
// JSON, one JSON response per request, and the launch contract. main.go uses it (one package,
// two files); you need not open this file (but you may: nothing in it is hidden magic).
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
	"unicode/utf8"
)

const (
	HOST           = "127.0.0.1"
	MAX_BODY_BYTES = 16384
)

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

// ---- JSON in ----

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

// Each handler returns a response; body nil means no body at all (204).
type response struct {
	status  int
	headers map[string]string
	body    any
}

type handler func(r *http.Request, id string) (response, error)

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

// handle turns a handler into what ServeMux calls: the handler's answer, or its error, becomes
// one JSON response. {id} comes from the pattern (r.PathValue); routes() is in main.go.
func handle(h handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		res, err := h(r, r.PathValue("id"))
		var e apiError
		switch {
		case errors.As(err, &e): // an answer the client caused
			res = response{e.status, e.headers, map[string]string{"error": e.message}}
		case err != nil: // a bug, not the client's fault: say so, and keep serving the others
			log.Printf("internal error on %s %s: %v", r.Method, r.URL.Path, err)
			res = response{500, map[string]string{"Connection": "close"}, map[string]string{"error": "internal server error"}}
		}
		sendJSON(w, res)
	})
}

// refuse answers every request with 405 and Allow (a path that exists, another method) or, when
// allow is empty, with 404 (no resource at this path, whatever the method).
func refuse(status int, allow string) http.Handler {
	return handle(func(*http.Request, string) (response, error) {
		if status == http.StatusMethodNotAllowed {
			return response{}, apiError{405, "method not allowed", map[string]string{"Allow": allow}}
		}
		return response{}, errorf(404, "not found")
	})
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
	// A slow client cannot hold a connection (or the server) forever: deadlines for the headers,
	// the whole request, the answer and an idle keep-alive connection.
	mux := http.NewServeMux()
	routes(mux)
	server := &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      10 * time.Second,
		IdleTimeout:       30 * time.Second,
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		// Stop accepting, let requests in flight finish, but not for longer than 5 s.
		deadline, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		server.Shutdown(deadline)
	}()
	fmt.Printf("listening on http://%s\n", listener.Addr())
	if err := server.Serve(listener); err != http.ErrServerClosed {
		log.Fatal(err)
	}
}
