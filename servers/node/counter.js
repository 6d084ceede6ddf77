// counter: a server that keeps state, in its own memory or in a directory it shares (lesson 03).
//
//     node servers/node/counter.js [PORT]
//     COUNTER_STORE=DIR node servers/node/counter.js [PORT]
//
// POST /count adds one and answers {"count": N}; GET /count answers the count without changing it.
// By default the count lives in this process: a restart forgets it, and a second process has its own.
// With COUNTER_STORE=DIR it lives in DIR, as one file per increment, and every counter process
// started with the same DIR (in any of the three languages) counts on the same number.

const fs = require("node:fs");
const path = require("node:path");
const http = require("node:http");

// ---- Constants ----

const HOST = "127.0.0.1";
const ALLOW = "GET, HEAD, POST";

// ---- Store ----

// The state this lesson is about: one number. Without COUNTER_STORE it is a variable of this process.
// Node runs one handler at a time, so no lock is needed to add one in memory.
const STORE = process.env.COUNTER_STORE || null; // a directory every replica shares, or null
let count = 0;

// The count kept in a directory: the highest file name there, 0 if there is none.
function highest(directory) {
  const numbers = fs.readdirSync(directory).filter((name) => /^[0-9]+$/.test(name)).map(Number);
  return Math.max(0, ...numbers);
}

// Create the file for the next count; the number it got.
function addOneIn(directory) {
  for (let n = highest(directory) + 1; ; n++) {
    try {
      // "wx": create the file, or fail if it exists. The file system decides which of two
      // processes racing for n wins, atomically: create-if-absent, like a database's unique key.
      fs.closeSync(fs.openSync(path.join(directory, String(n)), "wx"));
      return n;
    } catch (err) {
      if (err.code !== "EEXIST") throw err;
      // another replica counted n first: its n stands, ours is the next one
    }
  }
}

function addOne() {
  if (STORE) return addOneIn(STORE);
  count += 1;
  return count;
}

function current() {
  return STORE ? highest(STORE) : count;
}

// ---- Handlers ----

function sendJSON(res, status, body, headers = {}) {
  const data = JSON.stringify(body) + "\n";
  res.writeHead(status, {
    ...headers,
    "Content-Type": "application/json",
    "Content-Length": Buffer.byteLength(data),
  });
  res.end(data); // Node leaves the body out for HEAD
}

function handle(req, res) {
  if (req.url !== "/count") {
    return sendJSON(res, 404, { error: "not found" });
  }
  if (req.method === "GET" || req.method === "HEAD") {
    return sendJSON(res, 200, { count: current() });
  }
  if (req.method === "POST") {
    return sendJSON(res, 200, { count: addOne() });
  }
  // Any other method (PUT, DELETE, ...): 405 and the methods that do work.
  sendJSON(res, 405, { error: "method not allowed" }, { Allow: ALLOW });
}

// ---- Start-up ----

function main() {
  // The port: first argument, else $PORT, else 0 (the OS picks any free port).
  const port = Number(process.argv[2] ?? process.env.PORT ?? 0);
  if (STORE) fs.mkdirSync(STORE, { recursive: true });
  const server = http.createServer(handle);
  // SIGTERM (what process managers send) stops the server the way Ctrl-C does.
  // Caught from here on, before anyone is told the server is ready.
  for (const signal of ["SIGTERM", "SIGINT"]) {
    process.on(signal, () => {
      server.close(() => process.exit(0));
      // Idle keep-alive connections close now; one busy with a request closes once it is
      // answered and idle (closeAllConnections would cut the requests in flight).
      setInterval(() => server.closeIdleConnections(), 20).unref();
    });
  }
  server.listen(port, HOST, () => {
    // Exactly one readiness line: a launcher waits for it and reads the real port from it.
    console.log(`listening on http://${HOST}:${server.address().port}`);
  });
}

main();
