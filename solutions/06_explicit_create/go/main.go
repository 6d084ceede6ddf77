// BEGIN SOLUTION
// Exercise 06, solved: POST /users says exactly what it did, and exactly what was wrong.
// STARTER
// | // Exercise 06: POST /users says exactly what it did, and exactly what was wrong.
// END SOLUTION
//
//	go run ./solutions/06_explicit_create/go [PORT]
//
// BEGIN SOLUTION
// Every outcome is explicit: 201 with the user and its Location when it worked; otherwise one
// status and one message per reason (415, 400, 409), from servers/README.md, word for word, so a
// client can act on each one. Nothing is guessed, filled in or silently dropped.
// STARTER
// | // POST /users creates a user from whatever it gets and answers 200 and an id; the one thing it
// | // refuses, an email already in use, comes out as a 500. Make every outcome explicit the way the
// | // README asks, then `make check EX=06 IN=go`.
// END SOLUTION
// The store and JSON in and out are in plumbing.go, shared with exercises 05 and 07; the start-up
// is in launch.go, shared with every exercise after 01.
package main

import (
	"encoding/json"
	// BEGIN SOLUTION
	"errors"
	// END SOLUTION
	"net/http"
	// BEGIN SOLUTION
	"slices"
	"unicode/utf8"
	// END SOLUTION
)

// The methods each path takes, in the order of the contract: the Allow header of a 405.
const (
	ALLOW_COLLECTION = "POST"
	ALLOW_ITEM       = "GET, HEAD"
)

// ---- Validation ----

// BEGIN SOLUTION
// validateUser returns the user a POST body describes, or its first problem as a 400.
// STARTER
// | // validateUser returns the user a POST body describes; what is not a string becomes "".
// END SOLUTION
func validateUser(fields map[string]json.RawMessage) (User, error) {
	// BEGIN SOLUTION
	// A field the API does not define is an error, not something to drop: a typo such as "nmae"
	// would otherwise create a user without the name the client meant to send.
	if _, ok := fields["id"]; ok {
		return User{}, errorf(400, "id is assigned by the server")
	}
	unknown := []string{}
	for key := range fields {
		if key != "email" && key != "name" {
			unknown = append(unknown, key)
		}
	}
	if len(unknown) > 0 { // the first, sorted: a map's order changes from run to run
		return User{}, errorf(400, "unknown field: %s", slices.Min(unknown))
	}
	var user User
	for _, field := range []string{"email", "name"} { // one field entirely, then the other
		raw, present := fields[field]
		if !present || string(raw) == "null" { // required: never guessed, never a default
			return User{}, errorf(400, "%s is required", field)
		}
		var value string
		if json.Unmarshal(raw, &value) != nil {
			return User{}, errorf(400, "%s must be a string", field)
		}
		length := utf8.RuneCountInString(value) // code points; len() would count bytes
		switch {
		case field == "email" && length > MAX_EMAIL:
			return User{}, errorf(400, "email must be at most %d characters", MAX_EMAIL)
		case field == "email" && !EMAIL_PATTERN.MatchString(value):
			return User{}, errorf(400, "email must look like name@example.com")
		case field == "name" && (length < 1 || length > MAX_NAME):
			return User{}, errorf(400, "name must be 1 to %d characters", MAX_NAME)
		case field == "email":
			user.Email = value
		default:
			user.Name = value
		}
	}
	return user, nil
	// STARTER
	// | 	// TODO 5: a missing field, or one that is not a string: 400, each with its own message.
	// | 	// TODO 6: an email or a name out of bounds: 400, each with its own message.
	// | 	// TODO 7: a field the API does not define (`id`, or a typo such as `nmae`): 400.
	// | 	// The messages, word for word, and their order: servers/README.md.
	// | 	var user User
	// | 	json.Unmarshal(fields["email"], &user.Email)
	// | 	json.Unmarshal(fields["name"], &user.Name)
	// | 	return user, nil
	// END SOLUTION
}

// ---- Handlers ----

// BEGIN SOLUTION
// createUser runs one check after the other, in the order of servers/README.md, so that a request
// with two problems always gets the same answer: the media type (415), the syntax (400), each
// field (400), then what only the store knows, the other users (409).
// END SOLUTION
func createUser(w http.ResponseWriter, r *http.Request) error {
	body, err := readBody(r)
	if err != nil {
		return err
	}
	// BEGIN SOLUTION
	if err := checkContentType(r, "application/json"); err != nil {
		return err
	}
	fields, err := parseObject(body) // 400: not JSON, or not an object, saying which
	if err != nil {
		return err
	}
	// STARTER
	// | 	// TODO 3: the Content-Type (415), before the body is parsed: checkContentType.
	// | 	// TODO 4: a body that is not JSON, or JSON but not an object, is the client's mistake: 400,
	// | 	//         with a message that says which of the two. parseObject says it: do not drop it.
	// | 	fields, _ := parseObject(body)
	// END SOLUTION
	user, err := validateUser(fields)
	if err != nil {
		return err
	}
	user, err = store.create(user)
	// BEGIN SOLUTION
	if errors.Is(err, errEmailTaken) {
		// 409 Conflict: the request is fine, but it conflicts with another user (RFC 9110 §15.5.10).
		return errorf(409, "email is already in use")
	} else if err != nil {
		return err
	}
	// 201, not 200: something new exists, and Location says where (RFC 9110 §15.3.2). The body is
	// the user as stored, id included, so the client needs no second request to learn what it made.
	w.Header().Set("Location", "/users/"+user.ID)
	writeJSON(w, http.StatusCreated, user)
	// STARTER
	// | 	// TODO 8: store.create refuses a second user with the same email: errEmailTaken. An error
	// | 	//         handle() does not know is a 500; this one is 409 {"error": "email is already in use"}.
	// | 	if err != nil {
	// | 		return err
	// | 	}
	// | 	// TODO 1: 201 Created, and Location: /users/{id} says where the new user is.
	// | 	// TODO 2: the body is the user as stored, all of it.
	// | 	writeJSON(w, http.StatusOK, map[string]string{"id": user.ID})
	// END SOLUTION
	return nil
}

// getUser answers GET /users/{id}, which exercise 05 is about: here, it lets you see what POST made.
func getUser(w http.ResponseWriter, r *http.Request) error {
	user, ok := store.get(r.PathValue("id"))
	if !ok {
		return errorf(404, "user not found")
	}
	writeJSON(w, http.StatusOK, user)
	return nil
}

// ---- Routing and start-up ----

// Go 1.22 patterns: method and path, {id} one segment (r.PathValue), GET answers HEAD too. A pattern
// without a method takes the other methods (405, with Allow); "/" every other path (404).
func main() {
	mux := http.NewServeMux()
	mux.Handle("POST /users", handle(createUser))
	mux.Handle("/users", methodNotAllowed(ALLOW_COLLECTION))
	mux.Handle("GET /users/{id}", handle(getUser))
	mux.Handle("/users/{id}", methodNotAllowed(ALLOW_ITEM))
	mux.Handle("/", notFound)
	serve(mux)
}
