// Framing: the rules of RFC 9112 that net/http bends before any handler could see them. It takes a
// bare LF as a line end, replaces an obs-fold by a space, merges repeated identical Content-Length
// lines and answers 400 to an empty line before a request line; the RFC allows the first three
// (MAY), the workbook refuses them, as Python's strict_http11.py and Node's users.js do, because
// two programs on a request's way that read its framing differently can be made to disagree on
// where it ends (request smuggling). So each connection's bytes pass these checks first, and
// reach net/http unchanged, less the empty lines before a request; a request that breaks a rule
// gets the contract's JSON 400 and the connection ends. Everything else stays net/http's.
package main

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync/atomic"
)

// framingListener gives net/http connections whose bytes are checked on their way in.
type framingListener struct{ net.Listener }

func (l framingListener) Accept() (net.Conn, error) {
	conn, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &framingConn{Conn: conn}, nil
}

// framingConn follows one connection's requests, head by head, and skips each body by its
// Content-Length, so it knows where the next request starts. It embeds the real connection, so
// that writes, Close and the deadlines net/http sets (ReadHeaderTimeout, ...) reach it as before.
type framingConn struct {
	net.Conn
	buffer   [4096]byte   // one read from the client: net/http reads as much at once
	ready    []byte       // checked bytes net/http has not read yet
	refusal  string       // why the request being read is refused ("" while none is)
	refused  bool         // its 400 is written
	requests int64        // request heads passed to net/http
	answered atomic.Int64 // requests net/http answered and kept the connection open after
	// the request head being read
	started bool   // past the empty lines that may come before its request line
	prev    byte   // the byte before, to tell CRLF from a bare CR or a bare LF
	line    []byte // the line being read, without its CRLF
	lines   int    // lines of the head before this one
	size    int    // bytes of the head so far
	length  []byte // its last Content-Length value
	lengths int    // its Content-Length lines
	coded   bool   // it has a Transfer-Encoding
	// after a head
	body    int64 // bytes of body still to pass
	through bool  // pass everything from now on: net/http decides, then closes the connection
}

// countAnswers is the server's ConnState hook: net/http moves a connection to StateIdle after
// each answer it keeps the connection open after.
func countAnswers(conn net.Conn, state http.ConnState) {
	if c, ok := conn.(*framingConn); ok && state == http.StateIdle {
		c.answered.Add(1)
	}
}

func (c *framingConn) Read(p []byte) (int, error) {
	for len(c.ready) == 0 {
		if c.refusal != "" {
			return 0, c.refuse()
		}
		n, err := c.Conn.Read(c.buffer[:])
		if n == 0 { // the client is gone, or a deadline passed: net/http sees the same error
			return 0, err
		}
		c.ready = c.check(c.buffer[:n])
	}
	n := copy(p, c.ready)
	c.ready = c.ready[n:]
	return n, nil
}

// CloseWrite lets net/http half-close the connection as it does a bare TCP one, so that a client
// still sending reads the last answer before the connection goes.
func (c *framingConn) CloseWrite() error {
	if tcp, ok := c.Conn.(*net.TCPConn); ok {
		return tcp.CloseWrite()
	}
	return nil
}

// check returns what of data may reach net/http, in data's own memory: all of it, less the
// empty lines before a request line, and less everything from a broken rule on (then c.refusal
// says why). A body passes whole, unread.
func (c *framingConn) check(data []byte) []byte {
	out := data[:0]
	for len(data) > 0 && c.refusal == "" {
		switch {
		case c.through:
			return append(out, data...)
		case c.body > 0:
			n := int(min(c.body, int64(len(data))))
			out, data, c.body = append(out, data[:n]...), data[n:], c.body-int64(n)
		default:
			if c.head(data[0]) {
				out = append(out, data[0])
			}
			data = data[1:]
		}
	}
	return out
}

