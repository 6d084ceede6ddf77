// The plumbing that exercises 05, 06 and 07 share: everything they are not about.
//
// Each exercise's server.js requires what it needs from here, through the link plumbing.js beside
// it. You need not open this file (but you may: nothing in it is hidden magic). It follows the
// `users` contract of servers/README.md without ETags: the store, JSON in and out, the query of
// GET /users, routing, one JSON response per request, and the launch contract (launch.js beside
// this file, which exercises 02 to 04 and 08 use too).
"use strict";

const launch = require("./launch.js");

// ---- Constants ----

const MAX_BODY_BYTES = 16384;
const MAX_JSON_DEPTH = 20;
const MAX_EMAIL = 254;
const MAX_NAME = 100;
// Not in an email (servers/README.md): @, controls and spaces (U+0000-U+0020, U+007F-U+00A0),
// and the invisible characters of Unicode's first plane (zero-width, direction marks, ...).
const NOT_IN_EMAIL =
  "@\\x00-\\x20\\x7f-\\xa0\\xad\\u0600-\\u0605\\u061c\\u06dd\\u070f\\u08e2\\u1680\\u180e" +
  "\\u2000-\\u200f\\u2028-\\u202f\\u205f-\\u206f\\u3000\\ufeff\\ufff9-\\ufffb";
const EMAIL_PATTERN = new RegExp(`^[^${NOT_IN_EMAIL}]+@[^${NOT_IN_EMAIL}]+$`);
const DEFAULT_LIMIT = 20;
const MAX_LIMIT = 100;
const DRAIN_TIMEOUT = 10; // seconds the requests in flight get to finish after SIGTERM

// ---- Errors ----

// An answer the client caused: its status, the message of its JSON body, extra headers.
class ApiError extends Error {
  constructor(status, message, headers = {}) {
    super(message);
    this.status = status;
    this.headers = headers;
  }
}

// ---- Store ----

// What makes two emails the same: equal once ASCII A-Z are lower-cased (servers/README.md).
function emailKey(email) {
  return email.replace(/[A-Z]+/g, (letters) => letters.toLowerCase());
}

// The users, in memory, in creation order; one user per email. Node runs one callback at a time
// and these methods are synchronous, so two requests never interleave inside them: no lock.
class MemoryStore {
  constructor() {
    this.users = new Map(); // id -> user; a Map iterates in creation order
    this.owners = new Map(); // emailKey(email) -> the id of the user who has it
    this.lastId = 0;
  }

  // A new user: the next id, then `fields` (email and name first); 409 if the email is taken.
  create(fields) {
    if (this.owners.has(emailKey(fields.email))) throw new ApiError(409, "email is already in use");
    const user = { id: String(++this.lastId), ...fields }; // ids are never reused
    this.users.set(user.id, user);
    this.owners.set(emailKey(user.email), user.id);
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
    const updated = { ...user, ...changes }; // keys keep their order: id, email, name, ...
    const [before, after] = [emailKey(user.email), emailKey(updated.email)];
    if (after !== before) { // a user may change the case of their own email
      if (this.owners.has(after)) throw new ApiError(409, "email is already in use");
      this.owners.delete(before);
      this.owners.set(after, id);
    }
    this.users.set(id, updated);
    return updated;
  }

  // Remove the user; false if there was none.
  delete(id) {
    const user = this.users.get(id);
    if (user === undefined) return false;
    this.users.delete(id);
    this.owners.delete(emailKey(user.email));
    return true;
  }
}

const store = new MemoryStore();

// ---- Request bodies ----

// The request body, read to its end (Node's parser has checked Content-Length is digits, and
// that exactly that many bytes arrive).
async function readBody(req) {
  const length = req.headers["content-length"];
  // Chunked bodies too: refused, a choice that keeps the three servers alike.
  if (length === undefined) throw new ApiError(411, "Content-Length is required");
  if (Number(length) > MAX_BODY_BYTES) {
    throw new ApiError(413, `body must be at most ${MAX_BODY_BYTES} bytes`);
  }
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return Buffer.concat(chunks);
}

