// Small pieces every handler uses.
#pragma once

#include <boost/json.hpp>

#include "core/json_input.h"
#include "http/message.h"

namespace kb::http {

// The request body as a JSON object; 415 unless the content type is JSON.
Result<JsonBody> json_body(const Request& req);

// Result<T> → Response: `ok(value)` on success, the mapped error otherwise.
template <class T, class F>
Response respond(Result<T>&& r, F&& ok) {
  if (!r.ok()) return Response::error(r.error());
  return ok(std::move(r).value());
}

}  // namespace kb::http
