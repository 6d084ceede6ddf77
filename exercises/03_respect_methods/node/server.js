// Exercise 03: one resource, /greeting, that answers each method the way HTTP says.
//
//     node exercises/03_respect_methods/node/server.js [PORT]
//
// GET /greeting answers the greeting, and so does every other path and method. Make it answer
// HEAD, PUT, a method it does not support and a path that does not exist the way the README asks,
// then `make check EX=03 IN=node`.

const http = require("node:http");

const HOST = "127.0.0.1";
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

function main() {
  const port = Number(process.argv[2] ?? process.env.PORT ?? 0);
  const server = http.createServer(route);
  // Deadlines, as in Go and Python: a slow or silent client cannot hold a connection forever.
  server.headersTimeout = 5000;
  server.requestTimeout = 10000;
  server.keepAliveTimeout = 30000;
  for (const signal of ["SIGTERM", "SIGINT"]) {
    process.on(signal, () => {
      server.close(() => process.exit(0));
      // Idle keep-alive connections close now; one busy with a request closes once it is
      // answered and idle (closeAllConnections would cut the requests in flight).
      setInterval(() => server.closeIdleConnections(), 20).unref();
    });
  }
  server.listen(port, HOST, () => {
    console.log(`listening on http://${HOST}:${server.address().port}`);
  });
}

main();
