// The application as the HTTP layer sees it: configuration, the services handlers call, the
// router, and metrics. Handlers parse the request, call a domain function, map the result.
#pragma once

#include <atomic>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/prefer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <memory>
#include <string>

#include "accounts/accounts.h"
#include "accounts/session_cache.h"
#include "areas/area_directory.h"
#include "cases/tracing_config.h"
#include "certificates/trust_list.h"
#include "chat/conversation.h"
#include "chat/zalo_oa.h"
#include "checkin/door.h"
#include "checkin/recent_visits.h"
#include "core/clock.h"
#include "core/offload.h"
#include "dashboard/figures.h"
#include "dashboard/tally.h"
#include "http/router.h"
#include "http/write_limits.h"
#include "levels/level_rule.h"
#include "monitoring/rules.h"
#include "notify/broadcasts.h"
#include "notify/cache_events.h"
#include "notify/inbox_hub.h"
#include "outbox/outbox.h"
#include "store/async_write.h"
#include "store/database.h"
#include "store/writer.h"

namespace prometheus {
class Registry;
}

namespace kb::http {

struct ServerConfig {
  std::string listen_host = "127.0.0.1";
  int port = 8080;
  std::string data_dir = "var";
  std::string web_dir;          // built web app (web/dist); empty serves no pages
  std::string public_base_url;  // e.g. https://khaibao.example.vn; default http://{listen}
  size_t max_body_bytes = 1 << 20;
  size_t max_import_body_bytes =
      256 << 20;  // vaccination list uploads only (a 1 M-row list is ~100 MB)
  int read_timeout_seconds = 30;
  int shutdown_grace_seconds = 10;
  // On SIGTERM, seconds of answering /healthz 503 while still serving, before the server stops
  // accepting: a load balancer takes the node out first, so no new request meets a closed port.
  int drain_seconds = 0;
  // SQLite: how often check-ins move from the recent table to their day's indexed table
  // (checkin/recent_visits.h), in chunks of recent_move_rows: a check-in waits behind one chunk
  // at most, however long the pace; a pace shorter than a chunk's worth makes smaller moves.
  int recent_move_ms = 1000;
  // SQLite: the most check-ins one move takes (checkin::kRecentRowsPerMove). The writer runs
  // the check-ins that arrive meanwhile between two moves, so none waits behind more than one.
  int64_t recent_move_rows = checkin::kRecentRowsPerMove;
  int threads = 0;  // 0: twice the cores, at least 4 (handlers do blocking reads)
  accounts::AuthConfig auth;
  notify::BroadcastPolicy broadcasts;  // the mass-alert approval threshold (notify/)
  int sse_heartbeat_seconds = 15;      // live inbox streams send a comment this often
  std::string webhook_url;             // outside delivery gateway; empty: the outbox file
  std::string sms_sender_name;         // brand name registered with the carriers (SMS rows)
  int sms_carrier_rate = 0;            // SMS a second per carrier through the gateway (0: any)
  notify::DeliveryOptions delivery;    // retries and backoff of outside delivery
  cases::TracingConfig tracing;        // exposure rule and cluster rule (cases/, trace/)
  int retention_days = 28;             // check-ins kept this many days, then purged (0: never)
  health::StatusPolicy status;         // how long a declaration counts as current at the door
  std::string
      clock_offset_file;       // tests only: moves the server's clock (core/clock.h offset_clock)
  std::string dcc_trust_file;  // PEM bundle of foreign DCC document signers (--dcc-trust)
  levels::LevelRule levels;    // area risk levels: bands and the coverage threshold (levels/)
  std::string monitoring_rules_file;         // --monitoring-rules: read into `monitoring` at start
  monitoring::Rules monitoring;              // quarantine periods, reminders, red flags
  WriteLimits write_limits;                  // token buckets on writes (http/write_limits.h)
  std::vector<std::string> trusted_proxies;  // peers whose X-Forwarded-For is believed
  chat::ZaloConfig zalo;                     // the Zalo official account (chat/); off when empty
};

class StaticFiles;

class App {
 public:
  // `outside` delivers queued messages (a webhook gateway, or the outbox file); urgent texts
  // (sign-in and door codes) are attempted through it at once.
  App(ServerConfig config, store::Database& db, areas::AreaDirectory areas,
      accounts::Secrets secrets, outbox::MessageChannel& sms, notify::DeliveryChannel& outside,
      Clock clock);
  ~App();

