// BEGIN SOLUTION
// Exercise 04, solved: one note, /note, that a client can revalidate and update without losing changes.
// STARTER
// | // Exercise 04: one note, /note, that a client can revalidate and update without losing changes.
// END SOLUTION
//
//	go run ./solutions/04_conditional_requests/go [PORT]
//
// BEGIN SOLUTION
// The ETag names one version of the note. A reader sends it back in If-None-Match ("I have this
// one; send it only if it changed": 304 saves the body); a writer sends it back in If-Match
// ("change it only if it is still this one": 412 stops a lost update).
// STARTER
// | // GET, HEAD and PUT /note already work, unconditionally. Give the note an ETag and honour
// | // If-None-Match (304) and If-Match (412) the way the README asks, then
// | // `make check EX=04 IN=go`.
// END SOLUTION
package main

import (
	"errors"
	// BEGIN SOLUTION
	"fmt"
	// END SOLUTION
	"io"
	"net/http"
	"strconv"
	// BEGIN SOLUTION
	"strings"
	// END SOLUTION
	"sync"
)

const maxNoteBytes = 1000

// The resource's state. version goes up by one on every change, so it names the state the note
// BEGIN SOLUTION
// is in: the ETag is made from it.
// STARTER
// | // is in: the ETag can be made from it (TODO 1).
// END SOLUTION
var (
	note     = []byte("Water the plants.\n")
	version  = 1
	noteLock sync.Mutex // net/http runs each request in a goroutine of its own
)

// BEGIN SOLUTION

// etagFor returns a strong ETag: a quoted string that changes whenever the note does. A hash of
// the body would do as well; a version number is cheaper and never collides.
func etagFor(version int) string { return fmt.Sprintf(`"v%d"`, version) }

// etagMatches reports whether an If-Match / If-None-Match value (* or a comma-separated list)
// names tag. If-None-Match compares weakly: W/"v1" names "v1"; If-Match never does.
func etagMatches(header, tag string, weak bool) bool {
	for _, candidate := range strings.Split(header, ",") {
		value := strings.TrimSpace(candidate)
		if weak {
			value = strings.TrimPrefix(value, "W/")
		}
		if value == "*" || value == tag {
			return true
		}
	}
	return false
}

// END SOLUTION

// sendText writes a text/plain response with its Content-Length and any extra headers.
func sendText(w http.ResponseWriter, status int, body []byte, headers map[string]string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	for name, value := range headers {
		w.Header().Set(name, value)
	}
	w.WriteHeader(status)
	w.Write(body) // HEAD: net/http discards the body
}

func getNote(w http.ResponseWriter, r *http.Request) {
	// BEGIN SOLUTION
	noteLock.Lock() // the body and its ETag must come from the same version
	body, etag := note, etagFor(version)
	// STARTER
	// | 	noteLock.Lock()
	// | 	body := note
	// END SOLUTION
	noteLock.Unlock()
	// BEGIN SOLUTION
	// Values, not Get: a list may arrive on several header lines, which together are one list.
	ifNoneMatch := r.Header.Values("If-None-Match")
	if len(ifNoneMatch) > 0 && etagMatches(strings.Join(ifNoneMatch, ","), etag, true) {
		// The client's copy is current: say so in a few bytes instead of sending it again.
		// 304 has no body; the ETag tells a cache which copy is still good.
		w.Header().Set("ETag", etag)
		w.WriteHeader(http.StatusNotModified)
		return
	}
	sendText(w, http.StatusOK, body, map[string]string{"ETag": etag})
	// STARTER
	// | 	// TODO 1: send an ETag that names this version of the note.
	// | 	// TODO 2: If-None-Match naming the current ETag: 304 Not Modified, the ETag, no body.
	// | 	// TODO 3: If-None-Match compares weakly (W/"x" names "x"), and may be a list or *.
	// | 	sendText(w, http.StatusOK, body, nil)
	// END SOLUTION
}

// putNote: the request body is the new note, all of it.
func putNote(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxNoteBytes))
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		sendText(w, http.StatusRequestEntityTooLarge, []byte("a note is at most 1000 bytes\n"), nil)
		return
	} else if err != nil {
		sendText(w, http.StatusBadRequest, []byte("the body could not be read\n"), nil)
		return
	}
	// BEGIN SOLUTION
	ifMatch := r.Header.Values("If-Match")
	// Check and write under one lock: between a check and a write done apart, another request
	// could change the note, and its change would be lost all the same.
	// END SOLUTION
	noteLock.Lock()
	// BEGIN SOLUTION
	// Strong comparison: a weak ETag only promises "equivalent", and a writer needs "the very
	// bytes I read". No If-Match at all: the client chose an unconditional PUT.
	if len(ifMatch) > 0 && !etagMatches(strings.Join(ifMatch, ","), etagFor(version), false) {
		noteLock.Unlock()
		sendText(w, http.StatusPreconditionFailed, []byte("the note has changed since you read it: GET it again\n"), nil)
		return
	}
	// STARTER
	// | 	// TODO 5: If-Match that does not name the current ETag: 412, and change nothing.
	// END SOLUTION
	note, version = body, version+1
	// BEGIN SOLUTION
	written := etagFor(version)
	// END SOLUTION
	noteLock.Unlock()
	// BEGIN SOLUTION
	// 204 has no body, but it can carry the new ETag: the client's next If-Match, with no GET.
	w.Header().Set("ETag", written)
	// STARTER
	// | 	// TODO 4: tell the client the ETag of the version it just wrote.
	// END SOLUTION
	w.WriteHeader(http.StatusNoContent)
}

func main() {
	mux := http.NewServeMux()
	// "GET /note" matches HEAD too; the mux answers 404 for other paths and 405 with Allow for
	// other methods on /note.
	mux.HandleFunc("GET /note", getNote)
	mux.HandleFunc("PUT /note", putNote)
	serve(mux) // in launch.go: the launch contract of exercise 01
}
