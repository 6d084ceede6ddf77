// Framing: RFC 9112's rules for a request head, checked on each connection's bytes before net/http
// reads them. net/http bends some of them (it takes a bare LF as a line end, replaces an obs-fold
// by a space, merges repeated identical Content-Length lines and answers 400 to an empty line
// before a request line; the RFC allows the first three, MAY), which the workbook refuses, as
// Python's strict_http11.py and Node's users.js do, because two programs on a request's way that
// read its framing differently can be made to disagree on where it ends (request smuggling). It
// refuses the others itself, but in plain text, without Cache-Control, before any handler runs.
// So every rule is checked here, and a request that breaks one gets the contract's JSON answer
// (servers/README.md, "HTTP/1.1 framing") and the connection ends; the bytes of the others reach
// net/http unchanged, less the empty lines before a request, and it never has to refuse one.
package main

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"
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
	status   int          // the answer to the request being read, if refused (0 while it is not)
	isHead   bool         // its method is HEAD, so the answer has no body (RFC 9112 §6.3)
	refusal  string       // its message
	refused  bool         // its answer is written
	requests int64        // request heads passed to net/http
	answered atomic.Int64 // requests net/http answered and kept the connection open after
	spoke    atomic.Bool  // the client has sent at least one byte
	busy     atomic.Bool  // a request is being read or answered, or was answered while draining
	writing  atomic.Bool  // an answer is being sent, within its WRITE_TIMEOUT (Write)
	cut      atomic.Bool  // a write failed: the client did not take an answer in time, or left
	closing  sync.Once    // Close: net/http and Shutdown may both call it
	req      requestHead  // the request head being read
	// after a head
	body    int64 // bytes of body still to pass
	through bool  // pass everything from now on: net/http decides, then closes the connection
}

// requestHead is what a request head has shown so far, line by line.
type requestHead struct {
	started bool   // past the empty lines that may come before its request line
	prev    byte   // the byte before, to tell CRLF from a bare CR or a bare LF
	line    []byte // the line being read, without its CRLF
	lines   int    // lines before this one
	size    int    // bytes so far
	http11  bool   // its version is HTTP/1.1, which must send a Host
	target  int    // bytes of its request-target
	hosts   int    // its Host lines
	badHost bool   // a Host with a byte no host has
	expects int    // its Expect lines
	proceed bool   // the last of them is 100-continue
	codings int    // its Transfer-Encoding lines
	coding  []byte // their values, joined by ", "
	lengths int    // its Content-Length lines
	length  []byte // the last one's value
}

// open holds every connection net/http serves, until it closes.
var open sync.Map // *framingConn -> struct{}

// countAnswers is the server's ConnState hook: net/http moves a connection to StateIdle after
// each answer it keeps the connection open after. It also keeps `open` up to date.
func countAnswers(conn net.Conn, state http.ConnState) {
	c, ok := conn.(*framingConn)
	if !ok {
		return
	}
	switch state {
	case http.StateNew:
		open.Store(c, struct{}{})
	case http.StateActive:
		c.busy.Store(true)
		c.endAnswer()
	case http.StateIdle:
		c.answered.Add(1)
		c.endAnswer()
		// Draining, net/http closes the connection after this answer (Close lingers then); only a
		// connection idle before draining is closed at once.
		if !draining.Load() {
			c.busy.Store(false)
		}
	case http.StateClosed, http.StateHijacked:
		open.Delete(c)
	}
}

// closeSilent closes every connection that has not sent a byte yet. Shutdown counts such a
// connection as busy for up to 5 s (net/http's rule for a new one), where Python and Node close
// it at once as idle: a balancer that opened a spare connection would hold up the drain. Run by
// Shutdown once its listener is closed (RegisterOnShutdown), so no new one can come.
func closeSilent() {
	open.Range(func(key, _ any) bool {
		if c := key.(*framingConn); !c.spoke.Load() {
			c.Close()
		}
		return true
	})
}

// Set by main on SIGTERM, before Shutdown: a connection closed after an answer lingers (Close).
var (
	draining      atomic.Bool
	drainDeadline time.Time // written before draining is set, read after
)

