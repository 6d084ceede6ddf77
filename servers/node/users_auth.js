// users_auth: authentication for the `users` API (servers/node/users.js), standard library only.
//
// Off unless USERS_AUTH_SECRET is set: then its value is the HMAC key of every token, and any
// `users` server started with the same secret, in any of the three languages, accepts the tokens of
// the others. The contract is in servers/README.md ("Authentication"); the same module in Python
// and Go: servers/python/users_auth.py, servers/go/users/auth.go.

"use strict";

const crypto = require("node:crypto");
const fs = require("node:fs");
const path = require("node:path");
const util = require("node:util");

// ---- Constants ----

const PBKDF2_ITERATIONS = 600000; // OWASP's 2023 figure for PBKDF2-HMAC-SHA256: ~0.2 s per guess here
const SALT_BYTES = 16;
const TOKEN_LIFETIME = 3600; // seconds; a token cannot be revoked, so it must not live long
const MIN_PASSWORD = 8;
const MAX_PASSWORD = 128;
const REALM = 'Bearer realm="users"';
// RFC 6750, section 2.1: b64token. Ours is base64url(payload) "." base64url(signature).
const TOKEN_PATTERN = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/;
const BEARER = /^Bearer +([A-Za-z0-9._~+/-]+=*)$/i; // the scheme is case-insensitive

// ---- Passwords at rest ----

function b64url(data) {
  return Buffer.from(data).toString("base64url"); // no padding, like Python's and Go's here
}

// crypto.pbkdf2, not pbkdf2Sync: the hash runs on libuv's thread pool while the event loop serves
// other clients. The synchronous form would stop the whole server for every guess (Python's
// hashlib releases the GIL and Go hashes on the request's goroutine, so neither has this trap).
const pbkdf2 = util.promisify(crypto.pbkdf2);

// "pbkdf2_sha256$<iterations>$<salt>$<hash>": everything a later check needs, no password.
async function hashPassword(password, iterations, salt = crypto.randomBytes(SALT_BYTES)) {
  const derived = await pbkdf2(password, salt, iterations, 32, "sha256");
  return `pbkdf2_sha256$${iterations}$${b64url(salt)}$${b64url(derived)}`;
}

// Hash the guess with the stored salt and count, then compare in constant time.
async function verifyPassword(password, stored) {
  const [, iterations, salt, expected] = stored.split("$");
  const derived = await pbkdf2(password, Buffer.from(salt, "base64url"), Number(iterations), 32, "sha256");
  return constantTimeEqual(b64url(derived), expected);
}

// timingSafeEqual takes as long for a first byte that differs as for a last one: the time of a
// refusal tells an attacker nothing about how close the guess was. (It throws on unequal lengths.)
function constantTimeEqual(a, b) {
  const [x, y] = [Buffer.from(a), Buffer.from(b)];
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}

// ---- Signed tokens ----

function sign(secret, payload) {
  return crypto.createHmac("sha256", secret).update(payload).digest("base64url");
}

// base64url({"sub":..,"exp":..}) "." base64url(HMAC-SHA256(secret, the first part)).
function mintToken(secret, sub, exp) {
  const payload = b64url(JSON.stringify({ sub, exp }));
  return `${payload}.${sign(secret, payload)}`;
}

// [the user id, ""] for a good token, else [null, why]: "not valid" or "expired".
function verifyToken(secret, token, now) {
  if (!TOKEN_PATTERN.test(token)) return [null, "token is not valid"];
  const [payload, signature] = token.split(".");
  // The signature first, in constant time: nothing of an unsigned payload is even decoded.
  if (!constantTimeEqual(sign(secret, payload), signature)) return [null, "token is not valid"];
  const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
  if (claims.exp <= now) return [null, "token has expired"];
  return [claims.sub, ""];
}

// ---- Credentials: one password hash per user id ----

// Hashes in this process's memory, beside the MemoryStore.
class MemoryCredentials {
  constructor() {
    this.hashes = new Map();
  }

  save(id, stored) {
    this.hashes.set(id, stored);
  }

  load(id) {
    return this.hashes.get(id) ?? null;
  }
}

// Hashes in USERS_STORE/passwords/<id>, shared by every process of that store.
class FileCredentials {
  constructor(directory) {
    this.folder = path.join(directory, "passwords");
    fs.mkdirSync(this.folder, { recursive: true });
  }

  save(id, stored) {
    const temporary = path.join(this.folder, `.${id}.${crypto.randomBytes(8).toString("hex")}`);
    fs.writeFileSync(temporary, stored);
    fs.renameSync(temporary, path.join(this.folder, id)); // readers see the whole hash or none
  }

