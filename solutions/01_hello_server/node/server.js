// Exercise 01, solved: a hello server that follows the launch contract.
//
//     node solutions/01_hello_server/node/server.js [PORT]
//
// Each numbered comment is the TODO of the starter it answers, and why the contract asks for it.

const http = require("node:http");

// 3. 127.0.0.1 is the loopback address: only programs on this machine can connect. "0.0.0.0"
// would accept connections on every network interface, from anyone who can reach the machine.
const HOST = "127.0.0.1";

// 2. Node calls this for every request, whatever its method or path: routing is up to us.
function hello(req, res) {
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
}

function main() {
  const server = http.createServer(hello);
  // 5. Process managers stop a server with SIGTERM. Node's default is to die by the signal;
  // with a handler we close the server (and its idle keep-alive connections) and exit 0.
  // Set up before the readiness line: a launcher may send SIGTERM the moment it reads it.
  for (const signal of ["SIGTERM", "SIGINT"]) {
    process.on(signal, () => {
      server.close(() => process.exit(0));
      server.closeAllConnections();
    });
  }
  server.listen(portFrom(process.argv, process.env), HOST, () => {
    // 1. Port 0 asks the OS for any free port, so only the server knows the real one: it says
    // so in one line, once it accepts connections (this callback runs then).
    console.log(`listening on http://${HOST}:${server.address().port}`);
  });
}

main();
