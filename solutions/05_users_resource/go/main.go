// BEGIN SOLUTION
// Exercise 05, solved: one user, one URL, /users/{id}, read, updated and deleted with HTTP's methods.
// STARTER
// | // Exercise 05: one user, one URL, /users/{id}, read, updated and deleted with HTTP's methods.
// END SOLUTION
//
//	go run ./solutions/05_users_resource/go [PORT]
//
// BEGIN SOLUTION
// The URL names the user, the method says what to do with it: GET reads it, PATCH changes the
// fields the body names (JSON Merge Patch, RFC 7396), DELETE removes it. The status code says what
// happened, in words every HTTP client already knows: 200, 204, 404, 400, 415.
// STARTER
// | // POST /users already creates users, and the store already keeps them. Give each user its URL,
// | // /users/{id}, and answer GET, PATCH and DELETE on it the way the README asks, then
// | // `make check EX=05 IN=go`.
// END SOLUTION
// The store, JSON in and out and the start-up are in plumbing.go, shared with exercises 06 and 07.
package main

import (
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"unicode/utf8"
)

// The methods each path takes, in the order of the contract: the Allow header of a 405.
const (
	ALLOW_COLLECTION = "POST"
	ALLOW_ITEM       = "GET, HEAD, PATCH, DELETE"
)

// ---- Validation ----

// A userPatch is the checked fields of a body: nil where the body leaves a field out.
type userPatch struct {
	Email, Name *string
}

// BEGIN SOLUTION
// validateUser checks the fields of a POST body, or of a PATCH body when partial.
func validateUser(fields map[string]json.RawMessage, partial bool) (userPatch, error) {
	// STARTER
	// | // validateUser checks the fields of a POST body.
	// | // TODO 4: PATCH checks only the fields it is given: a field left out stays as it is, and null is
	// | // 400 (both fields are required, so neither can be removed). A `partial` flag?
	// | func validateUser(fields map[string]json.RawMessage) (userPatch, error) {
	// END SOLUTION
	if _, ok := fields["id"]; ok {
		return userPatch{}, errorf(400, "id is assigned by the server")
	}
	unknown := []string{}
	for key := range fields {
		if key != "email" && key != "name" {
			unknown = append(unknown, key)
		}
	}
	if len(unknown) > 0 { // the first, sorted: a map's order changes from run to run
		return userPatch{}, errorf(400, "unknown field: %s", slices.Min(unknown))
	}
	var patch userPatch
	for _, field := range []string{"email", "name"} { // one field entirely, then the other
		raw, present := fields[field]
		// BEGIN SOLUTION
		if partial && !present {
			continue // JSON Merge Patch: a field left out stays as it is
		}
		// Missing on POST, or null, which in a merge patch means "remove this field": both
		// fields are required, so neither can be removed.
		// END SOLUTION
		if !present || string(raw) == "null" {
			return userPatch{}, errorf(400, "%s is required", field)
		}
		var value string
		if json.Unmarshal(raw, &value) != nil {
			return userPatch{}, errorf(400, "%s must be a string", field)
		}
		length := utf8.RuneCountInString(value) // code points; len() would count bytes
		switch {
		case field == "email" && length > MAX_EMAIL:
			return userPatch{}, errorf(400, "email must be at most %d characters", MAX_EMAIL)
		case field == "email" && !EMAIL_PATTERN.MatchString(value):
			return userPatch{}, errorf(400, "email must look like name@example.com")
		case field == "name" && (length < 1 || length > MAX_NAME):
			return userPatch{}, errorf(400, "name must be 1 to %d characters", MAX_NAME)
		case field == "email":
			patch.Email = &value
		default:
			patch.Name = &value
		}
	}
	return patch, nil
}

// ---- Handlers ----

