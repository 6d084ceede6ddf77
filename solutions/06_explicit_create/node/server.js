// BEGIN SOLUTION
// Exercise 06, solved: POST /users says exactly what it did, and exactly what was wrong.
// STARTER
// | // Exercise 06: POST /users says exactly what it did, and exactly what was wrong.
// END SOLUTION
//
//     node solutions/06_explicit_create/node/server.js [PORT]
//
// BEGIN SOLUTION
// Every outcome is explicit: 201 with the user and its Location when it worked; otherwise one
// status and one message per reason (415, 400, 409), from servers/README.md, word for word, so a
// client can act on each one. Nothing is guessed, filled in or silently dropped.
// STARTER
// | // POST /users creates a user from whatever it gets, answers 200 and an id, and never says no.
// | // Make every outcome explicit the way the README asks, then `make check EX=06 IN=node`.
// END SOLUTION

"use strict";

// Reading a body, JSON out, routing, the launch contract, the contract's limits: plumbing.js,
// shared by exercises 05 to 07 (no need to open it).
const {
  MAX_EMAIL, MAX_NAME, EMAIL_PATTERN, ApiError, emailKey, readBody, checkDepth, wellFormed, serve,
} = require("./plumbing.js");

// ---- Store ----

// BEGIN SOLUTION
// The users, in memory, in creation order; one user per email. Node runs one callback at a time
// STARTER
// | // The users, in memory, in creation order. Node runs one callback at a time
// END SOLUTION
// and these methods are synchronous, so two requests never interleave inside them: no lock.
class MemoryStore {
  constructor() {
    this.users = new Map(); // id -> user; a Map iterates in creation order
    // BEGIN SOLUTION
    this.owners = new Map(); // emailKey(email) -> the id of the user who has it
    // END SOLUTION
    this.lastId = 0;
  }

  // BEGIN SOLUTION
  // Check and insert in one synchronous step: no other request can insert the same email between.
  // Ada@Example.COM is ada@example.com (emailKey).
  // END SOLUTION
  create(email, name) {
    // BEGIN SOLUTION
    if (this.owners.has(emailKey(email))) throw new ApiError(409, "email is already in use");
    // STARTER
    // |     // TODO 8: one user per email: a second one is 409 {"error": "email is already in use"}.
    // END SOLUTION
    const user = { id: String(++this.lastId), email, name };
    this.users.set(user.id, user);
    // BEGIN SOLUTION
    this.owners.set(emailKey(email), user.id);
    // END SOLUTION
    return user;
  }

  get(id) {
    return this.users.get(id); // undefined if there is no such user
  }
}

const store = new MemoryStore();

// ---- Validation ----

// BEGIN SOLUTION
// Parameters such as "; charset=utf-8" are allowed, and media types are case-insensitive.
function checkContentType(req, allowed) {
  const mediaType = (req.headers["content-type"] ?? "").split(";")[0].trim().toLowerCase();
  if (!allowed.includes(mediaType)) {
    throw new ApiError(415, `Content-Type must be ${allowed.join(" or ")}`);
  }
}

// fatal: invalid UTF-8 throws, where Buffer.toString() would silently put U+FFFD in its place.
const UTF8 = new TextDecoder("utf-8", { fatal: true });

// The body as a JSON object, else a 400 that says which of the two it is not.
// STARTER
// | // TODO 3: checkContentType(req, allowed): a Content-Type other than application/json is
// | //         415 {"error": "Content-Type must be application/json"}.
// |
// | // The body as a JSON object; anything else counts as an empty one.
// | // TODO 4: a body that is not JSON, or JSON but not an object, is the client's mistake: 400,
// | //         with a message that says which of the two.
// END SOLUTION
function parseObject(body) {
  checkDepth(body); // the contract's limit on nesting, before the parser recurses
  let value;
  try {
    // BEGIN SOLUTION
    // wellFormed (plumbing.js): "\ud800", half a UTF-16 pair, is no character: invalid too.
    value = JSON.parse(UTF8.decode(body), wellFormed);
  } catch {
    throw new ApiError(400, "body is not valid JSON");
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new ApiError(400, "body must be a JSON object");
  }
  return value;
  // STARTER
  // |     value = JSON.parse(body.toString("utf8"));
  // |   } catch {
  // |     return {};
  // |   }
  // |   return value !== null && typeof value === "object" && !Array.isArray(value) ? value : {};
  // END SOLUTION
}

