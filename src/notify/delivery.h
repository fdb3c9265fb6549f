// Outside delivery of messages: a persistent queue (table `deliveries`) filled in the same
// transaction as the message, and a background worker that hands each due row to a channel —
// an HTTP webhook (SMS gateway, chat official-account bridge) or, with no gateway configured,
// the outbox file — with retries and exponential backoff. A row that keeps failing ends in
// the dead-letter state `failed`; a recalled message's pending rows become `cancelled`.
//
// Delivery is at least once: a row is marked sent only after the channel accepted it, so a
// crash in between sends it again. Every attempt carries the row's idempotency id
// (`kb-delivery-{id}`) so the receiver can drop repeats.
//
// Rows go in lanes, each served by a worker of its own, so that a sign-in code never waits
// behind a million invitations (PC-Covid's launch): urgent (sign-in and door codes, sent at
// once by UrgentTexts and retried by the urgent worker), notice (personal messages: tracing
// notices, alerts) and bulk (area broadcasts, invitations, reminders); the notice-and-bulk
// worker takes notices first.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "notify/http_post.h"
#include "outbox/outbox.h"
#include "store/database.h"

namespace kb::notify {

// Channels of a queued row: one SMS to a person's phone, one area broadcast (the gateway fans
// it out), or one message to a chat follower.
inline constexpr std::string_view kChannelSms = "sms";
inline constexpr std::string_view kChannelBroadcast = "broadcast";
// A chat official account's follower (chat/: the recipient is the platform's user id).
inline constexpr std::string_view kChannelChat = "zalo";

enum class Lane : int64_t { kUrgent = 0, kNotice = 1, kBulk = 2 };
std::string_view lane_name(Lane lane);
struct Lanes {  // the lanes a worker serves, first to last (lower first)
  Lane first = Lane::kUrgent;
  Lane last = Lane::kBulk;
};

Status queue_delivery(store::Connection& c, int64_t message_id, std::string_view channel,
                      std::string_view recipient, int64_t now, Lane lane = Lane::kNotice);
// Queues a text that is no stored message (a sign-in code, a door check-in code) to a phone, in
// the urgent lane; returns the row's id.
Result<int64_t> queue_urgent_text(store::Connection& c, std::string_view phone,
                                  std::string_view text, int64_t now);
// Queues a text that is no stored message on any channel and lane (a chat reply: `text` is the
// channel's own payload, chat/zalo_oa.h); returns the row's id.
Result<int64_t> queue_text(store::Connection& c, std::string_view channel,
                           std::string_view recipient, std::string_view text, int64_t now,
                           Lane lane);
// A stored message to the chat followers who asked for notices there (users.preferred_channels
// holds "chat", they still follow and agreed to health data by chat): the followers of the
// account managing `person_id`; returns whether there was any (then an account that prefers
// the chat alone gets no SMS).
Result<bool> queue_chat_for_person(store::Connection& c, int64_t message_id, int64_t person_id,
                                   int64_t now, Lane lane);
// An area broadcast to those followers whose family lives in one of `area_codes` ("*": all),
// one row per follower however many areas match.
Status queue_chat_for_areas(store::Connection& c, int64_t message_id,
                            const std::vector<std::string>& area_codes, int64_t now);
// Cancels the rows of a message that have not gone out yet; returns how many.
Result<int64_t> cancel_deliveries(store::Connection& c, int64_t message_id, int64_t now);

struct DeliveryCounts {
  int64_t queued = 0, sent = 0, failed = 0, cancelled = 0;
};
Result<DeliveryCounts> delivery_counts(store::Connection& c, int64_t message_id);

// A row due for an attempt, with what the channel needs of its message.
struct DueDelivery {
  int64_t id = 0;
  int64_t message_id = 0;  // 0 for a text that is no stored message (then `body` is the text)
  Lane lane = Lane::kNotice;
  std::string channel;
  std::string recipient;  // E.164 phone, or the audience (JSON) of a broadcast
  int attempts = 0;       // before this one
  std::string kind, title, body, link;
  int64_t published_at = 0;
  int64_t expires_at = 0;
  std::string sender_jurisdiction;

