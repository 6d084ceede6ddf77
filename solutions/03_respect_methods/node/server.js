// BEGIN SOLUTION
// Exercise 03, solved: one resource, /greeting, that answers each method the way HTTP says.
// STARTER
// | // Exercise 03: one resource, /greeting, that answers each method the way HTTP says.
// END SOLUTION
//
//     node solutions/03_respect_methods/node/server.js [PORT]
//
// BEGIN SOLUTION
// Routing goes path first, then method, as for every resource: a path that names nothing is 404
// whatever the method (there is nothing to allow), a method the resource does not support is 405
// with the list of those it does.
// STARTER
// | // GET /greeting answers the greeting, and so does every other path and method. Make it answer
// | // HEAD, PUT, a method it does not support and a path that does not exist the way the README asks,
// | // then `make check EX=03 IN=node`.
// END SOLUTION

// The launch contract of exercise 01 (127.0.0.1, the port, the readiness line, draining on
// SIGTERM): launch.js, shared by exercises 02 to 08 (no need to open it).
const { serve } = require("./launch.js");

// BEGIN SOLUTION
const ALLOW = "GET, HEAD, PUT"; // the methods /greeting supports: what a 405 must list in Allow
// STARTER
// | const ALLOW = "GET, HEAD, PUT"; // the methods /greeting supports (TODO 5)
// END SOLUTION
const MAX_GREETING_BYTES = 1000;

// BEGIN SOLUTION
// The resource's state: PUT replaces it.
// STARTER
// | // The resource's state: PUT replaces it (TODO 4).
// END SOLUTION
let greeting = Buffer.from("Hello, World!\n");

// A text/plain response with its Content-Length and any extra headers.
function sendText(res, status, body, headers = {}) {
  res.writeHead(status, {
    "Content-Type": "text/plain; charset=utf-8",
    // BEGIN SOLUTION
    // For HEAD too: Content-Length says how long the GET body would be.
    // END SOLUTION
    "Content-Length": Buffer.byteLength(body),
    ...headers,
  });
  // BEGIN SOLUTION
  // HEAD is GET without the body: Node sends only the headers when the request was HEAD.
  // END SOLUTION
  res.end(body);
// BEGIN SOLUTION
}

// PUT: the request body is the new state of the resource, all of it.
function putGreeting(req, res) {
  const chunks = [];
  let size = 0;
  req.on("data", (chunk) => {
    size += chunk.length;
    if (size > MAX_GREETING_BYTES) {
      // Answer now and close: the rest of the body will not be read.
      res.setHeader("Connection", "close");
      sendText(res, 413, "a greeting is at most 1000 bytes\n");
      req.destroy();
    } else {
      chunks.push(chunk);
    }
  });
  req.on("end", () => {
    greeting = Buffer.concat(chunks);
    // 204: done, and nothing to send back; a 204 has no body, so no Content-Length either.
    res.writeHead(204).end();
  });
// END SOLUTION
}

// Node calls this for every request, whatever its method or path: routing is up to us.
function route(req, res) {
  // BEGIN SOLUTION
  // The request target is path?query; the query is input to the resource, not part of its
  // name, so /greeting?lang=en is still /greeting.
  const path = req.url.split("?")[0];
  if (path !== "/greeting") {
    sendText(res, 404, "not found\n");
  } else if (req.method === "GET" || req.method === "HEAD") {
    sendText(res, 200, greeting);
  } else if (req.method === "PUT") {
    putGreeting(req, res);
  } else {
    // 405, not 404: the resource exists. Allow tells the client what it can do instead.
    sendText(res, 405, "method not allowed\n", { Allow: ALLOW });
  }
  // STARTER
  // |   // TODO 1: only /greeting exists: every other path answers 404, whatever the method.
  // |   // TODO 2: the query string (?lang=en) is not part of the path; req.url holds both.
  // |   // TODO 3: HEAD /greeting: GET's status and headers, Content-Length included, and no body.
  // |   // TODO 4: PUT /greeting: the request body becomes the greeting; answer 204 No Content.
  // |   // TODO 5: POST, DELETE, PATCH /greeting: 405 Method Not Allowed, with an Allow header.
  // |   sendText(res, 200, greeting);
  // END SOLUTION
}

serve(route);