  const ServerConfig& config() const { return config_; }
  store::Database& db() { return db_; }
  const areas::AreaDirectory& areas() const { return areas_; }
  const accounts::Secrets& secrets() const { return secrets_; }
  outbox::MessageChannel& sms() { return sms_; }
  int64_t now() const { return clock_.now(); }
  const Clock& clock() const { return clock_; }
  Router& router() { return router_; }
  prometheus::Registry& metrics() { return *registry_; }
  // The headers every response carries (http/security_headers.h), for this deployment's public
  // URL and the web app's inline scripts.
  std::vector<std::pair<std::string, std::string>> security_headers() const;

  // Routing, metrics and the last line of defence: an unexpected exception becomes a 500
  // that is logged, never a dropped connection.
  boost::asio::awaitable<Response> handle(Request& req);

  // The signed-in user, or kUnauthenticated. An account that must still change a one-time
  // password is refused everything (password_change_required, access::password_settled) but
  // reading itself, changing the password and signing out, which use session_user() instead.
  // Sessions are cached for a few seconds (see accounts/session_cache.h); forget_session()
  // drops one at logout, forget_account_sessions() all of an account's (disabled, reset).
  Result<accounts::User> authenticate(const Request& req);
  Result<accounts::User> session_user(const Request& req);
  void forget_session(std::string_view token) { sessions_.erase(token); }
  void forget_account_sessions(int64_t account_id) { sessions_.erase_account(account_id); }

  // Live events from other server processes (notify/listener.h): wakes the inbox or board
  // streams concerned, or drops stale cached entries (notify/cache_events.h). catch_up() after
  // the listener lost its connection: wakes every stream and drops every cached entry, so
  // nothing missed stays unseen. Thread-safe; never blocks on I/O.
  void hear(notify::Channel channel, std::string_view payload);
  void catch_up();
  // A broadcast or recall heard of is handed to the streams as one event (http/inbox_events.h).
  void hear_inbox(notify::Wake wake);

  // A draining server (SIGTERM) answers /healthz 503 so that load balancers send it nothing new.
  void start_draining() { draining_ = true; }
  bool draining() const { return draining_; }

  // The door of every venue: the check-in use case (checkin/door.h) with its caches.
  checkin::Door& door() { return door_; }
  // Check-ins counted for the dashboards and not stored yet (dashboard/tally.h).
  dashboard::CheckinTally& checkin_tally() { return checkin_tally_; }
  dashboard::BoardCache& board_cache() { return board_cache_; }
  // Sign-in and door codes: queued in the urgent lane and sent at once (notify/delivery.h).
  notify::UrgentTexts& urgent_texts() { return urgent_texts_; }
  // The conversation's settings for the Zalo official account (chat/conversation.h).
  chat::ConversationContext zalo_conversation() const;

  // Live inbox streams: wake them after a write that stored messages has committed (see
  // notify/messages.h). Area head-counts for broadcast previews. The outside-delivery worker,
  // when serve started one: poke it after queueing deliveries.
  notify::InboxHub& inbox_hub() { return inbox_hub_; }
  // Live monitoring boards of officials, keyed by jurisdiction (monitoring/board.h): wake them
  // after a write that changed an order or raised an alert has committed.
  notify::InboxHub& board_hub() { return board_hub_; }
  notify::AudienceCounter& audience_counter() { return audience_counter_; }
  void attach_delivery_worker(notify::DeliveryWorker* worker) { delivery_worker_ = worker; }
  void poke_deliveries() {
    if (delivery_worker_) delivery_worker_->poke();
  }

  // Runs `fn(Connection&)` through the group-commit writer (store::write, whose contract holds:
  // `fn` must be a named lvalue) and resumes the calling coroutine once the write is durable.
  template <class F>
  auto write(F& fn) {
    return store::write(db_, fn);
  }
  // store::ingest: a check-in-like write run together with the others of its batch.
  template <class Group>
  auto ingest(typename Group::Input& input) {
    return store::ingest<Group>(db_, input);
  }