// SetWriteDeadline starts an answer: sendJSON calls it (through http.NewResponseController) with
// WRITE_TIMEOUT from now, and the client must take the whole answer by then, or the write fails and
// net/http closes the connection. (http.Server.WriteTimeout is not this rule: it counts from the
// end of the request's head, so a body still arriving and the handler's work eat into it.)
func (c *framingConn) SetWriteDeadline(t time.Time) error {
	c.writing.Store(!t.IsZero())
	return c.Conn.SetWriteDeadline(t)
}

// Write sends bytes of an answer; bytes net/http writes on its own (a 100 Continue) start a
// deadline of their own, so that no write ever waits for the client without one.
func (c *framingConn) Write(p []byte) (int, error) {
	if !c.writing.Load() {
		c.SetWriteDeadline(time.Now().Add(WRITE_TIMEOUT * time.Second))
	}
	n, err := c.Conn.Write(p)
	if err != nil {
		c.cut.Store(true)
	}
	if tcp, ok := c.Conn.(*net.TCPConn); ok && errors.Is(err, os.ErrDeadlineExceeded) {
		// Hang up with a reset once net/http closes: closed gently, the socket would go on
		// holding what the kernel has buffered for the client (megabytes) until it takes it.
		tcp.SetLinger(0)
	}
	return n, err
}

// endAnswer lifts the deadline once an answer is out, before the next request.
func (c *framingConn) endAnswer() {
	c.SetWriteDeadline(time.Time{})
}

// Close ends the connection. Draining, one closed after an answer (not an idle one) is closed in
// stages (RFC 9112 §9.6): half-close, so that the client reads the last answer to its end, then
// read and drop what the client still sends until it closes, or until drainDeadline. Closed at
// once with requests of the client's still unread, the connection would be reset by the kernel,
// and the end of the answer, still in the kernel's send buffer, lost. (net/http's own staged close
// waits 500 ms, and only after a request body it did not read.)
func (c *framingConn) Close() (err error) {
	c.closing.Do(func() {
		if draining.Load() && c.busy.Load() && !c.cut.Load() {
			c.CloseWrite()
			c.Conn.SetReadDeadline(drainDeadline)
			for {
				if _, err := c.Conn.Read(c.buffer[:]); err != nil {
					break // the client closed, or the drain's deadline passed
				}
			}
		}
		err = c.Conn.Close()
	})
	return err
}

