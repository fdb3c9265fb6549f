// Area risk levels: the public levels of every province and ward (no sign-in, for the map and
// for other sites), one area with its history, and for health officials the population and
// coverage imports, overrides and recomputation on demand. The rule and who may act are the
// levels domain's (levels/levels.h).
#include <fmt/format.h>

#include <chrono>

#include "access/policy.h"
#include "cases/case.h"
#include "http/app.h"
#include "http/handler_util.h"
#include "levels/levels.h"

namespace kb::http {
namespace {

using boost::asio::awaitable;
namespace json = boost::json;

std::string area_name(const areas::AreaDirectory& areas, const levels::AreaLevel& a) {
  if (a.kind == levels::AreaKind::kProvince) {
    const auto* p = areas.province(a.code);
    return p ? p->name : a.code;
  }
  const auto* w = areas.ward(a.code);
  return w ? w->name : a.code;
}

template <class T>
json::value or_null(const std::optional<T>& v) {
  return v ? json::value(*v) : json::value(nullptr);
}

json::object level_json(const areas::AreaDirectory& areas, const levels::AreaLevel& a) {
  std::optional<double> rate;
  if (a.population && *a.population > 0) {
    rate = std::round(static_cast<double>(a.community_cases) * 1e6 /
                      static_cast<double>(*a.population)) /
           10;
  }
  json::value override_ = nullptr;
  if (a.override_) {
    override_ = json::object{{"level", a.override_->level},
                             {"reason", a.override_->reason},
                             {"expires_at", format_rfc3339(a.override_->expires_at)}};
  }
  return json::object{{"code", a.code},
                      {"name", area_name(areas, a)},
                      {"kind", levels::kind_name(a.kind)},
                      {"province_code", a.province_code},
                      {"level", or_null(a.level)},
                      {"computed_level", or_null(a.computed)},
                      {"community_cases", a.community_cases},
                      {"population", or_null(a.population)},
                      {"rate_per_100k", or_null(rate)},
                      {"coverage", or_null(a.coverage)},
                      {"raised_for_coverage", a.raised_for_coverage},
                      {"override", std::move(override_)},
                      {"explanation", a.explanation},
                      {"explanation_vi", a.explanation_vi},
                      {"since", format_rfc3339(a.since)},
                      {"computed_at", format_rfc3339(a.computed_at)}};
}

json::array levels_json(const areas::AreaDirectory& areas,
                        const std::vector<levels::AreaLevel>& list) {
  json::array a;
  for (const auto& l : list) a.push_back(level_json(areas, l));
  return a;
}

json::object rule_json(const levels::LevelRule& r) {
  return json::object{{"window_days", r.window_days},
                      {"bands_per_100k", json::array{r.bands[0], r.bands[1], r.bands[2]}},
                      {"coverage_threshold", r.coverage_threshold}};
}

struct PublicLevels {
  int64_t computed_at = 0;
  std::vector<levels::AreaLevel> provinces, wards;
};

Result<std::string> province_param(App& app, const Request& req) {
  auto p = req.query_param("province");
  if (!p || p->empty()) return std::string();
  if (!app.areas().province(*p))
    return invalid("province", "unknown_province", "no province has this code");
  return *p;
}

Result<std::string> csv_body(const Request& req) {
  std::string_view ct = req.content_type;
  if (!ct.starts_with("text/csv") && !ct.starts_with("text/plain")) {
    return Error{ErrorKind::kUnsupportedMediaType, "unsupported_media_type",
                 "send the rows as text/csv", "csv"};
  }
  return req.body;
}

Result<levels::NewOverride> parse_override(const Request& req) {
  KB_ASSIGN(JsonBody body, json_body(req));
  levels::NewOverride o;
  KB_ASSIGN(o.area_code, body.required_string("area_code", 10));
  KB_ASSIGN(int64_t level, body.required_int("level", INT32_MIN, INT32_MAX));
  o.level = static_cast<int>(level);
  KB_ASSIGN(auto reason, body.optional_string("reason", 500));
  o.reason = reason.value_or("");
  KB_ASSIGN(auto expires, body.required_string("expires_at", 40));
  KB_ASSIGN(o.expires_at, cases::parse_date(expires, "expires_at"));
  KB_TRY(body.no_unknown_fields());
  return o;
}

struct Lift {
  std::string area_code, reason;
};
Result<Lift> parse_lift(const Request& req) {
  KB_ASSIGN(JsonBody body, json_body(req));
  Lift l;
  KB_ASSIGN(l.area_code, body.required_string("area_code", 10));
  KB_ASSIGN(auto reason, body.optional_string("reason", 500));
  l.reason = reason.value_or("");
  KB_TRY(body.no_unknown_fields());
  return l;
}

// ---- handlers ----

awaitable<Result<Response>> public_levels(App& app, Request& req) {
  KB_CO_ASSIGN(std::string province, province_param(app, req));
  KB_CO_ASSIGN(auto read, app.db().read([&](store::Connection& c) -> Result<PublicLevels> {
    PublicLevels out;
    KB_ASSIGN(out.computed_at, levels::computed_at(c));
    KB_ASSIGN(out.provinces, levels::province_levels(c));
    if (!province.empty()) {
      KB_ASSIGN(out.wards, levels::ward_levels(c, province));
    }
    return out;
  }));
  json::object o{
      {"computed_at", read.computed_at ? json::value(format_rfc3339(read.computed_at)) : nullptr},
      {"rule", rule_json(app.config().levels)},
      {"provinces", levels_json(app.areas(), read.provinces)}};
  if (!province.empty()) o["wards"] = levels_json(app.areas(), read.wards);
  co_return Response::json(200, o);
}

awaitable<Result<Response>> public_area_level(App& app, Request& req) {
  std::string code(req.param("code"));
  KB_CO_ASSIGN(int64_t limit, int_param(req, "limit", 1, 200, 30));
  using Found = std::pair<std::optional<levels::AreaLevel>, std::vector<levels::HistoryEntry>>;
  KB_CO_ASSIGN(Found found, app.db().read([&](store::Connection& c) -> Result<Found> {
    KB_ASSIGN(auto level, levels::area_level(c, code));
    KB_ASSIGN(auto past, levels::history(c, code, limit));
    return Found{std::move(level), std::move(past)};
  }));
  if (!found.first)
    co_return make_error(ErrorKind::kNotFound, "unknown_area", "no level for this area code");
  json::object o = level_json(app.areas(), *found.first);
  json::array past;
  for (const auto& h : found.second) {
    past.push_back(json::object{{"at", format_rfc3339(h.at)},
                                {"level", or_null(h.level)},
                                {"cause", h.cause},
                                {"explanation", h.explanation},
                                {"explanation_vi", h.explanation_vi}});
  }
  o["history"] = std::move(past);
  co_return Response::json(200, o);
}

awaitable<Result<Response>> recompute_levels(App& app, Request& req) {
  KB_CO_ASSIGN(auto official, signed_in(app, req, access::official));
  auto started = std::chrono::steady_clock::now();
  auto job = [&app, now = app.now()](store::Connection& c) {
    return levels::recompute(c, app.areas(), app.config().levels, now);
  };
  KB_CO_ASSIGN(auto done, co_await app.write(job));
  double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  co_return Response::json(200, json::object{{"areas", done.areas},
                                             {"changed", done.changed},
                                             {"level_changes", done.level_changes},
                                             {"milliseconds", std::round(ms)}});
}

awaitable<Result<Response>> set_override(App& app, Request& req) {
  KB_CO_ASSIGN(auto official, signed_in(app, req, access::official));
  KB_CO_ASSIGN(levels::NewOverride o, parse_override(req));
  KB_CO_TRY(levels::check_override(o, app.areas(), app.now()));
  auto job = [&app, official, o, now = app.now()](store::Connection& c) {
    return levels::set_override(c, app.areas(), app.config().levels, official, o, now);
  };
  KB_CO_ASSIGN(auto level, co_await app.write(job));
  co_return Response::json(201, level_json(app.areas(), level));
}

awaitable<Result<Response>> lift_override(App& app, Request& req) {
  KB_CO_ASSIGN(auto official, signed_in(app, req, access::official));
  KB_CO_ASSIGN(Lift l, parse_lift(req));
  auto job = [&app, official, l, now = app.now()](store::Connection& c) {
    return levels::lift_override(c, app.areas(), app.config().levels, official, l.area_code,
                                 l.reason, now);
  };
  KB_CO_ASSIGN(auto level, co_await app.write(job));
  co_return Response::json(200, level_json(app.areas(), level));
}

awaitable<Result<Response>> import_population(App& app, Request& req) {
  KB_CO_ASSIGN(auto official, signed_in(app, req, access::official));
  KB_CO_ASSIGN(std::string text, csv_body(req));
  KB_CO_ASSIGN(auto rows, levels::parse_population_csv(text, app.areas()));
  auto job = [&app, official, rows = std::move(rows), now = app.now()](store::Connection& c) {
    return levels::import_population(c, app.areas(), official, rows, now);
  };
  KB_CO_ASSIGN(int64_t stored, co_await app.write(job));
  co_return Response::json(200, json::object{{"wards", stored}});
}

awaitable<Result<Response>> import_coverage(App& app, Request& req) {
  KB_CO_ASSIGN(auto official, signed_in(app, req, access::official));
  KB_CO_ASSIGN(std::string text, csv_body(req));
  KB_CO_ASSIGN(auto rows, levels::parse_coverage_csv(text, app.areas()));
  auto job = [&app, official, rows = std::move(rows), now = app.now()](store::Connection& c) {
    return levels::import_coverage(c, app.areas(), official, rows, now);
  };
  KB_CO_ASSIGN(int64_t stored, co_await app.write(job));
  co_return Response::json(200, json::object{{"wards", stored}});
}

}  // namespace

void register_level_routes(App& app) {
  auto& r = app.router();
  r.add(
      Method::kGet, "/api/v1/public/levels",
      [&app](Request& req) { return public_levels(app, req); },
      "area risk levels of every province (and the wards of ?province=), with explanations; no "
      "sign-in");
  r.add(
      Method::kGet, "/api/v1/public/levels/{code}",
      [&app](Request& req) { return public_area_level(app, req); },
      "one province's or ward's level, explanation and history of changes; no sign-in");
  r.add(
      Method::kPost, "/api/v1/levels/recompute",
      [&app](Request& req) { return recompute_levels(app, req); },
      "recompute the levels of every area now (officials; the server also does it hourly)");
  r.add(
      Method::kPost, "/api/v1/levels/overrides",
      [&app](Request& req) { return set_override(app, req); },
      "set an area's level by hand, with a reason and an expiry (officials of the area)");
  r.add(
      Method::kPost, "/api/v1/levels/overrides/lift",
      [&app](Request& req) { return lift_override(app, req); },
      "lift the override in force on an area (officials of the area)");
  r.add(
      Method::kPost, "/api/v1/levels/population",
      [&app](Request& req) { return import_population(app, req); },
      "import the population of wards (text/csv: ward_code,population; all rows or none)");
  r.add(
      Method::kPost, "/api/v1/levels/coverage",
      [&app](Request& req) { return import_coverage(app, req); },
      "import adult first-dose coverage of wards (text/csv: ward_code,adults,first_dose)");
}

}  // namespace kb::http
