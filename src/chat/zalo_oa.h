// The Zalo Official Account adapter (docs/ZALO.md says where every field and header comes
// from). In: the webhook's events (zalo_event.h). Out: customer-service messages
// (POST /v3.0/oa/message/cs, header access_token), template (ZNS) messages by phone number
// (POST /message/template) and the refresh of the access token (POST /v4/oa/access_token with
// the app's secret_key header and the single-use refresh token).
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "chat/channel.h"
#include "chat/zalo_event.h"
#include "core/clock.h"
#include "core/result.h"
#include "notify/delivery.h"
#include "notify/http_post.h"
#include "store/database.h"

namespace kb::chat {

inline constexpr std::string_view kChannelZalo = "zalo";  // deliveries.channel of its rows

// The body of a customer-service message to `user_id`.
std::string zalo_cs_message(std::string_view user_id, const ChatReply& reply);
// The body of a template (ZNS) message to a phone (E.164; sent as 84…).
std::string zalo_template_message(std::string_view e164, std::string_view template_id,
                                  std::string_view title, std::string_view body,
                                  std::string_view tracking_id);

// Delivers chat rows (channel "zalo") to the platform: a reply's row carries the ChatReply as
// JSON; a notice's row is sent as a customer-service message inside the follower's window, or
// as the notice template by phone outside it (chat/followers.h decides). Any answer but
// {"error": 0} is a failure, retried by the delivery worker; sends beyond the platform's rate
// wait for the next second.
class ZaloChannel final : public notify::DeliveryChannel {
 public:
  ZaloChannel(ZaloConfig config, notify::HttpEndpoint api, store::Database& db, Clock clock)
      : config_(std::move(config)), api_(std::move(api)), db_(db), clock_(std::move(clock)) {}
  Status deliver(const notify::DueDelivery& d) override;
  // The access token to send with (the database's, else the configured one).
  Result<std::string> access_token();
  // Refreshes the token pair when it expires within `margin` seconds; run by one process only
  // (a scheduled job). Returns whether it refreshed.
  Result<bool> refresh_token_if_due(int64_t margin = 3600);

 private:
  Status post(std::string_view path, const std::string& body);
  void wait_for_rate();

  ZaloConfig config_;
  notify::HttpEndpoint api_;
  store::Database& db_;
  Clock clock_;
  std::mutex rate_mu_;
  int64_t rate_second_ = 0;  // guarded by rate_mu_
  int rate_used_ = 0;        // guarded by rate_mu_
};

}  // namespace kb::chat
