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
package main

import (
	"net/http"
	"regexp"
	"slices"
	"unicode/utf8"
)

// ---- Constants ----

// The names are those of the Python and Node files, so the three read alike.
const (
	MAX_EMAIL        = 254
	MAX_NAME         = 100
	ALLOW_COLLECTION = "POST"
	ALLOW_ITEM       = "GET, HEAD, PATCH, DELETE"
)

var EMAIL_PATTERN = regexp.MustCompile(`^[^@ \t\r\n]+@[^@ \t\r\n]+$`)

// ---- Validation ----

// BEGIN SOLUTION
// validateUser returns the checked email and name of a POST body, or of a PATCH body when partial.
func validateUser(fields map[string]any, partial bool) (map[string]string, error) {
	// STARTER
	// | // validateUser returns the checked email and name of a POST body.
	// | // TODO 4: PATCH checks only the fields it is given: a field left out stays as it is, and null is
	// | // 400 (both fields are required, so neither can be removed). A `partial` flag?
	// | func validateUser(fields map[string]any) (map[string]string, error) {
	// END SOLUTION
	if _, ok := fields["id"]; ok {
		return nil, errorf(400, "id is assigned by the server")
	}
	unknown := []string{}
	for key := range fields {
		if key != "email" && key != "name" {
			unknown = append(unknown, key)
		}
	}
	if len(unknown) > 0 {
		return nil, errorf(400, "unknown field: %s", slices.Min(unknown)) // the first, sorted
	}
	checked := map[string]string{}
	for _, field := range []string{"email", "name"} {
		// BEGIN SOLUTION
		raw, present := fields[field]
		if partial && !present {
			continue // JSON Merge Patch: a field left out stays as it is
		}
		// Missing on POST, or null on PATCH (which in a merge patch means "remove this field"):
		// both fields are required, so neither can be removed.
		// STARTER
		// | 		raw := fields[field]
		// END SOLUTION
		if raw == nil {
			return nil, errorf(400, "%s is required", field)
		}
		value, ok := raw.(string)
		if !ok {
			return nil, errorf(400, "%s must be a string", field)
		}
		length := utf8.RuneCountInString(value) // code points; len() would count bytes
		if field == "email" && length > MAX_EMAIL {
			return nil, errorf(400, "email must be at most %d characters", MAX_EMAIL)
		}
		if field == "email" && !EMAIL_PATTERN.MatchString(value) {
			return nil, errorf(400, "email must look like name@example.com")
		}
		if field == "name" && (length < 1 || length > MAX_NAME) {
			return nil, errorf(400, "name must be 1 to %d characters", MAX_NAME)
		}
		checked[field] = value
	}
	return checked, nil
}

// ---- Handlers ----

func createUser(r *http.Request, _ string) (response, error) {
	body, err := readBody(r)
	if err != nil {
		return response{}, err
	}
	if err := checkContentType(r, "application/json"); err != nil {
		return response{}, err
	}
	fields, err := parseObject(body)
	if err != nil {
		return response{}, err
	}
	// BEGIN SOLUTION
	valid, err := validateUser(fields, false)
	// STARTER
	// | 	valid, err := validateUser(fields)
	// END SOLUTION
	if err != nil {
		return response{}, err
	}
	user, err := store.create(valid["email"], valid["name"])
	if err != nil {
		return response{}, err
	}
	return response{201, map[string]string{"Location": "/users/" + user.ID}, user}, nil
}

// BEGIN SOLUTION
func getUser(r *http.Request, id string) (response, error) {
	user, ok := store.get(id)
	if !ok {
		// The path names no user: 404, with a message that says which kind of thing is missing.
		return response{}, errorf(404, "user not found")
	}
	return response{200, nil, user}, nil
}

func updateUser(r *http.Request, id string) (response, error) {
	body, err := readBody(r)
	if err != nil {
		return response{}, err
	}
	// application/merge-patch+json names the patch format exactly; plain JSON is accepted too.
	if err := checkContentType(r, "application/json", "application/merge-patch+json"); err != nil {
		return response{}, err
	}
	if _, ok := store.get(id); !ok { // 404 before any complaint about the body
		return response{}, errorf(404, "user not found")
	}
	fields, err := parseObject(body)
	if err != nil {
		return response{}, err
	}
	changes, err := validateUser(fields, true)
	if err != nil {
		return response{}, err
	}
	user, ok, err := store.update(id, changes)
	if err != nil {
		return response{}, err
	}
	if !ok { // deleted by another request in between
		return response{}, errorf(404, "user not found")
	}
	return response{200, nil, user}, nil // the whole user as it is now: no second GET needed
}

func deleteUser(r *http.Request, id string) (response, error) {
	if !store.delete(id) {
		return response{}, errorf(404, "user not found") // so a second DELETE says it is gone
	}
	return response{status: 204}, nil // done, and nothing left to show
}

// STARTER
// | // TODO 1: GET /users/{id}: 200 and the user (store.get); HEAD answers the same without the body.
// | // TODO 2: no such user: 404 {"error": "user not found"}, for GET, PATCH and DELETE alike.
// | // TODO 3: PATCH /users/{id}: JSON Merge Patch; each field in the body replaces the stored one,
// | //         a field left out stays as it is (store.update); 200 and the whole updated user.
// | // TODO 5: PATCH takes application/merge-patch+json or application/json; else 415.
// | // TODO 6: DELETE /users/{id}: 204 and no body (store.delete); afterwards, GET and DELETE are 404.
// END SOLUTION

// ---- Routing ----

// routes registers the users API: since Go 1.22 a ServeMux pattern names the method and the path,
// {id} is one path segment (r.PathValue("id")), and a GET pattern answers HEAD too. The patterns
// without a method catch the other methods (405, with Allow) and the other paths (404).
func routes(mux *http.ServeMux) {
	mux.Handle("POST /users", handle(createUser))
	mux.Handle("/users", refuse(405, ALLOW_COLLECTION))
	// BEGIN SOLUTION
	// One URL per user: /users/{id}. The method, not the URL, says what to do with it.
	mux.Handle("GET /users/{id}", handle(getUser))
	mux.Handle("PATCH /users/{id}", handle(updateUser))
	mux.Handle("DELETE /users/{id}", handle(deleteUser))
	mux.Handle("/users/{id}", refuse(405, ALLOW_ITEM))
	// STARTER
	// | 	// TODO 1: /users/{id}: a pattern per method ("GET /users/{id}" answers HEAD too), and one
	// | 	// without a method for the others: 405 with ALLOW_ITEM.
	// END SOLUTION
	mux.Handle("/", refuse(404, ""))
}
