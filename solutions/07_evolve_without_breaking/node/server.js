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

// JSON in and out, the query of GET /users, one response per request, the launch contract.
const { ApiError, readBody, checkContentType, parseObject, parseLimit, parseCursor, serve } =
  require("./plumbing.js");

// ---- Constants ----

const MAX_EMAIL = 254;
const MAX_NAME = 100;
// BEGIN SOLUTION
const MAX_NICKNAME = 50;
// END SOLUTION
const EMAIL_PATTERN = /^[^@ \t\r\n]+@[^@ \t\r\n]+$/;
const ALLOW_COLLECTION = "GET, HEAD, POST";
const ALLOW_ITEM = "GET, HEAD, PATCH, DELETE";
// BEGIN SOLUTION
// RFC 9745: Deprecation is a date, @ and seconds since 1970 (here 2026-01-01T00:00:00Z): since
// when `name` is deprecated. RFC 8594: Sunset is the HTTP-date after which it may stop working.
// The Link with rel="deprecation" points to the page that says what replaces it.
const DEPRECATION = {
  Deprecation: "@1767225600",
  Sunset: "Wed, 30 Jun 2027 23:59:59 GMT",
  Link: '<https://example.com/docs/users-api/deprecations>; rel="deprecation"',
};
// END SOLUTION

// ---- Store ----

// The users, in memory, in creation order; one user per email. Node runs one callback at a time
// and these methods are synchronous, so two requests never interleave inside them: no lock.
class MemoryStore {
  constructor() {
    this.users = new Map(); // id -> user; a Map iterates in creation order
    this.emails = new Map(); // email -> id of the user who has it
    this.lastId = 0;
  }

  // BEGIN SOLUTION
  // A user is {id, email, name, nickname}: name as v1 stored it; nickname a string or null.
  create(email, name, nickname) {
  // STARTER
  // |   // TODO 2: a user also has a `nickname`, null unless the client gives one: store it too.
  // |   create(email, name) {
  // END SOLUTION
    if (this.emails.has(email)) throw new ApiError(409, "email is already in use");
    // BEGIN SOLUTION
    const user = { id: String(++this.lastId), email, name, nickname };
    // STARTER
    // |     const user = { id: String(++this.lastId), email, name };
    // END SOLUTION
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

// BEGIN SOLUTION
// The checked email, name and nickname of a POST body, or of a PATCH body when partial.
// STARTER
// | // The checked email and name of a POST body, or of a PATCH body when partial.
// | // TODO 3: `nickname` is optional: null or a string of 1 to 50 characters, else 400
// | //         "nickname must be null or 1 to 50 characters". Left out of a POST: null.
// | // TODO 4: in a PATCH, a nickname replaces the stored one, and null removes it.
// | // TODO 6: `full_name` is accepted in place of `name` (or beside it, if both are the same:
// | //         else 400 "name and full_name must be the same").
// END SOLUTION
function validateUser(fields, partial) {
  if (Object.hasOwn(fields, "id")) throw new ApiError(400, "id is assigned by the server");
  // BEGIN SOLUTION
  const known = ["email", "name", "full_name", "nickname"];
  const unknown = Object.keys(fields).filter((key) => !known.includes(key)).sort();
  // STARTER
  // |   const unknown = Object.keys(fields).filter((key) => key !== "email" && key !== "name").sort();
  // END SOLUTION
  if (unknown.length > 0) throw new ApiError(400, `unknown field: ${unknown[0]}`);
  // BEGIN SOLUTION
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
  // END SOLUTION
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
  // BEGIN SOLUTION
  }
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
  // END SOLUTION
  }
  return checked;
}

// ---- Handlers ----

// Each handler returns [status, headers, body]; body null means no body at all (204).

// BEGIN SOLUTION
// A stored user as the API sends it: v1's three fields first, then what was added. `name` stays
// where v1 clients read it; `full_name` is the same value under its new name, and `nickname` is
// always there (null when unset), so a new client never has to guess.
// STARTER
// | // A stored user as the API sends it.
// | // TODO 5: every user the API sends carries `full_name` (the same as `name`) and `nickname`;
// | //         `name` stays, where v1 clients read it.
// END SOLUTION
function present(user) {
  // BEGIN SOLUTION
  const { id, email, name, nickname } = user;
  return { id, email, name, full_name: name, nickname };
  // STARTER
  // |   return user;
  // END SOLUTION
}

// BEGIN SOLUTION
// The headers of a response that carries users, plus the deprecation notice for `name`. RFC 9745
// speaks of the resource: every response that carries `name` carries the notice. Two Links (next
// page, deprecation) are one header, a comma-separated list.
function announce(headers) {
  const links = [headers.Link, DEPRECATION.Link].filter(Boolean);
  return { ...headers, ...DEPRECATION, Link: links.join(", ") };
}
// STARTER
// | // TODO 7: every response that carries users announces that `name` is deprecated:
// | //         Deprecation: @1767225600 (RFC 9745), and Sunset and a Link to the docs if you like.
// END SOLUTION

async function createUser(req, id) {
  const body = await readBody(req);
  checkContentType(req, ["application/json"]);
  const fields = validateUser(parseObject(body), false);
  // BEGIN SOLUTION
  const user = store.create(fields.email, fields.name, fields.nickname);
  return [201, announce({ Location: `/users/${user.id}` }), present(user)];
  // STARTER
  // |   const user = store.create(fields.email, fields.name);
  // |   return [201, { Location: `/users/${user.id}` }, present(user)];
  // END SOLUTION
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
  // BEGIN SOLUTION
  return [200, announce(headers), { users: page.map(present), next_cursor: nextCursor }];
  // STARTER
  // |   return [200, headers, { users: page.map(present), next_cursor: nextCursor }];
  // END SOLUTION
}

function getUser(req, id) {
  const user = store.get(id);
  // The path names no user: 404, with a message that says which kind of thing is missing.
  if (user === undefined) throw new ApiError(404, "user not found");
  // BEGIN SOLUTION
  return [200, announce({}), present(user)];
  // STARTER
  // |   return [200, {}, present(user)];
  // END SOLUTION
}

async function updateUser(req, id) {
  const body = await readBody(req);
  // application/merge-patch+json names the patch format exactly; plain JSON is accepted too.
  checkContentType(req, ["application/json", "application/merge-patch+json"]);
  if (store.get(id) === undefined) throw new ApiError(404, "user not found"); // before the body
  const changes = validateUser(parseObject(body), true);
  const user = store.update(id, changes);
  if (user === undefined) throw new ApiError(404, "user not found"); // deleted meanwhile
  // BEGIN SOLUTION
  return [200, announce({}), present(user)]; // the whole user as it is now: no second GET needed
  // STARTER
  // |   return [200, {}, present(user)]; // the whole user as it is now: no second GET needed
  // END SOLUTION
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
