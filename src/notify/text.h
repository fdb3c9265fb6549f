// The text of a message, checked once: plain text, no control characters (newlines allowed in
// the body), within the byte limits of messages.h; a link must be http(s); an expiry must lie
// in the future. Errors name the field.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.h"

namespace kb::notify {

struct MessageText {
  std::string title, body, link;
};

Result<MessageText> check_text(std::string_view title, std::string_view body, std::string_view link,
                               int64_t expires_at, int64_t now);

}  // namespace kb::notify
