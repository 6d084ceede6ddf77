// Exercise 05: one user, one URL, /users/{id}, read, updated and deleted with HTTP's methods.
//
//     node exercises/05_users_resource/node/server.js [PORT]
//
// POST /users already creates users, and the store already keeps them. Give each user its URL,
// /users/{id}, and answer GET, PATCH and DELETE on it the way the README asks, then
// `make check EX=05 IN=node`.

"use strict";

// The store, JSON in and out, routing, the launch contract: plumbing.js, shared by exercises 05
// to 07 (no need to open it).
const {
  ApiError, store, readBody, checkContentType, parseObject, checkKnownFields, checkUserField, serve,
} = require("./plumbing.js");

// ---- Validation ----

// The checked email and name of a POST body.
// TODO 4: PATCH checks only the fields it is given: a field left out stays as it is, and null is
// 400 (both fields are required, so neither can be removed). A `partial` flag?
function validateUser(fields) {
  checkKnownFields(fields, ["email", "name"]);
  const checked = {};
  for (const field of ["email", "name"]) {
    checked[field] = checkUserField(field, fields[field]);
  }
  return checked;
}

// ---- Handlers ----

// Each handler returns [status, headers, body]; body null means no body at all (204).

async function createUser(req, id) {
  const body = await readBody(req);
  checkContentType(req, ["application/json"]);
  const user = store.create(validateUser(parseObject(body)));
  return [201, { Location: `/users/${user.id}` }, user];
}

// TODO 1: GET /users/{id}: 200 and the user (store.get); HEAD answers the same without the body.
// TODO 2: no such user: 404 {"error": "user not found"}, for GET, PATCH and DELETE alike.
// TODO 3: PATCH /users/{id}: JSON Merge Patch; each field in the body replaces the stored one,
//         a field left out stays as it is (store.update); 200 and the whole updated user.
// TODO 5: PATCH takes application/merge-patch+json or application/json; else 415.
// TODO 6: DELETE /users/{id}: 204 and no body (store.delete); afterwards, GET and DELETE are 404.

// ---- Routing ----

// The handlers by method, in the order a 405's Allow header lists them: /users, then /users/{id}.
const COLLECTION_HANDLERS = { POST: createUser };
// TODO 1: the handlers of /users/{id} by method; the plumbing answers 405 for the others.
const ITEM_HANDLERS = {};

serve(COLLECTION_HANDLERS, ITEM_HANDLERS);