  load(id) {
    try {
      return fs.readFileSync(path.join(this.folder, id), "utf8");
    } catch (err) {
      if (err.code === "ENOENT") return null;
      throw err;
    }
  }
}

// ---- The decisions: who may do what ----

// What users.js asks when auth is on; makeError(status, message, headers) makes its ApiError.
class Auth {
  constructor(secret, iterations, directory, makeError) {
    this.secret = Buffer.from(secret);
    this.iterations = iterations;
    this.credentials = directory ? new FileCredentials(directory) : new MemoryCredentials();
    this.error = makeError;
    // Hashed once, so that an unknown email costs as much time as a wrong password (a promise).
    this.decoy = hashPassword(crypto.randomBytes(32).toString("base64url"), iterations);
  }

  // A URL ends up in logs, history and Referer headers: a token there is a leaked token.
  refuseTokenInUrl(query) {
    if (query.split("&").some((part) => part.split("=")[0] === "access_token")) {
      const challenge = REALM + ', error="invalid_request"';
      throw this.error(400, "a token must not be sent in the URL", { "WWW-Authenticate": challenge });
    }
  }

  // The token must be valid (else 401) and be this user's (else 403).
  authorize(authorization, id) {
    const value = authorization.join(", ").trim();
    if (value.split(" ")[0].toLowerCase() !== "bearer") {
      // none, or another scheme: no token at all
      throw this.error(401, "a token is required", { "WWW-Authenticate": REALM });
    }
    const found = BEARER.exec(value); // also refuses two Authorization lines, joined by ", "
    let [sub, why] = [null, "token is not valid"];
    if (found) [sub, why] = verifyToken(this.secret, found[1], Math.floor(Date.now() / 1000));
    if (sub === null) {
      const challenge = `${REALM}, error="invalid_token", error_description="${why}"`;
      throw this.error(401, why, { "WWW-Authenticate": challenge });
    }
    if (sub !== id) throw this.error(403, "the token is for another user");
  }

  // Remove the password from a POST body, so the user's fields are checked as before.
  takePassword(fields) {
    const password = fields.password ?? null;
    delete fields.password;
    return password;
  }

  // Check a new password (400), then hash it.
  async hashNew(password) {
    if (password === null) throw this.error(400, "password is required");
    if (typeof password !== "string") throw this.error(400, "password must be a string");
    const length = [...password].length; // code points, as Python's len() and Go's RuneCount
    if (length < MIN_PASSWORD || length > MAX_PASSWORD) {
      throw this.error(400, `password must be ${MIN_PASSWORD} to ${MAX_PASSWORD} characters`);
    }
    return hashPassword(password, this.iterations);
  }

  // POST /tokens: a token for the right email and password; one 401 for any wrong one.
  async issue(fields, store) {
    const unknown = Object.keys(fields).filter((key) => key !== "email" && key !== "password");
    unknown.sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))); // by code point
    if (unknown.length > 0) throw this.error(400, `unknown field: ${unknown[0]}`);
    for (const field of ["email", "password"]) {
      if (fields[field] === undefined || fields[field] === null) throw this.error(400, `${field} is required`);
      if (typeof fields[field] !== "string") throw this.error(400, `${field} must be a string`);
    }
    const id = ownerOf(store, fields.email);
    const stored = id ? this.credentials.load(id) : null;
    // An unknown email is checked against the decoy: same time, same answer as a wrong password.
    if (!(await verifyPassword(fields.password, stored ?? (await this.decoy))) || stored === null) {
      throw this.error(401, "email or password is not correct", { "WWW-Authenticate": REALM });
    }
    const exp = Math.floor(Date.now() / 1000) + TOKEN_LIFETIME;
    return { token: mintToken(this.secret, id, exp), expires_in: TOKEN_LIFETIME };
  }
}

// The id of the user who has this email: the store's own index (servers/README.md).
function ownerOf(store, email) {
  if (store.owners) return store.owner(email); // MemoryStore
  try {
    return fs.readFileSync(store.emailPath(email), "utf8"); // FileStore: emails/<sha256> holds the id
  } catch (err) {
    if (err.code === "ENOENT") return null;
    throw err;
  }
}

// Auth as the environment asks: null (off) unless USERS_AUTH_SECRET is set.
function fromEnvironment(makeError) {
  const secret = process.env.USERS_AUTH_SECRET;
  if (!secret) return null;
  // For tests only: fewer iterations make a test suite fast and a password cheap to guess.
  const iterations = Number(process.env.USERS_PBKDF2_ITERATIONS || PBKDF2_ITERATIONS);
  return new Auth(secret, iterations, process.env.USERS_STORE, makeError);
}

module.exports = { fromEnvironment, hashPassword, verifyPassword, mintToken, verifyToken };
