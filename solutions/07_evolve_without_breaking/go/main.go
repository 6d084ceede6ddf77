// BEGIN SOLUTION
// Exercise 07, solved: the `users` API grows a `nickname` and renames `name`, and v1 clients never notice.
// STARTER
// | // Exercise 07: the `users` API, v1, to evolve without breaking the clients that rely on it.
// END SOLUTION
//
//	go run ./solutions/07_evolve_without_breaking/go [PORT]
//
// BEGIN SOLUTION
// Every change here only adds: a field in responses (which a tolerant v1 reader ignores), an
// optional field in requests (whose default keeps v1's meaning), a second name for a field (the old
// one stays, in requests and responses). Nothing v1 sent is refused, nothing v1 read is gone or
// changes type. The old name is announced as deprecated (RFC 9745), so that clients can move before
// it goes, and the server can learn, from who still sends it, when it may go.
// STARTER
// | // This is v1 (servers/README.md, without ETags), and a v1 client is deployed against it. Add what
// | // the product needs, a `nickname` and `full_name` in place of `name`, the way the README asks, so
// | // that every v1 contract test still passes; then `make check EX=07 IN=go`.
// END SOLUTION
// Store, JSON and query: plumbing.go (shared with 05, 06); start-up: launch.go (shared from 02 on).
package main

// BEGIN SOLUTION
import (
	"encoding/json"
	"maps"
	"net/http"
	"unicode/utf8"
)

// STARTER
// | import "net/http"
// |
// END SOLUTION

// The methods each path takes, in the order of the contract: the Allow header of a 405.
const (
	ALLOW_COLLECTION = "GET, HEAD, POST"
	ALLOW_ITEM       = "GET, HEAD, PATCH, DELETE"
	// BEGIN SOLUTION
	MAX_NICKNAME = 50
	// RFC 9745: Deprecation is a date, @ and seconds since 1970 (2026-01-01T00:00:00Z): since when
	// `name` is deprecated. RFC 8594: Sunset, the HTTP-date after which it may stop working. The
	// Link with rel="deprecation" points to the page that says what replaces it.
	DEPRECATION      = "@1767225600"
	SUNSET           = "Wed, 30 Jun 2027 23:59:59 GMT"
	DEPRECATION_LINK = `<https://example.com/docs/users-api/deprecations>; rel="deprecation"`
	// END SOLUTION
)

// ---- Validation ----

// BEGIN SOLUTION
// A userPatch is the checked fields of a body: nil where the body leaves a field out.
// STARTER
// | // A userPatch is the checked fields of a body: nil where the body leaves a field out.
// | // TODO 2: a user also has a `nickname`, null unless the client gives one: store it too
// | // (User.Nickname, in plumbing.go; the JSON of a User leaves it out, present sends it).
// END SOLUTION
type userPatch struct {
	Email, Name *string
	// BEGIN SOLUTION
	HasNickname bool    // the body names nickname (or a POST leaves it out): Nickname replaces it
	Nickname    *string // nil: no nickname
	// END SOLUTION
}

// apply merges the patch into user: what the body names replaces, the rest stays (RFC 7396).
func (patch userPatch) apply(user User) User {
	if patch.Email != nil {
		user.Email = *patch.Email
	}
	if patch.Name != nil {
		user.Name = *patch.Name
	}
	// BEGIN SOLUTION
	if patch.HasNickname {
		user.Nickname = patch.Nickname // nil: removed
	}
	// END SOLUTION
	return user
}

// BEGIN SOLUTION
// decodeUser returns the checked fields of a POST body, or of a PATCH body when partial.
// STARTER
// | // decodeUser returns the checked fields of a POST body, or of a PATCH body when partial.
// | // TODO 3: `nickname` is optional: null or 1 to 50 characters, else 400 "nickname must be null
// | // or 1 to 50 characters". Left out of a POST: null. TODO 4: in a PATCH, null removes it.
// | // TODO 6: `full_name` is accepted in place of `name`, or beside it if both are the same (else
// | // 400 "name and full_name must be the same").
// END SOLUTION
func decodeUser(body []byte, partial bool) (patch userPatch, err error) {
	fields, err := parseObject(body)
	if err != nil {
		return userPatch{}, err
	}
	// BEGIN SOLUTION
	if err := checkKeys(fields, "email", "name", "full_name", "nickname"); err != nil {
		// STARTER
		// | 	if err := checkKeys(fields, "email", "name"); err != nil {
		// END SOLUTION
		return userPatch{}, err
	}
	// BEGIN SOLUTION
	if fullName, ok := fields["full_name"]; ok {
		// Two names for one field: either is accepted, and both if they agree. One stored value,
		// so a v1 client reading `name` sees what a new client wrote as `full_name`.
		if name, ok := fields["name"]; ok && !jsonEqual(name, fullName) {
			return userPatch{}, errorf(400, "name and full_name must be the same")
		}
		fields = maps.Clone(fields) // the caller's map stays as it was
		fields["name"] = fullName
	}
	// END SOLUTION
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
	// BEGIN SOLUTION
	// Optional, so a v1 client that never sends it still creates valid users: left out of a POST,
	// it is nil, what v1 meant (no nickname). In a PATCH, null removes it.
	raw, present := fields["nickname"]
	patch.HasNickname = present || !partial
	if present && string(raw) != "null" {
		var nickname string
		err := json.Unmarshal(raw, &nickname)
		if n := utf8.RuneCountInString(nickname); err != nil || n < 1 || n > MAX_NICKNAME {
			return userPatch{}, errorf(400, "nickname must be null or 1 to %d characters", MAX_NICKNAME)
		}
		patch.Nickname = &nickname
	}
	// END SOLUTION
	return patch, nil
}

// ---- Handlers ----

// BEGIN SOLUTION
// A presented user is a user as the API sends it: v1's three fields first, where v1 clients read
// them; full_name, the same value under its new name; nickname always there (null when unset), so
// that a new client never has to guess.
type presented struct {
	ID       string  `json:"id"`
	Email    string  `json:"email"`
	Name     string  `json:"name"`
	FullName string  `json:"full_name"`
	Nickname *string `json:"nickname"` // nil encodes as null
}

func present(user User) presented {
	return presented{user.ID, user.Email, user.Name, user.Name, user.Nickname}
}

// announce adds the deprecation of `name` to the headers of a response that carries users: RFC
// 9745 speaks of the resource, so every response that carries `name` says it. Add, not Set, for
// Link: a page's rel="next" stays, and two Link lines are one list (RFC 9110 §5.3).
func announce(header http.Header) {
	header.Set("Deprecation", DEPRECATION)
	header.Set("Sunset", SUNSET)
	header.Add("Link", DEPRECATION_LINK)
}

// STARTER
// | // TODO 5: present returns a user as the API sends it: add `full_name` (the same as `name`) and
// | // `nickname` to every user; `name` stays, where v1 clients read it.
// | func present(user User) any { return user }
// |
// | // TODO 7: every response that carries users announces that `name` is deprecated:
// | // Deprecation: @1767225600 (RFC 9745), and Sunset and a Link to the docs if you like.
// | func announce(header http.Header) {}
// |
// END SOLUTION
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
