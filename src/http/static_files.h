// The built web app, loaded into memory at start-up (a few hundred kilobytes) and served
// with caching headers: hashed assets for a year, everything else revalidated. The build
// precompresses text files (scripts/precompress-web.mjs writes FILE.br and FILE.gz beside
// FILE); those variants are held too and chosen by the client's Accept-Encoding, brotli first,
// then gzip, else the plain file. Nothing is compressed per request.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/message.h"

namespace kb::http {

class StaticFiles {
 public:
  // Loads every file under `dir`; an empty or missing dir serves nothing. FILE.br and FILE.gz
  // are taken as encodings of FILE (never served under their own names), and only when FILE
  // exists and they are smaller.
  explicit StaticFiles(const std::string& dir);
  // The file for a GET path, or index.html for an app route (a path without an extension),
  // or nullopt; encoded with the best coding the client accepts that the file has.
  std::optional<Response> serve(std::string_view path, AcceptEncoding accepted = {}) const;
  size_t size() const { return files_.size(); }
  // The CSP source expressions ('sha256-…') of the inline scripts in index.html, which the
  // Content-Security-Policy must list for them to run (see http/security_headers.h).
  const std::vector<std::string>& inline_script_hashes() const { return inline_script_hashes_; }

 private:
  struct File {
    std::string content;
    std::string brotli;  // empty: no smaller brotli encoding
    std::string gzip;    // empty: no smaller gzip encoding
    std::string content_type;
    bool immutable = false;
  };
  std::map<std::string, File, std::less<>> files_;
  std::vector<std::string> inline_script_hashes_;
};

}  // namespace kb::http
