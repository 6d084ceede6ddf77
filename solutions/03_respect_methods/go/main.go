// Exercise 03, solved: one resource, /greeting, that answers each method the way HTTP says.
//
//	go run ./solutions/03_respect_methods/go [PORT]
//
// Routing goes path first, then method, as for every resource: a path that names nothing is 404
// whatever the method (there is nothing to allow), a method the resource does not support is 405
// with the list of those it does. Since Go 1.22, net/http's ServeMux does exactly this when its
// patterns name a method: the routing below is two lines.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"sync"
	"syscall"
)

const host = "127.0.0.1"
const maxGreetingBytes = 1000

// The resource's state: PUT replaces it.
var (
	greeting     = []byte("Hello, World!\n")
	greetingLock sync.Mutex // net/http runs each request in a goroutine of its own
)

// sendText writes a text/plain response with its Content-Length and any extra headers.
func sendText(w http.ResponseWriter, status int, body []byte, headers map[string]string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	// For HEAD too: Content-Length says how long the GET body would be.
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	for name, value := range headers {
		w.Header().Set(name, value)
	}
	w.WriteHeader(status)
	// HEAD is GET without the body: for a HEAD request net/http discards what we write.
	w.Write(body)
}

func getGreeting(w http.ResponseWriter, r *http.Request) {
	greetingLock.Lock()
	body := greeting
	greetingLock.Unlock()
	sendText(w, http.StatusOK, body, nil)
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
}

func main() {
	port := os.Getenv("PORT")
	if len(os.Args) > 1 {
		port = os.Args[1]
	}
	if port == "" {
		port = "0"
	}
	mux := http.NewServeMux()
	// A pattern with a method matches that method only ("GET" matches HEAD as well) and the exact
	// path (no trailing slash: /greeting/extra does not match). The mux answers the rest: 404 for
	// a path no pattern names, 405 with "Allow: GET, HEAD, PUT" for another method on /greeting.
	// r.URL.Path, which the patterns match, never holds the query string.
	mux.HandleFunc("GET /greeting", getGreeting)
	mux.HandleFunc("PUT /greeting", putGreeting)
	listener, err := net.Listen("tcp", net.JoinHostPort(host, port))
	if err != nil {
		log.Fatal(err)
	}
	server := &http.Server{Handler: mux}
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
