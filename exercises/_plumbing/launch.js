// The launch contract, shared by exercises 02 to 08, each through the link launch.js beside its
// server.js: 02, 03, 04 and 08 call serve() themselves, plumbing.js calls it for 05 to 07. It is
// exercise 01's solution made a function, so that the other exercises hold only what they are
// about. You need not open it (but you may: nothing in it is hidden magic).
//
// serve(handler) listens on 127.0.0.1, on the port from the first argument, else $PORT, else 0
// (any free port); prints one readiness line, `listening on http://127.0.0.1:PORT`; and on SIGTERM
// or Ctrl-C lets the requests in flight finish, then exits 0.
"use strict";

const http = require("node:http");

const HOST = "127.0.0.1"; // only programs on this machine can reach the server

// Serve `handler` (Node calls it for every request, whatever its method or path) by the launch
// contract; `onStop`, if given, runs first when SIGTERM or SIGINT comes. Returns the http.Server.
function serve(handler, { onStop } = {}) {
  const port = Number(process.argv[2] ?? process.env.PORT ?? 0);
  const server = http.createServer(handler);
  // Deadlines, as in Go and Python: a slow or silent client cannot hold a connection forever.
  server.headersTimeout = 5000;
  server.requestTimeout = 10000;
  server.keepAliveTimeout = 30000;
  // Process managers stop a server with SIGTERM; Node's default is to die by it. Installed before
  // listening: a launcher may send SIGTERM the moment it reads the readiness line.
  for (const signal of ["SIGTERM", "SIGINT"]) {
    process.on(signal, () => {
      onStop?.();
      // Stop accepting, close the idle connections; exit 0 once the last connection is gone.
      server.close(() => process.exit(0));
      // Idle keep-alive connections close now; one busy with a request closes once it is
      // answered and idle (closeAllConnections would cut the requests in flight).
      setInterval(() => server.closeIdleConnections(), 20).unref();
    });
  }
  server.listen(port, HOST, () => {
    // Port 0 lets the OS choose: only the server knows the real port, so it says it.
    console.log(`listening on http://${HOST}:${server.address().port}`);
  });
  return server;
}

module.exports = { HOST, serve };
