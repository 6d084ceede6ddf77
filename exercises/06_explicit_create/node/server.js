// Exercise 06: POST /users says exactly what it did, and exactly what was wrong.
//
//     node exercises/06_explicit_create/node/server.js [PORT]
//
// POST /users creates a user from whatever it gets, answers 200 and an id, and never says no.
// Make every outcome explicit the way the README asks, then `make check EX=06 IN=node`.

"use strict";

// Reading a body, JSON out, routing, the launch contract, the contract's limits: plumbing.js,
// shared by exercises 05 to 07 (no need to open it).
const {
  MAX_EMAIL, MAX_NAME, EMAIL_PATTERN, ApiError, emailKey, readBody, checkDepth, wellFormed, serve,
} = require("./plumbing.js");

// ---- Store ----

// The users, in memory, in creation order. Node runs one callback at a time
// and these methods are synchronous, so two requests never interleave inside them: no lock.
class MemoryStore {
  constructor() {
    this.users = new Map(); // id -> user; a Map iterates in creation order
    this.lastId = 0;
  }

  create(email, name) {
    // TODO 8: one user per email: a second one is 409 {"error": "email is already in use"}.
    const user = { id: String(++this.lastId), email, name };
    this.users.set(user.id, user);
    return user;
  }

  get(id) {
    return this.users.get(id); // undefined if there is no such user
  }
}

const store = new MemoryStore();

// ---- Validation ----

// TODO 3: checkContentType(req, allowed): a Content-Type other than application/json is
//         415 {"error": "Content-Type must be application/json"}.

// The body as a JSON object; anything else counts as an empty one.
// TODO 4: a body that is not JSON, or JSON but not an object, is the client's mistake: 400,
//         with a message that says which of the two.
function parseObject(body) {
  checkDepth(body); // the contract's limit on nesting, before the parser recurses
  let value;
  try {
    value = JSON.parse(body.toString("utf8"));
  } catch {
    return {};
  }
  return value !== null && typeof value === "object" && !Array.isArray(value) ? value : {};
}

// The email and name of a POST body; whatever is not a string becomes an empty one.
function validateUser(fields) {
  // TODO 5: a missing field, or one that is not a string: 400, each with its own message.
  // TODO 6: an email or a name out of bounds: 400, each with its own message.
  // TODO 7: a field the API does not define (`id`, or a typo such as `nmae`): 400.
  // The messages, word for word, and their order: servers/README.md.
  const { email, name } = fields;
  return {
    email: typeof email === "string" ? email : "",
    name: typeof name === "string" ? name : "",
  };
}

// ---- Handlers ----

// Each handler returns [status, headers, body].

async function createUser(req, id) {
  const body = await readBody(req);
  // TODO 3: the Content-Type (415), before the body is parsed.
  const fields = validateUser(parseObject(body));
  const user = store.create(fields.email, fields.name);
  // TODO 1: 201 Created, and Location: /users/{id} says where the new user is.
  // TODO 2: the body is the user as stored, all of it.
  return [200, {}, { id: user.id }];
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