func (c *framingConn) Read(p []byte) (int, error) {
	for len(c.ready) == 0 {
		if c.status != 0 {
			return 0, c.refuse()
		}
		n, err := c.Conn.Read(c.buffer[:])
		if n == 0 { // the client is gone, or a deadline passed: net/http sees the same error
			return 0, err
		}
		c.spoke.Store(true)
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
// empty lines before a request line, and less everything from a broken rule on (then c.status
// says how it is answered). A body passes whole, unread.
func (c *framingConn) check(data []byte) []byte {
	out := data[:0]
	for len(data) > 0 && c.status == 0 {
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
	r := &c.req
	prev := r.prev
	r.prev = b
	switch {
	case prev == '\r' && b != '\n', b == '\n' && prev != '\r':
		// RFC 9112 §2.2: a bare CR MUST be refused (or replaced); a bare LF MAY be taken as a
		// line end: refused too.
		return c.refuse400("request is not valid HTTP")
	case !r.started && (b == '\r' || b == '\n'):
		return false // RFC 9112 §2.2: a server SHOULD ignore empty lines before a request line
	}
	if !r.started {
		r.started, c.isHead = true, false // a new request: its method is not known yet
	}
	if r.size++; r.size > MAX_HEADER_BYTES {
		return c.refuseWith(431, "request headers are too large") // RFC 6585 §5
	}
	if b == '\r' {
		return true // its LF comes next
	}
	if b != '\n' {
		r.line = append(r.line, b)
		return true
	}
	line := r.line
	r.line, r.lines = r.line[:0], r.lines+1
	switch {
	case r.lines == 1:
		return c.requestLine(line)
	case len(line) > 0:
		return c.fieldLine(line)
	}
	return c.endHead()
}

// requestLine checks a request line (RFC 9112 §3): method SP request-target SP HTTP-version,
// exactly one SP each (the lenient whitespace §3 allows is not taken; Node's parser would take
// it), the method a token, the target visible ASCII in a form of §3.2, the version
// HTTP/DIGIT.DIGIT (§2.3); any other line is invalid (400).
func (c *framingConn) requestLine(line []byte) bool {
	method, rest, _ := bytes.Cut(line, []byte(" "))
	target, version, _ := bytes.Cut(rest, []byte(" "))
	valid := allIn(&tokenBytes, method) && allIn(&targetBytes, target) && isTargetForm(string(method), string(target))
	if !valid || len(version) != 8 || string(version[:5]) != "HTTP/" || !isDigits(version[5:6]) ||
		version[6] != '.' || !isDigits(version[7:]) {
		return c.refuse400("request is not valid HTTP")
	}
	if v := string(version); v != "HTTP/1.1" && v != "HTTP/1.0" {
		return c.refuseWith(505, "HTTP version is not supported") // RFC 9110 §15.6.6
	}
	c.req.http11, c.req.target = string(version) == "HTTP/1.1", len(target)
	c.isHead = string(method) == "HEAD"
	return true
}

// isTargetForm says whether target has a form of RFC 9112 §3.2: origin-form (/...), asterisk-form
// (*), absolute-form (scheme:...), or, for CONNECT, authority-form (host:port); with no % but
// before two hex digits in its path (RFC 3986 §2.1; in the query, a bad escape is the parameter's
// own 400); and whether url.ParseRequestURI reads it as net/http does (which also refuses a port
// that is no number, an unclosed [ ...), so that net/http never refuses one itself.
func isTargetForm(method, target string) bool {
	scheme, _, colon := strings.Cut(target, ":")
	form := strings.HasPrefix(target, "/") || target == "*" || method == "CONNECT" || (colon && isScheme(scheme))
	for rest, _, _ := strings.Cut(target, "?"); form && strings.Contains(rest, "%"); {
		i := strings.IndexByte(rest, '%')
		form, rest = i+2 < len(rest) && isHex(rest[i+1]) && isHex(rest[i+2]), rest[i+1:]
	}
	if method == "CONNECT" && !strings.HasPrefix(target, "/") {
		target = "http://" + target // as net/http reads an authority-form
	}
	_, err := url.ParseRequestURI(target)
	return form && err == nil
}

// isScheme: a letter, then letters, digits, "+", "-" or "." (RFC 3986 §3.1).
func isScheme(text string) bool {
	for i := 0; i < len(text); i++ {
		lower := text[i] | 0x20 // an ASCII letter in lower case
		letter, other := 'a' <= lower && lower <= 'z', strings.IndexByte("0123456789+-.", text[i]) >= 0
		if !letter && (i == 0 || !other) {
			return false
		}
	}
	return text != ""
}

func isHex(b byte) bool {
	return '0' <= b && b <= '9' || 'a' <= b|0x20 && b|0x20 <= 'f'
}

// fieldLine checks a field line (RFC 9112 §5) and notes what the end of the head checks.
func (c *framingConn) fieldLine(line []byte) bool {
	r := &c.req
	if r.lines-1 > MAX_HEADERS {
		return c.refuseWith(431, "request headers are too large") // RFC 6585 §5
	}
	// RFC 9112 §5.1: a field name is a token (RFC 9110 §5.1), with no whitespace before its colon;
	// so an obs-fold, a line that starts with a space or a tab, is refused too (§5.2 allows that,
	// or replacing it by a space, as net/http would).
	name, value, colon := bytes.Cut(line, []byte(":"))
	if !colon || !allIn(&tokenBytes, name) {
		return c.refuse400("request is not valid HTTP")
	}
	value = bytes.Trim(value, " \t")
	for _, b := range value {
		if (b < ' ' && b != '\t') || b == 0x7f { // RFC 9110 §5.5: no control character but HTAB
			return c.refuse400("request is not valid HTTP")
		}
	}
	switch {
	case bytes.EqualFold(name, []byte("Host")):
		r.hosts, r.badHost = r.hosts+1, r.badHost || (len(value) > 0 && !allIn(&hostBytes, value))
	case bytes.EqualFold(name, []byte("Content-Length")):
		r.length, r.lengths = append(r.length[:0], value...), r.lengths+1
	case bytes.EqualFold(name, []byte("Transfer-Encoding")):
		if r.codings++; r.codings > 1 {
			r.coding = append(r.coding, ", "...)
		}
		r.coding = append(r.coding, value...)
	case bytes.EqualFold(name, []byte("Expect")):
		r.expects, r.proceed = r.expects+1, bytes.EqualFold(value, []byte("100-continue"))
	}
	return true
}

// endHead checks the head as a whole, in the order Python's strict_http11.py does, and decides
// how much body follows it.
func (c *framingConn) endHead() bool {
	r := c.req
	c.req = requestHead{line: r.line[:0], coding: r.coding[:0], length: r.length[:0]}
	switch {
	case r.target > MAX_TARGET_BYTES:
		return c.refuseWith(414, "request target is too long") // RFC 9110 §15.5.15
	case r.hosts > 1 || (r.hosts == 0 && r.http11) || r.badHost:
		// RFC 9112 §3.2: exactly one Host in HTTP/1.1, at most one in HTTP/1.0, and a valid one.
		return c.refuse400("request is not valid HTTP")
	case r.codings > 0 && !bytes.EqualFold(r.coding, []byte("chunked")):
		// RFC 9112 §6.1: a coding wins over Content-Length; only chunked is implemented.
		return c.refuseWith(501, "Transfer-Encoding must be chunked")
	case r.codings > 0 && !r.http11:
		// RFC 9112 §6.1: an HTTP/1.0 message with Transfer-Encoding has faulty framing (§6.3:
		// 400, and close); net/http would ignore the coding and read the body as the next request.
		return c.refuse400("request is not valid HTTP")
	case r.codings == 0 && (r.lengths > 1 || (r.lengths == 1 && !isDigits(r.length))):
		// RFC 9112 §6.3: repeated, even identical (net/http would merge them), or not digits.
		return c.refuse400("Content-Length is not valid")
	case r.codings == 0 && r.lengths == 1 && len(r.length) > 18:
		// RFC 9110 §8.6: a recipient must not overflow on a long length; none fits an int64.
		return c.refuse400("Content-Length is not valid")
	case r.expects > 1 || (r.expects == 1 && !r.proceed):
		return c.refuseWith(417, "Expect must be 100-continue") // RFC 9110 §10.1.1
	case r.codings > 0:
		c.through = true // chunked: the handler refuses it (411) and closes the connection
	case r.lengths == 1:
		for _, digit := range r.length {
			c.body = c.body*10 + int64(digit-'0')
		}
	}
	c.requests++
	return true
}

// The bytes of a token (RFC 9110 §5.6.2: methods, field names), of a Host (those net/http
// accepts, as in Python and Node) and of a request-target (RFC 9112 §3.2: visible ASCII).
var tokenBytes, hostBytes, targetBytes = byteSet("!#$%&'*+-.^_`|~"), byteSet("!$%&'()*+,-.:;=[]_~"), byteSet("")

// byteSet is the letters, the digits and extra; with no extra, every visible ASCII byte.
func byteSet(extra string) (set [256]bool) {
	for b := byte('!'); b <= '~'; b++ {
		isAlnum := b >= '0' && b <= '9' || b >= 'A' && b <= 'Z' || b >= 'a' && b <= 'z'
		set[b] = isAlnum || extra == "" || strings.IndexByte(extra, b) >= 0
	}
	return set
}

// allIn says whether text has at least one byte, and only bytes of set.
func allIn(set *[256]bool, text []byte) bool {
	for _, b := range text {
		if !set[b] {
			return false
		}
	}
	return len(text) > 0
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
	return c.refuseWith(400, message)
}

func (c *framingConn) refuseWith(status int, message string) bool {
	c.status, c.refusal = status, message
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
		c.SetWriteDeadline(time.Now().Add(WRITE_TIMEOUT * time.Second)) // an answer too
		length := len(body)
		if c.isHead { // the length GET would have, no body: a client reads none (RFC 9112 §6.3)
			body = nil
		}
		fmt.Fprintf(c, "HTTP/1.1 %d %s\r\nCache-Control: %s\r\nConnection: close\r\n"+
			"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n%s",
			c.status, http.StatusText(c.status), CACHE_NEVER, length, body)
		c.CloseWrite()
	}
	return &net.OpError{Op: "read", Net: "tcp", Err: errors.New(c.refusal)}
}
