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

// BEGIN SOLUTION
// decodeUser returns the checked fields of a POST body, or of a PATCH body when partial.
func decodeUser(body []byte, partial bool) (patch userPatch, err error) {
	// STARTER
	// | // decodeUser returns the checked fields of a POST body.
	// | // TODO 4: PATCH checks only the fields it is given: a field left out stays as it is, and null is
	// | // 400 (both fields are required, so neither can be removed). A `partial` flag?
	// | func decodeUser(body []byte) (patch userPatch, err error) {
	// END SOLUTION
	fields, err := parseObject(body)
	if err != nil {
		return userPatch{}, err
	}
	if err := checkKeys(fields, "email", "name"); err != nil { // 400: id, or an unknown field
		return userPatch{}, err
	}
	// BEGIN SOLUTION
	// JSON Merge Patch: a field left out of a PATCH stays as it is; a POST needs both. A null is
	// refused by stringField, as on POST: both fields are required, so neither can be removed.
	if _, present := fields["email"]; present || !partial {
		if patch.Email, err = stringField(fields, "email"); err != nil {
			return userPatch{}, err
		}
	}
	if _, present := fields["name"]; present || !partial {
		if patch.Name, err = stringField(fields, "name"); err != nil {
			return userPatch{}, err
		}
	}
	// STARTER
	// | 	if patch.Email, err = stringField(fields, "email"); err != nil { // 400: missing, null, invalid
	// | 		return userPatch{}, err
	// | 	}
	// | 	if patch.Name, err = stringField(fields, "name"); err != nil {
	// | 		return userPatch{}, err
	// | 	}
	// END SOLUTION
	return patch, nil
}

// ---- Handlers ----

func createUser(w http.ResponseWriter, r *http.Request) error {
	body, err := readJSON(r, "application/json") // 411, 413, 415
	if err != nil {
		return err
	}
	// BEGIN SOLUTION
	patch, err := decodeUser(body, false)
	// STARTER
	// | 	patch, err := decodeUser(body)
	// END SOLUTION
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

// apply merges the patch into user: what the body names replaces, the rest stays (RFC 7396).
func (patch userPatch) apply(user User) User {
	if patch.Email != nil {
		user.Email = *patch.Email
	}
	if patch.Name != nil {
		user.Name = *patch.Name
	}
	return user
}

func updateUser(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	// application/merge-patch+json names the patch format (RFC 7396); plain JSON is accepted too.
	body, err := readJSON(r, "application/json", "application/merge-patch+json")
	if err != nil {
		return err
	}
	if _, ok := store.get(id); !ok { // 404 before any complaint about the body
		return errorf(404, "user not found")
	}
	patch, err := decodeUser(body, true)
	if err != nil {
		return err
	}
	user, err := store.update(id, patch.apply) // under the store's lock: no update is lost
	if err != nil {
		return storeError(err) // 404: deleted in between; 409: the email is another user's
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
// | // TODO 5: PATCH takes application/merge-patch+json or application/json; else 415 (readJSON).
// | // TODO 6: DELETE /users/{id}: 204 and no body (store.delete); afterwards, GET and DELETE are 404.
// END SOLUTION

// ---- Routing and start-up ----

// Go 1.22 patterns: method and path, {id} one segment (r.PathValue), GET answers HEAD too. A pattern
// without a method takes the other methods (405, with Allow); "/" every other path (404).
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
