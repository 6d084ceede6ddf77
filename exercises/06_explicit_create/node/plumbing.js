// The plumbing of exercise 06, which is not what it is about: reading a body and writing
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

module.exports = { ApiError, readBody, serve };