  // Runs `fn()` (slow CPU work: password hashing) on a small pool of its own, so the HTTP
  // threads keep answering meanwhile, and resumes the caller on its executor with the result.
  // `fn` must be a named lvalue, as for write().
  template <class F>
  auto offload(F& fn) {
    return kb::offload(slow_pool_, fn);
  }
  boost::asio::thread_pool& slow_pool() { return slow_pool_; }

  // The foreign document signers a DCC may be signed by (serve --dcc-trust); our own signers
  // are read from the database (certificates/dcc_signers.h). Set before serving.
  const certificates::TrustList& foreign_dcc_signers() const { return foreign_dcc_signers_; }
  void set_foreign_dcc_signers(certificates::TrustList signers) {
    foreign_dcc_signers_ = std::move(signers);
  }

  // Registers every route and finalises metrics; call once before serving.
  void install_routes();

 private:
  std::atomic<bool> draining_{false};
  ServerConfig config_;
  store::Database& db_;
  areas::AreaDirectory areas_;
  accounts::Secrets secrets_;
  outbox::MessageChannel& sms_;
  Clock clock_;
  Router router_;
  accounts::SessionCache sessions_;
  notify::UrgentTexts urgent_texts_;
  dashboard::CheckinTally checkin_tally_;
  dashboard::BoardCache board_cache_;
  checkin::Door door_;
  boost::asio::thread_pool slow_pool_{2};
  notify::InboxHub inbox_hub_;
  notify::InboxHub board_hub_;
  notify::AudienceCounter audience_counter_;
  notify::DeliveryWorker* delivery_worker_ = nullptr;
  certificates::TrustList foreign_dcc_signers_;
  std::shared_ptr<prometheus::Registry> registry_;
  std::unique_ptr<StaticFiles> static_files_;
  RouteMetrics unmatched_metrics_;
  TokenBuckets caller_writes_{config_.write_limits.per_caller};
  TokenBuckets address_writes_{config_.write_limits.per_address};
  // kRateLimited with Retry-After when this write is over the caller's or the address's limit.
  Status within_write_limits(const Request& req);
};

// Route groups, one per part of the domain (each in its own api_*.cpp).
void register_system_routes(App& app);
void register_auth_routes(App& app);
void register_area_routes(App& app);
void register_admin_routes(App& app);
void register_venue_routes(App& app);        // api_venues.cpp
void register_checkin_routes(App& app);      // api_checkin.cpp
void register_people_routes(App& app);       // api_people.cpp
void register_declaration_routes(App& app);  // api_declarations.cpp
void register_qr_routes(App& app);           // api_qr.cpp
void register_case_routes(App& app);         // api_cases.cpp
void register_notify_routes(App& app);       // api_notify.cpp
void register_certificate_routes(App& app);  // api_certificates.cpp
void register_vaccination_routes(App& app);  // api_vaccination.cpp
void register_identity_routes(App& app);     // api_identity.cpp
void register_audit_routes(App& app);        // api_audit.cpp
void register_testing_routes(App& app);      // api_testing.cpp
void register_level_routes(App& app);        // api_levels.cpp
void register_feedback_routes(App& app);     // api_feedback.cpp
void register_search_routes(App& app);       // api_search.cpp
void register_dashboard_routes(App& app);    // api_dashboard.cpp
void register_monitoring_routes(App& app);   // api_monitoring.cpp
void register_assessment_routes(App& app);   // api_assessment.cpp
void register_location_routes(App& app);     // api_locations.cpp
void register_chat_routes(App& app);         // api_chat.cpp

// api_organisations.cpp
void register_organisation_routes(App& app);

// api_vaccination_campaigns.cpp
void register_vaccination_campaign_routes(App& app);

// api_data_requests.cpp
void register_data_request_routes(App& app);

// JSON shapes shared by several routes.
boost::json::object user_json(const accounts::User& user, const areas::AreaDirectory& areas);

}  // namespace kb::http
