// The Zalo Official Account's webhook events, checked and parsed (docs/ZALO.md says where every
// field and header comes from). Events are signed with the header
//   X-ZEvent-Signature: mac=<hex SHA-256 of app_id + raw body + timestamp + OA secret key>
// where timestamp is the body's own "timestamp" (milliseconds). Apart from the sending side
// (zalo_oa.h) because this is outside input: it needs nothing but the text, and is fuzzed
// (fuzz/zalo_event_fuzz.cpp).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "chat/channel.h"
#include "core/result.h"

namespace kb::chat {

inline constexpr std::string_view kZalo = "zalo";  // the platform's name in our tables

struct ZaloConfig {
  std::string app_id;         // the app the OA is connected to (events carry it)
  std::string oa_id;          // the OA (events carry it as recipient.id); empty: any
  std::string oa_secret_key;  // signs webhook events
  std::string app_secret;     // refreshes the access token
  std::string api_url;        // http:// base of the platform's APIs (or an egress proxy)
  std::string access_token, refresh_token;  // the first pair, until the database holds one
  std::string notice_template_id;           // the ZNS template registered for notices
  int max_event_age_seconds = 300;          // older (or that far in the future): stale
  int sends_per_second = 20;                // the platform's rate; over it, later
  bool enabled() const { return !app_id.empty() && !oa_secret_key.empty(); }
};

// The expected X-ZEvent-Signature value ("mac=" and 64 hex digits).
std::string zalo_signature(std::string_view app_id, std::string_view body,
                           std::string_view timestamp, std::string_view oa_secret_key);

// Checks a webhook request and parses its event: kUnauthenticated `bad_signature` for a
// missing or wrong signature (or another app's event), kInvalid `stale_event` for a timestamp
// too far from `now`, kInvalid `unknown_event` for an event this adapter does not take, and
// field errors for a malformed body. Writes nothing.
Result<ChatEvent> read_zalo_event(const ZaloConfig& config, std::string_view body,
                                  std::string_view signature_header, int64_t now);

}  // namespace kb::chat
