// Exercise 08: private notes, each readable and writable only with its owner's token.
//
//     AUTH_SECRET=key node exercises/08_protect_a_resource/node/server.js [PORT]
//
// GET and PUT /notes/{user} need `Authorization: Bearer <token>` for that user. A token is
// base64url(JSON {"sub": user, "exp": seconds}) "." base64url(HMAC-SHA256(AUTH_SECRET, first part)),
// minted by someone else who holds the same key (here: the checks). The notes, the routes and the
// JSON are done: make `authenticate` refuse what the README says, then `make check EX=08 IN=node`.

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
  // TODO 7: a token in the query string (`access_token=...`) is refused, even a valid one:
  //         400 with WWW-Authenticate: Bearer realm="notes", error="invalid_request".
  // TODO 1: no Authorization header, or a scheme other than Bearer (Basic, Token): 401 with
  //         WWW-Authenticate: Bearer realm="notes" (REALM), and no error code.
  // TODO 4: "Bearer <payload>.<signature>": compute sign(payload) and compare it with the
  //         signature in constant time; a malformed token or a wrong signature is 401 with
  //         WWW-Authenticate: Bearer realm="notes", error="invalid_token".
  // TODO 5: only then read the payload (base64url JSON): an "exp" that is not after now is 401
  //         with error="invalid_token" too.
  // TODO 6: a valid token whose "sub" is not `user` is 403, with no WWW-Authenticate.
  // For now, anyone may read and write any note.
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
