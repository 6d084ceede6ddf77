// BEGIN SOLUTION
// Exercise 07, solved: the `users` API grows a `nickname` and renames `name`, and v1 clients never notice.
// STARTER
// | // Exercise 07: the `users` API, v1, to evolve without breaking the clients that rely on it.
// END SOLUTION
//
//     node solutions/07_evolve_without_breaking/node/server.js [PORT]
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
// | // that every v1 contract test still passes; then `make check EX=07 IN=node`.
// END SOLUTION

"use strict";

// The store (it keeps every field it is given), JSON in and out, the pages of GET /users,
// routing, the launch contract: plumbing.js, shared by exercises 05 to 07 (no need to open it).
const {
  ApiError, store, readBody, checkContentType, parseObject, checkKnownFields, checkUserField,
  listPage, serve,
} = require("./plumbing.js");

// BEGIN SOLUTION
const MAX_NICKNAME = 50;
// RFC 9745: Deprecation is a date, @ and seconds since 1970 (here 2026-01-01T00:00:00Z): since
// when `name` is deprecated. RFC 8594: Sunset is the HTTP-date after which it may stop working.
// The Link with rel="deprecation" points to the page that says what replaces it.
const DEPRECATION = {
  Deprecation: "@1767225600",
  Sunset: "Wed, 30 Jun 2027 23:59:59 GMT",
  Link: '<https://example.com/docs/users-api/deprecations>; rel="deprecation"',
};
// END SOLUTION

// ---- Validation ----

// BEGIN SOLUTION
// The checked email, name and nickname of a POST body, or of a PATCH body when partial.
function validateUser(fields, partial) {
  checkKnownFields(fields, ["email", "name", "full_name", "nickname"]);
  fields = { ...fields }; // a copy: full_name is folded into name below
  if (Object.hasOwn(fields, "full_name")) {
    // Two names for one field: either is accepted, and both if they agree. One stored value, so
    // a v1 client reading `name` sees what a new client wrote as `full_name`.
    const fullName = fields.full_name;
    delete fields.full_name;
    if (Object.hasOwn(fields, "name") && fields.name !== fullName) {
      throw new ApiError(400, "name and full_name must be the same");
    }
    fields.name = fullName;
  }
// STARTER
// | // TODO 2: a user also has a `nickname`, null unless the client gives one: return it with the
// | //         other fields, and store.create() and store.update() keep it.
// | // TODO 3: `nickname` is optional: null or a string of 1 to 50 characters, else 400
// | //         "nickname must be null or 1 to 50 characters". Left out of a POST: null.
// | // TODO 4: in a PATCH, a nickname replaces the stored one, and null removes it.
// | // TODO 6: `full_name` is accepted in place of `name` (or beside it, if both are the same:
// | //         else 400 "name and full_name must be the same").
// | // The checked email and name of a POST body, or of a PATCH body when partial.
// | function validateUser(fields, partial) {
// |   checkKnownFields(fields, ["email", "name"]);
// END SOLUTION
  const checked = {};
  for (const field of ["email", "name"]) {
    if (partial && !Object.hasOwn(fields, field)) continue; // JSON Merge Patch: left out, kept
    checked[field] = checkUserField(field, fields[field]); // null: 400, both are required
  }
  // BEGIN SOLUTION
  // Optional, so a v1 client that never sends it still creates valid users: left out of a POST
  // it is null, the value that means what v1 meant (no nickname). In a PATCH, null removes it.
  if (!partial || Object.hasOwn(fields, "nickname")) {
    const nickname = fields.nickname ?? null;
    if (nickname !== null) {
      const length = typeof nickname === "string" ? [...nickname].length : 0;
      if (length < 1 || length > MAX_NICKNAME) {
        throw new ApiError(400, `nickname must be null or 1 to ${MAX_NICKNAME} characters`);
      }
    }
    checked.nickname = nickname;
  }
  // END SOLUTION
  return checked;
}

// ---- Handlers ----

// BEGIN SOLUTION
// A stored user as the API sends it: v1's three fields first, then what was added. `name` stays
// where v1 clients read it; `full_name` is the same value under its new name, and `nickname` is
// always there (null when unset), so a new client never has to guess.
function present({ id, email, name, nickname }) {
  return { id, email, name, full_name: name, nickname };
}

// The headers of a response that carries users, plus the deprecation notice for `name`. RFC 9745
// speaks of the resource: every response that carries `name` carries the notice. Two Links (next
// page, deprecation) are one header, a comma-separated list (RFC 9110 §5.3).
function announce(headers) {
  const links = [headers.Link, DEPRECATION.Link].filter(Boolean);
  return { ...headers, ...DEPRECATION, Link: links.join(", ") };
}
// STARTER
// | // A stored user as the API sends it.
// | // TODO 5: every user the API sends carries `full_name` (the same as `name`) and `nickname`;
// | //         `name` stays, where v1 clients read it.
// | function present(user) {
// |   return user;
// | }
// |
// | // TODO 7: every response that carries users announces that `name` is deprecated:
// | //         Deprecation: @1767225600 (RFC 9745), and Sunset and a Link to the docs if you like.
// | function announce(headers) {
// |   return headers;
// | }
// END SOLUTION

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
