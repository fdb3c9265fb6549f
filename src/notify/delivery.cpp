#include "notify/delivery.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <boost/url/parse.hpp>

#include "store/writer.h"

namespace kb::notify {
namespace {

using store::Sql;

constexpr Sql kInsertDelivery{
    "insert_delivery",
    "INSERT INTO deliveries(message_id, channel, recipient, state, attempts, next_attempt_at, lease_until, "
    "created_at, updated_at) VALUES ($1, $2, $3, 'queued', 0, $4, 0, $4, $4)"};
constexpr Sql kCancelDeliveries{
    "cancel_deliveries",
    "UPDATE deliveries SET state = 'cancelled', updated_at = $2 WHERE message_id = $1 AND state = 'queued'"};
constexpr Sql kCountDeliveries{
    "count_deliveries", "SELECT state, COUNT(*) FROM deliveries WHERE message_id = $1 GROUP BY state"};
constexpr Sql kSelectDue{
    "select_due_deliveries",
    "SELECT d.id, d.message_id, d.channel, d.recipient, d.attempts, m.kind, m.title, m.body, m.link, "
    "m.published_at, m.expires_at, m.sender_jurisdiction FROM deliveries d JOIN messages m ON m.id = d.message_id "
    "WHERE d.state = 'queued' AND d.next_attempt_at <= $1 AND d.lease_until <= $1 AND m.status = 'sent' "
    "ORDER BY d.next_attempt_at, d.id LIMIT $2"};
constexpr Sql kLeaseDelivery{
    "lease_delivery",
    "UPDATE deliveries SET lease_until = $3 WHERE id = $1 AND state = 'queued' AND lease_until <= $2"};
constexpr Sql kMarkSent{
    "mark_delivery_sent",
    "UPDATE deliveries SET state = 'sent', attempts = attempts + 1, lease_until = 0, last_error = NULL, "
    "updated_at = $2 WHERE id = $1 AND state = 'queued'"};
constexpr Sql kMarkRetry{
    "mark_delivery_retry",
    "UPDATE deliveries SET attempts = attempts + 1, next_attempt_at = $2, lease_until = 0, last_error = $3, "
    "updated_at = $4 WHERE id = $1 AND state = 'queued'"};
constexpr Sql kMarkDead{
    "mark_delivery_dead",
    "UPDATE deliveries SET state = 'failed', attempts = attempts + 1, lease_until = 0, last_error = $2, "
    "updated_at = $3 WHERE id = $1 AND state = 'queued'"};
constexpr Sql kReleaseLeases{"release_delivery_leases",
                             "UPDATE deliveries SET lease_until = 0 WHERE state = 'queued' AND lease_until > 0"};

}  // namespace

Status queue_delivery(store::Connection& c, int64_t message_id, std::string_view channel,
                      std::string_view recipient, int64_t now) {
  KB_TRY(c.exec(kInsertDelivery, {message_id, channel, recipient, now}));
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
    if (state == "queued") counts.queued = n;
    else if (state == "sent") counts.sent = n;
    else if (state == "failed") counts.failed = n;
    else if (state == "cancelled") counts.cancelled = n;
  }
  return counts;
}

