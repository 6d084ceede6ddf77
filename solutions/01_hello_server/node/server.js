// BEGIN SOLUTION
// Exercise 01, solved: a hello server that follows the launch contract.
// STARTER
// | // Exercise 01: a hello server that a launcher can start, reach and stop.
// END SOLUTION
//
// BEGIN SOLUTION
//     node solutions/01_hello_server/node/server.js [PORT]
// STARTER
// | //     node exercises/01_hello_server/node/server.js
// END SOLUTION
//
// BEGIN SOLUTION
// Each numbered comment is the TODO of the starter it answers, and why the contract asks for it.
// STARTER
// | // It runs as it is (it listens on port 8000: try it), but it breaks every rule of the launch
// | // contract in servers/README.md. Do the TODOs in order, then `make check EX=01 IN=node`.
// END SOLUTION

const http = require("node:http");

// BEGIN SOLUTION
// 3. 127.0.0.1 is the loopback address: only programs on this machine can connect. "0.0.0.0"
// would accept connections on every network interface, from anyone who can reach the machine.
const HOST = "127.0.0.1";
// STARTER
// | // TODO 3: listen on 127.0.0.1 only. "0.0.0.0" means every address of this machine.
// | const HOST = "0.0.0.0";
// END SOLUTION

// BEGIN SOLUTION
// 2. Node calls this for every request, whatever its method or path: routing is up to us.
// END SOLUTION
function hello(req, res) {
  // BEGIN SOLUTION
  const body = "Hello, World!\n";
  // Say what the bytes are: text, in UTF-8. A client should never have to guess.
  res.setHeader("Content-Type", "text/plain; charset=utf-8");
  // Say where the body ends, so the client need not wait for the connection to close.
  res.setHeader("Content-Length", Buffer.byteLength(body));
  res.end(body);
}

// 4. The first argument, else $PORT, else 0: whoever starts the server chooses the port.
function portFrom(argv, env) {
  return Number(argv[2] ?? env.PORT ?? 0);
  // STARTER
  // |   // TODO 2: answer GET / with 200 and a short text/plain body, e.g. "Hello, World!\n".
  // |   res.statusCode = 501;
  // |   res.end();
  // END SOLUTION
}

function main() {
  // BEGIN SOLUTION
  // STARTER
  // |   // TODO 4: the port is the first command-line argument, else $PORT, else 0 (any free port).
  // |   const port = 8000;
  // END SOLUTION
  const server = http.createServer(hello);
  // Deadlines, as in Go and Python: a slow or silent client cannot hold a connection forever.
  server.headersTimeout = 5000;
  server.requestTimeout = 10000;
  server.keepAliveTimeout = 30000;
  // BEGIN SOLUTION
  // 5. Process managers stop a server with SIGTERM. Node's default is to die by the signal;
  // with a handler we close the server (and its idle keep-alive connections) and exit 0.
  // Set up before the readiness line: a launcher may send SIGTERM the moment it reads it.
  for (const signal of ["SIGTERM", "SIGINT"]) {
    process.on(signal, () => {
      server.close(() => process.exit(0));
      // Idle keep-alive connections close now; one busy with a request closes once it is
      // answered and idle (closeAllConnections would cut the requests in flight).
      setInterval(() => server.closeIdleConnections(), 20).unref();
    });
  }
  server.listen(portFrom(process.argv, process.env), HOST, () => {
    // 1. Port 0 asks the OS for any free port, so only the server knows the real one: it says
    // so in one line, once it accepts connections (this callback runs then).
    console.log(`listening on http://${HOST}:${server.address().port}`);
  // STARTER
  // |   server.listen(port, HOST, () => {
  // |     // TODO 1: print exactly one readiness line, `listening on http://127.0.0.1:PORT`, with the
  // |     // port the server really got.
  // END SOLUTION
  });
  // BEGIN SOLUTION
  // STARTER
  // |   // TODO 5: exit with status 0 on SIGTERM (and on Ctrl-C, SIGINT).
  // END SOLUTION
}

main();
