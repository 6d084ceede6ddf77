// Exercise 05: one user, one URL, /users/{id}, read, updated and deleted with HTTP's methods.
//
//	go run ./exercises/05_users_resource/go [PORT]
//
// POST /users already creates users, and the store already keeps them. Give each user its URL,
// /users/{id}, and answer GET, PATCH and DELETE on it the way the README asks, then
// `make check EX=05 IN=go`.
// The store and JSON in and out are in plumbing.go, shared with exercises 06 and 07; the start-up
// is in launch.go, shared with every exercise after 01.
package main

import "net/http"

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

// decodeUser returns the checked fields of a POST body.
// TODO 4: PATCH checks only the fields it is given: a field left out stays as it is, and null is
// 400 (both fields are required, so neither can be removed). A `partial` flag?
func decodeUser(body []byte) (patch userPatch, err error) {
	fields, err := parseObject(body)
	if err != nil {
		return userPatch{}, err
	}
	if err := checkKeys(fields, "email", "name"); err != nil { // 400: id, or an unknown field
		return userPatch{}, err
	}
	if patch.Email, err = stringField(fields, "email"); err != nil { // 400: missing, null, invalid
		return userPatch{}, err
	}
	if patch.Name, err = stringField(fields, "name"); err != nil {
		return userPatch{}, err
	}
	return patch, nil
}

// ---- Handlers ----

func createUser(w http.ResponseWriter, r *http.Request) error {
	body, err := readJSON(r, "application/json") // 411, 413, 415
	if err != nil {
		return err
	}
	patch, err := decodeUser(body)
	if err != nil {
		return err
	}
	user, err := store.create(User{Email: *patch.Email, Name: *patch.Name})
	if err != nil {
		return storeError(err) // 409: the email is another user's
	}
	w.Header().Set("Location", "/users/"+user.ID)
	writeJSON(w, http.StatusCreated, user)
	return nil
}

// TODO 1: GET /users/{id}: 200 and the user (store.get); HEAD answers the same without the body.
// TODO 2: no such user: 404 {"error": "user not found"}, for GET, PATCH and DELETE alike.
// TODO 3: PATCH /users/{id}: JSON Merge Patch; each field in the body replaces the stored one,
//         a field left out stays as it is (store.update); 200 and the whole updated user.
// TODO 5: PATCH takes application/merge-patch+json or application/json; else 415 (readJSON).
// TODO 6: DELETE /users/{id}: 204 and no body (store.delete); afterwards, GET and DELETE are 404.

// ---- Routing and start-up ----

// Go 1.22 patterns: method and path, {id} one segment (r.PathValue), GET answers HEAD too. A pattern
// without a method takes the other methods (405, with Allow); "/" every other path (404).
func main() {
	mux := http.NewServeMux()
	mux.Handle("POST /users", handle(createUser))
	mux.Handle("/users", methodNotAllowed(ALLOW_COLLECTION))
	// TODO 1: /users/{id}: a pattern per method ("GET /users/{id}" answers HEAD too), and one
	// without a method for the others: 405 with ALLOW_ITEM.
	mux.Handle("/", notFound)
	serve(mux)
}
