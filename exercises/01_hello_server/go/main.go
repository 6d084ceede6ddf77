// Exercise 01: a hello server that a launcher can start, reach and stop.
//
//	go run ./exercises/01_hello_server/go
//
// It runs as it is (it listens on port 8000: try it), but it breaks every rule of the launch
// contract in servers/README.md. Do the TODOs in order, then `make check EX=01 IN=go`.
// (Go refuses unused imports: add "fmt", "os", "os/signal", ... as you need them.)
package main

import (
	"log"
	"net"
	"net/http"
	"time"
)

// TODO 3: listen on 127.0.0.1 only. "0.0.0.0" means every address of this machine.
const host = "0.0.0.0"

func hello(w http.ResponseWriter, r *http.Request) {
	// TODO 2: answer GET / with 200 and a short text/plain body, e.g. "Hello, World!\n".
	w.WriteHeader(http.StatusNotImplemented)
}

func main() {
	// TODO 4: the port is the first command-line argument, else $PORT, else 0 (any free port).
	port := "8000"
	mux := http.NewServeMux()
	mux.HandleFunc("/", hello)
	listener, err := net.Listen("tcp", net.JoinHostPort(host, port))
	if err != nil {
		log.Fatal(err)
	}
	// TODO 1: print exactly one readiness line, `listening on http://127.0.0.1:PORT`, with the
	// port the listener really got (listener.Addr()).
	// Deadlines, so that a slow or silent client cannot hold a connection (or the server) forever.
	server := &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      10 * time.Second,
		IdleTimeout:       30 * time.Second,
	}
	// TODO 5: exit with status 0 on SIGTERM (and on Ctrl-C, SIGINT).
	if err := server.Serve(listener); err != http.ErrServerClosed {
		log.Fatal(err)
	}
}
