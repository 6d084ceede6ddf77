// The launch contract, shared: every Go exercise after 01 links this one file beside its main.go
// (one package, two files), so that main.go holds only what its exercise is about. serve is
// exercise 01's solution made a function: 127.0.0.1, the port from the command line or $PORT, one
// readiness line, deadlines for slow clients, and a drain on SIGTERM. You need not open it (but
// you may: nothing in it is hidden magic). Standard library only.
package main

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"
)

// The names are those of the Python and Node files, so the three read alike (Go's own style would
// be drainTimeout). 127.0.0.1, not 0.0.0.0: only programs on this machine can reach the server.
const (
	HOST = "127.0.0.1"
	// A slow client cannot hold a connection, or the server, forever.
	HEADER_TIMEOUT  = 5 * time.Second  // from a request's first byte to the end of its headers
	REQUEST_TIMEOUT = 10 * time.Second // from a request's first byte to the end of its body
	IDLE_TIMEOUT    = 30 * time.Second // a keep-alive connection waiting for its next request
	DRAIN_TIMEOUT   = 5 * time.Second  // requests in flight get this long to finish after SIGTERM
)

// serve follows the launch contract (servers/README.md): it listens on 127.0.0.1, on the port of
// the first argument, else $PORT, else 0 (any free port), prints one readiness line, and on
// SIGTERM or Ctrl-C drains: it returns once the requests in flight have finished.
func serve(handler http.Handler) {
	// Installed before listening: a launcher may stop the server as soon as it reads the line.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
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
	server := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: HEADER_TIMEOUT,
		ReadTimeout:       REQUEST_TIMEOUT,
		WriteTimeout:      REQUEST_TIMEOUT,
		IdleTimeout:       IDLE_TIMEOUT,
	}
	fmt.Printf("listening on http://%s\n", listener.Addr())
	go func() {
		if err := server.Serve(listener); !errors.Is(err, http.ErrServerClosed) {
			log.Fatal(err)
		}
	}()
	<-ctx.Done()
	// Shutdown stops accepting, closes idle connections, and waits for the requests in flight,
	// but not forever. Serve returns at once: the caller must wait for Shutdown, not for Serve.
	deadline, cancel := context.WithTimeout(context.Background(), DRAIN_TIMEOUT)
	defer cancel()
	if err := server.Shutdown(deadline); err != nil {
		log.Printf("shutdown: %v", err) // requests still running at the deadline: cut
	}
}
