// BEGIN SOLUTION
// Exercise 08, a solution: private notes, each readable and writable only with its owner's token.
// STARTER
// | // Exercise 08: private notes, each readable and writable only with its owner's token.
// END SOLUTION
//
//	AUTH_SECRET=key go run ./solutions/08_protect_a_resource/go [PORT]
//
// GET and PUT /notes/{user} need `Authorization: Bearer <token>` for that user. A token is
// base64url(JSON {"sub": user, "exp": seconds}) "." base64url(HMAC-SHA256(AUTH_SECRET, first part)),
// BEGIN SOLUTION
// minted by someone else who holds the same key (here: the checks).
// STARTER
// | // minted by someone else who holds the same key (here: the checks). The notes, the routes and the
// | // JSON are done: make authenticate refuse what the README says, then `make check EX=08 IN=go`.
// END SOLUTION
package main

import (
	"crypto/hmac"
	"crypto/sha256"
	// BEGIN SOLUTION
	"crypto/subtle"
	// END SOLUTION
	"encoding/base64"
	"encoding/json"
	"io"
	"log"
	"net/http"
	"os"
	"regexp"
	// BEGIN SOLUTION
	"strings"
	// END SOLUTION
	"sync"
	// BEGIN SOLUTION
	"time"
	// END SOLUTION
)

const (
	realm          = `Bearer realm="notes"`
	maxBodyBytes   = 10000
	invalidToken   = realm + `, error="invalid_token"`
	invalidRequest = realm + `, error="invalid_request"`
)

var (
	secret   = []byte(os.Getenv("AUTH_SECRET"))
	notePath = regexp.MustCompile(`^/notes/([a-z0-9]+)$`)
	bearer   = regexp.MustCompile(`^(?i:Bearer) +(\S+)$`) // the scheme is case-insensitive (RFC 9110, 11.1)
)

// The resource's state: one note per user.
var (
	notes   = map[string]string{}
	notesMu sync.Mutex // net/http serves each connection on a goroutine of its own
)

// refused is a request the server will not serve: its status, message and WWW-Authenticate.
type refused struct {
	status    int
	message   string
	challenge string // "" for none
}

func sign(payload string) string {
	mac := hmac.New(sha256.New, secret)
	mac.Write([]byte(payload))
	return base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

// authenticate returns a refusal unless the request carries a valid token of user, in the header.
func authenticate(r *http.Request, user string) *refused {
	// BEGIN SOLUTION
	// A URL lands in logs and histories: a token there has leaked, even a good one.
	_, query, _ := strings.Cut(r.RequestURI, "?")
	for _, part := range strings.Split(query, "&") {
		if name, _, _ := strings.Cut(part, "="); name == "access_token" {
			return &refused{400, "a token must not be sent in the URL", invalidRequest}
		}
	}
	// No credentials, or another scheme (Basic, Token): the bare challenge, no error code.
	authorization := r.Header.Get("Authorization")
	if scheme, _, _ := strings.Cut(authorization, " "); !strings.EqualFold(scheme, "bearer") {
		return &refused{401, "a token is required", realm}
	}
	found := bearer.FindStringSubmatch(strings.TrimSpace(authorization))
	var parts []string
	if found != nil {
		parts = strings.Split(found[1], ".")
	}
	if len(parts) != 2 {
		return &refused{401, "token is not valid", invalidToken}
	}
	payload, signature := parts[0], parts[1]
	// The signature first, compared in constant time: == would stop at the first different
	// byte, and the time it takes would tell an attacker how much of a forgery is right.
	if subtle.ConstantTimeCompare([]byte(sign(payload)), []byte(signature)) != 1 {
		return &refused{401, "token is not valid", invalidToken}
	}
	var claims struct {
		Sub string `json:"sub"`
		Exp int64  `json:"exp"`
	}
	data, _ := base64.RawURLEncoding.DecodeString(payload) // signed by the key holder: safe to read
	json.Unmarshal(data, &claims)
	if claims.Exp <= time.Now().Unix() {
		return &refused{401, "token has expired", invalidToken}
	}
	// Valid, but someone else's: the client is known, and no new token will change the answer.
	if claims.Sub != user {
		return &refused{403, "the token is for another user", ""}
	}
	return nil
	// STARTER
	// | 	// TODO 7: a token in the query string (`access_token=...`) is refused, even a valid one:
	// | 	//         400 with WWW-Authenticate: Bearer realm="notes", error="invalid_request".
	// | 	// TODO 1: no Authorization header, or a scheme other than Bearer (Basic, Token): 401 with
	// | 	//         WWW-Authenticate: Bearer realm="notes" (realm), and no error code.
	// | 	// TODO 4: "Bearer <payload>.<signature>": compute sign(payload) and compare it with the
	// | 	//         signature in constant time; a malformed token or a wrong signature is 401 with
	// | 	//         WWW-Authenticate: Bearer realm="notes", error="invalid_token".
	// | 	// TODO 5: only then read the payload (base64url JSON): an "exp" that is not after now is 401
	// | 	//         with error="invalid_token" too.
	// | 	// TODO 6: a valid token whose "sub" is not user is 403, with no WWW-Authenticate.
	// | 	return nil // for now, anyone may read and write any note
	// END SOLUTION
}

func sendJSON(w http.ResponseWriter, status int, body any, challenge string) {
	data, _ := json.Marshal(body)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "private") // one user's note: no shared cache may keep it
	if challenge != "" {
		w.Header().Set("WWW-Authenticate", challenge)
	}
	w.WriteHeader(status)
	w.Write(data)
}

// handleNote serves GET and PUT /notes/{user}; nothing here prints, so no secret reaches a log.
func handleNote(w http.ResponseWriter, r *http.Request) {
	found := notePath.FindStringSubmatch(r.URL.Path)
	if found == nil || (r.Method != http.MethodGet && r.Method != http.MethodPut) {
		sendJSON(w, 404, map[string]string{"error": "not found"}, "")
		return
	}
	user := found[1]
	if refusal := authenticate(r, user); refusal != nil {
		sendJSON(w, refusal.status, map[string]string{"error": refusal.message}, refusal.challenge)
		return
	}
	notesMu.Lock()
	defer notesMu.Unlock()
	if r.Method == http.MethodPut {
		var body struct {
			Note *string `json:"note"`
		}
		data, err := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes))
		if err != nil || json.Unmarshal(data, &body) != nil || body.Note == nil {
			sendJSON(w, 400, map[string]string{"error": `the body must be {"note": "<text>"}`}, "")
			return
		}
		notes[user] = *body.Note
	}
	sendJSON(w, 200, map[string]string{"user": user, "note": notes[user]}, "")
}

func main() {
	if len(secret) == 0 {
		log.Fatal("main.go: set AUTH_SECRET, the key that signs the tokens")
	}
	serve(http.HandlerFunc(handleNote)) // in launch.go: the launch contract of exercise 01
}
