#include "notify/delivery.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/json.hpp>

#include "crypto/sealing.h"
#include "notify/http_post.h"
#include "notify/sms_text.h"
#include "store/writer.h"

namespace kb::notify {
namespace {

using store::Sql;

constexpr Sql kInsertDelivery{
    "insert_delivery",
    "INSERT INTO deliveries(message_id, channel, recipient, state, attempts, next_attempt_at, "
    "lease_until, "
    "created_at, updated_at, lane) VALUES ($1, $2, $3, 'queued', 0, $4, 0, $4, $4, $5)"};
constexpr Sql kInsertText{"insert_delivery_text",
                          "INSERT INTO deliveries(message_id, channel, recipient, state, attempts, "
                          "next_attempt_at, lease_until, "
                          "created_at, updated_at, lane, text) VALUES (0, $1, $2, 'queued', 0, $3, "
                          "0, $3, $3, 0, $4) RETURNING id"};
constexpr Sql kInsertLaneText{"insert_delivery_lane_text",
                              "INSERT INTO deliveries(message_id, channel, recipient, state, "
                              "attempts, next_attempt_at, lease_until, created_at, updated_at, "
                              "lane, text) VALUES (0, $1, $2, 'queued', 0, $3, 0, $3, $3, $5, $4) "
                              "RETURNING id"};
// The chat rows of a message: reachable followers of accounts that chose the chat.
#define KB_CHAT_ROWS                                                                           \
  "INSERT INTO deliveries(message_id, channel, recipient, state, attempts, next_attempt_at, "  \
  "lease_until, created_at, updated_at, lane) SELECT $1, 'zalo', f.user_id, 'queued', 0, $2, " \
  "0, $2, $2, $3 FROM chat_followers f JOIN users u ON u.id = f.account_id "                   \
  "WHERE f.following = 1 AND f.consent_at > 0 AND u.preferred_channels LIKE '%chat%' "         \
  "AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.message_id = $1 AND d.channel = 'zalo' " \
  "AND d.recipient = f.user_id) "
constexpr Sql kChatForPerson{"queue_chat_for_person", KB_CHAT_ROWS
                             "AND f.account_id = (SELECT account_id FROM people WHERE id = $4)"};
constexpr Sql kChatForArea{"queue_chat_for_area", KB_CHAT_ROWS
                           "AND EXISTS (SELECT 1 FROM people p WHERE p.account_id = u.id AND "
                           "(p.province_code = $4 OR p.ward_code = $4))"};
constexpr Sql kChatForAll{"queue_chat_for_all", KB_CHAT_ROWS};
constexpr Sql kChatOnly{"chat_only_account",
                        "SELECT 1 FROM users u JOIN people p ON p.account_id = u.id "
                        "WHERE p.id = $1 AND u.preferred_channels = 'chat'"};
constexpr Sql kCancelDeliveries{"cancel_deliveries",
                                "UPDATE deliveries SET state = 'cancelled', updated_at = $2 WHERE "
                                "message_id = $1 AND state = 'queued'"};
constexpr Sql kCountDeliveries{
    "count_deliveries",
    "SELECT state, COUNT(*) FROM deliveries WHERE message_id = $1 GROUP BY state"};
// A text row (message_id 0) carries its own text; a message row joins its message.
#define KB_DUE_COLUMNS                                                                       \
  "d.id, d.message_id, d.channel, d.recipient, d.attempts, COALESCE(m.kind, 'text'), "       \
  "COALESCE(m.title, ''), "                                                                  \
  "COALESCE(m.body, d.text), COALESCE(m.link, ''), COALESCE(m.published_at, d.created_at), " \
  "COALESCE(m.expires_at, 0), COALESCE(m.sender_jurisdiction, ''), d.lane "                  \
  "FROM deliveries d LEFT JOIN messages m ON m.id = d.message_id "
constexpr Sql kSelectDue{
    "select_due_deliveries",
    "SELECT " KB_DUE_COLUMNS
    "WHERE d.state = 'queued' AND d.next_attempt_at <= $1 AND d.lease_until <= $1 "
    "AND d.lane >= $3 AND d.lane <= $4 AND (d.message_id = 0 OR m.status = 'sent') "
    "ORDER BY d.lane, d.next_attempt_at, d.id LIMIT $2"};
constexpr Sql kSelectOne{
    "select_one_delivery",
    "SELECT " KB_DUE_COLUMNS
    "WHERE d.id = $1 AND d.state = 'queued' AND (d.message_id = 0 OR m.status = 'sent')"};
constexpr Sql kLeaseDelivery{"lease_delivery",
                             "UPDATE deliveries SET lease_until = $3 WHERE id = $1 AND state = "
                             "'queued' AND lease_until <= $2"};
constexpr Sql kMarkSent{"mark_delivery_sent",
                        "UPDATE deliveries SET state = 'sent', attempts = attempts + 1, "
                        "lease_until = 0, last_error = NULL, "
                        "updated_at = $2 WHERE id = $1 AND state = 'queued'"};
constexpr Sql kMarkRetry{"mark_delivery_retry",
                         "UPDATE deliveries SET attempts = attempts + 1, next_attempt_at = $2, "
                         "lease_until = 0, last_error = $3, "
                         "updated_at = $4 WHERE id = $1 AND state = 'queued'"};
constexpr Sql kMarkDead{"mark_delivery_dead",
                        "UPDATE deliveries SET state = 'failed', attempts = attempts + 1, "
                        "lease_until = 0, last_error = $2, "
                        "updated_at = $3 WHERE id = $1 AND state = 'queued'"};
constexpr Sql kReleaseLeases{
    "release_delivery_leases",
    "UPDATE deliveries SET lease_until = 0 WHERE state = 'queued' AND lease_until > 0"};

}  // namespace

std::string_view lane_name(Lane lane) {
  switch (lane) {
    case Lane::kUrgent:
      return "urgent";
    case Lane::kNotice:
      return "notice";
    case Lane::kBulk:
      return "bulk";
  }
  return "notice";
}

Status queue_delivery(store::Connection& c, int64_t message_id, std::string_view channel,
                      std::string_view recipient, int64_t now, Lane lane) {
  // A phone is sealed at rest (crypto/sealing.h); a broadcast's audience is no one's data.
  std::string to = channel == kChannelSms ? sealing::seal(recipient) : std::string(recipient);
  KB_TRY(c.exec(kInsertDelivery,
                {message_id, channel, std::string_view(to), now, static_cast<int64_t>(lane)}));
  return {};
}

Result<int64_t> queue_urgent_text(store::Connection& c, std::string_view phone,
                                  std::string_view text, int64_t now) {
  KB_ASSIGN(auto row, c.query_one(kInsertText, {kChannelSms, sealing::seal(phone), now, text}));
  if (!row) return internal("queueing a text returned no id");
  return row->i64(0);
}

Result<int64_t> queue_text(store::Connection& c, std::string_view channel,
                           std::string_view recipient, std::string_view text, int64_t now,
                           Lane lane) {
  KB_ASSIGN(auto row, c.query_one(kInsertLaneText,
                                  {channel, recipient, now, text, static_cast<int64_t>(lane)}));
  if (!row) return internal("queueing a text returned no id");
  return row->i64(0);
}

Result<bool> queue_chat_for_person(store::Connection& c, int64_t message_id, int64_t person_id,
                                   int64_t now, Lane lane) {
  KB_ASSIGN(int64_t queued,
            c.exec(kChatForPerson, {message_id, now, static_cast<int64_t>(lane), person_id}));
  if (queued == 0) return false;
  KB_ASSIGN(auto only, c.query_one(kChatOnly, {person_id}));
  return only.has_value();
}

Status queue_chat_for_areas(store::Connection& c, int64_t message_id,
                            const std::vector<std::string>& area_codes, int64_t now) {
  auto lane = static_cast<int64_t>(Lane::kBulk);
  for (const std::string& code : area_codes) {
    if (code == "*") {
      KB_TRY(c.exec(kChatForAll, {message_id, now, lane}));
      return {};
    }
    KB_TRY(c.exec(kChatForArea, {message_id, now, lane, std::string_view(code)}));
  }
  return {};
}

Result<int64_t> cancel_deliveries(store::Connection& c, int64_t message_id, int64_t now) {
  return c.exec(kCancelDeliveries, {message_id, now});
}

Result<DeliveryCounts> delivery_counts(store::Connection& c, int64_t message_id) {
  KB_ASSIGN(auto rows, c.query(kCountDeliveries, {message_id}));
  DeliveryCounts counts;
  for (const auto& r : rows) {
    std::string state = r.str(0);
    int64_t n = r.i64(1);
    if (state == "queued")
      counts.queued = n;
    else if (state == "sent")
      counts.sent = n;
    else if (state == "failed")
      counts.failed = n;
    else if (state == "cancelled")
      counts.cancelled = n;
  }
  return counts;
}

namespace {

DueDelivery due_of(const store::Row& r) {
  DueDelivery d;
  d.id = r.i64(0);
  d.message_id = r.i64(1);
  d.channel = r.str(2);
  // An SMS's phone is sealed (crypto/sealing.h), but in rows from before sealing.
  d.recipient = sealing::reveal(r.str(3));
  d.attempts = static_cast<int>(r.i64(4));
  d.kind = r.str(5);
  d.title = r.str(6);
  d.body = r.str(7);
  d.link = r.str(8);
  d.published_at = r.i64(9);
  d.expires_at = r.i64(10);
  d.sender_jurisdiction = r.str(11);
  d.lane = static_cast<Lane>(r.i64(12));
  return d;
}

}  // namespace

Result<std::vector<DueDelivery>> claim_due(store::Connection& c, int64_t now, int lease_seconds,
                                           int limit, Lanes lanes) {
  KB_ASSIGN(auto rows, c.query(kSelectDue, {now, int64_t{limit}, static_cast<int64_t>(lanes.first),
                                            static_cast<int64_t>(lanes.last)}));
  std::vector<DueDelivery> out;
  for (const auto& r : rows) {
    DueDelivery d = due_of(r);
    KB_ASSIGN(int64_t leased, c.exec(kLeaseDelivery, {d.id, now, now + lease_seconds}));
    if (leased != 1) continue;  // another worker took it
    out.push_back(std::move(d));
  }
  return out;
}

Result<std::optional<DueDelivery>> claim_one(store::Connection& c, int64_t id, int64_t now,
                                             int lease_seconds) {
  KB_ASSIGN(auto row, c.query_one(kSelectOne, {id}));
  if (!row) return std::optional<DueDelivery>();
  KB_ASSIGN(int64_t leased, c.exec(kLeaseDelivery, {id, now, now + lease_seconds}));
  if (leased != 1) return std::optional<DueDelivery>();
  return std::optional<DueDelivery>(due_of(*row));
}

Status record_sent(store::Connection& c, int64_t delivery_id, int64_t now) {
  KB_TRY(c.exec(kMarkSent, {delivery_id, now}));
  return {};
}

Status record_failure(store::Connection& c, const DueDelivery& d, std::string_view error,
                      const DeliveryOptions& options, int64_t now) {
  std::string message(error.substr(0, 500));
  int attempt = d.attempts + 1;
  if (attempt >= options.max_attempts) {
    KB_TRY(c.exec(kMarkDead, {d.id, std::string_view(message), now}));
    return {};
  }
  int64_t delay = options.backoff_seconds;
  for (int i = 1; i < attempt && delay < options.max_backoff_seconds; ++i) delay *= 2;
  delay = std::min<int64_t>(delay, options.max_backoff_seconds);
  KB_TRY(c.exec(kMarkRetry, {d.id, now + delay, std::string_view(message), now}));
  return {};
}

Status release_leases(store::Connection& c) {
  KB_TRY(c.exec(kReleaseLeases));
  return {};
}

// ---- channels ----

Result<std::unique_ptr<WebhookChannel>> WebhookChannel::make(std::string_view url,
                                                             int timeout_seconds,
                                                             std::string sender_name,
                                                             int carrier_rate) {
  KB_ASSIGN(HttpEndpoint endpoint, parse_http_url(url, "webhook-url"));
  std::unique_ptr<WebhookChannel> w(new WebhookChannel());
  w->endpoint_ = std::move(endpoint);
  w->timeout_seconds_ = timeout_seconds;
  w->sender_name_ = std::move(sender_name);
  w->carrier_rate_ = carrier_rate;
  return w;
}

std::string WebhookChannel::payload(const DueDelivery& d, std::string_view sender_name) {
  boost::json::object o{{"id", d.idempotency_id()},
                        {"message_id", d.message_id},
                        {"channel", d.channel},
                        {"kind", d.kind},
                        {"title", d.title},
                        {"body", d.body},
                        {"published_at", format_rfc3339(d.published_at)},
                        {"attempt", d.attempts + 1}};
  o["link"] = d.link.empty() ? boost::json::value(nullptr) : boost::json::value(d.link);
  o["expires_at"] = d.expires_at > 0 ? boost::json::value(format_rfc3339(d.expires_at))
                                     : boost::json::value(nullptr);
  o["sender"] = d.sender_jurisdiction;
  if (d.channel == kChannelSms) {
    o["to"] = d.recipient;
    // A stored message's full text stays in the inbox; the SMS says it short, with the link.
    std::string text = d.message_id == 0 ? d.body : d.title + ": " + d.body;
    o["sms"] = sms_part(text, d.message_id == 0 ? std::string_view{} : std::string_view(d.link));
    o["sender_name"] = sender_name;
    o["carrier"] = carrier_of(d.recipient);
    o["priority"] = lane_name(d.lane);
  } else {
    boost::system::error_code ec;
    auto audience = boost::json::parse(d.recipient, ec);
    o["audience"] = ec ? boost::json::value(d.recipient) : audience;
  }
  return boost::json::serialize(o);
}

void WebhookChannel::pace(std::string_view carrier) {
  if (carrier_rate_ <= 0) return;
  for (;;) {
    {
      std::lock_guard lock(pace_mu_);
      auto second = std::chrono::duration_cast<std::chrono::seconds>(
                        std::chrono::steady_clock::now().time_since_epoch())
                        .count();
      auto& [at, sent] = paced_[std::string(carrier)];
      if (at != second) {
        at = second;
        sent = 0;
      }
      if (sent < carrier_rate_) {
        ++sent;
        return;
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

Status WebhookChannel::deliver(const DueDelivery& d) {
  if (d.channel == kChannelSms) pace(carrier_of(d.recipient));
  std::string body = payload(d, sender_name_);
  HttpPost post{.body = body,
                .headers = {{"Idempotency-Key", d.idempotency_id()}},
                .timeout_seconds = timeout_seconds_};
  auto reply = http_post(endpoint_, {}, post);
  if (!reply.ok())
    return make_error(ErrorKind::kUnavailable, "webhook_unreachable", reply.error().message);
  if (reply->status < 200 || reply->status > 299) {
    return make_error(ErrorKind::kUnavailable, "webhook_refused",
                      "webhook answered " + std::to_string(reply->status));
  }
  return {};
}

Status RoutingChannel::deliver(const DueDelivery& d) {
  auto it = routes_.find(d.channel);
  return (it == routes_.end() ? fallback_ : *it->second).deliver(d);
}

Status OutboxChannel::deliver(const DueDelivery& d) {
  if (d.message_id == 0) return out_.send({kChannelSms, d.recipient, d.body, d.published_at});
  std::string text = d.title + ": " + d.body;
  if (!d.link.empty()) text += " " + d.link;
  std::string to = d.channel == kChannelSms ? d.recipient : "broadcast:" + d.recipient;
  return out_.send({"notification", to, text, d.published_at});
}

// ---- worker ----

Status attempt_delivery(store::Database& db, DeliveryChannel& channel, const DueDelivery& d,
                        const DeliveryOptions& options, Clock& clock) {
  Status sent = channel.deliver(d);
  int64_t at = clock.now();
  Status recorded =
      sent.ok()
          ? db.writer().write_sync([&](store::Connection& c) { return record_sent(c, d.id, at); })
          : db.writer().write_sync([&](store::Connection& c) {
              return record_failure(c, d, sent.error().message, options, at);
            });
  if (!sent.ok()) {
    spdlog::info("delivery {} ({}) attempt {} failed: {}", d.id, lane_name(d.lane), d.attempts + 1,
                 sent.error().message);
  }
  if (!recorded.ok())
    spdlog::warn("deliveries: cannot record outcome of {}: {}", d.id, recorded.error().message);
  return sent;
}

Status UrgentTexts::attempt(int64_t delivery_id) {
  int64_t now = clock_.now();
  KB_ASSIGN(auto claimed, db_.writer().write_sync([&](store::Connection& c) {
    return claim_one(c, delivery_id, now, options_.lease_seconds);
  }));
  if (!claimed) return {};  // the urgent worker has it already
  return attempt_delivery(db_, channel_, *claimed, options_, clock_);
}

DeliveryWorker::DeliveryWorker(store::Database& db, DeliveryChannel& channel,
                               DeliveryOptions options, Clock clock, Lanes lanes,
                               std::function<bool()> may_run)
    : db_(db),
      channel_(channel),
      options_(options),
      clock_(std::move(clock)),
      lanes_(lanes),
      may_run_(std::move(may_run)) {}

DeliveryWorker::~DeliveryWorker() { stop(); }

void DeliveryWorker::start() {
  if (db_.dialect() == store::Dialect::kSqlite) {
    // One process owns a SQLite store: leases left by a crash belong to nobody.
    auto st = db_.writer().write_sync([](store::Connection& c) { return release_leases(c); });
    if (!st.ok()) spdlog::warn("deliveries: cannot release leases: {}", st.error().message);
  }
  thread_ = std::thread([this] { loop(); });
}

void DeliveryWorker::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void DeliveryWorker::poke() {
  {
    std::lock_guard lock(mu_);
    poked_ = true;
  }
  cv_.notify_all();
}

void DeliveryWorker::loop() {
  for (;;) {
    size_t attempted = run_once();
    std::unique_lock lock(mu_);
    if (stopping_) return;
    if (attempted > 0) continue;  // more may be due
    cv_.wait_for(lock, std::chrono::milliseconds(options_.poll_milliseconds),
                 [&] { return stopping_ || poked_; });
    poked_ = false;
    if (stopping_) return;
  }
}

size_t DeliveryWorker::run_once() {
  if (!may_run_()) return 0;
  int64_t now = clock_.now();
  auto claimed = db_.writer().write_sync([now, this](store::Connection& c) {
    return claim_due(c, now, options_.lease_seconds, options_.batch, lanes_);
  });
  if (!claimed.ok()) {
    spdlog::warn("deliveries: claim failed: {}", claimed.error().message);
    return 0;
  }
  for (const DueDelivery& d : *claimed) {
    {
      std::lock_guard lock(mu_);
      if (stopping_) break;  // the lease runs out; another start picks the row up
    }
    (void)attempt_delivery(db_, channel_, d, options_, clock_);
  }
  return claimed->size();
}

}  // namespace kb::notify
