// BEGIN SOLUTION
// Exercise 02, solved: a visit counter whose state travels with the request.
// STARTER
// | // Exercise 02: a visit counter that forgets, and disagrees with its own replicas.
// END SOLUTION
//
// BEGIN SOLUTION
//
//	COUNTER_SECRET=some-long-random-key go run ./solutions/02_stateless_counter/go [PORT]
//
// STARTER
// | //	go run ./exercises/02_stateless_counter/go [PORT]
// END SOLUTION
//
// BEGIN SOLUTION
// The starter kept {visitor id: visits} in this process's memory, so a second replica or a restart
// did not know the visitor. Here the server keeps nothing: the count itself is the cookie, signed
// with a key every replica shares. Any replica can check the signature, read the count, add one and
// sign the new count. The process can die and come back; nothing is lost, because nothing is in it.
//
// The other road (see the README) keeps the counts in a store every replica shares, the way the
// `users` servers do with USERS_STORE: the cookie is then only an unguessable id.
// STARTER
// | // GET / answers {"visits": N}: how many times this client has visited, this visit included. The
// | // client is recognised by a cookie. It works, as long as there is only one process and it never
// | // restarts: the counts live in this process's memory. Make it stateless (the README says what that
// | // means here), then `make check EX=02 IN=go`.
// END SOLUTION
package main

import (
	// BEGIN SOLUTION
	"crypto/hmac"
	// END SOLUTION
	// BEGIN SOLUTION
	// STARTER
	// | 	"crypto/rand"
	// END SOLUTION
	// BEGIN SOLUTION
	"crypto/sha256"
	// END SOLUTION
	"encoding/hex"
	"encoding/json"
	// BEGIN SOLUTION
	"fmt"
	// END SOLUTION
	"net/http"
	// BEGIN SOLUTION
	"os"
	// END SOLUTION
	// BEGIN SOLUTION
	"strconv"
	// END SOLUTION
	// BEGIN SOLUTION
	"strings"
	// END SOLUTION
	// BEGIN SOLUTION
	// STARTER
	// | 	"sync"
	// END SOLUTION
)

// BEGIN SOLUTION
const cookieName = "visits"
const maxDigits = 18 // a count longer than this was not written by us (and would not fit an int64)
// STARTER
// | const cookieName = "visitor"
// END SOLUTION

// BEGIN SOLUTION
// secret is the signing key every replica shares; without it each replica would sign differently.
var secret = secretFrom(os.Getenv("COUNTER_SECRET"))

// STARTER
// | // TODO: this is the state to move out of the process. Another replica has its own map, and a
// | // restart starts from an empty one. Every server the check starts gets two environment variables:
// | // COUNTER_SECRET (a key they all share) and COUNTER_STORE (a directory they all share).
// | var (
// | 	visits     = map[string]int{} // visitor id -> visits so far
// | 	visitsLock sync.Mutex         // net/http runs each request in a goroutine of its own
// | )
// END SOLUTION

// BEGIN SOLUTION
func secretFrom(value string) []byte {
	if value == "" {
		fmt.Fprintln(os.Stderr, "error: set COUNTER_SECRET to a long random string, the same for every replica "+
			"(it signs the visit cookies)")
		os.Exit(1)
		// STARTER
		// | // countVisit counts one visit; it returns the visitor's id (a new one for a new visitor) and their visits.
		// | func countVisit(visitor string) (string, int) {
		// | 	visitsLock.Lock()
		// | 	defer visitsLock.Unlock()
		// | 	if _, known := visits[visitor]; !known {
		// | 		id := make([]byte, 16)
		// | 		rand.Read(id)
		// | 		visitor = hex.EncodeToString(id)
		// END SOLUTION
	}
	// BEGIN SOLUTION
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
	// STARTER
	// | 	visits[visitor]++
	// | 	return visitor, visits[visitor]
	// END SOLUTION
}

func counter(w http.ResponseWriter, r *http.Request) {
	// BEGIN SOLUTION
	value := ""
	// STARTER
	// | 	visitor := ""
	// END SOLUTION
	if cookie, err := r.Cookie(cookieName); err == nil {
		// BEGIN SOLUTION
		value = cookie.Value
		// STARTER
		// | 		visitor = cookie.Value
		// END SOLUTION
	}
	// BEGIN SOLUTION
	// Everything this request needs is in this request: no lock, no shared memory.
	count := verifiedCount(value) + 1
	// STARTER
	// | 	visitor, count := countVisit(visitor)
	// END SOLUTION
	body, _ := json.Marshal(map[string]int{"visits": count})
	// BEGIN SOLUTION
	// HttpOnly: page scripts cannot read it; SameSite=Lax: other sites' pages do not send it.
	http.SetCookie(w, &http.Cookie{Name: cookieName, Value: sign(count), Path: "/", HttpOnly: true,
		// STARTER
		// | 	http.SetCookie(w, &http.Cookie{Name: cookieName, Value: visitor, Path: "/", HttpOnly: true,
		// END SOLUTION
		SameSite: http.SameSiteLaxMode})
	w.Header().Set("Content-Type", "application/json")
	w.Write(append(body, '\n'))
}

func main() {
	mux := http.NewServeMux()
	// "GET /{$}": GET (and HEAD) of "/" exactly; the mux answers 404 for other paths itself.
	mux.HandleFunc("GET /{$}", counter)
	serve(mux) // in launch.go: the launch contract of exercise 01
}
