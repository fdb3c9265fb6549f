// The headers every response carries: HSTS only for a server people reach by https.
#include "http/security_headers.h"

#include <gtest/gtest.h>

#include <string>

namespace kb::http {
namespace {

std::string header(const std::vector<std::pair<std::string, std::string>>& headers,
                   std::string_view name) {
  for (const auto& [n, v] : headers) {
    if (n == name) return v;
  }
  return "(absent)";
}

TEST(SecurityHeaders, InsistOnHttpsOnlyWhenThePublicUrlIsHttps) {
  for (const char* url : {"https://khaibao.example.vn", "HTTPS://khaibao.example.vn/"}) {
    EXPECT_EQ(header(security_headers(url), "Strict-Transport-Security"), "max-age=31536000")
        << url;
  }
  for (const char* url : {"http://127.0.0.1:8080", "", "https:", "httpsx://a"}) {
    EXPECT_EQ(header(security_headers(url), "Strict-Transport-Security"), "(absent)") << url;
  }
}

TEST(SecurityHeaders, ForbidInlineScriptFramingSniffingAndReferrers) {
  auto headers = security_headers("http://127.0.0.1:8080");
  std::string csp = header(headers, "Content-Security-Policy");
  EXPECT_NE(csp.find("script-src 'self';"), std::string::npos);
  EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos);
  EXPECT_EQ(csp.find("unsafe-inline"), std::string::npos);
  EXPECT_EQ(csp.find("unsafe-eval"), std::string::npos);
  EXPECT_EQ(header(headers, "X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(header(headers, "Referrer-Policy"), "no-referrer");
}

TEST(SecurityHeaders, RunOnlyTheInlineScriptsWhoseHashesAreListed) {
  std::string csp = content_security_policy({"'sha256-abc='", "'sha256-def='"});
  EXPECT_NE(csp.find("script-src 'self' 'sha256-abc=' 'sha256-def=';"), std::string::npos) << csp;
  EXPECT_NE(content_security_policy().find("script-src 'self';"), std::string::npos);
}

}  // namespace
}  // namespace kb::http
