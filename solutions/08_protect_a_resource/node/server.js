// BEGIN SOLUTION
// Exercise 08, a solution: private notes, each readable and writable only with its owner's token.
// STARTER
// | // Exercise 08: private notes, each readable and writable only with its owner's token.
// END SOLUTION
//
//     AUTH_SECRET=key node solutions/08_protect_a_resource/node/server.js [PORT]
//
// GET and PUT /notes/{user} need `Authorization: Bearer <token>` for that user. A token is
// base64url(JSON {"sub": user, "exp": seconds}) "." base64url(HMAC-SHA256(AUTH_SECRET, first part)),
// BEGIN SOLUTION
// minted by someone else who holds the same key (here: the checks).
// STARTER
// | // minted by someone else who holds the same key (here: the checks). The notes, the routes and the
// | // JSON are done: make `authenticate` refuse what the README says, then `make check EX=08 IN=node`.
// END SOLUTION

"use strict";

const crypto = require("node:crypto");
// The launch contract of exercise 01 (127.0.0.1, the port, the readiness line, draining on
// SIGTERM): launch.js, shared by exercises 02 to 08 (no need to open it).
const { serve } = require("./launch.js");

const SECRET = process.env.AUTH_SECRET ?? "";
const REALM = 'Bearer realm="notes"';
const NOTE_PATH = /^\/notes\/([a-z0-9]+)$/;
const BEARER = /^Bearer +(\S+)$/i; // the scheme is case-insensitive (RFC 9110, 11.1)
const MAX_BODY_BYTES = 10000;

// The resource's state: one note per user. Node runs one callback at a time: no lock.
const notes = new Map();

// A request the server will not serve: its status, message and extra headers.
class Refused extends Error {
  constructor(status, message, headers = {}) {
    super(message);
    this.status = status;
    this.headers = headers;
  }
}

function sign(payload) {
  return crypto.createHmac("sha256", SECRET).update(payload).digest("base64url");
}

// Throw Refused unless the request carries a valid token of `user`, in the header.
function authenticate(authorization, query, user) {
  // BEGIN SOLUTION
  // A URL lands in logs and histories: a token there has leaked, even a good one.
  if (query.split("&").some((part) => part.split("=")[0] === "access_token")) {
    throw new Refused(400, "a token must not be sent in the URL", {
      "WWW-Authenticate": REALM + ', error="invalid_request"',
    });
  }
  // No credentials, or another scheme (Basic, Token): the bare challenge, no error code.
  if (!authorization || authorization.split(" ")[0].toLowerCase() !== "bearer") {
    throw new Refused(401, "a token is required", { "WWW-Authenticate": REALM });
  }
  const invalid = { "WWW-Authenticate": REALM + ', error="invalid_token"' };
  const found = BEARER.exec(authorization.trim());
  const parts = found ? found[1].split(".") : [];
  if (parts.length !== 2) throw new Refused(401, "token is not valid", invalid);
  const [payload, signature] = parts;
  // The signature first, compared in constant time: === would stop at the first different
  // byte, and the time it takes would tell an attacker how much of a forgery is right.
  // (timingSafeEqual throws on buffers of different lengths: compare the lengths first.)
  const [expected, given] = [Buffer.from(sign(payload)), Buffer.from(signature)];
  if (expected.length !== given.length || !crypto.timingSafeEqual(expected, given)) {
    throw new Refused(401, "token is not valid", invalid);
  }
  const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")); // signed: safe to read
  if (claims.exp <= Date.now() / 1000) throw new Refused(401, "token has expired", invalid);
  // Valid, but someone else's: the client is known, and no new token will change the answer.
  if (claims.sub !== user) throw new Refused(403, "the token is for another user");
  // STARTER
  // |   // TODO 7: a token in the query string (`access_token=...`) is refused, even a valid one:
  // |   //         400 with WWW-Authenticate: Bearer realm="notes", error="invalid_request".
  // |   // TODO 1: no Authorization header, or a scheme other than Bearer (Basic, Token): 401 with
  // |   //         WWW-Authenticate: Bearer realm="notes" (REALM), and no error code.
  // |   // TODO 4: "Bearer <payload>.<signature>": compute sign(payload) and compare it with the
  // |   //         signature in constant time; a malformed token or a wrong signature is 401 with
  // |   //         WWW-Authenticate: Bearer realm="notes", error="invalid_token".
  // |   // TODO 5: only then read the payload (base64url JSON): an "exp" that is not after now is 401
  // |   //         with error="invalid_token" too.
  // |   // TODO 6: a valid token whose "sub" is not `user` is 403, with no WWW-Authenticate.
  // |   // For now, anyone may read and write any note.
  // END SOLUTION
}

function sendJson(res, status, body, headers = {}) {
  const data = Buffer.from(JSON.stringify(body));
  res.writeHead(status, {
    "Content-Type": "application/json",
    "Content-Length": data.length,
    "Cache-Control": "private", // one user's note: no shared cache may keep it
    ...headers,
  });
  res.end(data);
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on("data", (chunk) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) reject(new Refused(413, "the body is too large"));
      chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

// Node calls this for every request; nothing here prints, so no secret reaches a log.
async function route(req, res) {
  const [path, query = ""] = req.url.split("?", 2);
  const found = NOTE_PATH.exec(path);
  try {
    if (!found || (req.method !== "GET" && req.method !== "PUT")) throw new Refused(404, "not found");
    const user = found[1];
    authenticate(req.headers.authorization, query, user);
    if (req.method === "PUT") {
      let body;
      try {
        body = JSON.parse((await readBody(req)).toString("utf8") || "null");
      } catch (err) {
        if (err instanceof Refused) throw err;
        throw new Refused(400, "the body is not JSON");
      }
      if (body === null || typeof body !== "object" || typeof body.note !== "string") {
        throw new Refused(400, 'the body must be {"note": "<text>"}');
      }
      notes.set(user, body.note);
    }
    sendJson(res, 200, { user, note: notes.get(user) ?? "" });
  } catch (err) {
    if (!(err instanceof Refused)) throw err;
    sendJson(res, err.status, { error: err.message }, err.headers);
  }
}

function main() {
  if (!SECRET) {
    console.error("server.js: set AUTH_SECRET, the key that signs the tokens");
    process.exit(1);
  }
  serve(route);
}

main();
