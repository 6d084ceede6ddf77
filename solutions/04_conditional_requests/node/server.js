// BEGIN SOLUTION
// Exercise 04, solved: one note, /note, that a client can revalidate and update without losing changes.
// STARTER
// | // Exercise 04: one note, /note, that a client can revalidate and update without losing changes.
// END SOLUTION
//
//     node solutions/04_conditional_requests/node/server.js [PORT]
//
// BEGIN SOLUTION
// The ETag names one version of the note. A reader sends it back in If-None-Match ("I have this
// one; send it only if it changed": 304 saves the body); a writer sends it back in If-Match
// ("change it only if it is still this one": 412 stops a lost update).
// STARTER
// | // GET, HEAD and PUT /note already work, unconditionally. Give the note an ETag and honour
// | // If-None-Match (304) and If-Match (412) the way the README asks, then
// | // `make check EX=04 IN=node`.
// END SOLUTION

// The launch contract of exercise 01 (127.0.0.1, the port, the readiness line, draining on
// SIGTERM): launch.js, shared by exercises 02 to 08 (no need to open it).
const { serve } = require("./launch.js");

const ALLOW = "GET, HEAD, PUT";
const MAX_NOTE_BYTES = 1000;

// The resource's state. `version` goes up by one on every change, so it names the state the
// BEGIN SOLUTION
// note is in: the ETag is made from it.
// STARTER
// | // note is in: the ETag can be made from it (TODO 1).
// END SOLUTION
let note = Buffer.from("Water the plants.\n");
let version = 1;
// BEGIN SOLUTION

// A strong ETag: a quoted string that changes whenever the note does. A hash of the body would do
// as well; a version number is cheaper and never collides.
function etagFor(version) {
  return `"v${version}"`;
}

// Whether an If-Match / If-None-Match value (* or a comma-separated list) names tag.
// If-None-Match compares weakly: W/"v1" names "v1"; If-Match never does.
function etagMatches(header, tag, weak) {
  return header.split(",").some((candidate) => {
    let value = candidate.trim();
    if (weak && value.startsWith("W/")) value = value.slice(2);
    return value === "*" || value === tag;
  });
}
// END SOLUTION

// A text/plain response with its Content-Length and any extra headers.
function sendText(res, status, body, headers = {}) {
  res.writeHead(status, {
    "Content-Type": "text/plain; charset=utf-8",
    "Content-Length": Buffer.byteLength(body),
    ...headers,
  });
  res.end(body); // HEAD: Node sends the headers only
}

function getNote(req, res) {
  // BEGIN SOLUTION
  const etag = etagFor(version);
  const ifNoneMatch = req.headers["if-none-match"];
  if (ifNoneMatch !== undefined && etagMatches(ifNoneMatch, etag, true)) {
    // The client's copy is current: say so in a few bytes instead of sending it again.
    // 304 has no body; the ETag tells a cache which copy is still good.
    res.writeHead(304, { ETag: etag }).end();
    return;
  }
  sendText(res, 200, note, { ETag: etag });
  // STARTER
  // |   // TODO 1: send an ETag that names this version of the note.
  // |   // TODO 2: If-None-Match naming the current ETag: 304 Not Modified, the ETag, no body.
  // |   // TODO 3: If-None-Match compares weakly (W/"x" names "x"), and may be a list or *.
  // |   sendText(res, 200, note);
  // END SOLUTION
}

// PUT: the request body is the new note, all of it.
function putNote(req, res) {
  const chunks = [];
  let size = 0;
  req.on("data", (chunk) => {
    size += chunk.length;
    if (size > MAX_NOTE_BYTES) {
      res.setHeader("Connection", "close");
      sendText(res, 413, "a note is at most 1000 bytes\n");
      req.destroy();
    } else {
      chunks.push(chunk);
    }
  });
  req.on("end", () => {
    // BEGIN SOLUTION
    // Check and write in this one synchronous callback: Node runs no other request's code in
    // between, so no other PUT can slip in after the check (Python and Go need a lock for this).
    // Strong comparison: a weak ETag only promises "equivalent", and a writer needs "the very
    // bytes I read". No If-Match at all: the client chose an unconditional PUT.
    const ifMatch = req.headers["if-match"];
    if (ifMatch !== undefined && !etagMatches(ifMatch, etagFor(version), false)) {
      sendText(res, 412, "the note has changed since you read it: GET it again\n");
      return;
    }
    // STARTER
    // |     // TODO 5: If-Match that does not name the current ETag: 412, and change nothing.
    // END SOLUTION
    note = Buffer.concat(chunks);
    version += 1;
    // BEGIN SOLUTION
    // 204 has no body, but it can carry the new ETag: the client's next If-Match, with no GET.
    res.writeHead(204, { ETag: etagFor(version) }).end();
    // STARTER
    // |     // TODO 4: tell the client the ETag of the version it just wrote.
    // |     res.writeHead(204).end();
    // END SOLUTION
  });
}

// Node calls this for every request, whatever its method or path: path first (404), then method.
function route(req, res) {
  const path = req.url.split("?")[0];
  if (path !== "/note") {
    sendText(res, 404, "not found\n");
  } else if (req.method === "GET" || req.method === "HEAD") {
    getNote(req, res);
  } else if (req.method === "PUT") {
    putNote(req, res);
  } else {
    sendText(res, 405, "method not allowed\n", { Allow: ALLOW });
  }
}

serve(route);
