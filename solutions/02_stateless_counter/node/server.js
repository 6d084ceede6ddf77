// BEGIN SOLUTION
// Exercise 02, solved: a visit counter whose state travels with the request.
// STARTER
// | // Exercise 02: a visit counter that forgets, and disagrees with its own replicas.
// END SOLUTION
//
// BEGIN SOLUTION
//     COUNTER_SECRET=some-long-random-key node solutions/02_stateless_counter/node/server.js [PORT]
// STARTER
// | //     node exercises/02_stateless_counter/node/server.js [PORT]
// END SOLUTION
//
// BEGIN SOLUTION
// The starter kept {visitor id: visits} in this process's memory, so a second replica or a restart
// did not know the visitor. Here the server keeps nothing: the count itself is the cookie, signed
// with a key every replica shares. Any replica can check the signature, read the count, add one and
// sign the new count. The process can die and come back; nothing is lost, because nothing is in it.
//
// The other road (see the README) keeps the counts in a store every replica shares, the way the
// `users` servers do with USERS_STORE: the cookie is then only an unguessable id.
// STARTER
// | // GET / answers {"visits": N}: how many times this client has visited, this visit included. The
// | // client is recognised by a cookie. It works, as long as there is only one process and it never
// | // restarts: the counts live in this process's memory. Make it stateless (the README says what that
// | // means here), then `make check EX=02 IN=node`.
// END SOLUTION

const crypto = require("node:crypto");
// The launch contract of exercise 01 (127.0.0.1, the port, the readiness line, draining on
// SIGTERM): launch.js, shared by exercises 02 to 08 (no need to open it).
const { serve } = require("./launch.js");

// BEGIN SOLUTION
const COOKIE = "visits";
const MAX_DIGITS = 18; // a count longer than this was not written by us (and would not fit Go's int64)
// STARTER
// | const COOKIE = "visitor";
// END SOLUTION

// BEGIN SOLUTION
// The signing key every replica shares; without it each replica would sign differently.
function secretFrom(env) {
  const secret = env.COUNTER_SECRET ?? "";
  if (!secret) {
    console.error("error: set COUNTER_SECRET to a long random string, the same for every replica " +
      "(it signs the visit cookies)");
    process.exit(1);
  }
  return Buffer.from(secret);
}

const SECRET = secretFrom(process.env);

// The cookie value for a count: the count, a dot, an HMAC-SHA256 of it under SECRET.
function sign(count) {
  const signature = crypto.createHmac("sha256", SECRET).update(String(count)).digest("hex");
  return `${count}.${signature}`;
}

// The count a cookie carries if we signed it, else 0: the client can read it, not forge it.
function verifiedCount(value) {
  const count = (value ?? "").split(".")[0];
  if (!/^[0-9]+$/.test(count) || count.length > MAX_DIGITS) return 0;
  const expected = Buffer.from(sign(Number(count)));
  const given = Buffer.from(value);
  // timingSafeEqual takes as long for a near miss as for a far one, so the time an answer takes
  // does not tell an attacker how many characters of a guessed signature were right. (It throws
  // on different lengths, so compare those first; a length reveals nothing here.)
  return given.length === expected.length && crypto.timingSafeEqual(given, expected) ? Number(count) : 0;
}
// STARTER
// | // TODO: this is the state to move out of the process. Another replica has its own Map, and a
// | // restart starts from an empty one. Every server the check starts gets two environment variables:
// | // COUNTER_SECRET (a key they all share) and COUNTER_STORE (a directory they all share).
// | const visits = new Map(); // visitor id -> visits so far
// | // (No lock: Node runs one handler at a time, and countVisit does not wait for anything.)
// END SOLUTION

// The value of one cookie in a Cookie request header, or undefined.
function cookieValue(header, name) {
  for (const pair of (header ?? "").split(";")) {
    const [key, ...value] = pair.trim().split("=");
    if (key === name) return value.join("=");
  }
  return undefined;
}

// BEGIN SOLUTION
// STARTER
// | // Count one visit; return the visitor's id (a new one for a new visitor) and their visits.
// | function countVisit(visitor) {
// |   if (!visits.has(visitor)) visitor = crypto.randomBytes(16).toString("hex");
// |   visits.set(visitor, (visits.get(visitor) ?? 0) + 1);
// |   return [visitor, visits.get(visitor)];
// | }
// |
// END SOLUTION
function counter(req, res) {
  if (req.method !== "GET" || req.url !== "/") {
    res.writeHead(404, { "Content-Type": "text/plain; charset=utf-8" }).end("not found\n");
    return;
  }
  // BEGIN SOLUTION
  // Everything this request needs is in this request: nothing is shared between requests.
  const count = verifiedCount(cookieValue(req.headers.cookie, COOKIE)) + 1;
  // STARTER
  // |   const [visitor, count] = countVisit(cookieValue(req.headers.cookie, COOKIE));
  // END SOLUTION
  const body = JSON.stringify({ visits: count }) + "\n";
  res.writeHead(200, {
    "Content-Type": "application/json",
    "Content-Length": Buffer.byteLength(body),
    // BEGIN SOLUTION
    // HttpOnly: page scripts cannot read it; SameSite=Lax: other sites' pages do not send it.
    "Set-Cookie": `${COOKIE}=${sign(count)}; Path=/; HttpOnly; SameSite=Lax`,
    // STARTER
    // |     "Set-Cookie": `${COOKIE}=${visitor}; Path=/; HttpOnly; SameSite=Lax`,
    // END SOLUTION
  });
  res.end(body);
}

serve(counter);
