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

// The store, JSON in and out, one response per request, the launch contract: plumbing.js.
const { ApiError, store, readBody, checkContentType, parseObject, serve } = require("./plumbing.js");

// ---- Constants ----

const MAX_EMAIL = 254;
const MAX_NAME = 100;
const EMAIL_PATTERN = /^[^@ \t\r\n]+@[^@ \t\r\n]+$/;
const ALLOW_COLLECTION = "POST";
const ALLOW_ITEM = "GET, HEAD, PATCH, DELETE";

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
  if (Object.hasOwn(fields, "id")) throw new ApiError(400, "id is assigned by the server");
  const unknown = Object.keys(fields).filter((key) => key !== "email" && key !== "name").sort();
  if (unknown.length > 0) throw new ApiError(400, `unknown field: ${unknown[0]}`);
  const checked = {};
  for (const field of ["email", "name"]) {
    // BEGIN SOLUTION
    if (partial && !Object.hasOwn(fields, field)) continue; // JSON Merge Patch: left out, kept
    // END SOLUTION
    const value = fields[field];
    // BEGIN SOLUTION
    // Missing on POST, or null on PATCH (which in a merge patch means "remove this field"):
    // both fields are required, so neither can be removed.
    // END SOLUTION
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
  // BEGIN SOLUTION
  const fields = validateUser(parseObject(body), false);
  // STARTER
  // |   const fields = validateUser(parseObject(body));
  // END SOLUTION
  const user = store.create(fields.email, fields.name);
  return [201, { Location: `/users/${user.id}` }, user];
}

// BEGIN SOLUTION
function getUser(req, id) {
  const user = store.get(id);
  // The path names no user: 404, with a message that says which kind of thing is missing.
  if (user === undefined) throw new ApiError(404, "user not found");
  return [200, {}, user];
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
  return [204, {}, null]; // done, and nothing left to show
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

const COLLECTION_HANDLERS = { POST: createUser };
// BEGIN SOLUTION
const ITEM_HANDLERS = { GET: getUser, HEAD: getUser, PATCH: updateUser, DELETE: deleteUser };
// STARTER
// | // TODO 1: the handlers of /users/{id}, by method (ALLOW_ITEM lists them for the 405).
// END SOLUTION

// The handler for a request and the user id in its path: the path decides 404, then 405.
function route(method, path) {
  const segments = path.split("/");
  let handlers, allow, id;
  if (path === "/users") {
    [handlers, allow, id] = [COLLECTION_HANDLERS, ALLOW_COLLECTION, ""];
  // BEGIN SOLUTION
  } else if (segments.length === 3 && segments[1] === "users" && segments[2] !== "") {
    // One URL per user: /users/{id}. The method, not the URL, says what to do with it.
    [handlers, allow, id] = [ITEM_HANDLERS, ALLOW_ITEM, segments[2]];
  // STARTER
  // |     // TODO 1: /users/{id}, where {id} is one non-empty segment: segments is ["", "users", id].
  // END SOLUTION
  } else {
    throw new ApiError(404, "not found");
  }
  if (!Object.hasOwn(handlers, method)) {
    throw new ApiError(405, "method not allowed", { Allow: allow });
  }
  return [handlers[method], id];
}

serve(route);
