// BEGIN SOLUTION
// Exercise 01, solved: a hello server that follows the launch contract.
// STARTER
// | // Exercise 01: a hello server that a launcher can start, reach and stop.
// END SOLUTION
//
// BEGIN SOLUTION
//
//	go run ./solutions/01_hello_server/go [PORT]
//
// STARTER
// | //	go run ./exercises/01_hello_server/go
// END SOLUTION
//
// BEGIN SOLUTION
// Each numbered comment is the TODO of the starter it answers, and why the contract asks for it.
// STARTER
// | // It runs as it is (it listens on port 8000: try it), but it breaks every rule of the launch
// | // contract in servers/README.md. Do the TODOs in order, then `make check EX=01 IN=go`.
// | // (Go refuses unused imports: add "fmt", "os", "os/signal", ... as you need them.)
// END SOLUTION
package main

import (
	// BEGIN SOLUTION
	"context"
	// END SOLUTION
	// BEGIN SOLUTION
	"fmt"
	// END SOLUTION
	"log"
	"net"
	"net/http"
	// BEGIN SOLUTION
	"os"
	// END SOLUTION
	// BEGIN SOLUTION
	"os/signal"
	// END SOLUTION
	// BEGIN SOLUTION
	"syscall"
	// END SOLUTION
	"time"
)

// BEGIN SOLUTION
// 3. 127.0.0.1 is the loopback address: only programs on this machine can connect. "0.0.0.0"
// would accept connections on every network interface, from anyone who can reach the machine.
const host = "127.0.0.1"

// STARTER
// | // TODO 3: listen on 127.0.0.1 only. "0.0.0.0" means every address of this machine.
// | const host = "0.0.0.0"
// END SOLUTION

// BEGIN SOLUTION
// 2. The pattern "/" matches every path, and a pattern without a method matches every method.
// END SOLUTION
func hello(w http.ResponseWriter, r *http.Request) {
	// BEGIN SOLUTION
	// Say what the bytes are: text, in UTF-8. A client should never have to guess.
	// (Go adds Content-Length itself for a small body written at once.)
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	fmt.Fprint(w, "Hello, World!\n")
}

// 4. The first argument, else $PORT, else 0: whoever starts the server chooses the port.
func portFrom(args []string) string {
	if len(args) > 1 {
		return args[1]
	}
	if port := os.Getenv("PORT"); port != "" {
		return port
	}
	return "0"
	// STARTER
	// | 	// TODO 2: answer GET / with 200 and a short text/plain body, e.g. "Hello, World!\n".
	// | 	w.WriteHeader(http.StatusNotImplemented)
	// END SOLUTION
}

func main() {
	// BEGIN SOLUTION
	// STARTER
	// | 	// TODO 4: the port is the first command-line argument, else $PORT, else 0 (any free port).
	// | 	port := "8000"
	// END SOLUTION
	mux := http.NewServeMux()
	mux.HandleFunc("/", hello)
	// BEGIN SOLUTION
	// Listen first, serve second: between the two we know the real port and can say it.
	listener, err := net.Listen("tcp", net.JoinHostPort(host, portFrom(os.Args)))
	// STARTER
	// | 	listener, err := net.Listen("tcp", net.JoinHostPort(host, port))
	// END SOLUTION
	if err != nil {
		log.Fatal(err)
	}
	// BEGIN SOLUTION
	// STARTER
	// | 	// TODO 1: print exactly one readiness line, `listening on http://127.0.0.1:PORT`, with the
	// | 	// port the listener really got (listener.Addr()).
	// END SOLUTION
	// Deadlines, so that a slow or silent client cannot hold a connection (or the server) forever.
	server := &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      10 * time.Second,
		IdleTimeout:       30 * time.Second,
	}
	// BEGIN SOLUTION
	// 5. Process managers stop a server with SIGTERM. Go's default is to die by the signal;
	// NotifyContext turns it into a cancelled context, and Shutdown makes Serve return
	// ErrServerClosed at once: main waits until Shutdown is done (drained), or the process would
	// exit with requests still in flight; then main returns and the exit status is 0.
	// Set up before the readiness line: a launcher may send SIGTERM the moment it reads it.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	drained := make(chan struct{})
	go func() {
		defer close(drained)
		<-ctx.Done()
		// Let requests in flight finish, but for 5 s at most.
		deadline, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		server.Shutdown(deadline)
	}()
	// 1. Port 0 asks the OS for any free port, so only the server knows the real one: it says so
	// in one line, once it accepts connections. (fmt writes to stdout unbuffered.)
	fmt.Printf("listening on http://%s\n", listener.Addr())
	// STARTER
	// | 	// TODO 5: exit with status 0 on SIGTERM (and on Ctrl-C, SIGINT).
	// END SOLUTION
	if err := server.Serve(listener); err != http.ErrServerClosed {
		log.Fatal(err)
	}
	// BEGIN SOLUTION
	<-drained
	// END SOLUTION
}
