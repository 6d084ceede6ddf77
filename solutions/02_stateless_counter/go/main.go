// Exercise 02, solved: a visit counter whose state travels with the request.
//
//	COUNTER_SECRET=some-long-random-key go run ./solutions/02_stateless_counter/go [PORT]
//
// The starter kept {visitor id: visits} in this process's memory, so a second replica or a restart
// did not know the visitor. Here the server keeps nothing: the count itself is the cookie, signed
// with a key every replica shares. Any replica can check the signature, read the count, add one and
// sign the new count. The process can die and come back; nothing is lost, because nothing is in it.
//
// The other road (see the README) keeps the counts in a store every replica shares, the way the
// `users` servers do with USERS_STORE: the cookie is then only an unguessable id.
package main

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
)

const host = "127.0.0.1"
const cookieName = "visits"
const maxDigits = 18 // a count longer than this was not written by us (and would not fit an int64)

// secret is the signing key every replica shares; without it each replica would sign differently.
var secret = secretFrom(os.Getenv("COUNTER_SECRET"))

func secretFrom(value string) []byte {
	if value == "" {
		fmt.Fprintln(os.Stderr, "error: set COUNTER_SECRET to a long random string, the same for every replica "+
			"(it signs the visit cookies)")
		os.Exit(1)
	}
	return []byte(value)
}

// sign returns the cookie value for a count: the count, a dot, an HMAC-SHA256 of it under secret.
func sign(count int) string {
	mac := hmac.New(sha256.New, secret)
	mac.Write([]byte(strconv.Itoa(count)))
	return strconv.Itoa(count) + "." + hex.EncodeToString(mac.Sum(nil))
}

// verifiedCount returns the count a cookie carries if we signed it, else 0: the client can read
// it, not forge it.
func verifiedCount(value string) int {
	digits, _, _ := strings.Cut(value, ".")
	if digits == "" || len(digits) > maxDigits || strings.Trim(digits, "0123456789") != "" {
		return 0
	}
	count, err := strconv.Atoi(digits)
	if err != nil {
		return 0
	}
	// hmac.Equal takes as long for a near miss as for a far one, so the time an answer takes
	// does not tell an attacker how many characters of a guessed signature were right.
	if !hmac.Equal([]byte(sign(count)), []byte(value)) {
		return 0
	}
	return count
}

func counter(w http.ResponseWriter, r *http.Request) {
	value := ""
	if cookie, err := r.Cookie(cookieName); err == nil {
		value = cookie.Value
	}
	// Everything this request needs is in this request: no lock, no shared memory.
	count := verifiedCount(value) + 1
	body, _ := json.Marshal(map[string]int{"visits": count})
	// HttpOnly: page scripts cannot read it; SameSite=Lax: other sites' pages do not send it.
	http.SetCookie(w, &http.Cookie{Name: cookieName, Value: sign(count), Path: "/", HttpOnly: true,
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
