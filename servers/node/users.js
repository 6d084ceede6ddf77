// users: the `users` API of the workbook, on Node's standard library (node:http).
//
//     node servers/node/users.js [PORT]
//     USERS_STORE=DIR node servers/node/users.js [PORT]     share the users with other processes
//
// The contract is servers/users.openapi.yaml, in prose in servers/README.md. The same program,
// section by section: servers/python/users.py and servers/go/users/main.go.

"use strict";

const crypto = require("node:crypto");
const fs = require("node:fs");
const http = require("node:http");
const net = require("node:net");
const path = require("node:path");
const usersAuth = require("./users_auth.js"); // off unless USERS_AUTH_SECRET is set

// ---- Constants ----

// 127.0.0.1, not 0.0.0.0: only programs on this machine can reach a lesson's server.
const HOST = "127.0.0.1";
const MAX_BODY_BYTES = 16384;
const DEFAULT_LIMIT = 20;
const MAX_LIMIT = 100;
const MAX_EMAIL = 254;
const MAX_NAME = 100;
// Not in an email: @, controls and spaces (U+0000-U+0020, U+007F-U+00A0), and the invisible
// characters of Unicode's first plane: soft hyphen, Arabic format marks, zero-width and direction
// marks, line and paragraph separators, the other spaces, word joiners, the byte order mark.
const NOT_IN_EMAIL =
  "@\\x00-\\x20\\x7f-\\xa0\\xad\\u0600-\\u0605\\u061c\\u06dd\\u070f\\u08e2\\u1680\\u180e" +
  "\\u2000-\\u200f\\u2028-\\u202f\\u205f-\\u206f\\u3000\\ufeff\\ufff9-\\ufffb";
