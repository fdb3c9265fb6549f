// Headers every response carries, whatever answers it (a route, a web app file, the refusal of
// a malformed request): what the browser may load and run for a page of this server, and what
// it may reveal to others.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kb::http {

// The Content-Security-Policy: the web app's scripts, styles, fonts and data come from this
// server only; no inline style, no plugin, no framing, no <base>; images may also be data: and
// blob: URLs. Inline scripts run only when listed in `inline_script_hashes` ('sha256-…' source
// expressions of the exact scripts the built index.html holds). Style attributes set through
// the CSSOM (Preact's style props) are allowed by any policy.
std::string content_security_policy(const std::vector<std::string>& inline_script_hashes = {});

// Content-Security-Policy, X-Content-Type-Options, Referrer-Policy, and
// Strict-Transport-Security when `public_base_url` (the address people reach the server by)
// is https: a server reached over plain http must not tell browsers to insist on https.
std::vector<std::pair<std::string, std::string>> security_headers(
    std::string_view public_base_url, const std::vector<std::string>& inline_script_hashes = {});

}  // namespace kb::http