  std::string idempotency_id() const { return "kb-delivery-" + std::to_string(id); }
};

struct DeliveryOptions {
  int backoff_seconds = 2;  // first retry after this; doubles each attempt
  int max_backoff_seconds = 600;
  int max_attempts = 8;    // then the row is dead-lettered (`failed`)
  int lease_seconds = 30;  // a claimed row is left alone by other workers this long
  int batch = 50;
  int poll_milliseconds = 500;
};

// Claims up to `limit` due rows of `lanes` (state queued, next attempt due, not leased, message
// still sent), lower lanes first, for `lease_seconds`. Safe with several workers on one
// PostgreSQL: a row is claimed by one of them only.
Result<std::vector<DueDelivery>> claim_due(store::Connection& c, int64_t now, int lease_seconds,
                                           int limit, Lanes lanes = {});
// Claims one row by id (the first attempt of an urgent text), if it is still queued and free.
Result<std::optional<DueDelivery>> claim_one(store::Connection& c, int64_t id, int64_t now,
                                             int lease_seconds);
Status record_sent(store::Connection& c, int64_t delivery_id, int64_t now);
// Schedules the next attempt with backoff, or dead-letters the row after max_attempts.
Status record_failure(store::Connection& c, const DueDelivery& d, std::string_view error,
                      const DeliveryOptions& options, int64_t now);
// Frees the leases of every queued row (a single-process store after a crash).
Status release_leases(store::Connection& c);

// Where a due row goes. Called from the worker thread only.
class DeliveryChannel {
 public:
  virtual ~DeliveryChannel() = default;
  virtual Status deliver(const DueDelivery& d) = 0;
};

// POSTs one JSON object per row to `url` (plain http://), header Idempotency-Key; any 2xx is
// success.
class WebhookChannel final : public DeliveryChannel {
 public:
  // Errors name `webhook-url` when the URL is not http://host[:port][/path].
  // `sender_name`: the brand name registered with the carriers, which SMS rows carry;
  // `carrier_rate`: SMS a second to each carrier (0: unlimited).
  static Result<std::unique_ptr<WebhookChannel>> make(std::string_view url,
                                                      int timeout_seconds = 10,
                                                      std::string sender_name = {},
                                                      int carrier_rate = 0);
  Status deliver(const DueDelivery& d) override;
  // The JSON body sent for a row (also what tests and gateways see). An SMS row also carries
  // what the carriers take (notify/sms_text.h): `sms` (one 160-character unaccented part with
  // the link), `sender_name`, `carrier` (by the number's prefix, for per-carrier rates) and
  // `priority` (its lane: urgent codes first).
  static std::string payload(const DueDelivery& d, std::string_view sender_name = {});

 private:
  WebhookChannel() = default;
  HttpEndpoint endpoint_;
  int timeout_seconds_ = 10;
  std::string sender_name_;
  int carrier_rate_ = 0;  // SMS per second per carrier; 0: no limit
  std::mutex pace_mu_;
  std::map<std::string, std::pair<int64_t, int>, std::less<>> paced_;  // carrier → second, sent
  // Waits until the carrier of this SMS may take one more this second.
  void pace(std::string_view carrier);
};

// Rows of some channels go to a channel of their own (chat rows to the chat platform), the rest
// to `fallback`. The channels outlive it.
class RoutingChannel final : public DeliveryChannel {
 public:
  explicit RoutingChannel(DeliveryChannel& fallback) : fallback_(fallback) {}
  void route(std::string channel, DeliveryChannel& to) { routes_[std::move(channel)] = &to; }
  Status deliver(const DueDelivery& d) override;

 private:
  DeliveryChannel& fallback_;
  std::map<std::string, DeliveryChannel*, std::less<>> routes_;
};

// No gateway configured: appends `{channel: "notification", to, text, at}` to the outbox file
// (channel "notification", not "sms", so it is never mistaken for a sign-in code).
class OutboxChannel final : public DeliveryChannel {
 public:
  explicit OutboxChannel(outbox::MessageChannel& out) : out_(out) {}
  Status deliver(const DueDelivery& d) override;

 private:
  outbox::MessageChannel& out_;
};

// Delivers one claimed row and records the outcome (sent, retry later, or dead-lettered).
Status attempt_delivery(store::Database& db, DeliveryChannel& channel, const DueDelivery& d,
                        const DeliveryOptions& options, Clock& clock);

// Urgent texts (sign-in and door codes): queued in the urgent lane in the caller's write, then
// attempted at once by attempt() after that write committed; a failed attempt stays queued for
// the urgent worker. Thread-safe.
class UrgentTexts {
 public:
  UrgentTexts(store::Database& db, DeliveryChannel& channel, DeliveryOptions options, Clock clock)
      : db_(db), channel_(channel), options_(options), clock_(std::move(clock)) {}
  Status attempt(int64_t delivery_id);

 private:
  store::Database& db_;
  DeliveryChannel& channel_;
  DeliveryOptions options_;
  Clock clock_;
};

// The background workers started by `serve` (one per group of lanes): claim due rows, deliver
// them, record the outcome, sleep poll_milliseconds when idle.
class DeliveryWorker {
 public:
  // `may_run` says whether this process may deliver now (it holds the job's lease, jobs/lease.h).
  DeliveryWorker(
      store::Database& db, DeliveryChannel& channel, DeliveryOptions options, Clock clock,
      Lanes lanes = {}, std::function<bool()> may_run = [] { return true; });
  ~DeliveryWorker();
  void start();
  void stop();  // finishes the attempt in flight, then returns
  // Wakes the worker now (a message was queued).
  void poke();

 private:
  void loop();
  // One pass: returns how many rows were attempted.
  size_t run_once();

  store::Database& db_;
  DeliveryChannel& channel_;
  DeliveryOptions options_;
  Clock clock_;
  Lanes lanes_;
  std::function<bool()> may_run_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;  // guarded by mu_
  bool poked_ = false;     // guarded by mu_
  std::thread thread_;
};

}  // namespace kb::notify
