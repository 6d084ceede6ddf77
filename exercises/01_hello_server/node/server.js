// Exercise 01: a hello server that a launcher can start, reach and stop.
//
//     node exercises/01_hello_server/node/server.js
//
// It runs as it is (it listens on port 8000: try it), but it breaks every rule of the launch
// contract in servers/README.md. Do the TODOs in order, then `make check EX=01 IN=node`.

const http = require("node:http");

// TODO 3: listen on 127.0.0.1 only. "0.0.0.0" means every address of this machine.
const HOST = "0.0.0.0";

function hello(req, res) {
  // TODO 2: answer GET / with 200 and a short text/plain body, e.g. "Hello, World!\n".
  res.statusCode = 501;
  res.end();
}

function main() {
  // TODO 4: the port is the first command-line argument, else $PORT, else 0 (any free port).
  const port = 8000;
  const server = http.createServer(hello);
  // Deadlines, as in Go and Python: a slow or silent client cannot hold a connection forever.
  server.headersTimeout = 5000;
  server.requestTimeout = 10000;
  server.keepAliveTimeout = 30000;
  server.listen(port, HOST, () => {
    // TODO 1: print exactly one readiness line, `listening on http://127.0.0.1:PORT`, with the
    // port the server really got.
  });
  // TODO 5: exit with status 0 on SIGTERM (and on Ctrl-C, SIGINT).
}

main();
