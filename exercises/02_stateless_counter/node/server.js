// Exercise 02: a visit counter that forgets, and disagrees with its own replicas.
//
//     node exercises/02_stateless_counter/node/server.js [PORT]
//
// GET / answers {"visits": N}: how many times this client has visited, this visit included. The
// client is recognised by a cookie. It works, as long as there is only one process and it never
// restarts: the counts live in this process's memory. Make it stateless (the README says what that
// means here), then `make check EX=02 IN=node`.

const crypto = require("node:crypto");
// The launch contract of exercise 01 (127.0.0.1, the port, the readiness line, draining on
// SIGTERM): launch.js, shared by exercises 02 to 08 (no need to open it).
const { serve } = require("./launch.js");

const COOKIE = "visitor";

// TODO: this is the state to move out of the process. Another replica has its own Map, and a
// restart starts from an empty one. Every server the check starts gets two environment variables:
// COUNTER_SECRET (a key they all share) and COUNTER_STORE (a directory they all share).
const visits = new Map(); // visitor id -> visits so far
// (No lock: Node runs one handler at a time, and countVisit does not wait for anything.)

// The value of one cookie in a Cookie request header, or undefined.
function cookieValue(header, name) {
  for (const pair of (header ?? "").split(";")) {
    const [key, ...value] = pair.trim().split("=");
    if (key === name) return value.join("=");
  }
  return undefined;
}

// Count one visit; return the visitor's id (a new one for a new visitor) and their visits.
function countVisit(visitor) {
  if (!visits.has(visitor)) visitor = crypto.randomBytes(16).toString("hex");
  visits.set(visitor, (visits.get(visitor) ?? 0) + 1);
  return [visitor, visits.get(visitor)];
}

function counter(req, res) {
  if (req.method !== "GET" || req.url !== "/") {
    res.writeHead(404, { "Content-Type": "text/plain; charset=utf-8" }).end("not found\n");
    return;
  }
  const [visitor, count] = countVisit(cookieValue(req.headers.cookie, COOKIE));
  const body = JSON.stringify({ visits: count }) + "\n";
  res.writeHead(200, {
    "Content-Type": "application/json",
    "Content-Length": Buffer.byteLength(body),
    "Set-Cookie": `${COOKIE}=${visitor}; Path=/; HttpOnly; SameSite=Lax`,
  });
  res.end(body);
}

serve(counter);
