// Outgoing messages (one-time codes, notifications) when no gateway is configured: appended to
// `{data-dir}/outbox.jsonl`, one JSON object a line — {channel, to, text, at} — so a developer
// or a test can read what would have been sent.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>

#include "core/result.h"

namespace kb::outbox {

struct OutgoingMessage {
  std::string_view channel;  // "sms", …
  std::string_view to;       // E.164 phone for sms
  std::string_view text;
  int64_t at = 0;
};

// A place messages go out through. Implementations must be safe to call from any thread.
class MessageChannel {
 public:
  virtual ~MessageChannel() = default;
  virtual Status send(const OutgoingMessage& message) = 0;
};

class OutboxFile final : public MessageChannel {
 public:
  explicit OutboxFile(std::string path) : path_(std::move(path)) {}
  // Appends one line with a single write(2) on an O_APPEND descriptor, so lines from several
  // processes never interleave.
  Status send(const OutgoingMessage& message) override;

 private:
  std::string path_;
};

}  // namespace kb::outbox
