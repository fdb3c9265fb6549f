// How the server reads a request off a connection: Beast's HTTP/1.1 parser under the server's
// limits, and the parsed message turned into the Request handlers see. Kept apart from the
// socket code so that the fuzzer (fuzz/http_request_fuzz.cpp) drives the code the server runs.
#pragma once

#include <boost/beast/core/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <cstddef>
#include <memory_resource>
#include <string>

#include "core/result.h"
#include "http/message.h"

namespace kb::http {

// Header fields come from the memory a connection keeps and reuses (a pool per connection, so
// no allocation per header once it is warm); a parser made without one uses the heap.
using FieldAllocator = std::pmr::polymorphic_allocator<char>;
using Fields = boost::beast::http::basic_fields<FieldAllocator>;
using RequestParser =
    boost::beast::http::request_parser<boost::beast::http::string_body, FieldAllocator>;

// Request line and headers larger than this are refused (413) before any handler runs.
inline constexpr size_t kMaxHeaderBytes = 16 * 1024;

// Sets the limits of a fresh parser, one per request: headers of at most kMaxHeaderBytes, a
// body of at most `max_body_bytes`.
void limit_request(RequestParser& parser, size_t max_body_bytes);

// The method of a request line; kOther for a verb no route answers.
Method method_of(boost::beast::http::verb v);

// Whether a failed read is the client's fault (a malformed or oversized request), which is
// answered with read_error() before the connection closes. Anything else — closed, reset,
// timed out, cut short — just ends the connection.
bool is_client_fault(const boost::beast::error_code& ec);

// The answer to a read that failed by the client's fault: 413 (payload_too_large,
// headers_too_large) for a request over the limits, 400 (bad_request) otherwise.
Error read_error(const boost::beast::error_code& ec);

// The parsed message as handlers see it: method, decoded path, raw query, body, and the
// headers handlers read. The decoded path and every decoded query parameter must be UTF-8
// text without NUL (core/text.h), or the request is refused (400, field "path", "query" or the
// parameter's name; code invalid_path or invalid_query) before it reaches a handler.
Result<Request> to_request(RequestParser::value_type&& msg, const std::string& client_ip);
// The same, into a Request a connection reuses from one request to the next: every field is
// set anew, and strings keep their storage (no allocation per request for the usual headers).
Status read_request(RequestParser::value_type&& msg, const std::string& client_ip, Request& req);

}  // namespace kb::http
