#include "http/static_files.h"

#include <sodium.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include "http/content_coding.h"

namespace kb::http {
namespace {

std::string content_type_of(const std::filesystem::path& p) {
  static const std::map<std::string, std::string, std::less<>> kTypes = {
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".ico", "image/x-icon"},
      {".webmanifest", "application/manifest+json"},
      {".txt", "text/plain; charset=utf-8"},
      {".woff2", "font/woff2"},
      {".map", "application/json"},
  };
  auto it = kTypes.find(p.extension().string());
  return it == kTypes.end() ? "application/octet-stream" : it->second;
}

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The contents of the <script> elements without a src attribute, as CSP hashes them.
std::vector<std::string> hashes_of_inline_scripts(std::string_view html) {
  std::vector<std::string> hashes;
  for (size_t at = html.find("<script"); at != std::string_view::npos;
       at = html.find("<script", at + 1)) {
    size_t open_end = html.find('>', at);
    if (open_end == std::string_view::npos) break;
    std::string_view tag = html.substr(at, open_end - at);
    size_t close = html.find("</script>", open_end);
    if (close == std::string_view::npos) break;
    if (tag.find(" src=") != std::string_view::npos) continue;
    std::string_view script = html.substr(open_end + 1, close - open_end - 1);
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(script.data()),
                       script.size());
    char b64[sodium_base64_ENCODED_LEN(sizeof digest, sodium_base64_VARIANT_ORIGINAL)];
    sodium_bin2base64(b64, sizeof b64, digest, sizeof digest, sodium_base64_VARIANT_ORIGINAL);
    hashes.push_back(std::string("'sha256-") + b64 + "'");
  }
  return hashes;
}

}  // namespace

StaticFiles::StaticFiles(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (dir.empty() || !fs::is_directory(dir, ec)) return;
  std::vector<std::pair<std::string, fs::path>> encoded;  // (URL path, file), after the plain ones
  for (const auto& entry : fs::recursive_directory_iterator(dir, ec)) {
    if (!entry.is_regular_file()) continue;
    std::string rel = "/" + fs::relative(entry.path(), dir).generic_string();
    auto ext = entry.path().extension();
    if (ext == ".br" || ext == ".gz") {
      encoded.emplace_back(std::move(rel), entry.path());
      continue;
    }
    files_[rel] = File{.content = read_file(entry.path()),
                       .content_type = content_type_of(entry.path()),
                       .immutable = rel.starts_with("/assets/")};
  }
  size_t variants = 0;
  for (auto& [rel, path] : encoded) {
    bool brotli = path.extension() == ".br";
    auto it = files_.find(std::string_view(rel).substr(0, rel.size() - 3));  // less .br / .gz
    if (it == files_.end()) {  // not an encoding of a file here: a file of its own
      files_[rel] = File{.content = read_file(path),
                         .content_type = content_type_of(path),
                         .immutable = rel.starts_with("/assets/")};
      continue;
    }
    std::string content = read_file(path);
    if (content.empty() || content.size() >= it->second.content.size()) continue;
    (brotli ? it->second.brotli : it->second.gzip) = std::move(content);
    ++variants;
  }
  if (auto index = files_.find(std::string_view("/index.html")); index != files_.end()) {
    inline_script_hashes_ = hashes_of_inline_scripts(index->second.content);
  }
  spdlog::info("serving {} web files from {} ({} precompressed variants)", files_.size(), dir,
               variants);
  size_t plain_only = std::ranges::count_if(files_, [](const auto& entry) {
    const File& f = entry.second;
    return f.brotli.empty() && f.gzip.empty() && f.content.size() >= kMinGzipBytes &&
           compressible(f.content_type);
  });
  if (plain_only > 0) {
    spdlog::warn("{} web files go out plain, with no compressed variant: npm run build makes them",
                 plain_only);
  }
}

std::optional<Response> StaticFiles::serve(std::string_view path, AcceptEncoding accepted) const {
  auto it = files_.find(path == "/" ? std::string_view("/index.html") : path);
  if (it == files_.end()) {
    // App routes (/login, /v/abc123) get the single page; missing files stay 404.
    auto last = path.rfind('/');
    if (path.find('.', last == std::string_view::npos ? 0 : last) != std::string_view::npos)
      return std::nullopt;
    it = files_.find(std::string_view("/index.html"));
    if (it == files_.end()) return std::nullopt;
  }
  const File& file = it->second;
  Response r;
  r.content_type = file.content_type;
  if (accepted.br && !file.brotli.empty()) {
    r.body = file.brotli;
    r.headers.emplace_back("Content-Encoding", "br");
  } else if (accepted.gzip && !file.gzip.empty()) {
    r.body = file.gzip;
    r.headers.emplace_back("Content-Encoding", "gzip");
  } else {
    r.body = file.content;
  }
  if (!file.brotli.empty() || !file.gzip.empty()) r.headers.emplace_back("Vary", "Accept-Encoding");
  r.headers.emplace_back("Cache-Control",
                         file.immutable ? "public, max-age=31536000, immutable" : "no-cache");
  return r;
}

}  // namespace kb::http
