// Headers every response carries, whatever answers it (a route, a web app file, the refusal of
// a malformed request): what the browser may load and run for a page of this server, and what
// it may reveal to others.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kb::http {

// The web app's scripts, styles, fonts and data come from this server only; no inline script
// or style, no plugin, no framing, no <base>. Images may also be data: and blob: URLs.
// Style attributes set through the CSSOM (Preact's style props) are allowed by any policy.
inline constexpr std::string_view kContentSecurityPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "connect-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'none'; "
    "form-action 'self'";

// Content-Security-Policy, X-Content-Type-Options, Referrer-Policy, and
// Strict-Transport-Security when `public_base_url` (the address people reach the server by)
// is https: a server reached over plain http must not tell browsers to insist on https.
std::vector<std::pair<std::string, std::string>> security_headers(std::string_view public_base_url);

}  // namespace kb::http