func createUser(w http.ResponseWriter, r *http.Request) error {
	body, err := readBody(r)
	if err != nil {
		return err
	}
	if err := checkContentType(r, "application/json"); err != nil {
		return err
	}
	fields, err := parseObject(body)
	if err != nil {
		return err
	}
	// BEGIN SOLUTION
	patch, err := validateUser(fields, false)
	// STARTER
	// | 	patch, err := validateUser(fields)
	// END SOLUTION
	if err != nil {
		return err
	}
	user, err := store.create(User{Email: *patch.Email, Name: *patch.Name})
	if errors.Is(err, errEmailTaken) { // the request is fine, but it conflicts with another user
		return errorf(409, "email is already in use")
	} else if err != nil {
		return err
	}
	w.Header().Set("Location", "/users/"+user.ID)
	writeJSON(w, http.StatusCreated, user)
	return nil
}

// BEGIN SOLUTION
func getUser(w http.ResponseWriter, r *http.Request) error {
	user, ok := store.get(r.PathValue("id"))
	if !ok {
		// The path names no user: 404, with a message that says which kind of thing is missing.
		return errorf(404, "user not found")
	}
	writeJSON(w, http.StatusOK, user)
	return nil
}

func updateUser(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	body, err := readBody(r)
	if err != nil {
		return err
	}
	// application/merge-patch+json names the patch format (RFC 7396); plain JSON is accepted too.
	if err := checkContentType(r, "application/json", "application/merge-patch+json"); err != nil {
		return err
	}
	if _, ok := store.get(id); !ok { // 404 before any complaint about the body
		return errorf(404, "user not found")
	}
	fields, err := parseObject(body)
	if err != nil {
		return err
	}
	patch, err := validateUser(fields, true)
	if err != nil {
		return err
	}
	user, err := store.update(id, func(user *User) { // only what the patch names
		if patch.Email != nil {
			user.Email = *patch.Email
		}
		if patch.Name != nil {
			user.Name = *patch.Name
		}
	})
	switch {
	case errors.Is(err, errNoUser): // deleted by another request in between
		return errorf(404, "user not found")
	case errors.Is(err, errEmailTaken):
		return errorf(409, "email is already in use")
	case err != nil:
		return err
	}
	writeJSON(w, http.StatusOK, user) // the whole user as it is now: no second GET needed
	return nil
}

func deleteUser(w http.ResponseWriter, r *http.Request) error {
	if !store.delete(r.PathValue("id")) {
		return errorf(404, "user not found") // so a second DELETE says it is gone
	}
	w.WriteHeader(http.StatusNoContent) // done, and nothing to show: no body, no Content-Length
	return nil
}

// STARTER
// | // TODO 1: GET /users/{id}: 200 and the user (store.get); HEAD answers the same without the body.
// | // TODO 2: no such user: 404 {"error": "user not found"}, for GET, PATCH and DELETE alike.
// | // TODO 3: PATCH /users/{id}: JSON Merge Patch; each field in the body replaces the stored one,
// | //         a field left out stays as it is (store.update); 200 and the whole updated user.
// | // TODO 5: PATCH takes application/merge-patch+json or application/json; else 415.
// | // TODO 6: DELETE /users/{id}: 204 and no body (store.delete); afterwards, GET and DELETE are 404.
// END SOLUTION

// ---- Routing and start-up ----

// Since Go 1.22 a ServeMux pattern names the method and the path, {id} is one path segment
// (r.PathValue("id")), and a GET pattern answers HEAD too. A pattern without a method takes the
// other methods (405, with Allow); "/" takes every other path (404).
func main() {
	mux := http.NewServeMux()
	mux.Handle("POST /users", handle(createUser))
	mux.Handle("/users", methodNotAllowed(ALLOW_COLLECTION))
	// BEGIN SOLUTION
	// One URL per user: /users/{id}. The method, not the URL, says what to do with it.
	mux.Handle("GET /users/{id}", handle(getUser))
	mux.Handle("PATCH /users/{id}", handle(updateUser))
	mux.Handle("DELETE /users/{id}", handle(deleteUser))
	mux.Handle("/users/{id}", methodNotAllowed(ALLOW_ITEM))
	// STARTER
	// | 	// TODO 1: /users/{id}: a pattern per method ("GET /users/{id}" answers HEAD too), and one
	// | 	// without a method for the others: 405 with ALLOW_ITEM.
	// END SOLUTION
	mux.Handle("/", notFound)
	serve(mux)
}
