// BEGIN SOLUTION
// Exercise 03, solved: one resource, /greeting, that answers each method the way HTTP says.
// STARTER
// | // Exercise 03: one resource, /greeting, that answers each method the way HTTP says.
// END SOLUTION
//
//	go run ./solutions/03_respect_methods/go [PORT]
//
// BEGIN SOLUTION
// Routing goes path first, then method, as for every resource: a path that names nothing is 404
// whatever the method (there is nothing to allow), a method the resource does not support is 405
// with the list of those it does. Since Go 1.22, net/http's ServeMux does exactly this when its
// patterns name a method: the routing below is two lines.
// STARTER
// | // GET /greeting answers the greeting, and so does every other path and method. Make it answer
// | // HEAD, PUT, a method it does not support and a path that does not exist the way the README asks,
// | // then `make check EX=03 IN=go`.
// END SOLUTION
package main

import (
	// BEGIN SOLUTION
	"errors"
	// END SOLUTION
	// BEGIN SOLUTION
	"io"
	// END SOLUTION
	"net/http"
	"strconv"
	"sync"
)

// BEGIN SOLUTION
// STARTER
// | const allow = "GET, HEAD, PUT" // the methods /greeting supports (TODO 5)
// END SOLUTION
const maxGreetingBytes = 1000

// BEGIN SOLUTION
// The resource's state: PUT replaces it.
// STARTER
// | // The resource's state: PUT replaces it (TODO 4).
// END SOLUTION
var (
	greeting     = []byte("Hello, World!\n")
	greetingLock sync.Mutex // net/http runs each request in a goroutine of its own
)

// sendText writes a text/plain response with its Content-Length and any extra headers.
func sendText(w http.ResponseWriter, status int, body []byte, headers map[string]string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	// BEGIN SOLUTION
	// For HEAD too: Content-Length says how long the GET body would be.
	// END SOLUTION
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	for name, value := range headers {
		w.Header().Set(name, value)
	}
	w.WriteHeader(status)
	// BEGIN SOLUTION
	// HEAD is GET without the body: for a HEAD request net/http discards what we write.
	// END SOLUTION
	w.Write(body)
}

func getGreeting(w http.ResponseWriter, r *http.Request) {
	greetingLock.Lock()
	body := greeting
	greetingLock.Unlock()
	sendText(w, http.StatusOK, body, nil)
	// BEGIN SOLUTION
}

// putGreeting: the request body is the new state of the resource, all of it.
func putGreeting(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxGreetingBytes))
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		sendText(w, http.StatusRequestEntityTooLarge, []byte("a greeting is at most 1000 bytes\n"), nil)
		return
	} else if err != nil {
		sendText(w, http.StatusBadRequest, []byte("the body could not be read\n"), nil)
		return
	}
	greetingLock.Lock()
	greeting = body
	greetingLock.Unlock()
	// 204: done, and nothing to send back; a 204 has no body, so no Content-Length either.
	w.WriteHeader(http.StatusNoContent)
	// END SOLUTION
}

func main() {
	mux := http.NewServeMux()
	// BEGIN SOLUTION
	// A pattern with a method matches that method only ("GET" matches HEAD as well) and the exact
	// path (no trailing slash: /greeting/extra does not match). The mux answers the rest: 404 for
	// a path no pattern names, 405 with "Allow: GET, HEAD, PUT" for another method on /greeting.
	// r.URL.Path, which the patterns match, never holds the query string.
	mux.HandleFunc("GET /greeting", getGreeting)
	mux.HandleFunc("PUT /greeting", putGreeting)
	// STARTER
	// | 	// The pattern "/" matches every path, and a pattern without a method matches every method.
	// | 	// TODO 1: only /greeting exists: every other path answers 404, whatever the method.
	// | 	// TODO 2: the query string (?lang=en) is not part of the path.
	// | 	// TODO 3: HEAD /greeting: GET's status and headers, Content-Length included, and no body.
	// | 	// TODO 4: PUT /greeting: the request body becomes the greeting; answer 204 No Content.
	// | 	// TODO 5: POST, DELETE, PATCH /greeting: 405 Method Not Allowed, with an Allow header.
	// | 	mux.HandleFunc("/", getGreeting)
	// END SOLUTION
	serve(mux) // in launch.go: the launch contract of exercise 01
}
