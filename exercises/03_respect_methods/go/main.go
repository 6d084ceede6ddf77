// Exercise 03: one resource, /greeting, that answers each method the way HTTP says.
//
//	go run ./exercises/03_respect_methods/go [PORT]
//
// GET /greeting answers the greeting, and so does every other path and method. Make it answer
// HEAD, PUT, a method it does not support and a path that does not exist the way the README asks,
// then `make check EX=03 IN=go`.
package main

import (
	"net/http"
	"strconv"
	"sync"
)

const allow = "GET, HEAD, PUT" // the methods /greeting supports (TODO 5)
const maxGreetingBytes = 1000

// The resource's state: PUT replaces it (TODO 4).
var (
	greeting     = []byte("Hello, World!\n")
	greetingLock sync.Mutex // net/http runs each request in a goroutine of its own
)

// sendText writes a text/plain response with its Content-Length and any extra headers.
func sendText(w http.ResponseWriter, status int, body []byte, headers map[string]string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	for name, value := range headers {
		w.Header().Set(name, value)
	}
	w.WriteHeader(status)
	w.Write(body)
}

func getGreeting(w http.ResponseWriter, r *http.Request) {
	greetingLock.Lock()
	body := greeting
	greetingLock.Unlock()
	sendText(w, http.StatusOK, body, nil)
}

func main() {
	mux := http.NewServeMux()
	// The pattern "/" matches every path, and a pattern without a method matches every method.
	// TODO 1: only /greeting exists: every other path answers 404, whatever the method.
	// TODO 2: the query string (?lang=en) is not part of the path.
	// TODO 3: HEAD /greeting: GET's status and headers, Content-Length included, and no body.
	// TODO 4: PUT /greeting: the request body becomes the greeting; answer 204 No Content.
	// TODO 5: POST, DELETE, PATCH /greeting: 405 Method Not Allowed, with an Allow header.
	mux.HandleFunc("/", getGreeting)
	serve(mux) // in launch.go: the launch contract of exercise 01
}