// 415 unless the body's media type is one of `allowed`.
function checkContentType(req, allowed) {
  // Parameters such as "; charset=utf-8" are allowed, and media types are case-insensitive.
  const mediaType = (req.headers["content-type"] ?? "").split(";")[0].trim().toLowerCase();
  if (!allowed.includes(mediaType)) {
    throw new ApiError(415, `Content-Type must be ${allowed.join(" or ")}`);
  }
}

// 400 if [ and { nest deeper than MAX_JSON_DEPTH, counted before any parser recurses.
function checkDepth(body) {
  let [depth, inString, escaped] = [0, false, false];
  for (const byte of body) {
    if (inString) { // brackets inside strings do not count
      [escaped, inString] = escaped ? [false, true] : [byte === 0x5c, byte !== 0x22];
    } else if (byte === 0x22) {
      inString = true; // "
    } else if (byte === 0x5b || byte === 0x7b) { // [ {
      if (++depth > MAX_JSON_DEPTH) {
        throw new ApiError(400, `body must be nested at most ${MAX_JSON_DEPTH} levels deep`);
      }
    } else if (byte === 0x5d || byte === 0x7d) {
      depth--; // ] }
    }
  }
}

// fatal: invalid UTF-8 throws, where Buffer.toString() would silently put U+FFFD in its place.
const UTF8 = new TextDecoder("utf-8", { fatal: true });

// JSON's "\ud800" is half of a UTF-16 pair, no character, with no UTF-8 form: refuse it like
// invalid UTF-8, as Python must (it could never send it back).
function wellFormed(key, value) {
  if (!key.isWellFormed() || (typeof value === "string" && !value.isWellFormed())) {
    throw new SyntaxError("a string is not valid Unicode");
  }
  return value;
}

// The body as a JSON object, else the 400 that says what it is not.
function parseObject(body) {
  checkDepth(body);
  let value;
  try {
    value = JSON.parse(UTF8.decode(body), wellFormed);
  } catch {
    throw new ApiError(400, "body is not valid JSON"); // bad UTF-8, bad JSON, a lone surrogate
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new ApiError(400, "body must be a JSON object");
  }
  return value;
}

// 400 for a field the API does not define: dropped, a typo would lose what the client meant.
function checkKnownFields(fields, known) {
  if (Object.hasOwn(fields, "id")) throw new ApiError(400, "id is assigned by the server");
  const unknown = Object.keys(fields).filter((key) => !known.includes(key)).sort();
  // Sorted: the same answer every time.
  if (unknown.length > 0) throw new ApiError(400, `unknown field: ${unknown[0]}`);
}

// The value of `email` or `name` (undefined or null: missing) once valid, else its 400.
function checkUserField(field, value) {
  // Both fields are required: never guessed, never removed.
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
  return value;
}

// ---- Query parameters of GET /users ----

// The page size; an empty value (?limit=) is not a number, so it is refused like "abc".
function parseLimit(text) {
  if (text === null) return DEFAULT_LIMIT; // absent
  const limit = /^[0-9]+$/.test(text) ? Number(text) : 0;
  if (limit < 1 || limit > MAX_LIMIT) {
    throw new ApiError(400, `limit must be an integer from 1 to ${MAX_LIMIT}`);
  }
  return limit;
}

// The id after which the page starts; 0 (before every id) on the first page.
function parseCursor(text) {
  if (text === null) return 0; // absent
  if (!/^[0-9]+$/.test(text)) throw new ApiError(400, "cursor is not valid"); // empty included
  return Number(text);
}