const EMAIL_PATTERN = new RegExp(`^[^${NOT_IN_EMAIL}]+@[^${NOT_IN_EMAIL}]+$`);
const MAX_JSON_DEPTH = 20; // nesting of [ and { in a request body
// HTTP/1.1 limits and deadlines, the same in the three servers (servers/README.md, "Robustness").
const MAX_HEADER_BYTES = 16384; // request line and header section together (431)
const MAX_HEADERS = 100; // header field lines (431)
const MAX_TARGET_BYTES = 8192; // request-target (414)
const HEADER_TIMEOUT = 5; // seconds from a request's first byte to the end of its headers
const REQUEST_TIMEOUT = 10; // seconds from a request's first byte to the end of its body
const IDLE_TIMEOUT = 30; // seconds a keep-alive connection may wait for its next request
const WRITE_TIMEOUT = 10; // seconds a client may take to take one answer, from its first byte
const DRAIN_TIMEOUT = 10; // seconds requests in flight get to finish after SIGTERM
const QUIET_MS = 20; // Node only: see closeIdleWhenQuiet
const HOST_VALUE = /^[0-9A-Za-z!$%&'()*+,\-.:;=[\]_~]*$/; // the bytes Go accepts in a Host
const VERSION = /^HTTP\/[0-9]\.[0-9]$/; // RFC 9112 §2.3: one digit each side
// RFC 9112 §3.2: origin-form (/...), asterisk-form (*), absolute-form (scheme:...); authority-form
// (host:port) is CONNECT's, which onConnect answers. RFC 3986 §2.1: a % starts two hex digits (in
// the path: a bad escape in the query is the parameter's own 400).
const TARGET_FORM = /^(\/|\*$|[A-Za-z][A-Za-z0-9+.-]*:)/;
const BAD_PERCENT = /%(?![0-9A-Fa-f]{2})/;
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/; // RFC 9110 §5.6.2: methods and field names
const TARGET = /^[\x21-\x7e]+$/; // RFC 9112 §3.2: visible ASCII, no spaces
const ALLOW_COLLECTION = "GET, HEAD, POST";
const ALLOW_ITEM = "GET, HEAD, PATCH, DELETE";
const CREATE_TYPES = ["application/json"];
const UPDATE_TYPES = ["application/json", "application/merge-patch+json"];
// Caching (servers/README.md, "Caching"): a user may be stored, and reused only once its ETag is
// revalidated (RFC 9111 §5.2.2.4); every other response, list pages, writes and errors, never.
const CACHE_REVALIDATE = "no-cache";
const CACHE_NEVER = "no-store";
const ALLOW_TOKENS = "POST";

// ---- Errors ----

// Handlers throw an ApiError; handle() is the one place that turns it into a JSON error response.
class ApiError extends Error {
  constructor(status, message, headers = {}) {
    super(message);
    this.status = status;
    this.headers = headers;
  }
}

// ---- Store ----

// What makes two emails the same: equal once ASCII A-Z are lower-cased. Other characters compare
// as they are: Unicode case folding and NFC would need tables Go's standard library lacks.
function emailKey(email) {
  return email.replace(/[A-Z]+/g, (letters) => letters.toLowerCase());
}

// Version n of a user is the strong ETag "vn".
function etagFor(version) {
  return `"v${version}"`;
}

// If-Match and If-None-Match hold a comma-separated list of ETags, or *.
// Weak comparison (If-None-Match) ignores a W/ prefix; strong comparison (If-Match) does not.
function etagMatches(header, tag, weak) {
  return header.split(",").some((candidate) => {
    let value = candidate.replace(/^[ \t]+|[ \t]+$/g, ""); // RFC 9110 §5.6.1: OWS only, not \xa0
    if (weak && value.startsWith("W/")) value = value.slice(2);
    return value === "*" || value === tag;
  });
}

// An empty or missing If-Match means "whatever the version": the update is unconditional.
function checkIfMatch(ifMatch, version) {
  if (ifMatch && !etagMatches(ifMatch, etagFor(version), false)) {
    throw new ApiError(412, "If-Match does not match the current ETag");
  }
}

// Node runs one JavaScript callback at a time and every method here is synchronous, so two
// requests can never interleave inside the store: no lock (Python and Go need one).
class MemoryStore {
  constructor() {
    this.lastId = 0;
    this.users = new Map(); // id -> {user, version}; a Map iterates in creation order
    this.owners = new Map(); // emailKey(email) -> id
  }

  create(email, name) {
    // Like FileStore: the id is taken before the email is checked, so a 409 uses one up.
    const id = String(++this.lastId);
    if (this.owners.has(emailKey(email))) throw new ApiError(409, "email is already in use");
    const user = { id, email, name };
    this.users.set(id, { user, version: 1 });
    this.owners.set(emailKey(email), id);
    return [user, 1];
  }

  get(id) {
    const entry = this.users.get(id);
    if (!entry) throw new ApiError(404, "user not found");
    return [entry.user, entry.version];
  }

  // The id of the user who has this email (users_auth.js asks), or null.
  owner(email) {
    return this.owners.get(emailKey(email)) ?? null;
  }

  list(afterId, limit) {
    const page = [];
    // From the cursor on, id by id: a page costs the same at any cursor.
    for (let n = Math.min(afterId, this.lastId) + 1; n <= this.lastId && page.length < limit; n++) {
      const entry = this.users.get(String(n));
      if (entry) page.push(entry.user);
    }
    return page;
  }

  update(id, changes, ifMatch) {
    const [current, version] = this.get(id);
    checkIfMatch(ifMatch, version);
    const user = { ...current, ...changes }; // keys stay in the order id, email, name
    if (emailKey(user.email) !== emailKey(current.email) && this.owners.has(emailKey(user.email))) {
      throw new ApiError(409, "email is already in use");
    }
    this.owners.delete(emailKey(current.email));
    this.owners.set(emailKey(user.email), id);
    this.users.set(id, { user, version: version + 1 });
    return [user, version + 1];
  }

  delete(id, ifMatch) {
    const [current, version] = this.get(id);
    checkIfMatch(ifMatch, version);
    this.users.delete(id);
    this.owners.delete(emailKey(current.email));
  }
}

// FileStore keeps the users in a directory that any number of processes share; the layout and the
// algorithm are in servers/README.md, "Sharing state between processes". Every write creates a
// file in one step that fails if it exists (mkdir, link, open with "wx"): that failure is the
// compare-and-swap between processes. The fs calls are synchronous on purpose: one request's store
// step then runs to its end before this process's event loop starts another request's, so only
// other processes can race with it, and the EEXIST checks settle those races.
class FileStore {
  constructor(dir) {
    this.dir = dir;
    for (const sub of ["tmp", "users", "emails"]) fs.mkdirSync(this.file(sub), { recursive: true });
  }

  create(email, name) {
    const id = this.allocateId();
    if (!this.claim(email, id)) throw new ApiError(409, "email is already in use");
    const user = { id, email, name };
    this.writeVersion(id, 1, user);
    return [user, 1];
  }

  get(id) {
    const current = this.read(id);
    if (!current) throw new ApiError(404, "user not found");
    return current;
  }

  list(afterId, limit) {
    const page = [];
    for (const id of this.ids()) {
      if (page.length === limit) break;
      if (Number(id) <= afterId) continue;
      const current = this.read(id);
      if (current) page.push(current[0]);
    }
    return page;
  }

  update(id, changes, ifMatch) {
    for (;;) {
      const [current, version] = this.get(id);
      checkIfMatch(ifMatch, version);
      const user = { ...current, ...changes };
      const newEmail = emailKey(user.email) !== emailKey(current.email);
      if (newEmail && !this.claim(user.email, id)) {
        throw new ApiError(409, "email is already in use");
      }
      if (this.writeVersion(id, version + 1, user)) {
        if (newEmail) this.release(current.email);
        return [user, version + 1];
      }
      // Another process wrote version + 1 first. With If-Match the client asked for the version
      // it saw, which is gone: 412. Without it, read the new version and apply the patch again.
      if (newEmail) this.release(user.email);
      if (ifMatch) throw new ApiError(412, "If-Match does not match the current ETag");
    }
  }

  delete(id, ifMatch) {
    for (;;) {
      const [current, version] = this.get(id);
      checkIfMatch(ifMatch, version);
      if (this.writeVersion(id, version + 1, { deleted: true })) {
        this.release(current.email);
        return;
      }
      if (ifMatch) throw new ApiError(412, "If-Match does not match the current ETag");
    }
  }

  file(...parts) {
    return path.join(this.dir, ...parts);
  }

  // The ids of users/<id> directories, ascending (deleted users and unfinished creates included).
  ids() {
    const names = fs.readdirSync(this.file("users")).filter((name) => /^[1-9][0-9]*$/.test(name));
    return names.sort((a, b) => Number(a) - Number(b));
  }

  // mkdir is the allocation: it fails with EEXIST if another process took that id first.
  allocateId() {
    for (let next = this.ids().reduce((highest, id) => Math.max(highest, Number(id)), 0) + 1; ; next++) {
      try {
        fs.mkdirSync(this.file("users", String(next)));
        return String(next);
      } catch (err) {
        if (err.code !== "EEXIST") throw err;
      }
    }
  }

  // The user and its version from the highest <n>.json, or null if there is no such user.
  read(id) {
    if (!/^[1-9][0-9]*$/.test(id)) return null; // also keeps paths like /users/.. inside users/
    let names;
    try {
      names = fs.readdirSync(this.file("users", id));
    } catch (err) {
      // The store itself gone is the server's fault (500), not a missing user.
      if (err.code === "ENOENT" && !fs.existsSync(this.file("users"))) throw err;
      if (err.code === "ENOENT" || err.code === "ENOTDIR") return null;
      throw err;
    }
    const versions = names.filter((name) => /^[1-9][0-9]*\.json$/.test(name));
    if (versions.length === 0) return null;
    const version = versions.reduce((highest, name) => Math.max(highest, parseInt(name, 10)), 0);
    const record = JSON.parse(fs.readFileSync(this.versionPath(id, version), "utf8"));
    if (record.deleted) return null;
    return [{ id: record.id, email: record.email, name: record.name }, version];
  }

  // Version n of a user, written once: false if another process wrote version n first.
  writeVersion(id, version, record) {
    return this.writeOnce(this.versionPath(id, version), JSON.stringify(record) + "\n");
  }

  versionPath(id, version) {
    return this.file("users", id, `${version}.json`);
  }

  // Whoever creates emails/<sha256 of the email> owns the email; the file holds the id.
  claim(email, id) {
    return this.writeOnce(this.emailPath(email), id);
  }

  release(email) {
    fs.rmSync(this.emailPath(email), { force: true });
  }

  emailPath(email) {
    const digest = crypto.createHash("sha256").update(emailKey(email), "utf8").digest("hex");
    return this.file("emails", digest);
  }

  // Written whole under tmp/, then linked into place: readers never see half a file, and the link
  // fails with EEXIST (false) if another process created the path first.
  writeOnce(target, data) {
    const tmp = this.file("tmp", `${process.pid}-${crypto.randomUUID()}`);
    fs.writeFileSync(tmp, data, { flag: "wx" });
    try {
      fs.linkSync(tmp, target);
      return true;
    } catch (err) {
      if (err.code === "EEXIST") return false;
      throw err;
    } finally {
      fs.unlinkSync(tmp);
    }
  }
}

// USERS_STORE=DIR shares the users with every process started on DIR; else each keeps its own.
const store = process.env.USERS_STORE ? new FileStore(process.env.USERS_STORE) : new MemoryStore();

// ---- Validation ----

// Node's parser has already refused a Content-Length that is repeated, not digits, or sent with
// Transfer-Encoding: those requests reach onClientError below, never this function.
async function readBody(req) {
  // A chunked body: refused, a choice that keeps the three servers alike, and the connection is
  // closed rather than the body read to find where it ends.
  if (req.headers["transfer-encoding"] !== undefined) {
    throw new ApiError(411, "Content-Length is required", { Connection: "close" });
  }
  const length = req.headers["content-length"];
  if (length === undefined) throw new ApiError(411, "Content-Length is required");
  if (Number(length) > MAX_BODY_BYTES) {
    // The body is never read, so the connection is closed after the answer (RFC 9110 §15.5.14).
    throw new ApiError(413, `body must be at most ${MAX_BODY_BYTES} bytes`, { Connection: "close" });
  }
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on("data", (chunk) => {
      // Never keep more than the limit in memory, whatever the client claimed.
      size += chunk.length;
      if (size > MAX_BODY_BYTES) reject(new ApiError(413, `body must be at most ${MAX_BODY_BYTES} bytes`));
      else chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("close", () => reject(new Error("the client closed the connection")));
  });
}

// The body of a POST or PATCH, once its length and media type pass (400, 411, 413, 415).
async function readJson(req, allowed) {
  const body = await readBody(req);
  checkContentType(req, allowed);
  return body;
}

// Parameters such as "; charset=utf-8" are allowed, and media types are case-insensitive.
function checkContentType(req, allowed) {
  // RFC 9110 §8.3.1: only spaces and tabs (OWS) around it; trim() would also drop a \xa0.
  const mediaType = (req.headers["content-type"] ?? "").split(";")[0].replace(/^[ \t]+|[ \t]+$/g, "").toLowerCase();
  if (!allowed.includes(mediaType)) {
    throw new ApiError(415, `Content-Type must be ${allowed.join(" or ")}`);
  }
}

// fatal: invalid UTF-8 throws, where Buffer.toString() would silently put U+FFFD in its place.
// ignoreBOM: keep a leading BOM in the text, so JSON.parse refuses it as Python's and Go's do.
const UTF8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

// JSON's "\ud800" is half of a UTF-16 pair, no character, with no UTF-8 form: refuse it like
// invalid UTF-8, as Python must (it could never send it back).
function wellFormed(key, value) {
  if (!key.isWellFormed() || (typeof value === "string" && !value.isWellFormed())) {
    throw new SyntaxError("a string is not valid Unicode");
  }
  return value;
}

// How deep [ and { nest in body (strings skipped), counted before any parser recurses.
function jsonDepth(body) {
  let [depth, deepest, inString, escaped] = [0, 0, false, false];
  for (const byte of body) {
    if (inString) {
      [escaped, inString] = escaped ? [false, true] : [byte === 0x5c, byte !== 0x22];
    } else if (byte === 0x22) {
      inString = true; // "
    } else if (byte === 0x5b || byte === 0x7b) {
      deepest = Math.max(deepest, ++depth); // [ {
      if (deepest > MAX_JSON_DEPTH) break;
    } else if (byte === 0x5d || byte === 0x7d) {
      depth--; // ] }
    }
  }
  return deepest;
}

function parseObject(body) {
  if (jsonDepth(body) > MAX_JSON_DEPTH) {
    throw new ApiError(400, `body must be nested at most ${MAX_JSON_DEPTH} levels deep`);
  }
  let value;
  try {
    value = JSON.parse(UTF8.decode(body), wellFormed);
  } catch {
    // Bad UTF-8, bad JSON, or a lone surrogate.
    throw new ApiError(400, "body is not valid JSON");
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new ApiError(400, "body must be a JSON object");
  }
  return value;
}

// Comparing UTF-8 bytes sorts by code point, as Python's sorted() and Go's sort.Strings do
// (JavaScript's own sort() compares UTF-16 units, which orders some characters differently).
function byCodePoint(a, b) {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

// The field as a string; undefined if a PATCH (partial) leaves it out.
function stringField(fields, field, partial) {
  if (!Object.hasOwn(fields, field) && partial) return undefined;
  const value = fields[field];
  // Missing on POST, or null on PATCH: the field cannot be removed.
  if (value === undefined || value === null) throw new ApiError(400, `${field} is required`);
  if (typeof value !== "string") throw new ApiError(400, `${field} must be a string`);
  return value;
}

// The fields to store, in the order id, email, name; the checks run in the order of the README.
function validateUser(fields, partial) {
  if (Object.hasOwn(fields, "id")) throw new ApiError(400, "id is assigned by the server");
  const unknown = Object.keys(fields).filter((key) => key !== "email" && key !== "name");
  if (unknown.length > 0) throw new ApiError(400, `unknown field: ${unknown.sort(byCodePoint)[0]}`);
  const changes = {};
  const email = stringField(fields, "email", partial);
  if (email !== undefined) {
    // Lengths count code points: [...s] splits by code point, s.length counts UTF-16 units.
    if ([...email].length > MAX_EMAIL) {
      throw new ApiError(400, `email must be at most ${MAX_EMAIL} characters`);
    }
    if (!EMAIL_PATTERN.test(email)) {
      throw new ApiError(400, "email must look like name@example.com");
    }
    changes.email = email;
  }
  const name = stringField(fields, "name", partial);
  if (name !== undefined) {
    const length = [...name].length;
    if (length < 1 || length > MAX_NAME) {
      throw new ApiError(400, `name must be 1 to ${MAX_NAME} characters`);
    }
    changes.name = name;
  }
  return changes;
}

// The checked fields of a POST body, or of a PATCH body when partial: create and update decode
// their bodies here, one path.
function decodeUser(body, partial) {
  return validateUser(parseObject(body), partial);
}

// The page size; an empty value (?limit=) is not a number, so it is refused like "abc".
function parseLimit(raw) {
  if (raw === null) return DEFAULT_LIMIT; // absent
  const limit = /^[0-9]+$/.test(raw) ? Number(raw) : 0;
  if (limit < 1 || limit > MAX_LIMIT) {
    throw new ApiError(400, `limit must be an integer from 1 to ${MAX_LIMIT}`);
  }
  return limit;
}

// The cursor is the id of the last user of the previous page; the first page has none (0).
function parseCursor(raw) {
  if (raw === null) return 0; // absent
  if (!/^[0-9]+$/.test(raw)) throw new ApiError(400, "cursor is not valid"); // empty included
  // Any digits are a cursor: one longer than any id could be is past every id (the empty page).
  return Number(raw);
}

// ---- Handlers ----

// Each handler returns [status, headers, body]; body null means no body at all (204, 304).

async function createUser(req, id) {
  let fields = parseObject(await readJson(req, CREATE_TYPES));
  const password = AUTH ? AUTH.takePassword(fields) : null; // with auth on, required and write-only
  fields = validateUser(fields, false);
  const passwordHash = AUTH ? await AUTH.hashNew(password) : "";
  const [user, version] = store.create(fields.email, fields.name);
  if (AUTH) AUTH.credentials.save(user.id, passwordHash);
  return [201, { Location: `/users/${user.id}`, ETag: etagFor(version) }, user];
}

function listUsers(req, id) {
  // get() is null for a parameter that is absent, "" for ?limit= (refused, not the default).
  const mark = req.url.indexOf("?");
  const params = new URLSearchParams(mark === -1 ? "" : req.url.slice(mark + 1));
  const limit = parseLimit(params.get("limit"));
  const afterId = parseCursor(params.get("cursor"));
  // Ask for one more than the page: if it exists, there is a next page.
  const users = store.list(afterId, limit + 1);
  const page = users.slice(0, limit);
  const nextCursor = users.length > limit ? page[page.length - 1].id : null;
  const link = `</users?limit=${limit}&cursor=${nextCursor}>; rel="next"`;
  const headers = nextCursor === null ? {} : { Link: link };
  return [200, headers, { users: page, next_cursor: nextCursor }];
}

function getUser(req, id) {
  const [user, version] = store.get(id);
  const ifNoneMatch = headerList(req, "if-none-match"); // empty or missing: no condition
  // A 304 carries the ETag and Cache-Control its 200 would carry (RFC 9110 §15.4.5).
  const headers = { ETag: etagFor(version), "Cache-Control": CACHE_REVALIDATE };
  // The client's copy is current: say so in a few bytes instead of sending the user again.
  if (ifNoneMatch && etagMatches(ifNoneMatch, etagFor(version), true)) {
    return [304, headers, null];
  }
  return [200, headers, user];
}

async function updateUser(req, id) {
  const body = await readJson(req, UPDATE_TYPES);
  const ifMatch = headerList(req, "if-match");
  // 404 and 412 come before any complaint about the body; the store checks both again, in the
  // same step as the write, because another request may change the user in between.
  checkIfMatch(ifMatch, store.get(id)[1]);
  const changes = decodeUser(body, true);
  const [user, version] = store.update(id, changes, ifMatch);
  return [200, { ETag: etagFor(version) }, user];
}

function deleteUser(req, id) {
  store.delete(id, headerList(req, "if-match"));
  return [204, {}, null];
}

async function createToken(req, id) {
  const token = await AUTH.issue(parseObject(await readJson(req, CREATE_TYPES)), store);
  return [200, { "Cache-Control": CACHE_NEVER }, token]; // a token is for this client only (RFC 6749 5.1)
}

// A header sent on several lines is one comma-separated list (RFC 9110, section 5.3); Node
// already joins If-Match and If-None-Match lines with ", " (headersDistinct would keep them apart).
function headerList(req, name) {
  return req.headers[name] ?? "";
}

// Compact JSON, UTF-8, non-ASCII as is, then a newline; always with a Content-Length.
function sendJson(res, status, headers, body) {
  watchAnswer(res); // the client must take it within WRITE_TIMEOUT
  res.statusCode = status;
  // Unless the handler says otherwise, no cache may store the answer (servers/README.md).
  res.setHeader("Cache-Control", CACHE_NEVER);
  if (draining) res.setHeader("Connection", "close"); // the last answer on this connection
  // Node only: a Connection header of our own keeps Node from adding "Keep-Alive: timeout=30",
  // a header no RFC defines any more; the idle timeout (keepAliveTimeout) still applies.
  else if (res.shouldKeepAlive) res.setHeader("Connection", "keep-alive");
  // Closing: whatever the parser makes of bytes still arriving must not be answered again.
  // (req's socket: res.socket is null while an answer pipelined before this one is being sent.)
  if (draining || headers.Connection === "close") answered.add(res.req.socket);
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  if (body === null) return res.end(); // 204 and 304: no body, no Content-Length
  const bytes = Buffer.from(JSON.stringify(body) + "\n", "utf8");
  res.setHeader("Content-Type", "application/json");
  res.setHeader("Content-Length", bytes.length);
  // For HEAD, Node sends these headers, Content-Length included, and drops the bytes.
  res.end(bytes);
}

// ---- Routing ----

const COLLECTION_HANDLERS = { GET: listUsers, HEAD: listUsers, POST: createUser };
const ITEM_HANDLERS = { GET: getUser, HEAD: getUser, PATCH: updateUser, DELETE: deleteUser };
const TOKEN_HANDLERS = { POST: createToken };

// The handler for a request and the user id in its path: the path decides 404, then 405.
function route(method, urlPath) {
  const segments = urlPath.split("/");
  let handlers, allow, id;
  if (urlPath === "/users") {
    [handlers, allow, id] = [COLLECTION_HANDLERS, ALLOW_COLLECTION, ""];
  } else if (segments.length === 3 && segments[1] === "users" && segments[2] !== "") {
    [handlers, allow, id] = [ITEM_HANDLERS, ALLOW_ITEM, segments[2]];
  } else if (urlPath === "/tokens" && AUTH) {
    [handlers, allow, id] = [TOKEN_HANDLERS, ALLOW_TOKENS, ""];
  } else {
    throw new ApiError(404, "not found");
  }
  if (!Object.hasOwn(handlers, method)) {
    throw new ApiError(405, "method not allowed", { Allow: allow });
  }
  return [handlers[method], id];
}

// Every value of a header, one per line as sent (req.headers merges or drops repeated lines).
function rawValues(req, name) {
  const values = [];
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    if (req.rawHeaders[i].toLowerCase() === name) values.push(req.rawHeaders[i + 1]);
  }
  return values;
}

// What RFC 9112 refuses and Node's parser lets through (Python's strict_http11.py and Go's
// framing.go refuse it while reading the head), and the limits Node has no option for. Each
// answer closes.
function checkFraming(req) {
  const close = { Connection: "close" };
  if (!TARGET_FORM.test(req.url) || BAD_PERCENT.test(req.url.split("?")[0])) {
    throw new ApiError(400, "request is not valid HTTP", close); // RFC 9112 §3: an invalid request line
  }
  if (req.httpVersion !== "1.1" && req.httpVersion !== "1.0") {
    // "GET /users" with no version parses as HTTP/0.9: a malformed request line (RFC 9112 §3).
    if (req.httpVersionMajor === 0) throw new ApiError(400, "request is not valid HTTP", close);
    throw new ApiError(505, "HTTP version is not supported", close); // RFC 9110 §15.6.6
  }
  if (req.rawHeaders.length / 2 > MAX_HEADERS) {
    throw new ApiError(431, "request headers are too large", close); // RFC 6585 §5
  }
  if (Buffer.byteLength(req.url, "latin1") > MAX_TARGET_BYTES) {
    throw new ApiError(414, "request target is too long", close); // RFC 9110 §15.5.15
  }
  // RFC 9112 §3.2: exactly one Host in HTTP/1.1, at most one in HTTP/1.0, and a valid one.
  // (Not requireHostHeader: Node's parser would answer a missing one itself, with no JSON.)
  const hosts = rawValues(req, "host");
  const host = req.headers.host;
  if (hosts.length > 1 || (hosts.length === 0 && req.httpVersion === "1.1") || !HOST_VALUE.test(host ?? "")) {
    throw new ApiError(400, "request is not valid HTTP", close);
  }
  // All the lines: req.headers keeps only the first Transfer-Encoding.
  const codings = rawValues(req, "transfer-encoding");
  if (codings.length > 0 && codings.join(", ").toLowerCase() !== "chunked") {
    throw new ApiError(501, "Transfer-Encoding must be chunked", close); // RFC 9112 §6.1
  }
  if (codings.length > 0 && req.httpVersion === "1.0") {
    // RFC 9112 §6.1: an HTTP/1.0 message with Transfer-Encoding has faulty framing (§6.3: 400).
    throw new ApiError(400, "request is not valid HTTP", close);
  }
}

// Node calls this for every request its parser accepts, whatever the method or path.
async function handle(req, res) {
  requestsSeen++;
  try {
    checkFraming(req);
    // req.url is the target as sent, query included, like Python's requestline and Go's RequestURI.
    const [handler, id] = route(req.method, req.url.split("?")[0]);
    if (AUTH) {
      // before the body is even read: who asks comes first
      AUTH.refuseTokenInUrl(req.url.split("?").slice(1).join("?"));
      if (req.method === "PATCH" || req.method === "DELETE") {
        AUTH.authorize(req.headersDistinct.authorization ?? [], id);
      }
    }
    const [status, headers, body] = await handler(req, id);
    sendJson(res, status, headers, body);
  } catch (err) {
    if (err instanceof ApiError) {
      return sendJson(res, err.status, err.headers, { error: err.message });
    }
    // The client went away (while sending its body): nobody to answer. Not req.destroyed, which
    // is also true of every request whose body has been read to its end.
    if (!res.socket || res.socket.destroyed) return;
    // Not the client's fault (a bug, a broken store): log it, answer the documented 500, and
    // close the connection, since the request may be half read. Serving goes on.
    console.error(err);
    sendJson(res, 500, { Connection: "close" }, { error: "internal server error" });
  }
}

// null: auth is off, as in lessons 01 to 09.
const AUTH = usersAuth.fromEnvironment((status, message, headers) => new ApiError(status, message, headers));

// ---- Start-up ----

// Set on SIGTERM: answers say Connection: close, and the process exits once no request is left.
let draining = false;
let requestsSeen = 0; // counted by handle(), for closeIdleWhenQuiet

// An answer starts when it reaches its socket (Node queues the answers to pipelined requests behind
// the one being sent); the client must take all of it within WRITE_TIMEOUT, or the connection is
// cut. Node has no such deadline (its timeouts are for reading requests, and socket.setTimeout
// counts silence, which a client that reads nothing does not break: Node stops reading too).
function watchAnswer(res) {
  const start = () => {
    // A reset (RST): closed gently, the socket would go on holding what the kernel has buffered
    // for the client (megabytes) until it takes it.
    const timer = setTimeout(() => res.socket?.resetAndDestroy(), WRITE_TIMEOUT * 1000);
    // 'finish': the last byte is in the kernel's buffer; 'close': the connection is gone.
    res.once("finish", () => clearTimeout(timer));
    res.once("close", () => clearTimeout(timer));
  };
  if (res.socket) start();
  else res.once("socket", start);
}

// Close the idle keep-alive connections once QUIET_MS pass without a new request. Node reads a
// socket only when its single thread comes round to it (Python's threads and Go's goroutines
// wake at once), so while it is busy a request a balancer has just sent on an idle connection
// waits unread, and closing that connection would reset the request. A request that does arrive
// is answered with Connection: close, which closes its connection; and with the listener closed,
// the balancer's next dial is refused, so it soon sends nothing more here.
function closeIdleWhenQuiet(server, seen) {
  setTimeout(() => {
    if (requestsSeen !== seen) return closeIdleWhenQuiet(server, requestsSeen);
    // Not server.closeIdleConnections(): it takes a connection whose last answer is still in
    // Node's buffer for idle (that answer called res.end()), and destroys it mid-answer. Idle here:
    // every answer is in the kernel's buffer, and no request is arriving; one that has sent nothing
    // yet (a balancer's spare) is idle too, and would hold the drain until HEADER_TIMEOUT.
    for (const socket of connections) {
      if (framings.get(socket).idle()) socket.destroy();
    }
  }, QUIET_MS);
}

// Draining, a connection Node ends after an answer (Connection: close) is closed in stages
// (RFC 9112 §9.6): half-close, so that the client reads the last answer to its end, then read and
// drop what it still sends until it closes (then Node destroys the socket), or DRAIN_TIMEOUT.
// Node's own destroySoon destroys it as soon as the answer is in the kernel's buffer: with
// requests of the client's still unread, the kernel resets the connection and drops the answer's
// end.
function linger(socket) {
  socket.end();
  socket.removeAllListeners("data");
  socket.on("data", () => {}); // dropped: nothing more is answered
  socket.resume();
}

// Sockets whose last answer said Connection: close.
const answered = new WeakSet();

// An answer written to the socket itself, for requests that never become a req/res pair; to a
// HEAD, the length GET would have and no body, which a client would not read (RFC 9112 §6.3).
function refuse(socket, status, message, headers = {}, head = false) {
  // The connection's last answer is already out (CONNECT's 404 or 405, which ends the socket,
  // then bytes after it that FramingConn refuses): writing again would throw and end the process.
  if (socket.writableEnded || socket.destroyed) return;
  const body = Buffer.from(JSON.stringify({ error: message }) + "\n");
  const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`);
  // The client must take it within WRITE_TIMEOUT, as any answer (watchAnswer).
  const timer = setTimeout(() => socket.resetAndDestroy(), WRITE_TIMEOUT * 1000);
  socket.once("finish", () => clearTimeout(timer));
  socket.once("close", () => clearTimeout(timer));
  socket.write(`HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nConnection: close\r\n`);
  socket.write(`Cache-Control: ${CACHE_NEVER}\r\n`);
  lines.push(`Content-Type: application/json\r\nContent-Length: ${body.length}\r\n`);
  socket.end(`${lines.join("")}\r\n${head ? "" : body}`);
}

// ---- Framing: the rules of RFC 9112 Node's parser bends, checked before it reads a byte ----
// llhttp takes two spaces where the request line has one (RFC 9112 §3 lets a parser be lenient
// there; the workbook is not, as Python's strict_http11.py and Go's framing.go are not), reads
// HTTP/0.9, sends 100 Continue to "100-continue, x" and ignores Expect in HTTP/1.0; and it answers
// the broken rules it does refuse in its own order (a Content-Length before a bad field line above
// it). Node has no option for these and req does not show the request line, so each connection's
// bytes pass every rule of servers/go/users/framing.go, line by line in the same order, on their
// way to the parser (empty lines before a request are dropped), and refusals are answered in order
// behind pipelined requests. A request that breaks a rule gets the contract's JSON answer and the
// connection ends.
const CR = 13;
const LF = 10;
const framings = new WeakMap(); // socket -> its FramingConn

// One connection's requests, head by head; each body is skipped by its Content-Length, so the
// next request's start is known.
class FramingConn {
  constructor() {
    this.refusal = null; // [status, message, headers, head] of the refused request being read
    this.isHead = false; // the method of the request being read is HEAD
    this.refused = false; // its answer is written
    this.pending = 0; // requests handed to handle() and not answered yet (countAnswers)
    this.last = null; // the last of them
    this.body = 0; // bytes of body still to pass
    this.through = false; // pass everything from now on: Node decides, then closes the connection
    this.startHead();
  }

  // The request head being read.
  startHead() {
    this.started = false; // past the empty lines that may come before its request line
    this.prev = 0; // the byte before, to tell CRLF from a bare CR or a bare LF
    this.line = ""; // the line being read, without its CRLF
    this.lines = 0; // lines of the head before this one
    this.size = 0; // bytes of the head so far
    this.http11 = false; // its version is HTTP/1.1, which must send a Host
    this.target = 0; // bytes of its request-target
    this.hosts = 0; // its Host lines
    this.badHost = false; // a Host with a byte no host has
    this.length = ""; // its last Content-Length value
    this.lengths = 0; // its Content-Length lines
    this.codings = []; // its Transfer-Encoding values
    this.expects = 0; // its Expect lines
    this.proceed = false; // the last of them is 100-continue
  }

  // What of data may reach the parser, in data's own memory: all of it, less the empty lines
  // before a request line, and less everything from a refusal on (a broken rule, or a request
  // the parser refused: onClientError).
  check(data) {
    let out = 0;
    for (let i = 0; i < data.length && !this.refusal; ) {
      if (this.through) {
        out += data.copy(data, out, i);
        break;
      }
      if (this.body > 0) {
        const n = Math.min(this.body, data.length - i);
        out += data.copy(data, out, i, i + n);
        [i, this.body] = [i + n, this.body - n];
      } else {
        if (this.head(data[i])) data[out++] = data[i];
        i++;
      }
    }
    return data.subarray(0, out);
  }

  // One byte of a request head, or of the empty lines before it: does it pass? A line is checked
  // when it ends, so the parser never gets a whole head that breaks a rule.
  head(b) {
    const prev = this.prev;
    this.prev = b;
    if ((prev === CR && b !== LF) || (b === LF && prev !== CR)) {
      // RFC 9112 §2.2: a bare CR MUST be refused (or replaced); a bare LF MAY be taken as a line
      // end: refused too.
      return this.refuse("request is not valid HTTP");
    }
    if (!this.started && (b === CR || b === LF)) {
      return false; // RFC 9112 §2.2: a server SHOULD ignore empty lines before a request line
    }
    if (!this.started) [this.started, this.isHead] = [true, false]; // a new request, method unknown
    if (++this.size > MAX_HEADER_BYTES) {
      return this.refuse("request headers are too large", 431); // RFC 6585 §5, every byte counted
    }
    if (b === CR) return true; // its LF comes next
    if (b !== LF) {
      this.line += String.fromCharCode(b);
      return true;
    }
    const line = this.line;
    [this.line, this.lines] = ["", this.lines + 1];
    if (this.lines === 1) return this.requestLine(line);
    if (line !== "") return this.fieldLine(line);
    return this.endHead();
  }

  // RFC 9112 §3: method SP request-target SP HTTP-version, exactly one SP each (the lenient
  // whitespace §3 allows is not taken; llhttp would take it), the method a token, the target
  // visible ASCII in a form of §3.2, the version HTTP/DIGIT.DIGIT (§2.3), as in Go's framing.go.
  requestLine(line) {
    const parts = line.split(" ");
    const [method, target, version] = parts.length === 3 ? parts : ["", "", ""];
    const form = TARGET_FORM.test(target) || method === "CONNECT";
    if (!TOKEN.test(method) || !TARGET.test(target) || !form || BAD_PERCENT.test(target.split("?")[0])) {
      return this.refuse("request is not valid HTTP");
    }
    if (!VERSION.test(version)) return this.refuse("request is not valid HTTP");
    if (version !== "HTTP/1.1" && version !== "HTTP/1.0") {
      // RFC 9110 §15.6.6, HTTP/0.9 too, which llhttp would read like a line with no version.
      return this.refuse("HTTP version is not supported", 505);
    }
    [this.http11, this.target, this.isHead] = [version === "HTTP/1.1", target.length, method === "HEAD"];
    return true;
  }

  // RFC 9112 §5: each field line as it ends, so that the first broken rule is the one answered,
  // as in Python and Go (llhttp would answer a later line's Content-Length first).
  fieldLine(line) {
    if (this.lines - 1 > MAX_HEADERS) return this.refuse("request headers are too large", 431);
    // RFC 9112 §5.1: a field name is a token, with no whitespace before its colon; so an obs-fold,
    // a line that starts with a space or a tab, is refused too (§5.2 allows that).
    const colon = line.indexOf(":");
    const name = line.slice(0, Math.max(colon, 0)).toLowerCase();
    const value = line.slice(colon + 1).replace(/^[ \t]+|[ \t]+$/g, ""); // RFC 9110 §5.5: OWS only
    if (colon < 0 || !TOKEN.test(name) || /[\x00-\x08\x0a-\x1f\x7f]/.test(value)) {
      return this.refuse("request is not valid HTTP"); // RFC 9110 §5.5: no control but HTAB
    }
    if (name === "host") {
      [this.hosts, this.badHost] = [this.hosts + 1, this.badHost || !HOST_VALUE.test(value)];
    } else if (name === "content-length") {
      [this.length, this.lengths] = [value, this.lengths + 1];
    } else if (name === "transfer-encoding") {
      this.codings.push(value);
    } else if (name === "expect") {
      [this.expects, this.proceed] = [this.expects + 1, value.toLowerCase() === "100-continue"];
    }
    return true;
  }

  // The empty line: the head ends, checked as a whole in the order of Python and Go; the body, if
  // any, comes next.
  endHead() {
    const { http11, target, hosts, badHost, codings, length, lengths, expects, proceed } = this;
    this.startHead();
    const coding = codings.join(", ").toLowerCase();
    if (target > MAX_TARGET_BYTES) {
      return this.refuse("request target is too long", 414); // RFC 9110 §15.5.15
    } else if (hosts > 1 || (hosts === 0 && http11) || badHost) {
      // RFC 9112 §3.2: exactly one Host in HTTP/1.1, at most one in HTTP/1.0, and a valid one.
      return this.refuse("request is not valid HTTP");
    } else if (codings.length > 0 && coding !== "chunked") {
      // RFC 9112 §6.1: a coding wins over Content-Length; only chunked is implemented.
      return this.refuse("Transfer-Encoding must be chunked", 501);
    } else if (codings.length > 0 && !http11) {
      return this.refuse("request is not valid HTTP"); // RFC 9112 §6.1: faulty framing in HTTP/1.0
    } else if (codings.length === 0 && (lengths > 1 || (lengths === 1 && !/^[0-9]+$/.test(length)))) {
      // RFC 9112 §6.3: repeated, even identical, or not digits.
      return this.refuse("Content-Length is not valid");
    } else if (codings.length === 0 && lengths === 1 && length.length > 18) {
      // RFC 9110 §8.6: too long for the 64-bit integers Go holds it in, refused in all three.
      return this.refuse("Content-Length is not valid");
    } else if (expects > 1 || (expects === 1 && !proceed)) {
      // RFC 9110 §10.1.1: an expectation the server cannot meet. Node's parser would send
      // 100 Continue to "100-continue, x" and ignore any Expect of HTTP/1.0.
      return this.refuse("Expect must be 100-continue", 417);
    } else if (codings.length > 0) {
      // chunked: onClientError or the handler refuses it (411) and closes the connection.
      this.through = true;
    } else if (lengths === 1 && length.length > 15) {
      this.through = true; // past the integers a Number holds exactly: the parser decides
    } else if (lengths === 1) {
      this.body = Number(length);
    }
    return true;
  }

  refuse(message, status = 400) {
    this.refusal = [status, message, {}, this.isHead];
    return false;
  }

  // No request is arriving or being answered (every answer is in the kernel's buffer).
  idle() {
    return this.pending === 0 && !this.started && this.body === 0 && !this.through && !this.refusal;
  }
}

// The server's 'connection' listener, after http.Server's own: Node's parser reads the socket
// through the one 'data' listener that one added; the check goes in between. (Adding a 'data'
// listener makes Node feed its parser from JavaScript instead of straight from C++.)
// Every open connection (closeIdleWhenQuiet).
const connections = new Set();

function onConnection(socket) {
  const parse = socket.listeners("data")[0];
  socket.removeListener("data", parse);
  const framing = new FramingConn();
  framings.set(socket, framing);
  connections.add(socket);
  socket.on("close", () => connections.delete(socket));
  // Node calls destroySoon after an answer that says Connection: close.
  socket.destroySoon = () => (draining ? linger(socket) : net.Socket.prototype.destroySoon.call(socket));
  socket.on("data", (chunk) => {
    const passed = framing.check(chunk);
    // socket.parser is gone once Node has handed the socket over (CONNECT) or closed it.
    if (passed.length > 0 && socket.parser) parse(passed);
    refuseWhenAnswered(socket, framing);
  });
}

// The server's second 'request' listener: counts each connection's requests not yet answered.
function countAnswers(req, res) {
  const framing = framings.get(req.socket);
  [framing.pending, framing.last] = [framing.pending + 1, req];
  res.on("finish", () => {
    framing.pending--;
    refuseWhenAnswered(req.socket, framing);
    // Draining, a connection is closed after its last answer, as in Python and Go, even one that
    // says keep-alive (written before SIGTERM, behind pipelined ones).
    if (draining && framing.idle() && !req.socket.writableEnded) linger(req.socket);
  });
}

// Answers go out in the order of the requests (pipelining, RFC 9112 §9.3.2): a refused request is
// answered once every request before it is. (The parser hands each request to handle() as soon
// as its head is in, so all those before a refused one are counted by then.) now: the refusal is
// about the request being answered itself (its body).
function refuseWhenAnswered(socket, framing, now = false) {
  if (framing.refusal && !framing.refused && (now || framing.pending === 0)) {
    framing.refused = true;
    refuse(socket, ...framing.refusal);
  }
}

// Requests that Node's parser refuses never reach handle(): answer them here, in JSON too, as
// Python's strict_http11.py answers them.
function onClientError(err, socket) {
  // A stalled request (headersTimeout, requestTimeout) is just closed, as in Python and Go.
  if (err.code === "ERR_HTTP_REQUEST_TIMEOUT" || !socket.writable) return socket.destroy();
  // An answer that closes the connection is on its way, maybe behind pipelined ones (a GET with
  // "Transfer-Encoding: gzip" is answered 501 before llhttp refuses its body): it ends the
  // connection once it is out, and nothing the parser made of later bytes is answered.
  if (answered.has(socket)) return;
  const packet = (err.rawPacket ?? Buffer.alloc(0)).toString("latin1");
  const parts = packet.split("\r\n")[0].split(" ");
  const [method, target, version] = parts.length === 3 ? parts : [];
  let [status, message, headers] = [400, "request is not valid HTTP", {}];
  if (err.code === "HPE_HEADER_OVERFLOW") {
    [status, message] = [431, "request headers are too large"]; // beyond maxHeaderSize
  } else if (VERSION.test(version ?? "") && !["HTTP/1.0", "HTTP/1.1"].includes(version)) {
    [status, message] = [505, "HTTP version is not supported"]; // well-formed, not 1.0 or 1.1
  } else if ((err.code === "HPE_INVALID_METHOD" || method === "PRI") && TOKEN.test(method ?? "")) {
    // A method llhttp does not know (or in lower case: methods are case-sensitive), or PRI, which
    // it takes for HTTP/2's preface, is still a token: the path decides 404, the method 405.
    try {
      route(method, (target ?? "").split("?")[0]);
    } catch (refusal) {
      [status, message, headers] = [refusal.status, refusal.message, refusal.headers];
    }
  } else if (/^transfer-encoding:/im.test(packet)) {
    // RFC 9112 §6.1: Transfer-Encoding overrides Content-Length. Chunked is refused like any
    // chunked body (411); another coding is not implemented (501).
    const lines = packet.split("\r\n").filter((line) => /^transfer-encoding:/i.test(line));
    const values = lines.map((line) => line.slice(line.indexOf(":") + 1).replace(/^[ \t]+|[ \t]+$/g, ""));
    const chunked = values.join(", ").toLowerCase() === "chunked"; // RFC 9112 §7: case-insensitive
    [status, message] = chunked
      ? [411, "Content-Length is required"]
      : [501, "Transfer-Encoding must be chunked"];
  } else if (err.code === "HPE_INVALID_CONTENT_LENGTH" || err.code === "HPE_UNEXPECTED_CONTENT_LENGTH") {
    message = "Content-Length is not valid"; // not digits, or more than one
  }
  const framing = framings.get(socket);
  framing.refusal ??= [status, message, headers, framing.isHead && status !== 505];
  // A body cut short or badly chunked is the request in flight's own: refused at once.
  refuseWhenAnswered(socket, framing, framing.last?.complete === false);
}

// CONNECT (a tunnel through a proxy) never reaches handle(): this server is no proxy, so the
// target, which is no path, is not found, as Python and Go answer.
function onConnect(req, socket) {
  if (req.headers.host === undefined) {
    return refuse(socket, 400, "request is not valid HTTP"); // RFC 9112 §3.2, as in checkFraming
  }
  try {
    route(req.method, req.url.split("?")[0]);
  } catch (refusal) {
    return refuse(socket, refusal.status, refusal.message, refusal.headers);
  }
}

function main() {
  // The port: first argument, else $PORT, else 0 (the OS picks any free port).
  const port = Number(process.argv[2] ?? process.env.PORT ?? 0);
  // requireHostHeader: false, checkFraming refuses a missing Host in JSON (RFC 9112 §3.2).
  // Node checks the timeouts below every connectionsCheckingInterval ms (30 s by default).
  const options = {
    requireHostHeader: false,
    maxHeaderSize: MAX_HEADER_BYTES,
    connectionsCheckingInterval: 1000,
  };
  const server = http.createServer(options, handle);
  // SIGTERM (what process managers send) drains the server, and so does Ctrl-C: stop accepting,
  // close idle connections at once, let requests in flight (a POST whose body is still arriving
  // too) finish, each answer closing its connection, for up to DRAIN_TIMEOUT; then exit 0.
  // Installed before listening: a launcher may send it the moment it reads the readiness line.
  for (const signal of ["SIGTERM", "SIGINT"]) {
    process.on(signal, () => {
      draining = true;
      // Stop accepting; exit once the last connection is gone. (net's close, not http's, which
      // would also close the idle connections at once: see closeIdleWhenQuiet.)
      net.Server.prototype.close.call(server, () => process.exit(0));
      closeIdleWhenQuiet(server, -1);
      setTimeout(() => {
        // Past the deadline: cut what is left. Go and Python's exits close the connections at
        // once; Node's process.exit first waits for the work on libuv's thread pool (a password
        // hash under way), and the clients must not wait with it.
        for (const socket of connections) socket.destroy();
        process.exit(0);
      }, DRAIN_TIMEOUT * 1000).unref();
    });
  }
  // A slow client cannot hold a connection: HEADER_TIMEOUT for the headers, REQUEST_TIMEOUT for
  // the whole request, IDLE_TIMEOUT between keep-alive requests. The event loop serves other
  // clients meanwhile.
  server.headersTimeout = HEADER_TIMEOUT * 1000;
  server.requestTimeout = REQUEST_TIMEOUT * 1000;
  server.keepAliveTimeout = IDLE_TIMEOUT * 1000;
  server.on("connection", onConnection);
  server.on("request", countAnswers);
  server.on("clientError", onClientError);
  server.on("connect", onConnect);
  server.listen(port, HOST, () => {
    // Exactly one readiness line: a launcher waits for it and reads the real port from it.
    console.log(`listening on http://${HOST}:${server.address().port}`);
  });
}

main();
