// Byte compatibility: where Go's standard library reads or writes JSON and query strings
// differently from Python's and Node's, these helpers make the Go server answer byte for byte
// what the other two answer. main.go calls them; none of them is about HTTP itself.
package main

import (
	"net/url"
	"strconv"
	"strings"
)

// JSON's "\ud800" is half of a UTF-16 pair, no character, with no UTF-8 form. hasLoneSurrogate
// reports whether a \uD800-\uDFFF escape in body is not part of a pair (a high \uD800-\uDBFF
// followed at once by a low \uDC00-\uDFFF). It need not know where strings start and end: a
// backslash outside a string makes the body invalid JSON anyway.
func hasLoneSurrogate(body []byte) bool {
	for i := 0; i < len(body); i++ {
		if body[i] != '\\' {
			continue
		}
		switch unit := utf16Escape(body[i:]); {
		case unit >= 0xD800 && unit <= 0xDBFF: // high: a low escape must come next
			if low := utf16Escape(body[i+6:]); low < 0xDC00 || low > 0xDFFF {
				return true
			}
			i += 11 // past the pair
		case unit >= 0xDC00 && unit <= 0xDFFF: // low, with no high before it
			return true
		default:
			i++ // past the escaped character: in "\\ud800" the second backslash escapes nothing
		}
	}
	return false
}

// utf16Escape is the code unit of the \uXXXX escape text starts with, or -1 if there is none.
func utf16Escape(text []byte) int {
	if len(text) < 6 || text[0] != '\\' || text[1] != 'u' {
		return -1
	}
	unit, err := strconv.ParseUint(string(text[2:6]), 16, 16)
	if err != nil {
		return -1
	}
	return int(unit)
}

// queryValue is the first value of the query parameter name, and whether it is there at all
// (?limit= is there, with the value ""). url.ParseQuery would drop a pair holding a ";" or a bad
// %-escape, and ?limit=5;x=1 would pass for no limit: this keeps them, as Python's parse_qs and
// Node's URLSearchParams do, so they are refused as bad values.
func queryValue(query, name string) (string, bool) {
	for _, pair := range strings.Split(query, "&") {
		key, value, _ := strings.Cut(pair, "=")
		if unescape(key) == name {
			return unescape(value), true
		}
	}
	return "", false
}

// unescape decodes %XX and + like a form; text with a bad %-escape stays as it is.
func unescape(text string) string {
	if plain, err := url.QueryUnescape(text); err == nil {
		return plain
	}
	return text
}

// Go's encoder, alone of the three, escapes U+2028 and U+2029 (line ends in old JavaScript): put
// them back as UTF-8. `\\` maps to itself, so an escaped backslash followed by u2028 stays as sent.
var lineSeparators = strings.NewReplacer(`\\`, `\\`, `\u2028`, "\u2028", `\u2029`, "\u2029")
