// hello: the smallest HTTP server Node's standard library can run.
//
//     node servers/node/hello.js [PORT]
//
// The library's usual first example, changed in four ways a launcher needs (each marked below):
// 127.0.0.1, the port from the command line, one readiness line, a clean exit on SIGTERM.

const http = require("node:http");

// 127.0.0.1, not 0.0.0.0: only programs on this machine can reach a lesson's server.
const HOST = "127.0.0.1";

// Node calls this for every request, whatever its method or path: routing is up to us.
function hello(req, res) {
  res.setHeader("Content-Type", "text/plain; charset=utf-8");
  res.end("Hello, World!\n");
}

function main() {
  // The port: first argument, else $PORT, else 0 (the OS picks any free port).
  const port = Number(process.argv[2] ?? process.env.PORT ?? 0);
  const server = http.createServer(hello);
  server.listen(port, HOST, () => {
    // Exactly one readiness line: a launcher waits for it and reads the real port from it.
    console.log(`listening on http://${HOST}:${server.address().port}`);
  });
  // SIGTERM (what process managers send) stops the server the way Ctrl-C does.
  for (const signal of ["SIGTERM", "SIGINT"]) {
    process.on(signal, () => {
      server.close(() => process.exit(0));
      // Idle keep-alive connections close now; one busy with a request closes once it is
      // answered and idle (closeAllConnections would cut the requests in flight).
      setInterval(() => server.closeIdleConnections(), 20).unref();
    });
  }
}

main();
