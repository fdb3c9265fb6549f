#include "http/handler_util.h"

namespace kb::http {

Result<JsonBody> json_body(const Request& req) {
  std::string_view ct = req.content_type;
  if (!ct.starts_with("application/json")) {
    return Error{ErrorKind::kUnsupportedMediaType, "unsupported_media_type",
                 "send the body as application/json", "content-type"};
  }
  return JsonBody::parse(req.body);
}

}  // namespace kb::http
