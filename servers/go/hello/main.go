// hello: the smallest HTTP server Go's standard library can run.
//
//	go run ./servers/go/hello [PORT]
//
// The library's usual first example, changed in four ways a launcher needs (each marked below):
// 127.0.0.1, the port from the command line, one readiness line, a clean exit on SIGTERM.
package main

import (
	"context"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
)

// 127.0.0.1, not 0.0.0.0: only programs on this machine can reach a lesson's server.
const HOST = "127.0.0.1" // HOST, not Go's usual host: the name the Python and Node servers use

// The pattern "/" matches every path, and a pattern without a method matches every method.
func hello(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	fmt.Fprint(w, "Hello, World!\n")
}

func main() {
	// The port: first argument, else $PORT, else 0 (the OS picks any free port).
	port := os.Getenv("PORT")
	if len(os.Args) > 1 {
		port = os.Args[1]
	}
	if port == "" {
		port = "0"
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/", hello)
	// SIGTERM (what process managers send) stops the server the way Ctrl-C does.
	// Caught from here on, before anyone is told the server is ready.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	listener, err := net.Listen("tcp", net.JoinHostPort(HOST, port))
	if err != nil {
		log.Fatal(err)
	}
	// Exactly one readiness line: a launcher waits for it and reads the real port from it.
	fmt.Printf("listening on http://%s\n", listener.Addr())
	server := &http.Server{Handler: mux}
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
