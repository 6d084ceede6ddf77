// Exercise 06: POST /users says exactly what it did, and exactly what was wrong.
//
//	go run ./exercises/06_explicit_create/go [PORT]
//
// POST /users creates a user from whatever it gets and answers 200 and an id; the one thing it
// refuses, an email already in use, comes out as a 500. Make every outcome explicit the way the
// README asks, then `make check EX=06 IN=go`.
// The store and JSON in and out are in plumbing.go, shared with exercises 05 and 07; the start-up
// is in launch.go, shared with every exercise after 01.
package main

import (
	"encoding/json"
	"net/http"
)

// The methods each path takes, in the order of the contract: the Allow header of a 405.
const (
	ALLOW_COLLECTION = "POST"
	ALLOW_ITEM       = "GET, HEAD"
)

// ---- Validation ----

// validateUser returns the user a POST body describes; what is not a string becomes "".
func validateUser(fields map[string]json.RawMessage) (User, error) {
	// TODO 5: a missing field, or one that is not a string: 400, each with its own message.
	// TODO 6: an email or a name out of bounds: 400, each with its own message.
	// TODO 7: a field the API does not define (`id`, or a typo such as `nmae`): 400.
	// The messages, word for word, and their order: servers/README.md.
	var user User
	json.Unmarshal(fields["email"], &user.Email)
	json.Unmarshal(fields["name"], &user.Name)
	return user, nil
}

// ---- Handlers ----

func createUser(w http.ResponseWriter, r *http.Request) error {
	body, err := readBody(r)
	if err != nil {
		return err
	}
	// TODO 3: the Content-Type (415), before the body is parsed: checkContentType.
	// TODO 4: a body that is not JSON, or JSON but not an object, is the client's mistake: 400,
	//         with a message that says which of the two. parseObject says it: do not drop it.
	fields, _ := parseObject(body)
	user, err := validateUser(fields)
	if err != nil {
		return err
	}
	user, err = store.create(user)
	// TODO 8: store.create refuses a second user with the same email: errEmailTaken. An error
	//         handle() does not know is a 500; this one is 409 {"error": "email is already in use"}.
	if err != nil {
		return err
	}
	// TODO 1: 201 Created, and Location: /users/{id} says where the new user is.
	// TODO 2: the body is the user as stored, all of it.
	writeJSON(w, http.StatusOK, map[string]string{"id": user.ID})
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
