// The plumbing of exercise 05, which is not what it is about: the store, reading and writing
// JSON, one JSON response per request, and the launch contract. server.js requires what it needs
// from here; you need not open this file (but you may: nothing in it is hidden magic).
"use strict";

const http = require("node:http");

const HOST = "127.0.0.1";
const MAX_BODY_BYTES = 16384;

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

// The users, in memory, in creation order; one user per email. Node runs one callback at a time
// and these methods are synchronous, so two requests never interleave inside them: no lock.
class MemoryStore {
  constructor() {
    this.users = new Map(); // id -> user; a Map iterates in creation order
    this.emails = new Map(); // email -> id of the user who has it
    this.lastId = 0;
  }

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

// ---- JSON in ----

// The request body, read to its end (Node has checked Content-Length against what arrives).
async function readBody(req) {
  const length = req.headers["content-length"];
  if (length === undefined) throw new ApiError(411, "Content-Length is required");
  if (Number(length) > MAX_BODY_BYTES) {
    throw new ApiError(413, `body must be at most ${MAX_BODY_BYTES} bytes`);
  }
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return Buffer.concat(chunks);
}

// Parameters such as "; charset=utf-8" are allowed, and media types are case-insensitive.
function checkContentType(req, allowed) {
  const mediaType = (req.headers["content-type"] ?? "").split(";")[0].trim().toLowerCase();
  if (!allowed.includes(mediaType)) {
    throw new ApiError(415, `Content-Type must be ${allowed.join(" or ")}`);
  }
}

// fatal: invalid UTF-8 throws, where Buffer.toString() would silently put U+FFFD in its place.
const UTF8 = new TextDecoder("utf-8", { fatal: true });

function parseObject(body) {
  let value;
  try {
    value = JSON.parse(UTF8.decode(body));
  } catch {
    throw new ApiError(400, "body is not valid JSON");
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new ApiError(400, "body must be a JSON object");
  }
  return value;
}

// Compact JSON, UTF-8, then a newline; always with a Content-Length.
function sendJson(res, status, headers, body) {
  res.statusCode = status;
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  if (body === null) return res.end(); // 204 has neither a body nor a Content-Length
  const bytes = Buffer.from(JSON.stringify(body) + "\n", "utf8");
  res.setHeader("Content-Type", "application/json");
  res.setHeader("Content-Length", bytes.length);
  res.end(bytes); // HEAD: Node sends the headers only
}

// ---- One JSON response per request, and start-up ----

// handlerFor(route): what Node calls for every request, whatever its method or path.
function handlerFor(route) {
  return async (req, res) => {
    try {
      const [handler, id] = route(req.method, req.url.split("?")[0]);
      const [status, headers, body] = await handler(req, id);
      sendJson(res, status, headers, body);
    } catch (err) {
      if (err instanceof ApiError) return sendJson(res, err.status, err.headers, { error: err.message });
      console.error(err); // a bug, not the client's fault: say so, and keep serving the others
      sendJson(res, 500, {}, { error: "internal server error" });
    }
  };
}

// ---- Start-up ----

// serve(route): the users API whose requests `route` dispatches, following the launch contract.
function serve(route) {
  const port = Number(process.argv[2] ?? process.env.PORT ?? 0);
  const server = http.createServer(handlerFor(route));
  // Deadlines, as in Go and Python: a slow or silent client cannot hold a connection forever.
  server.headersTimeout = 5000;
  server.requestTimeout = 10000;
  server.keepAliveTimeout = 30000;
  for (const signal of ["SIGTERM", "SIGINT"]) {
    process.on(signal, () => {
      server.close(() => process.exit(0));
      server.closeAllConnections();
    });
  }
  server.listen(port, HOST, () => {
    console.log(`listening on http://${HOST}:${server.address().port}`);
  });
}

module.exports = { ApiError, store, readBody, checkContentType, parseObject, serve };
