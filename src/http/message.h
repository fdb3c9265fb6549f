// The HTTP request and response as handlers see them: plain values, no Beast types, so
// handlers stay small and the wire code lives in server.cpp alone.
#pragma once

#include <boost/json/value.hpp>

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.h"

namespace kb::http {

enum class Method { kGet, kHead, kPost, kPut, kPatch, kDelete, kOptions, kOther };
std::string_view method_name(Method m);

struct Request {
  Method method = Method::kGet;
  std::string path;   // decoded path, without the query
  std::string query;  // raw query string, without '?'
  std::string body;
  std::string client_ip;
  std::string authorization;  // raw header value
  std::string content_type;
  std::string last_event_id;
  std::map<std::string, std::string, std::less<>> params;  // path parameters by name

  std::string_view param(std::string_view name) const;
  // A query parameter's decoded value, or nullopt when absent.
  std::optional<std::string> query_param(std::string_view name) const;
  // The bearer token of the Authorization header, or empty.
  std::string_view bearer_token() const;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;

  static Response json(int status, const boost::json::value& body);
  static Response error(const Error& error);
  static Response no_content();
};

// The one place an ErrorKind becomes an HTTP status.
int status_of(ErrorKind kind);

}  // namespace kb::http
