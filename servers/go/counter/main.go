// counter: a server that keeps state, in its own memory or in a directory it shares (lesson 03).
//
//	go run ./servers/go/counter [PORT]
//	COUNTER_STORE=DIR go run ./servers/go/counter [PORT]
//
// POST /count adds one and answers {"count": N}; GET /count answers the count without changing it.
// By default the count lives in this process: a restart forgets it, and a second process has its own.
// With COUNTER_STORE=DIR it lives in DIR, as one file per increment, and every counter process
// started with the same DIR (in any of the three languages) counts on the same number.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
)

// ---- Constants ----

const (
	host  = "127.0.0.1"
	allow = "GET, HEAD, POST"
)

// ---- Store ----

// The state this lesson is about: one number. Without COUNTER_STORE it is a variable of this process.
// Go runs each connection on its own goroutine: two POSTs at once must not both read 4 and write 5.
var (
	store     = os.Getenv("COUNTER_STORE") // a directory every replica shares, or ""
	count     = 0
	countLock sync.Mutex
)

// highest gives the count kept in a directory: the highest file name there, 0 if there is none.
func highest(directory string) int {
	entries, _ := os.ReadDir(directory)
	n := 0
	for _, entry := range entries {
		if number, err := strconv.Atoi(entry.Name()); err == nil && number > n {
			n = number
		}
	}
	return n
}

// addOneIn creates the file for the next count and gives the number it got.
func addOneIn(directory string) int {
	for n := highest(directory) + 1; ; n++ {
		// O_EXCL: create the file, or fail if it exists. The file system decides which of two
		// processes racing for n wins, atomically: create-if-absent, like a database's unique key.
		file, err := os.OpenFile(filepath.Join(directory, strconv.Itoa(n)), os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
		if err == nil {
			file.Close()
			return n
		}
		if !errors.Is(err, fs.ErrExist) {
			log.Fatal(err)
		}
		// another replica counted n first: its n stands, ours is the next one
	}
}

func addOne() int {
	if store != "" {
		return addOneIn(store)
	}
	countLock.Lock()
	defer countLock.Unlock()
	count++
	return count
}

func current() int {
	if store != "" {
		return highest(store)
	}
	countLock.Lock()
	defer countLock.Unlock()
	return count
}

// ---- Handlers ----

func sendJSON(w http.ResponseWriter, status int, body any) {
	data, _ := json.Marshal(body)
	data = append(data, '\n')
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	w.WriteHeader(status)
	w.Write(data) // net/http leaves the body out for HEAD
}

func handle(w http.ResponseWriter, r *http.Request) {
	if r.RequestURI != "/count" { // the target as sent, query included, as in Python and Node
		sendJSON(w, 404, map[string]string{"error": "not found"})
		return
	}
	switch r.Method {
	case "GET", "HEAD":
		sendJSON(w, 200, map[string]int{"count": current()})
	case "POST":
		sendJSON(w, 200, map[string]int{"count": addOne()})
	default:
		// Any other method (PUT, DELETE, ...): 405 and the methods that do work.
		w.Header().Set("Allow", allow)
		sendJSON(w, 405, map[string]string{"error": "method not allowed"})
	}
}

// ---- Start-up ----

func main() {
	// The port: first argument, else $PORT, else 0 (the OS picks any free port).
	port := os.Getenv("PORT")
	if len(os.Args) > 1 {
		port = os.Args[1]
	}
	if port == "" {
		port = "0"
	}
	// SIGTERM (what process managers send) stops the server the way Ctrl-C does.
	// Caught from here on, before anyone is told the server is ready.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if store != "" {
		if err := os.MkdirAll(store, 0o755); err != nil {
			log.Fatal(err)
		}
	}
	listener, err := net.Listen("tcp", net.JoinHostPort(host, port))
	if err != nil {
		log.Fatal(err)
	}
	// Exactly one readiness line: a launcher waits for it and reads the real port from it.
	fmt.Printf("listening on http://%s\n", listener.Addr())
	server := &http.Server{Handler: http.HandlerFunc(handle)}
	// Serve returns as soon as Shutdown begins: main waits until Shutdown is done, or the
	// process would exit with requests still in flight.
	drained := make(chan struct{})
	go func() {
		defer close(drained)
		<-ctx.Done()
		server.Shutdown(context.Background())
	}()
	if err := server.Serve(listener); err != http.ErrServerClosed {
		log.Fatal(err)
	}
	<-drained
}
