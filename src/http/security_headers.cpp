#include "http/security_headers.h"

#include <cctype>

namespace kb::http {
namespace {

bool is_https(std::string_view url) {
  constexpr std::string_view kScheme = "https://";
  if (url.size() < kScheme.size()) return false;
  for (size_t i = 0; i < kScheme.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(url[i])) != kScheme[i]) return false;
  }
  return true;
}

}  // namespace

std::string content_security_policy(const std::vector<std::string>& inline_script_hashes) {
  std::string scripts = "'self'";
  for (const auto& hash : inline_script_hashes) scripts += " " + hash;
  return "default-src 'self'; script-src " + scripts +
         "; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; "
         "frame-ancestors 'none'; base-uri 'none'; form-action 'self'";
}

std::vector<std::pair<std::string, std::string>> security_headers(
    std::string_view public_base_url, const std::vector<std::string>& inline_script_hashes) {
  std::vector<std::pair<std::string, std::string>> headers = {
      {"Content-Security-Policy", content_security_policy(inline_script_hashes)},
      {"X-Content-Type-Options", "nosniff"},
      // Paths name people's cases and venues' codes (/cases/42, /v/abc123): no page or link
      // reveals them to another site. The app itself reads no Referer.
      {"Referrer-Policy", "no-referrer"},
  };
  // A year; not includeSubDomains, which would bind other hosts of the deployer's domain too.
  if (is_https(public_base_url))
    headers.emplace_back("Strict-Transport-Security", "max-age=31536000");
  return headers;
}

}  // namespace kb::http