// The page of users GET /users?limit=&cursor= asks for: [page, headers, nextCursor].
function listPage(req) {
  const query = new URLSearchParams(req.url.split("?")[1] ?? "");
  const limit = parseLimit(query.get("limit"));
  const afterId = parseCursor(query.get("cursor"));
  const users = store.list(afterId, limit + 1); // one more than the page: is there a next?
  const page = users.slice(0, limit);
  const headers = {};
  let nextCursor = null;
  if (users.length > limit) {
    // The cursor is the id of the last user on the page: a delete between two pages never makes
    // a client skip or repeat a user.
    nextCursor = page.at(-1).id;
    headers.Link = `</users?limit=${limit}&cursor=${nextCursor}>; rel="next"`;
  }
  return [page, headers, nextCursor];
}

// ---- Routing and responses ----

// The handler for a request and the user id in its path: the path decides 404, then 405.
function route(method, path, collection, item) {
  const segments = path.split("/");
  let handlers, id;
  if (path === "/users") {
    [handlers, id] = [collection, ""];
  } else if (segments.length === 3 && segments[1] === "users" && segments[2] !== "") {
    [handlers, id] = [item, segments[2]]; // /users/{id}; /users/ and /users/1/x are not
  } else {
    throw new ApiError(404, "not found");
  }
  // A path no handler serves yet does not exist.
  if (Object.keys(handlers).length === 0) throw new ApiError(404, "not found");
  if (!Object.hasOwn(handlers, method)) {
    // RFC 9110 §15.5.6: a 405 says which methods the resource does support.
    throw new ApiError(405, "method not allowed", { Allow: Object.keys(handlers).join(", ") });
  }
  return [handlers[method], id];
}

let draining = false; // set on SIGTERM: every answer closes its connection

// Compact JSON, UTF-8, non-ASCII as is, then a newline; always with a Content-Length.
function sendJson(res, status, headers, body) {
  res.statusCode = status;
  // Without ETags no answer can be revalidated: no cache may store one (RFC 9111 §5.2.2.5).
  res.setHeader("Cache-Control", "no-store");
  if (draining) res.setHeader("Connection", "close"); // the last answer on this connection
  // A Connection header of our own keeps Node from adding "Keep-Alive: timeout=30", a header no
  // RFC defines any more; the idle timeout (keepAliveTimeout) still applies.
  else if (res.shouldKeepAlive) res.setHeader("Connection", "keep-alive");
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  if (body === null) return res.end(); // 204 has neither a body nor a Content-Length
  const bytes = Buffer.from(JSON.stringify(body) + "\n", "utf8");
  res.setHeader("Content-Type", "application/json");
  res.setHeader("Content-Length", bytes.length);
  res.end(bytes); // HEAD: Node sends the headers, Content-Length included, and drops the bytes
}

// What Node calls for every request, whatever its method or path: one handler, one answer.
function handlerFor(collection, item) {
  return async (req, res) => {
    try {
      const [handler, id] = route(req.method, req.url.split("?")[0], collection, item);
      const [status, headers, body] = await handler(req, id);
      sendJson(res, status, headers, body);
    } catch (err) {
      if (err instanceof ApiError) return sendJson(res, err.status, err.headers, { error: err.message });
      console.error(err); // a bug, not the client's fault: say so, and keep serving the others
      // The request may be half read: close its connection.
      sendJson(res, 500, { Connection: "close" }, { error: "internal server error" });
    }
  };
}

// ---- Start-up ----

// Serve /users (`collection`) and /users/{id} (`item`), handlers by method, by the launch contract.
function serve(collection, item) {
  // launch.js drains the server on SIGTERM or Ctrl-C, as Go's http.Server.Shutdown does: stop
  // accepting, close idle connections, let the requests in flight finish, exit 0. Here each answer
  // from then on closes its connection too, and the drain lasts at most DRAIN_TIMEOUT.
  launch.serve(handlerFor(collection, item), {
    onStop: () => {
      draining = true;
      setTimeout(() => process.exit(0), DRAIN_TIMEOUT * 1000).unref();
    },
  });
}

module.exports = {
  MAX_EMAIL, MAX_NAME, EMAIL_PATTERN, ApiError, emailKey, store, readBody, checkContentType,
  checkDepth, wellFormed, parseObject, checkKnownFields, checkUserField, listPage, serve,
};
