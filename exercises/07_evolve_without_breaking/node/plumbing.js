// The plumbing of exercise 07, which is not what it is about: reading and writing JSON, the
// query of GET /users, one JSON response per request, and the launch contract. server.js requires what it needs
// from here; you need not open this file (but you may: nothing in it is hidden magic).
"use strict";

const http = require("node:http");

const HOST = "127.0.0.1";
const MAX_BODY_BYTES = 16384;
const DEFAULT_LIMIT = 20;
const MAX_LIMIT = 100;

// ---- Errors ----

// An answer the client caused: its status, the message of its JSON body, extra headers.
class ApiError extends Error {
  constructor(status, message, headers = {}) {
    super(message);
    this.status = status;
    this.headers = headers;
  }
}

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

// ---- Query parameters of GET /users ----

// The page size; an empty value (?limit=) is not a number, so it is refused like "abc".
function parseLimit(raw) {
  if (raw === null) return DEFAULT_LIMIT; // absent
  const limit = /^[0-9]+$/.test(raw) ? Number(raw) : 0;
  if (limit < 1 || limit > MAX_LIMIT) {
    throw new ApiError(400, `limit must be an integer from 1 to ${MAX_LIMIT}`);
  }
  return limit;
}

// The id after which the page starts; 0 (before every id) on the first page.
function parseCursor(raw) {
  if (raw === null) return 0; // absent
  if (!/^[0-9]+$/.test(raw)) throw new ApiError(400, "cursor is not valid"); // empty included
  return Number(raw);
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

module.exports = { ApiError, readBody, checkContentType, parseObject, parseLimit, parseCursor, serve };
