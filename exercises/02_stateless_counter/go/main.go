// Exercise 02: a visit counter that forgets, and disagrees with its own replicas.
//
//	go run ./exercises/02_stateless_counter/go [PORT]
//
// GET / answers {"visits": N}: how many times this client has visited, this visit included. The
// client is recognised by a cookie. It works, as long as there is only one process and it never
// restarts: the counts live in this process's memory. Make it stateless (the README says what that
// means here), then `make check EX=02 IN=go`.
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"
)

const host = "127.0.0.1"

const cookieName = "visitor"

// TODO: this is the state to move out of the process. Another replica has its own map, and a
// restart starts from an empty one. Every server the check starts gets two environment variables:
// COUNTER_SECRET (a key they all share) and COUNTER_STORE (a directory they all share).
var (
	visits     = map[string]int{} // visitor id -> visits so far
	visitsLock sync.Mutex         // net/http runs each request in a goroutine of its own
)

// countVisit counts one visit; it returns the visitor's id (a new one for a new visitor) and their visits.
func countVisit(visitor string) (string, int) {
	visitsLock.Lock()
	defer visitsLock.Unlock()
	if _, known := visits[visitor]; !known {
		id := make([]byte, 16)
		rand.Read(id)
		visitor = hex.EncodeToString(id)
	}
	visits[visitor]++
	return visitor, visits[visitor]
}

func counter(w http.ResponseWriter, r *http.Request) {
	visitor := ""
	if cookie, err := r.Cookie(cookieName); err == nil {
		visitor = cookie.Value
	}
	visitor, count := countVisit(visitor)
	body, _ := json.Marshal(map[string]int{"visits": count})
	http.SetCookie(w, &http.Cookie{Name: cookieName, Value: visitor, Path: "/", HttpOnly: true,
		SameSite: http.SameSiteLaxMode})
	w.Header().Set("Content-Type", "application/json")
	w.Write(append(body, '\n'))
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
	// "GET /{$}": GET (and HEAD) of "/" exactly; the mux answers 404 for other paths itself.
	mux.HandleFunc("GET /{$}", counter)
	listener, err := net.Listen("tcp", net.JoinHostPort(host, port))
	if err != nil {
		log.Fatal(err)
	}
	// Deadlines, so that a slow or silent client cannot hold a connection (or the server) forever.
	server := &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      10 * time.Second,
		IdleTimeout:       30 * time.Second,
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	// Serve returns as soon as Shutdown begins: main waits until Shutdown is done, or the
	// process would exit with requests still in flight.
	drained := make(chan struct{})
	go func() {
		defer close(drained)
		<-ctx.Done()
		// Let requests in flight finish, but for 5 s at most.
		deadline, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		server.Shutdown(deadline)
	}()
	fmt.Printf("listening on http://%s\n", listener.Addr())
	if err := server.Serve(listener); err != http.ErrServerClosed {
		log.Fatal(err)
	}
	<-drained
}
