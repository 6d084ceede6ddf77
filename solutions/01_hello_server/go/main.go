// Exercise 01, solved: a hello server that follows the launch contract.
//
//	go run ./solutions/01_hello_server/go [PORT]
//
// Each numbered comment is the TODO of the starter it answers, and why the contract asks for it.
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

// 3. 127.0.0.1 is the loopback address: only programs on this machine can connect. "0.0.0.0"
// would accept connections on every network interface, from anyone who can reach the machine.
const host = "127.0.0.1"

// 2. The pattern "/" matches every path, and a pattern without a method matches every method.
func hello(w http.ResponseWriter, r *http.Request) {
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
}

func main() {
	mux := http.NewServeMux()
	mux.HandleFunc("/", hello)
	// Listen first, serve second: between the two we know the real port and can say it.
	listener, err := net.Listen("tcp", net.JoinHostPort(host, portFrom(os.Args)))
	if err != nil {
		log.Fatal(err)
	}
	server := &http.Server{Handler: mux}
	// 5. Process managers stop a server with SIGTERM. Go's default is to die by the signal;
	// NotifyContext turns it into a cancelled context, and Shutdown makes Serve return
	// ErrServerClosed, so main returns and the exit status is 0.
	// Set up before the readiness line: a launcher may send SIGTERM the moment it reads it.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		server.Shutdown(context.Background())
	}()
	// 1. Port 0 asks the OS for any free port, so only the server knows the real one: it says so
	// in one line, once it accepts connections. (fmt writes to stdout unbuffered.)
	fmt.Printf("listening on http://%s\n", listener.Addr())
	if err := server.Serve(listener); err != http.ErrServerClosed {
		log.Fatal(err)
	}
}
