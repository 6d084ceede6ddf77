// The Caddy the lessons run: Caddy's own main, with only the modules the workbook uses plugged in.
// The stock build (cmd/caddy) plugs in every standard module (templates, tracing, metrics, the ACME
// server, ...); compiling those took most of a first `make setup`. `caddy list-modules` shows what
// is here; tests/test_caddy_build.py holds the list to what the lessons need.
package main

import (
	caddycmd "github.com/caddyserver/caddy/v2/cmd"

	// Caddyfiles (`reverse_proxy a b`, `tls internal`) as well as JSON configs.
	_ "github.com/caddyserver/caddy/v2/caddyconfig/httpcaddyfile"
	// The HTTP app with its matchers and static responses.
	_ "github.com/caddyserver/caddy/v2/modules/caddyhttp"
	// Request and response header edits (the balancer's X-Upstream header).
	_ "github.com/caddyserver/caddy/v2/modules/caddyhttp/headers"
	// reverse_proxy: load balancing policies, retries, passive and active health checks.
	_ "github.com/caddyserver/caddy/v2/modules/caddyhttp/reverseproxy"
	// The TLS app and its `internal` issuer, backed by the PKI app's local CA (`tls internal`).
	_ "github.com/caddyserver/caddy/v2/modules/caddypki"
	_ "github.com/caddyserver/caddy/v2/modules/caddytls"
	// The TLS app's default session-ticket key source; without it the TLS app does not start.
	_ "github.com/caddyserver/caddy/v2/modules/caddytls/standardstek"
	// Where the local CA and certificates are stored, and the log encoders and writers.
	_ "github.com/caddyserver/caddy/v2/modules/filestorage"
	_ "github.com/caddyserver/caddy/v2/modules/logging"
)

func main() {
	caddycmd.Main()
}
