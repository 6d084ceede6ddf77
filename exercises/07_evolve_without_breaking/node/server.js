// Exercise 07: the `users` API, v1, to evolve without breaking the clients that rely on it.
//
//     node exercises/07_evolve_without_breaking/node/server.js [PORT]
//
// This is v1 (servers/README.md, without ETags), and a v1 client is deployed against it. Add what
// the product needs, a `nickname` and `full_name` in place of `name`, the way the README asks, so
// that every v1 contract test still passes; then `make check EX=07 IN=node`.

"use strict";

// The store (it keeps every field it is given), JSON in and out, the pages of GET /users,
// routing, the launch contract: plumbing.js, shared by exercises 05 to 07 (no need to open it).
const {
  ApiError, store, readBody, checkContentType, parseObject, checkKnownFields, checkUserField,
  listPage, serve,
} = require("./plumbing.js");


// ---- Validation ----

// TODO 2: a user also has a `nickname`, null unless the client gives one: return it with the
//         other fields, and store.create() and store.update() keep it.
// TODO 3: `nickname` is optional: null or a string of 1 to 50 characters, else 400
//         "nickname must be null or 1 to 50 characters". Left out of a POST: null.
// TODO 4: in a PATCH, a nickname replaces the stored one, and null removes it.
// TODO 6: `full_name` is accepted in place of `name` (or beside it, if both are the same:
//         else 400 "name and full_name must be the same").
// The checked email and name of a POST body, or of a PATCH body when partial.
function validateUser(fields, partial) {
  checkKnownFields(fields, ["email", "name"]);
  const checked = {};
  for (const field of ["email", "name"]) {
    if (partial && !Object.hasOwn(fields, field)) continue; // JSON Merge Patch: left out, kept
    checked[field] = checkUserField(field, fields[field]); // null: 400, both are required
  }
  return checked;
}

// ---- Handlers ----

// A stored user as the API sends it.
// TODO 5: every user the API sends carries `full_name` (the same as `name`) and `nickname`;
//         `name` stays, where v1 clients read it.
function present(user) {
  return user;
}

// TODO 7: every response that carries users announces that `name` is deprecated:
//         Deprecation: @1767225600 (RFC 9745), and Sunset and a Link to the docs if you like.
function announce(headers) {
  return headers;
}

// Each handler returns [status, headers, body]; body null means no body at all (204).

async function createUser(req, id) {
  const body = await readBody(req);
  checkContentType(req, ["application/json"]);
  const user = store.create(validateUser(parseObject(body), false));
  return [201, announce({ Location: `/users/${user.id}` }), present(user)];
}

function listUsers(req, id) {
  const [page, headers, nextCursor] = listPage(req);
  return [200, announce(headers), { users: page.map(present), next_cursor: nextCursor }];
}

function getUser(req, id) {
  const user = store.get(id);
  if (user === undefined) throw new ApiError(404, "user not found");
  return [200, announce({}), present(user)];
}

async function updateUser(req, id) {
  const body = await readBody(req);
  // application/merge-patch+json names the patch format exactly; plain JSON is accepted too.
  checkContentType(req, ["application/json", "application/merge-patch+json"]);
  if (store.get(id) === undefined) throw new ApiError(404, "user not found"); // before the body
  const user = store.update(id, validateUser(parseObject(body), true));
  if (user === undefined) throw new ApiError(404, "user not found"); // deleted meanwhile
  return [200, announce({}), present(user)]; // the whole user as it is now: no second GET needed
}

function deleteUser(req, id) {
  if (!store.delete(id)) throw new ApiError(404, "user not found"); // a second DELETE: gone
  return [204, {}, null]; // done, and nothing left to show
}

// ---- Routing ----

// The handlers by method, in the order a 405's Allow header lists them: /users, then /users/{id}.
const COLLECTION_HANDLERS = { GET: listUsers, HEAD: listUsers, POST: createUser };
const ITEM_HANDLERS = { GET: getUser, HEAD: getUser, PATCH: updateUser, DELETE: deleteUser };

serve(COLLECTION_HANDLERS, ITEM_HANDLERS);
