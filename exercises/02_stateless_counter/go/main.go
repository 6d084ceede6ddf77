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
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"sync"
)

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
	mux := http.NewServeMux()
	// "GET /{$}": GET (and HEAD) of "/" exactly; the mux answers 404 for other paths itself.
	mux.HandleFunc("GET /{$}", counter)
	serve(mux) // in launch.go: the launch contract of exercise 01
}