// BEGIN SOLUTION
// The checked email and name of a POST body: the first problem found, as a 400.
// STARTER
// | // The email and name of a POST body; whatever is not a string becomes an empty one.
// END SOLUTION
function validateUser(fields) {
  // BEGIN SOLUTION
  // A field the API does not define is an error, not something to drop: a typo such as "nmae"
  // would otherwise create a user without the name the client meant to send.
  if (Object.hasOwn(fields, "id")) throw new ApiError(400, "id is assigned by the server");
  const unknown = Object.keys(fields).filter((key) => key !== "email" && key !== "name").sort();
  if (unknown.length > 0) throw new ApiError(400, `unknown field: ${unknown[0]}`); // sorted: stable
  const checked = {};
  for (const field of ["email", "name"]) { // one field entirely, then the other
    const value = fields[field];
    // Required: never guessed or filled in with a default.
    if (value === undefined || value === null) throw new ApiError(400, `${field} is required`);
    if (typeof value !== "string") throw new ApiError(400, `${field} must be a string`);
    const length = [...value].length; // code points; value.length would count UTF-16 units
    if (field === "email" && length > MAX_EMAIL) {
      throw new ApiError(400, `email must be at most ${MAX_EMAIL} characters`);
    }
    if (field === "email" && !EMAIL_PATTERN.test(value)) {
      throw new ApiError(400, "email must look like name@example.com");
    }
    if (field === "name" && (length < 1 || length > MAX_NAME)) {
      throw new ApiError(400, `name must be 1 to ${MAX_NAME} characters`);
    }
    checked[field] = value;
  }
  return checked;
  // STARTER
  // |   // TODO 5: a missing field, or one that is not a string: 400, each with its own message.
  // |   // TODO 6: an email or a name out of bounds: 400, each with its own message.
  // |   // TODO 7: a field the API does not define (`id`, or a typo such as `nmae`): 400.
  // |   // The messages, word for word, and their order: servers/README.md.
  // |   const { email, name } = fields;
  // |   return {
  // |     email: typeof email === "string" ? email : "",
  // |     name: typeof name === "string" ? name : "",
  // |   };
  // END SOLUTION
}

// ---- Handlers ----

// Each handler returns [status, headers, body].

// BEGIN SOLUTION
// One check after the other, in the order of servers/README.md, so that a request with two
// problems always gets the same answer: the media type (415), the syntax (400), each field (400),
// then what only the store knows, the other users (409).
// END SOLUTION
async function createUser(req, id) {
  const body = await readBody(req);
  // BEGIN SOLUTION
  checkContentType(req, ["application/json"]);
  // STARTER
  // |   // TODO 3: the Content-Type (415), before the body is parsed.
  // END SOLUTION
  const fields = validateUser(parseObject(body));
  const user = store.create(fields.email, fields.name);
  // BEGIN SOLUTION
  // 201, not 200: something new exists, and Location says where (RFC 9110 §15.3.2). The body is
  // the user as stored, id included: the client needs no second request to learn it.
  return [201, { Location: `/users/${user.id}` }, user];
  // STARTER
  // |   // TODO 1: 201 Created, and Location: /users/{id} says where the new user is.
  // |   // TODO 2: the body is the user as stored, all of it.
  // |   return [200, {}, { id: user.id }];
  // END SOLUTION
}

function getUser(req, id) {
  const user = store.get(id);
  if (user === undefined) throw new ApiError(404, "user not found");
  return [200, {}, user];
}

// ---- Routing ----

// The handlers by method, in the order a 405's Allow header lists them: /users, then /users/{id}.
const COLLECTION_HANDLERS = { POST: createUser };
const ITEM_HANDLERS = { GET: getUser, HEAD: getUser };

serve(COLLECTION_HANDLERS, ITEM_HANDLERS);
