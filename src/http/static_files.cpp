#include "http/static_files.h"

#include <spdlog/spdlog.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace kb::http {
namespace {

std::string content_type_of(const std::filesystem::path& p) {
  static const std::map<std::string, std::string, std::less<>> kTypes = {
      {".html", "text/html; charset=utf-8"},   {".js", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},     {".json", "application/json"},
      {".svg", "image/svg+xml"},               {".png", "image/png"},
      {".ico", "image/x-icon"},                {".webmanifest", "application/manifest+json"},
      {".txt", "text/plain; charset=utf-8"},   {".woff2", "font/woff2"},
      {".map", "application/json"},
  };
  auto it = kTypes.find(p.extension().string());
  return it == kTypes.end() ? "application/octet-stream" : it->second;
}

}  // namespace

StaticFiles::StaticFiles(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (dir.empty() || !fs::is_directory(dir, ec)) return;
  for (const auto& entry : fs::recursive_directory_iterator(dir, ec)) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    std::string rel = "/" + fs::relative(entry.path(), dir).generic_string();
    files_[rel] = File{ss.str(), content_type_of(entry.path()), rel.starts_with("/assets/")};
  }
  spdlog::info("serving {} web files from {}", files_.size(), dir);
}

std::optional<Response> StaticFiles::serve(std::string_view path) const {
  auto it = files_.find(path == "/" ? std::string_view("/index.html") : path);
  if (it == files_.end()) {
    // App routes (/login, /v/abc123) get the single page; missing files stay 404.
    auto last = path.rfind('/');
    if (path.find('.', last == std::string_view::npos ? 0 : last) != std::string_view::npos) return std::nullopt;
    it = files_.find(std::string_view("/index.html"));
    if (it == files_.end()) return std::nullopt;
  }
  Response r;
  r.content_type = it->second.content_type;
  r.body = it->second.content;
  r.headers.emplace_back("Cache-Control",
                         it->second.immutable ? "public, max-age=31536000, immutable" : "no-cache");
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  return r;
}

}  // namespace kb::http