Result<std::vector<DueDelivery>> claim_due(store::Connection& c, int64_t now, int lease_seconds, int limit) {
  KB_ASSIGN(auto rows, c.query(kSelectDue, {now, int64_t{limit}}));
  std::vector<DueDelivery> out;
  for (const auto& r : rows) {
    DueDelivery d;
    d.id = r.i64(0);
    KB_ASSIGN(int64_t leased, c.exec(kLeaseDelivery, {d.id, now, now + lease_seconds}));
    if (leased != 1) continue;  // another worker took it
    d.message_id = r.i64(1);
    d.channel = r.str(2);
    d.recipient = r.str(3);
    d.attempts = static_cast<int>(r.i64(4));
    d.kind = r.str(5);
    d.title = r.str(6);
    d.body = r.str(7);
    d.link = r.str(8);
    d.published_at = r.i64(9);
    d.expires_at = r.i64(10);
    d.sender_jurisdiction = r.str(11);
    out.push_back(std::move(d));
  }
  return out;
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

Result<std::unique_ptr<WebhookChannel>> WebhookChannel::make(std::string_view url, int timeout_seconds) {
  auto parsed = boost::urls::parse_uri(url);
  if (!parsed || parsed->scheme() != "http" || parsed->host().empty()) {
    return invalid("webhook-url", "invalid_webhook_url", "--webhook-url must be http://HOST[:PORT][/PATH]");
  }
  std::unique_ptr<WebhookChannel> w(new WebhookChannel());
  w->host_ = std::string(parsed->host());
  w->port_ = parsed->has_port() ? std::string(parsed->port()) : "80";
  std::string target = std::string(parsed->encoded_path());
  if (target.empty()) target = "/";
  if (parsed->has_query()) target += "?" + std::string(parsed->encoded_query());
  w->target_ = std::move(target);
  w->timeout_seconds_ = timeout_seconds;
  return w;
}

std::string WebhookChannel::payload(const DueDelivery& d) {
  boost::json::object o{{"id", d.idempotency_id()},
                        {"message_id", d.message_id},
                        {"channel", d.channel},
                        {"kind", d.kind},
                        {"title", d.title},
                        {"body", d.body},
                        {"published_at", format_rfc3339(d.published_at)},
                        {"attempt", d.attempts + 1}};
  o["link"] = d.link.empty() ? boost::json::value(nullptr) : boost::json::value(d.link);
  o["expires_at"] = d.expires_at > 0 ? boost::json::value(format_rfc3339(d.expires_at)) : boost::json::value(nullptr);
  o["sender"] = d.sender_jurisdiction;
  if (d.channel == kChannelSms) {
    o["to"] = d.recipient;
  } else {
    boost::system::error_code ec;
    auto audience = boost::json::parse(d.recipient, ec);
    o["audience"] = ec ? boost::json::value(d.recipient) : audience;
  }
  return boost::json::serialize(o);
}

Status WebhookChannel::deliver(const DueDelivery& d) {
  namespace asio = boost::asio;
  namespace beast = boost::beast;
  namespace bhttp = beast::http;
  asio::io_context ioc;
  beast::tcp_stream stream(ioc);
  beast::error_code error;
  bhttp::request<bhttp::string_body> req{bhttp::verb::post, target_, 11};
  req.set(bhttp::field::host, host_);
  req.set(bhttp::field::content_type, "application/json");
  req.set(bhttp::field::user_agent, "khaibao");
  req.set("Idempotency-Key", d.idempotency_id());
  req.body() = payload(d);
  req.prepare_payload();
  bhttp::response<bhttp::string_body> res;
  beast::flat_buffer buffer;
  asio::ip::tcp::resolver resolver(ioc);
  stream.expires_after(std::chrono::seconds(timeout_seconds_));
  resolver.async_resolve(host_, port_, [&](beast::error_code ec, asio::ip::tcp::resolver::results_type results) {
    if (ec) { error = ec; return; }
    stream.async_connect(results, [&](beast::error_code ec, const auto&) {
      if (ec) { error = ec; return; }
      bhttp::async_write(stream, req, [&](beast::error_code ec, size_t) {
        if (ec) { error = ec; return; }
        bhttp::async_read(stream, buffer, res, [&](beast::error_code ec, size_t) { error = ec; });
      });
    });
  });
  ioc.run();
  beast::error_code ignored;
  stream.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  if (error) return make_error(ErrorKind::kUnavailable, "webhook_unreachable", error.message());
  int status = res.result_int();
  if (status < 200 || status > 299) {
    return make_error(ErrorKind::kUnavailable, "webhook_refused", "webhook answered " + std::to_string(status));
  }
  return {};
}

Status OutboxChannel::deliver(const DueDelivery& d) {
  std::string text = d.title + ": " + d.body;
  if (!d.link.empty()) text += " " + d.link;
  std::string to = d.channel == kChannelSms ? d.recipient : "broadcast:" + d.recipient;
  return out_.send({"notification", to, text, d.published_at});
}

// ---- worker ----

DeliveryWorker::DeliveryWorker(store::Database& db, DeliveryChannel& channel, DeliveryOptions options, Clock clock)
    : db_(db), channel_(channel), options_(options), clock_(std::move(clock)) {}

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
    cv_.wait_for(lock, std::chrono::milliseconds(options_.poll_milliseconds), [&] { return stopping_ || poked_; });
    poked_ = false;
    if (stopping_) return;
  }
}

size_t DeliveryWorker::run_once() {
  int64_t now = clock_.now();
  auto claimed = db_.writer().write_sync([now, this](store::Connection& c) {
    return claim_due(c, now, options_.lease_seconds, options_.batch);
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
    Status sent = channel_.deliver(d);
    int64_t at = clock_.now();
    Status recorded = sent.ok()
                          ? db_.writer().write_sync([&](store::Connection& c) { return record_sent(c, d.id, at); })
                          : db_.writer().write_sync([&](store::Connection& c) {
                              return record_failure(c, d, sent.error().message, options_, at);
                            });
    if (!sent.ok()) spdlog::info("delivery {} attempt {} failed: {}", d.id, d.attempts + 1, sent.error().message);
    if (!recorded.ok()) spdlog::warn("deliveries: cannot record outcome of {}: {}", d.id, recorded.error().message);
  }
  return claimed->size();
}

}  // namespace kb::notify
