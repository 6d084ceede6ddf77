// Exercise 07: the `users` API, v1, to evolve without breaking the clients that rely on it.
//
//     node exercises/07_evolve_without_breaking/node/server.js [PORT]
//
// This is v1 (servers/README.md, without ETags), and a v1 client is deployed against it. Add what
// the product needs, a `nickname` and `full_name` in place of `name`, the way the README asks, so
// that every v1 contract test still passes; then `make check EX=07 IN=node`.

"use strict";

// JSON in and out, the query of GET /users, one response per request, the launch contract.
const { ApiError, readBody, checkContentType, parseObject, parseLimit, parseCursor, serve } =
  require("./plumbing.js");

// ---- Constants ----

const MAX_EMAIL = 254;
const MAX_NAME = 100;
const EMAIL_PATTERN = /^[^@ \t\r\n]+@[^@ \t\r\n]+$/;
const ALLOW_COLLECTION = "GET, HEAD, POST";
const ALLOW_ITEM = "GET, HEAD, PATCH, DELETE";

// ---- Store ----

// The users, in memory, in creation order; one user per email. Node runs one callback at a time
// and these methods are synchronous, so two requests never interleave inside them: no lock.
class MemoryStore {
  constructor() {
    this.users = new Map(); // id -> user; a Map iterates in creation order
    this.emails = new Map(); // email -> id of the user who has it
    this.lastId = 0;
  }

  // TODO 2: a user also has a `nickname`, null unless the client gives one: store it too.
  create(email, name) {
    if (this.emails.has(email)) throw new ApiError(409, "email is already in use");
    const user = { id: String(++this.lastId), email, name };
    this.users.set(user.id, user);
    this.emails.set(email, user.id);
    return user;
  }

  get(id) {
    return this.users.get(id); // undefined if there is no such user
  }

  // At most `limit` users created after the user `afterId`, oldest first.
  list(afterId, limit) {
    const page = [];
    for (const user of this.users.values()) {
      if (page.length === limit) break;
      if (Number(user.id) > afterId) page.push(user);
    }
    return page;
  }

  // The user with `changes` applied, each field replacing the stored one; undefined if no user.
  update(id, changes) {
    const user = this.users.get(id);
    if (user === undefined) return undefined;
    const updated = { ...user, ...changes }; // keys stay in the order id, email, name
    if (updated.email !== user.email) {
      if (this.emails.has(updated.email)) throw new ApiError(409, "email is already in use");
      this.emails.delete(user.email);
      this.emails.set(updated.email, id);
    }
    this.users.set(id, updated);
    return updated;
  }

  // Remove the user; false if there was none.
  delete(id) {
    const user = this.users.get(id);
    if (user === undefined) return false;
    this.users.delete(id);
    this.emails.delete(user.email);
    return true;
  }
}

const store = new MemoryStore();

// ---- Validation ----

// The checked email and name of a POST body, or of a PATCH body when partial.
// TODO 3: `nickname` is optional: null or a string of 1 to 50 characters, else 400
//         "nickname must be null or 1 to 50 characters". Left out of a POST: null.
// TODO 4: in a PATCH, a nickname replaces the stored one, and null removes it.
// TODO 6: `full_name` is accepted in place of `name` (or beside it, if both are the same:
//         else 400 "name and full_name must be the same").
function validateUser(fields, partial) {
  if (Object.hasOwn(fields, "id")) throw new ApiError(400, "id is assigned by the server");
  const unknown = Object.keys(fields).filter((key) => key !== "email" && key !== "name").sort();
  if (unknown.length > 0) throw new ApiError(400, `unknown field: ${unknown[0]}`);
  const checked = {};
  for (const field of ["email", "name"]) {
    if (partial && !Object.hasOwn(fields, field)) continue; // JSON Merge Patch: left out, kept
    const value = fields[field];
    // Missing on POST, or null on PATCH (which in a merge patch means "remove this field"):
    // both fields are required, so neither can be removed.
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

// A stored user as the API sends it.
// TODO 5: every user the API sends carries `full_name` (the same as `name`) and `nickname`;
//         `name` stays, where v1 clients read it.
function present(user) {
  return user;
}

// TODO 7: every response that carries users announces that `name` is deprecated:
//         Deprecation: @1767225600 (RFC 9745), and Sunset and a Link to the docs if you like.

async function createUser(req, id) {
  const body = await readBody(req);
  checkContentType(req, ["application/json"]);
  const fields = validateUser(parseObject(body), false);
  const user = store.create(fields.email, fields.name);
  return [201, { Location: `/users/${user.id}` }, present(user)];
}

function listUsers(req, id) {
  const query = new URLSearchParams(req.url.split("?")[1] ?? "");
  const limit = parseLimit(query.get("limit"));
  const afterId = parseCursor(query.get("cursor"));
  const users = store.list(afterId, limit + 1); // one more than the page: is there a next?
  const page = users.slice(0, limit);
  const headers = {};
  let nextCursor = null;
  if (users.length > limit) {
    nextCursor = page[page.length - 1].id; // the cursor is the id of the last user on the page
    headers.Link = `</users?limit=${limit}&cursor=${nextCursor}>; rel="next"`;
  }
  return [200, headers, { users: page.map(present), next_cursor: nextCursor }];
}

function getUser(req, id) {
  const user = store.get(id);
  // The path names no user: 404, with a message that says which kind of thing is missing.
  if (user === undefined) throw new ApiError(404, "user not found");
  return [200, {}, present(user)];
}

async function updateUser(req, id) {
  const body = await readBody(req);
  // application/merge-patch+json names the patch format exactly; plain JSON is accepted too.
  checkContentType(req, ["application/json", "application/merge-patch+json"]);
  if (store.get(id) === undefined) throw new ApiError(404, "user not found"); // before the body
  const changes = validateUser(parseObject(body), true);
  const user = store.update(id, changes);
  if (user === undefined) throw new ApiError(404, "user not found"); // deleted meanwhile
  return [200, {}, present(user)]; // the whole user as it is now: no second GET needed
}

function deleteUser(req, id) {
  if (!store.delete(id)) throw new ApiError(404, "user not found"); // a second DELETE: gone
  return [204, {}, null]; // done, and nothing left to show
}

// ---- Routing ----

const COLLECTION_HANDLERS = { GET: listUsers, HEAD: listUsers, POST: createUser };
const ITEM_HANDLERS = { GET: getUser, HEAD: getUser, PATCH: updateUser, DELETE: deleteUser };

// The handler for a request and the user id in its path: the path decides 404, then 405.
function route(method, path) {
  const segments = path.split("/");
  let handlers, allow, id;
  if (path === "/users") {
    [handlers, allow, id] = [COLLECTION_HANDLERS, ALLOW_COLLECTION, ""];
  } else if (segments.length === 3 && segments[1] === "users" && segments[2] !== "") {
    // One URL per user: /users/{id}. The method, not the URL, says what to do with it.
    [handlers, allow, id] = [ITEM_HANDLERS, ALLOW_ITEM, segments[2]];
  } else {
    throw new ApiError(404, "not found");
  }
  if (!Object.hasOwn(handlers, method)) {
    throw new ApiError(405, "method not allowed", { Allow: allow });
  }
  return [handlers[method], id];
}

serve(route);
