#include "http/app.h"

#include <prometheus/counter.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <spdlog/spdlog.h>

#include <charconv>
#include <chrono>
#include <cmath>

#include "access/policy.h"
#include "http/content_coding.h"
#include "http/inbox_events.h"
#include "http/security_headers.h"
#include "http/static_files.h"

namespace kb::http {
namespace {

RouteMetrics make_route_metrics(prometheus::Family<prometheus::Counter>& counters,
                                prometheus::Family<prometheus::Histogram>& latencies,
                                std::string_view method, const std::string& route) {
  RouteMetrics m;
  for (int cls = 1; cls <= 5; ++cls) {
    m.by_class[cls] = &counters.Add({{"method", std::string(method)},
                                     {"route", route},
                                     {"status", std::to_string(cls) + "xx"}});
  }
  static const prometheus::Histogram::BucketBoundaries kBuckets = {
      0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5};
  m.latency = &latencies.Add({{"method", std::string(method)}, {"route", route}}, kBuckets);
  return m;
}

void observe(const RouteMetrics& m, int status, double seconds) {
  int cls = status / 100;
  if (cls >= 1 && cls <= 5 && m.by_class[cls]) m.by_class[cls]->Increment();
  if (m.latency) m.latency->Observe(seconds);
}

}  // namespace

App::App(ServerConfig config, store::Database& db, areas::AreaDirectory areas,
         accounts::Secrets secrets, outbox::MessageChannel& sms, notify::DeliveryChannel& outside,
         Clock clock)
    : config_(std::move(config)),
      db_(db),
      areas_(std::move(areas)),
      secrets_(std::move(secrets)),
      sms_(sms),
      clock_(std::move(clock)),
      urgent_texts_(db, outside, config_.delivery, clock_),
      door_(db, checkin::DoorConfig{config_.status, {}, secrets_.otp_pepper}, urgent_texts_,
            &checkin_tally_),
      registry_(std::make_shared<prometheus::Registry>()),
      static_files_(std::make_unique<StaticFiles>(config_.web_dir)) {}

App::~App() = default;

std::vector<std::pair<std::string, std::string>> App::security_headers() const {
  return http::security_headers(config_.public_base_url, static_files_->inline_script_hashes());
}

chat::ConversationContext App::zalo_conversation() const {
  return chat::ConversationContext{.auth = config_.auth,
                                   .secrets = secrets_,
                                   .areas = areas_,
                                   .public_base_url = config_.public_base_url,
                                   .platform = std::string(chat::kZalo),
                                   .channel = std::string(chat::kChannelZalo)};
}

void App::install_routes() {
  register_system_routes(*this);
  register_chat_routes(*this);
  register_auth_routes(*this);
  register_area_routes(*this);
  register_admin_routes(*this);
  register_venue_routes(*this);
  register_checkin_routes(*this);
  register_people_routes(*this);
  register_declaration_routes(*this);
  register_qr_routes(*this);
  register_case_routes(*this);
  register_notify_routes(*this);
  register_certificate_routes(*this);
  register_vaccination_routes(*this);
  register_identity_routes(*this);
  register_audit_routes(*this);
  register_testing_routes(*this);
  register_vaccination_campaign_routes(*this);
  register_level_routes(*this);
  register_feedback_routes(*this);
  register_search_routes(*this);
  register_dashboard_routes(*this);
  register_monitoring_routes(*this);
  register_assessment_routes(*this);
  register_location_routes(*this);
  register_organisation_routes(*this);
  register_data_request_routes(*this);
  auto& counters = prometheus::BuildCounter()
                       .Name("khaibao_http_requests_total")
                       .Help("HTTP requests by route, method and status class")
                       .Register(*registry_);
  auto& latencies = prometheus::BuildHistogram()
                        .Name("khaibao_http_request_duration_seconds")
                        .Help("Time from a parsed request to its response, by route")
                        .Register(*registry_);
  for (Route& r : router_.routes())
    r.metrics = make_route_metrics(counters, latencies, method_name(r.method), r.pattern);
  unmatched_metrics_ = make_route_metrics(counters, latencies, "ANY", "unmatched");
}

Result<accounts::User> App::authenticate(const Request& req) {
  KB_ASSIGN(accounts::User user, session_user(req));
  KB_TRY(access::password_settled(user));
  return user;
}

Result<accounts::User> App::session_user(const Request& req) {
  std::string_view token = req.bearer_token();
  if (token.empty())
    return make_error(ErrorKind::kUnauthenticated, "unauthenticated", "sign in first");
  int64_t t = now();
  if (auto cached = sessions_.find(token, t)) return std::move(*cached);
  auto found = db_.read(
      [&](store::Connection& c) { return accounts::authenticate_session(c, areas_, token, t); });
  if (!found.ok()) return std::move(found).error();
  sessions_.put(token, found->user, found->expires_at, t);
  return std::move(found->user);
}

void App::hear(notify::Channel channel, std::string_view payload) {
  switch (channel) {
    case notify::Channel::kInbox:
      hear_inbox(notify::Wake::decode(payload));
      return;
    case notify::Channel::kBoards:
      board_hub_.notify(notify::Wake::decode(payload));
      return;
    case notify::Channel::kCaches:
      break;
  }
  notify::Stale stale = notify::Stale::decode(payload);
  int64_t id = 0;
  auto [end, ec] = std::from_chars(stale.id.data(), stale.id.data() + stale.id.size(), id);
  bool numeric = ec == std::errc{} && end == stale.id.data() + stale.id.size();
  using Kind = notify::Stale::Kind;
  if (stale.kind == Kind::kSession) {
    sessions_.erase_key(stale.id);
  } else if (stale.kind == Kind::kAccount && numeric) {
    sessions_.erase_account(id);
  } else if (stale.kind == Kind::kVenue && numeric) {
    door_.forget_venue_id(id);
  } else {
    sessions_.clear();
    door_.forget_all_venues();
  }
}

void App::hear_inbox(notify::Wake wake) {
  using Kind = notify::StreamEvent::Kind;
  if (wake.recall) {
    if (!inbox_hub_.has_delivered(Kind::kRecall, wake.recall))
      fan_out_recall(*this, wake.recall, wake.areas);
  } else if (wake.broadcast) {
    // The process that published it has handed it to its own streams already; others read the
    // row once, off the listener's thread, for all of theirs.
    if (inbox_hub_.has_delivered(Kind::kMessage, wake.broadcast)) return;
    boost::asio::post(slow_pool_, [this, wake = std::move(wake)] {
      auto b =
          db_.read([&](store::Connection& c) { return notify::find_broadcast(c, wake.broadcast); });
      if (b.ok()) {
        fan_out_broadcast(*this, *b);
      } else {
        inbox_hub_.notify(wake);
      }
    });
  } else {
    inbox_hub_.notify(wake);
  }
}

void App::catch_up() {
  sessions_.clear();
  door_.forget_all_venues();
  inbox_hub_.notify_everyone();
  board_hub_.notify_everyone();
}

Status App::within_write_limits(const Request& req) {
  if (req.method == Method::kGet || req.method == Method::kHead) return {};
  auto now = std::chrono::steady_clock::now();
  std::optional<double> wait;
  if (std::string_view token = req.bearer_token(); !token.empty())
    wait = caller_writes_.take(token, now);
  if (!wait && !is_loopback(req.client_ip)) wait = address_writes_.take(req.client_ip, now);
  if (!wait) return {};
  Error e = make_error(ErrorKind::kRateLimited, "rate_limited",
                       "too many changes in a short time; wait a moment and try again");
  e.retry_after = std::max<int64_t>(1, static_cast<int64_t>(std::ceil(*wait)));
  return e;
}

boost::asio::awaitable<Response> App::handle(Request& req) {
  auto started = std::chrono::steady_clock::now();
  Router::Match m = router_.match(req);
  Response res;
  const RouteMetrics* metrics = &unmatched_metrics_;
  if (m.route) {
    metrics = &m.route->metrics;
    try {
      if (Status allowed = within_write_limits(req); !allowed.ok()) {
        res = Response::error(allowed.error());
      } else {
        Result<Response> answered = co_await m.route->handler(req);
        res = answered.ok() ? std::move(answered).value() : Response::error(answered.error());
      }
    } catch (const std::exception& e) {
      spdlog::error("{} {}: unhandled exception: {}", method_name(req.method), m.route->pattern,
                    e.what());
      res = Response::error(internal(e.what()));
    }
    encode_for(res, req.accept_encoding);  // static files below come encoded from the build
  } else if (m.path_known) {
    res = Response::error(
        make_error(ErrorKind::kInvalidArgument, "method_not_allowed", "method not allowed here"));
    res.status = 405;
    res.headers.emplace_back("Allow", std::move(m.allow));
  } else if (!req.path.starts_with("/api/") &&
             (req.method == Method::kGet || req.method == Method::kHead)) {
    auto file = static_files_->serve(req.path, req.accept_encoding);
    res = file ? std::move(*file)
               : Response::error(make_error(ErrorKind::kNotFound, "not_found", "no such page"));
  } else {
    res = Response::error(make_error(ErrorKind::kNotFound, "not_found", "no such endpoint"));
  }
  if (res.status >= 500) spdlog::warn("{} {} → {}", method_name(req.method), req.path, res.status);
  observe(*metrics, res.status,
          std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  co_return res;
}

boost::json::object user_json(const accounts::User& u, const areas::AreaDirectory& areas) {
  boost::json::object o{{"id", u.id}, {"role", accounts::role_name(u.role)}};
  o["phone"] = u.phone.empty() ? boost::json::value(nullptr) : boost::json::value(u.phone);
  o["username"] = u.username.empty() ? boost::json::value(nullptr) : boost::json::value(u.username);
  if (u.jurisdiction) {
    const auto& j = *u.jurisdiction;
    boost::json::object jo{{"level", j.level_name()}};
    jo["code"] = j.code.empty() ? boost::json::value(nullptr) : boost::json::value(j.code);
    std::string name = "Việt Nam";
    if (j.level == areas::Jurisdiction::Level::kProvince) {
      if (auto* p = areas.province(j.code)) name = p->name;
    } else if (j.level == areas::Jurisdiction::Level::kWard) {
      if (auto* w = areas.ward(j.code)) name = w->name;
    }
    jo["name"] = name;
    o["jurisdiction"] = std::move(jo);
  } else {
    o["jurisdiction"] = nullptr;
  }
  o["must_change_password"] = u.must_change_password;
  return o;
}

}  // namespace kb::http