// head takes one byte of a request head, or of the empty lines before it, and says whether it
// passes. A line is checked when it ends, so net/http never gets a whole head that breaks a rule.
func (c *framingConn) head(b byte) bool {
	prev := c.prev
	c.prev = b
	switch {
	case prev == '\r' && b != '\n', b == '\n' && prev != '\r':
		// RFC 9112 §2.2: a bare CR MUST be refused (or replaced); a bare LF MAY be taken as a
		// line end: refused too.
		return c.refuse400("request is not valid HTTP")
	case !c.started && (b == '\r' || b == '\n'):
		return false // RFC 9112 §2.2: a server SHOULD ignore empty lines before a request line
	}
	c.started = true
	if c.size++; c.size > MAX_HEADER_BYTES {
		c.through = true // net/http answers 431 (RFC 6585 §5)
		return true
	}
	if b == '\r' {
		return true // its LF comes next
	}
	if b != '\n' {
		c.line = append(c.line, b)
		return true
	}
	line := c.line
	c.line, c.lines = c.line[:0], c.lines+1
	switch {
	case c.lines == 1 && (line[0] == ' ' || line[len(line)-1] == ' ' || bytes.Contains(line, []byte("  "))):
		// RFC 9112 §3: method SP request-target SP HTTP-version, exactly one SP each (the
		// lenient whitespace §3 allows is not taken; Node's parser would take it).
		return c.refuse400("request is not valid HTTP")
	case c.lines == 1:
		return true
	case len(line) > 0 && (line[0] == ' ' || line[0] == '\t'):
		// RFC 9112 §5.2: obs-fold, refused (or replaced by a space, as net/http would).
		return c.refuse400("request is not valid HTTP")
	case len(line) > 0:
		name, value, _ := bytes.Cut(line, []byte(":"))
		if bytes.EqualFold(name, []byte("Content-Length")) {
			c.length, c.lengths = append(c.length[:0], bytes.Trim(value, " \t")...), c.lengths+1
		}
		c.coded = c.coded || bytes.EqualFold(name, []byte("Transfer-Encoding"))
		return true
	}
	// The empty line: the head ends; the body, if any, comes next.
	coded, length, lengths := c.coded, c.length, c.lengths
	c.started, c.prev, c.lines, c.size, c.lengths, c.coded = false, 0, 0, 0, 0, false
	switch {
	case coded:
		// RFC 9112 §6.1: a coding wins over Content-Length; the handler refuses it (411, 501)
		// and closes the connection.
		c.through = true
	case lengths > 1 || (lengths == 1 && !isDigits(length)):
		// RFC 9112 §6.3: repeated, even identical (net/http would merge them), or not digits.
		return c.refuse400("Content-Length is not valid")
	case lengths == 1 && len(length) > 18:
		c.through = true // too long for an int64: net/http decides
	case lengths == 1:
		for _, digit := range length {
			c.body = c.body*10 + int64(digit-'0')
		}
	}
	c.requests++
	return true
}

func isDigits(text []byte) bool {
	for _, b := range text {
		if b < '0' || b > '9' {
			return false
		}
	}
	return len(text) > 0
}

func (c *framingConn) refuse400(message string) bool {
	c.refusal = message
	return false
}

// refuse answers the request that broke a rule, and ends the connection. Answers go out in the
// order of the requests (pipelining, RFC 9112 §9.3.2), so it waits until net/http has answered
// every request before it: until then this read is net/http's background read, which it stops
// itself (a read deadline in the past) once its answer is out. net/http takes the error it
// returns as a connection read error, and closes without an answer of its own.
func (c *framingConn) refuse() error {
	for !c.refused && c.answered.Load() < c.requests {
		if _, err := c.Conn.Read(c.buffer[:]); err != nil { // what comes meanwhile is dropped
			return err
		}
	}
	if !c.refused {
		c.refused = true
		body := encodeJSON(map[string]string{"error": c.refusal})
		fmt.Fprintf(c.Conn, "HTTP/1.1 400 Bad Request\r\nCache-Control: %s\r\nConnection: close\r\n"+
			"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n%s", CACHE_NEVER, len(body), body)
		c.CloseWrite()
	}
	return &net.OpError{Op: "read", Net: "tcp", Err: errors.New(c.refusal)}
}
