// Exercise 04: one note, /note, that a client can revalidate and update without losing changes.
//
//     node exercises/04_conditional_requests/node/server.js [PORT]
//
// GET, HEAD and PUT /note already work, unconditionally. Give the note an ETag and honour
// If-None-Match (304) and If-Match (412) the way the README asks, then
// `make check EX=04 IN=node`.

// The launch contract of exercise 01 (127.0.0.1, the port, the readiness line, draining on
// SIGTERM): launch.js, shared by exercises 02 to 08 (no need to open it).
const { serve } = require("./launch.js");

const ALLOW = "GET, HEAD, PUT";
const MAX_NOTE_BYTES = 1000;

// The resource's state. `version` goes up by one on every change, so it names the state the
// note is in: the ETag can be made from it (TODO 1).
let note = Buffer.from("Water the plants.\n");
let version = 1;

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
  // TODO 1: send an ETag that names this version of the note.
  // TODO 2: If-None-Match naming the current ETag: 304 Not Modified, the ETag, no body.
  // TODO 3: If-None-Match compares weakly (W/"x" names "x"), and may be a list or *.
  sendText(res, 200, note);
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
    // TODO 5: If-Match that does not name the current ETag: 412, and change nothing.
    note = Buffer.concat(chunks);
    version += 1;
    // TODO 4: tell the client the ETag of the version it just wrote.
    res.writeHead(204).end();
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
