// Exercise 05: one user, one URL, /users/{id}, read, updated and deleted with HTTP's methods.
//
//     node exercises/05_users_resource/node/server.js [PORT]
//
// POST /users already creates users, and the store already keeps them. Give each user its URL,
// /users/{id}, and answer GET, PATCH and DELETE on it the way the README asks, then
// `make check EX=05 IN=node`.

"use strict";

// The store, JSON in and out, one response per request, the launch contract: plumbing.js.
const { ApiError, store, readBody, checkContentType, parseObject, serve } = require("./plumbing.js");

// ---- Constants ----

const MAX_EMAIL = 254;
const MAX_NAME = 100;
const EMAIL_PATTERN = /^[^@ \t\r\n]+@[^@ \t\r\n]+$/;
const ALLOW_COLLECTION = "POST";
const ALLOW_ITEM = "GET, HEAD, PATCH, DELETE";

// ---- Validation ----

// The checked email and name of a POST body.
// TODO 4: PATCH checks only the fields it is given: a field left out stays as it is, and null is
// 400 (both fields are required, so neither can be removed). A `partial` flag?
function validateUser(fields) {
  if (Object.hasOwn(fields, "id")) throw new ApiError(400, "id is assigned by the server");
  const unknown = Object.keys(fields).filter((key) => key !== "email" && key !== "name").sort();
  if (unknown.length > 0) throw new ApiError(400, `unknown field: ${unknown[0]}`);
  const checked = {};
  for (const field of ["email", "name"]) {
    const value = fields[field];
    if (value === undefined || value === null) throw new ApiError(400, `${field} is required`);
    if (typeof value !== "string") throw new ApiError(400, `${field} must be a string`);
    const length = [...value].length; // code points; value.length would count UTF-16 units
    if (field === "email" && length > MAX_EMAIL) {
      throw new ApiError(400, `email must be at most ${MAX_EMAIL} characters`);
    }
    if (field === "email" && !EMAIL_PATTERN.test(value)) {
      throw new ApiError(400, "email must look like name@example.com");
    }
    if (field === "name" && (length < 1 || length > MAX_NAME)) {
      throw new ApiError(400, `name must be 1 to ${MAX_NAME} characters`);
    }
    checked[field] = value;
  }
  return checked;
}

// ---- Handlers ----

// Each handler returns [status, headers, body]; body null means no body at all (204).

async function createUser(req, id) {
  const body = await readBody(req);
  checkContentType(req, ["application/json"]);
  const fields = validateUser(parseObject(body));
  const user = store.create(fields.email, fields.name);
  return [201, { Location: `/users/${user.id}` }, user];
}

// TODO 1: GET /users/{id}: 200 and the user (store.get); HEAD answers the same without the body.
// TODO 2: no such user: 404 {"error": "user not found"}, for GET, PATCH and DELETE alike.
// TODO 3: PATCH /users/{id}: JSON Merge Patch; each field in the body replaces the stored one,
//         a field left out stays as it is (store.update); 200 and the whole updated user.
// TODO 5: PATCH takes application/merge-patch+json or application/json; else 415.
// TODO 6: DELETE /users/{id}: 204 and no body (store.delete); afterwards, GET and DELETE are 404.

// ---- Routing ----

const COLLECTION_HANDLERS = { POST: createUser };
// TODO 1: the handlers of /users/{id}, by method (ALLOW_ITEM lists them for the 405).

// The handler for a request and the user id in its path: the path decides 404, then 405.
function route(method, path) {
  const segments = path.split("/");
  let handlers, allow, id;
  if (path === "/users") {
    [handlers, allow, id] = [COLLECTION_HANDLERS, ALLOW_COLLECTION, ""];
    // TODO 1: /users/{id}, where {id} is one non-empty segment: segments is ["", "users", id].
  } else {
    throw new ApiError(404, "not found");
  }
  if (!Object.hasOwn(handlers, method)) {
    throw new ApiError(405, "method not allowed", { Allow: allow });
  }
  return [handlers[method], id];
}

serve(route);
