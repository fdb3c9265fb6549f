// The Zalo webhook's events (chat/zalo_event.h) as they arrive from outside. The body is the
// input; the target signs it as the platform would (with the body's own app id and timestamp,
// and a clock at that timestamp) so the fuzzer reaches the event parser, and also sends it with
// a wrong signature. Whatever the body: an unsigned event is never taken, an error names its
// field, and a taken event holds only bounded, readable text and real coordinates.
#include <boost/json.hpp>
#include <charconv>
#include <string>

#include "chat/zalo_event.h"
#include "check.h"

namespace {

std::string member(const boost::json::value& v, std::string_view key) {
  const auto* o = v.if_object();
  const auto* m = o ? o->if_contains(key) : nullptr;
  return m && m->is_string() ? std::string(m->as_string()) : std::string();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace kb::chat;
  using kb::fuzz::is_utf8;
  std::string_view body(reinterpret_cast<const char*>(data), size);
  ZaloConfig config;
  config.app_id = "123";
  config.oa_secret_key = "secret";

  boost::system::error_code ec;
  boost::json::value parsed = boost::json::parse(body, ec);
  std::string app_id = ec ? "" : member(parsed, "app_id");
  std::string timestamp = ec ? "" : member(parsed, "timestamp");
  int64_t millis = 0;
  std::from_chars(timestamp.data(), timestamp.data() + timestamp.size(), millis);
  int64_t now = millis / 1000;

  auto forged = read_zalo_event(config, body, "mac=" + std::string(64, '0'), now);
  KB_FUZZ_CHECK(!forged.ok(), "an event with a wrong signature was taken");
  KB_FUZZ_CHECK(!forged.error().field.empty(), forged.error().code);

  auto event =
      read_zalo_event(config, body, zalo_signature(app_id, body, timestamp, "secret"), now);
  if (!event.ok()) {
    KB_FUZZ_CHECK(!event.error().field.empty(), event.error().code);
    return 0;
  }
  KB_FUZZ_CHECK(app_id == config.app_id, "another app's event was taken");
  KB_FUZZ_CHECK(event->at == now, "the event's time is its timestamp");
  KB_FUZZ_CHECK(!event->user_id.empty() && event->user_id.size() <= 64 && is_utf8(event->user_id),
                "user id");
  KB_FUZZ_CHECK(!event->key.empty() && event->key.size() <= 200, "event key");
  switch (event->kind) {
    case EventKind::kText:
      KB_FUZZ_CHECK(!event->text.empty() && event->text.size() <= 2000 && is_utf8(event->text),
                    "text");
      break;
    case EventKind::kLocation:
      KB_FUZZ_CHECK(event->latitude >= -90 && event->latitude <= 90 && event->longitude >= -180 &&
                        event->longitude <= 180,
                    "coordinates");
      break;
    case EventKind::kSubmitInfo:
      for (const std::string* s : {&event->phone, &event->name, &event->address})
        KB_FUZZ_CHECK(s->size() <= 500 && is_utf8(*s), "submitted info");
      break;
    case EventKind::kFollow:
    case EventKind::kUnfollow:
      break;
  }
  return 0;
}
