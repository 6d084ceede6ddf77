// Exercise 04: one note, /note, that a client can revalidate and update without losing changes.
//
//	go run ./exercises/04_conditional_requests/go [PORT]
//
// GET, HEAD and PUT /note already work, unconditionally. Give the note an ETag and honour
// If-None-Match (304) and If-Match (412) the way the README asks, then
// `make check EX=04 IN=go`.
package main

import (
	"errors"
	"io"
	"net/http"
	"strconv"
	"sync"
)

const maxNoteBytes = 1000

// The resource's state. version goes up by one on every change, so it names the state the note
// is in: the ETag can be made from it (TODO 1).
var (
	note     = []byte("Water the plants.\n")
	version  = 1
	noteLock sync.Mutex // net/http runs each request in a goroutine of its own
)

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
	noteLock.Lock()
	body := note
	noteLock.Unlock()
	// TODO 1: send an ETag that names this version of the note.
	// TODO 2: If-None-Match naming the current ETag: 304 Not Modified, the ETag, no body.
	// TODO 3: If-None-Match compares weakly (W/"x" names "x"), and may be a list or *.
	sendText(w, http.StatusOK, body, nil)
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
	noteLock.Lock()
	// TODO 5: If-Match that does not name the current ETag: 412, and change nothing.
	note, version = body, version+1
	noteLock.Unlock()
	// TODO 4: tell the client the ETag of the version it just wrote.
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
