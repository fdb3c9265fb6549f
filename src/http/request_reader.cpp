#include "http/request_reader.h"

#include <boost/beast/http/error.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/parse_query.hpp>

#include "core/text.h"
#include "http/content_coding.h"

namespace kb::http {
namespace {

namespace bhttp = boost::beast::http;

Status check_query(std::string_view query) {
  if (query.empty()) return {};
  auto params = boost::urls::parse_query(query);
  if (!params) return {};  // Request::query_param finds nothing in it
  for (auto param : *params) {
    std::string name = param.key.decode();
    if (!is_storable_text(name)) {
      return invalid("query", "invalid_query", "a query parameter's name is not UTF-8 text");
    }
    if (!is_storable_text(param.value.decode())) {
      return invalid(name.empty() ? "query" : name, "invalid_query",
                     "the query parameter '" + name + "' is not UTF-8 text");
    }
  }
  return {};
}

}  // namespace

Method method_of(bhttp::verb v) {
  switch (v) {
    case bhttp::verb::get:
      return Method::kGet;
    case bhttp::verb::head:
      return Method::kHead;
    case bhttp::verb::post:
      return Method::kPost;
    case bhttp::verb::put:
      return Method::kPut;
    case bhttp::verb::patch:
      return Method::kPatch;
    case bhttp::verb::delete_:
      return Method::kDelete;
    case bhttp::verb::options:
      return Method::kOptions;
    default:
      return Method::kOther;
  }
}

void limit_request(RequestParser& parser, size_t max_body_bytes) {
  parser.body_limit(max_body_bytes);
  parser.header_limit(kMaxHeaderBytes);
}

bool is_client_fault(const boost::beast::error_code& ec) {
  return ec.category() == bhttp::make_error_code(bhttp::error::bad_target).category() &&
         ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message;
}

Error read_error(const boost::beast::error_code& ec) {
  if (ec == bhttp::error::body_limit) {
    return make_error(ErrorKind::kPayloadTooLarge, "payload_too_large",
                      "request body is too large");
  }
  if (ec == bhttp::error::header_limit) {
    return make_error(ErrorKind::kPayloadTooLarge, "headers_too_large",
                      "request headers are too large");
  }
  return make_error(ErrorKind::kInvalidArgument, "bad_request", "malformed HTTP request");
}

Status read_request(RequestParser::value_type&& msg, const std::string& client_ip, Request& req) {
  req.method = method_of(msg.method());
  std::string_view target = msg.target();
  size_t q = target.find('?');
  std::string_view raw_path = target.substr(0, q);
  if (q != std::string_view::npos) {
    req.query.assign(target.substr(q + 1));
  } else {
    req.query.clear();
  }
  auto parsed = boost::urls::parse_origin_form(target);
  if (parsed) {
    req.path.clear();
    parsed->path(boost::urls::string_token::append_to(req.path));  // decoded, into its storage
  } else {
    req.path.assign(raw_path);
  }
  req.params.clear();
  if (!is_storable_text(req.path)) {
    return invalid("path", "invalid_path", "the path is not UTF-8 text");
  }
  KB_TRY(check_query(req.query));
  req.body = std::move(msg.body());
  req.client_ip.assign(client_ip);
  req.authorization.assign(msg[bhttp::field::authorization]);
  req.content_type.assign(msg[bhttp::field::content_type]);
  req.last_event_id.assign(msg["Last-Event-ID"]);
  std::string_view accept_encoding = msg[bhttp::field::accept_encoding];
  req.accept_encoding =
      accept_encoding.empty() ? AcceptEncoding{} : parse_accept_encoding(accept_encoding);
  req.column_mapping.assign(msg["X-Column-Mapping"]);
  req.chat_signature.assign(msg["X-ZEvent-Signature"]);
  req.file_name.assign(msg["X-File-Name"]);
  req.forwarded_for.assign(msg["X-Forwarded-For"]);
  return {};
}

Result<Request> to_request(RequestParser::value_type&& msg, const std::string& client_ip) {
  Request req;
  KB_TRY(read_request(std::move(msg), client_ip, req));
  return req;
}

}  // namespace kb::http
