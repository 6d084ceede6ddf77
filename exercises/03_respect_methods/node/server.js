// Exercise 03: one resource, /greeting, that answers each method the way HTTP says.
//
//     node exercises/03_respect_methods/node/server.js [PORT]
//
// GET /greeting answers the greeting, and so does every other path and method. Make it answer
// HEAD, PUT, a method it does not support and a path that does not exist the way the README asks,
// then `make check EX=03 IN=node`.

// The launch contract of exercise 01 (127.0.0.1, the port, the readiness line, draining on
// SIGTERM): launch.js, shared by exercises 02 to 08 (no need to open it).
const { serve } = require("./launch.js");

const ALLOW = "GET, HEAD, PUT"; // the methods /greeting supports (TODO 5)
const MAX_GREETING_BYTES = 1000;

// The resource's state: PUT replaces it (TODO 4).
let greeting = Buffer.from("Hello, World!\n");

// A text/plain response with its Content-Length and any extra headers.
function sendText(res, status, body, headers = {}) {
  res.writeHead(status, {
    "Content-Type": "text/plain; charset=utf-8",
    "Content-Length": Buffer.byteLength(body),
    ...headers,
  });
  res.end(body);
}

// Node calls this for every request, whatever its method or path: routing is up to us.
function route(req, res) {
  // TODO 1: only /greeting exists: every other path answers 404, whatever the method.
  // TODO 2: the query string (?lang=en) is not part of the path; req.url holds both.
  // TODO 3: HEAD /greeting: GET's status and headers, Content-Length included, and no body.
  // TODO 4: PUT /greeting: the request body becomes the greeting; answer 204 No Content.
  // TODO 5: POST, DELETE, PATCH /greeting: 405 Method Not Allowed, with an Allow header.
  sendText(res, 200, greeting);
}

serve(route);
