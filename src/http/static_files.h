// The built web app, loaded into memory at start-up (a few hundred kilobytes) and served
// with caching headers: hashed assets for a year, everything else revalidated.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "http/message.h"

namespace kb::http {

class StaticFiles {
 public:
  // Loads every file under `dir`; an empty or missing dir serves nothing.
  explicit StaticFiles(const std::string& dir);
  // The file for a GET path, or index.html for an app route (a path without an extension),
  // or nullopt.
  std::optional<Response> serve(std::string_view path) const;
  size_t size() const { return files_.size(); }

 private:
  struct File {
    std::string content;
    std::string content_type;
    bool immutable = false;
  };
  std::map<std::string, File, std::less<>> files_;
};

}  // namespace kb::http
