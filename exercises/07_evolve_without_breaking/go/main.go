// Exercise 07: the `users` API, v1, to evolve without breaking the clients that rely on it.
//
//	go run ./exercises/07_evolve_without_breaking/go [PORT]
//
// This is v1 (servers/README.md, without ETags), and a v1 client is deployed against it. Add what
// the product needs, a `nickname` and `full_name` in place of `name`, the way the README asks, so
// that every v1 contract test still passes; then `make check EX=07 IN=go`.
// Store, JSON and query: plumbing.go (shared with 05, 06); start-up: launch.go (shared from 02 on).
package main

import "net/http"

// The methods each path takes, in the order of the contract: the Allow header of a 405.
const (
	ALLOW_COLLECTION = "GET, HEAD, POST"
	ALLOW_ITEM       = "GET, HEAD, PATCH, DELETE"
)

// ---- Validation ----

// A userPatch is the checked fields of a body: nil where the body leaves a field out.
// TODO 2: a user also has a `nickname`, null unless the client gives one: store it too
// (User.Nickname, in plumbing.go; the JSON of a User leaves it out, present sends it).
type userPatch struct {
	Email, Name *string
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

// decodeUser returns the checked fields of a POST body, or of a PATCH body when partial.
// TODO 3: `nickname` is optional: null or 1 to 50 characters, else 400 "nickname must be null
// or 1 to 50 characters". Left out of a POST: null. TODO 4: in a PATCH, null removes it.
// TODO 6: `full_name` is accepted in place of `name`, or beside it if both are the same (else
// 400 "name and full_name must be the same").
func decodeUser(body []byte, partial bool) (patch userPatch, err error) {
	fields, err := parseObject(body)
	if err != nil {
		return userPatch{}, err
	}
	if err := checkKeys(fields, "email", "name"); err != nil {
		return userPatch{}, err
	}
	// JSON Merge Patch: a field left out of a PATCH stays as it is; a POST needs both.
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
	return patch, nil
}

// ---- Handlers ----

// TODO 5: present returns a user as the API sends it: add `full_name` (the same as `name`) and
// `nickname` to every user; `name` stays, where v1 clients read it.
func present(user User) any { return user }

// TODO 7: every response that carries users announces that `name` is deprecated:
// Deprecation: @1767225600 (RFC 9745), and Sunset and a Link to the docs if you like.
func announce(header http.Header) {}

func createUser(w http.ResponseWriter, r *http.Request) error {
	body, err := readJSON(r, "application/json")
	if err != nil {
		return err
	}
	patch, err := decodeUser(body, false)
	if err != nil {
		return err
	}
	user, err := store.create(patch.apply(User{})) // a POST: a patch of nobody, every field given
	if err != nil {
		return storeError(err) // 409: the email is another user's
	}
	w.Header().Set("Location", "/users/"+user.ID)
	announce(w.Header())
	writeJSON(w, http.StatusCreated, present(user))
	return nil
}

func getUser(w http.ResponseWriter, r *http.Request) error {
	user, ok := store.get(r.PathValue("id"))
	if !ok {
		return errorf(404, "user not found")
	}
	announce(w.Header())
	writeJSON(w, http.StatusOK, present(user))
	return nil
}

func updateUser(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
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
	user, err := store.update(id, patch.apply)
	if err != nil {
		return storeError(err) // 404: deleted in between; 409: the email is another user's
	}
	announce(w.Header())
	writeJSON(w, http.StatusOK, present(user)) // the whole user as it is now: no second GET
	return nil
}

func deleteUser(w http.ResponseWriter, r *http.Request) error {
	if !store.delete(r.PathValue("id")) {
		return errorf(404, "user not found")
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// ---- Routing and start-up ----

// Go 1.22 patterns: method and path, {id} one segment (r.PathValue), GET answers HEAD too. A pattern
// without a method takes the other methods (405, with Allow); "/" every other path (404).
func main() {
	mux := http.NewServeMux()
	mux.Handle("GET /users", listUsers(present, announce)) // in plumbing.go: the paging
	mux.Handle("POST /users", handle(createUser))
	mux.Handle("/users", methodNotAllowed(ALLOW_COLLECTION))
	mux.Handle("GET /users/{id}", handle(getUser))
	mux.Handle("PATCH /users/{id}", handle(updateUser))
	mux.Handle("DELETE /users/{id}", handle(deleteUser))
	mux.Handle("/users/{id}", methodNotAllowed(ALLOW_ITEM))
	mux.Handle("/", notFound)
	serve(mux)
}
