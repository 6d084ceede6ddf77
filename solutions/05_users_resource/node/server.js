// BEGIN SOLUTION
// Exercise 05, solved: one user, one URL, /users/{id}, read, updated and deleted with HTTP's methods.
// STARTER
// | // Exercise 05: one user, one URL, /users/{id}, read, updated and deleted with HTTP's methods.
// END SOLUTION
//
//     node solutions/05_users_resource/node/server.js [PORT]
//
// BEGIN SOLUTION
// The URL names the user, the method says what to do with it: GET reads it, PATCH changes the
// fields the body names (JSON Merge Patch, RFC 7396), DELETE removes it. The status code says what
// happened, in words every HTTP client already knows: 200, 204, 404, 400, 415.
// STARTER
// | // POST /users already creates users, and the store already keeps them. Give each user its URL,
// | // /users/{id}, and answer GET, PATCH and DELETE on it the way the README asks, then
// | // `make check EX=05 IN=node`.
// END SOLUTION

"use strict";

// The store, JSON in and out, routing, the launch contract: plumbing.js, shared by exercises 05
// to 07 (no need to open it).
const {
  ApiError, store, readBody, checkContentType, parseObject, checkKnownFields, checkUserField, serve,
} = require("./plumbing.js");

// ---- Validation ----

// BEGIN SOLUTION
// The checked email and name of a POST body, or of a PATCH body when partial.
function validateUser(fields, partial) {
// STARTER
// | // The checked email and name of a POST body.
// | // TODO 4: PATCH checks only the fields it is given: a field left out stays as it is, and null is
// | // 400 (both fields are required, so neither can be removed). A `partial` flag?
// | function validateUser(fields) {
// END SOLUTION
  checkKnownFields(fields, ["email", "name"]);
  const checked = {};
  for (const field of ["email", "name"]) {
    // BEGIN SOLUTION
    if (partial && !Object.hasOwn(fields, field)) continue; // JSON Merge Patch: left out, kept
    // A null in a merge patch means "remove this field"; both fields are required, so
    // checkUserField refuses it, as it refuses a field missing from a POST.
    // END SOLUTION
    checked[field] = checkUserField(field, fields[field]);
  }
  return checked;
}

// ---- Handlers ----

// Each handler returns [status, headers, body]; body null means no body at all (204).

async function createUser(req, id) {
  const body = await readBody(req);
  checkContentType(req, ["application/json"]);
  // BEGIN SOLUTION
  const user = store.create(validateUser(parseObject(body), false));
  // STARTER
  // |   const user = store.create(validateUser(parseObject(body)));
  // END SOLUTION
  return [201, { Location: `/users/${user.id}` }, user];
}

// BEGIN SOLUTION
function getUser(req, id) {
  const user = store.get(id);
  // The path names no user: 404, with a message that says which kind of thing is missing.
  if (user === undefined) throw new ApiError(404, "user not found");
  return [200, {}, user]; // HEAD too: Node sends GET's headers without the body
}

async function updateUser(req, id) {
  const body = await readBody(req);
  // application/merge-patch+json names the patch format exactly; plain JSON is accepted too.
  checkContentType(req, ["application/json", "application/merge-patch+json"]);
  if (store.get(id) === undefined) throw new ApiError(404, "user not found"); // before the body
  const changes = validateUser(parseObject(body), true);
  const user = store.update(id, changes);
  if (user === undefined) throw new ApiError(404, "user not found"); // deleted meanwhile
  return [200, {}, user]; // the whole user as it is now: the client needs no second GET
}

function deleteUser(req, id) {
  if (!store.delete(id)) throw new ApiError(404, "user not found"); // a second DELETE: gone
  return [204, {}, null]; // done, and nothing left to show (RFC 9110 §15.3.5: no body)
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

// The handlers by method, in the order a 405's Allow header lists them: /users, then /users/{id}.
const COLLECTION_HANDLERS = { POST: createUser };
// BEGIN SOLUTION
// One URL per user; the method, not the URL, says what to do with it.
const ITEM_HANDLERS = { GET: getUser, HEAD: getUser, PATCH: updateUser, DELETE: deleteUser };
// STARTER
// | // TODO 1: the handlers of /users/{id} by method; the plumbing answers 405 for the others.
// | const ITEM_HANDLERS = {};
// END SOLUTION

serve(COLLECTION_HANDLERS, ITEM_HANDLERS);
