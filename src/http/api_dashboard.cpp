// Officials' dashboards: figures of an area over days (with what this process counted and has
// not stored yet, so an open dashboard moves with each check-in), their CSV, the idle venues to
// inspect, the epidemic curve and the de-identified line list (audited), and the public
// statistics of every province. The figures and who sees which area are the dashboard
// domain's (dashboard/figures.h, dashboard/case_reports.h).
#include <fmt/format.h>

#include "access/policy.h"
#include "audit/audit_log.h"
#include "cases/case.h"
#include "checkin/visit_days.h"
#include "core/csv.h"
#include "dashboard/case_reports.h"
#include "dashboard/figures.h"
#include "http/app.h"
#include "http/handler_util.h"
#include "levels/levels.h"

namespace kb::http {
namespace {

using boost::asio::awaitable;
using dashboard::Figure;
namespace json = boost::json;

std::string area_label(const areas::AreaDirectory& areas, std::string_view code) {
  if (code == "*") return "Việt Nam";
  if (const auto* p = areas.province(code)) return p->name;
  if (const auto* w = areas.ward(code)) return w->name;
  return std::string(code);
}

std::string_view area_kind(const areas::AreaDirectory& areas, std::string_view code) {
  if (code == "*") return "country";
  return areas.province(code) ? "province" : "ward";
}

json::object figures_json(const std::map<Figure, int64_t>& figures) {
  json::object o;
  for (const auto& [f, v] : figures) o[dashboard::figure_name(f)] = v;
  return o;
}

struct Range {
  int64_t from_day = 0, to_day = 0;
};
Result<Range> day_range(App& app, const Request& req, int64_t fallback_days) {
  KB_ASSIGN(int64_t days, int_param(req, "days", 1, 90, fallback_days));
  int64_t today = checkin::visit_day(app.now());
  return Range{today - days + 1, today};
}

struct Board {
  std::string area;
  dashboard::Series series;
  std::map<std::string, std::map<Figure, int64_t>> children;
};

// The stored figures of the page: from the cache, or read once (dashboard::BoardCache).
Result<dashboard::StoredBoard> stored_board(App& app, const std::string& area, const Range& r) {
  uint64_t flushes = app.checkin_tally().stored_flushes();
  if (auto hit = app.board_cache().find(area, r.from_day, r.to_day, flushes)) return *hit;
  dashboard::StoredBoard stored;
  KB_ASSIGN(stored.series, app.db().read([&](store::Connection& c) {
    return dashboard::series(c, area, r.from_day, r.to_day);
  }));
  auto children = dashboard::child_areas(app.areas(), area);
  if (!children.empty()) {
    KB_ASSIGN(stored.children, app.db().read([&](store::Connection& c) {
      return dashboard::by_child(c, area, children, r.from_day, r.to_day);
    }));
  }
  app.board_cache().store(area, r.from_day, r.to_day, flushes, stored);
  return stored;
}

Result<Board> read_board(App& app, const accounts::User& official, const Request& req) {
  Board b;
  KB_ASSIGN(b.area, dashboard::area_for(official, app.areas(), req.query_param("area")));
  KB_ASSIGN(Range r, day_range(app, req, 14));
  KB_ASSIGN(auto stored, stored_board(app, b.area, r));
  b.series = std::move(stored.series);
  b.children = std::move(stored.children);
  dashboard::add_pending(b.series, app.checkin_tally(), b.area);
  return b;
}

json::object board_json(App& app, const Board& b) {
  json::array days;
  for (int64_t d = b.series.from_day; d <= b.series.to_day; ++d)
    days.push_back(json::string(dashboard::day_text(d)));
  json::object series, totals;
  for (const auto& [f, values] : b.series.values) {
    series[dashboard::figure_name(f)] = json::value_from(values);
    int64_t total = 0;
    for (int64_t v : values) total += v;
    totals[dashboard::figure_name(f)] = dashboard::is_snapshot(f) ? values.back() : total;
  }
  json::array children;
  for (const auto& [code, figures] : b.children) {
    children.push_back(json::object{{"code", code},
                                    {"name", area_label(app.areas(), code)},
                                    {"figures", figures_json(figures)}});
  }
  return json::object{{"area", json::object{{"code", b.area},
                                            {"name", area_label(app.areas(), b.area)},
                                            {"kind", area_kind(app.areas(), b.area)}}},
                      {"days", std::move(days)},
                      {"series", std::move(series)},
                      {"totals", std::move(totals)},
                      {"children", std::move(children)},
                      {"at", format_rfc3339(app.now())}};
}

std::string board_csv(const Board& b) {
  std::string out{csv::kBom};
  out += "day";
  for (Figure f : dashboard::kAllFigures) out += fmt::format(",{}", dashboard::figure_name(f));
  out += "\r\n";
  for (int64_t d = b.series.from_day; d <= b.series.to_day; ++d) {
    out += dashboard::day_text(d);
    for (Figure f : dashboard::kAllFigures) {
      out += fmt::format(",{}", b.series.values.at(f)[static_cast<size_t>(d - b.series.from_day)]);
    }
    out += "\r\n";
  }
  return out;
}

Result<dashboard::CurveBy> parse_curve_by(const Request& req) {
  auto by = req.query_param("by").value_or("onset");
  if (by == "onset") return dashboard::CurveBy::kOnset;
  if (by == "test") return dashboard::CurveBy::kTest;
  return invalid("by", "invalid_by", "by is onset or test");
}

struct LineListQuery {
  std::string area;
  int64_t from = 0, to = 0;
  std::string reason;
};
Result<LineListQuery> parse_line_list(App& app, const accounts::User& official,
                                      const Request& req) {
  LineListQuery q;
  KB_ASSIGN(q.area, dashboard::area_for(official, app.areas(), req.query_param("area")));
  auto from = req.query_param("from"), to = req.query_param("to");
  if (!from || from->empty()) return invalid("from", "missing_field", "give from=YYYY-MM-DD");
  KB_ASSIGN(q.from, cases::parse_date(*from, "from"));
  q.to = app.now() + 1;
  if (to && !to->empty()) {
    KB_ASSIGN(int64_t t, cases::parse_date(*to, "to"));
    q.to = t + 86400;  // the whole last day
  }
  if (q.to <= q.from) return invalid("to", "before_from", "to is before from");
  KB_ASSIGN(q.reason, reason_param(req));
  return q;
}

// ---- handlers ----

awaitable<Result<Response>> get_dashboard(App& app, Request& req) {
  KB_CO_ASSIGN(auto official, signed_in(app, req, access::official));
  KB_CO_ASSIGN(Board b, read_board(app, official, req));
  co_return Response::json(200, board_json(app, b));
}

awaitable<Result<Response>> get_dashboard_csv(App& app, Request& req) {
  KB_CO_ASSIGN(auto official, signed_in(app, req, access::official));
  KB_CO_ASSIGN(Board b, read_board(app, official, req));
  co_return csv_attachment(board_csv(b),
                           fmt::format("dashboard-{}.csv", b.area == "*" ? "vn" : b.area));
}

awaitable<Result<Response>> refresh_dashboard(App& app, Request& req) {
  KB_CO_ASSIGN(auto official, signed_in(app, req, access::official));
  KB_CO_TRY(dashboard::flush_tally(app.db(), app.checkin_tally()));
  auto job = [now = app.now()](store::Connection& c) { return dashboard::refresh_figures(c, now); };
  KB_CO_TRY(co_await app.write(job));
  app.board_cache().clear();
  co_return Response::no_content();
}

awaitable<Result<Response>> get_idle_venues(App& app, Request& req) {
  KB_CO_ASSIGN(auto official, signed_in(app, req, access::official));
  KB_CO_ASSIGN(std::string area,
               dashboard::area_for(official, app.areas(), req.query_param("area")));
  KB_CO_ASSIGN(int64_t limit, int_param(req, "limit", 1, 500, 100));
  KB_CO_ASSIGN(auto venues, app.db().read([&](store::Connection& c) {
    return dashboard::idle_venues(c, area, app.now(), limit);
  }));
  json::array a;
  for (const auto& v : venues) {
    a.push_back(json::object{
        {"id", v.id},
        {"name", v.name},
        {"code", v.code},
        {"province_code", v.province_code},
        {"ward_code", v.ward_code},
        {"street", v.street},
        {"area_name", area_label(app.areas(), v.ward_code)},
        {"last_checkin_day", v.last_day ? json::value(dashboard::day_text(*v.last_day)) : nullptr},
        {"registered_at", format_rfc3339(v.created_at)}});
  }
  co_return Response::json(
      200,
      json::object{{"area", area}, {"idle_days", dashboard::kIdleDays}, {"venues", std::move(a)}});
}

awaitable<Result<Response>> get_epi_curve(App& app, Request& req) {
  KB_CO_ASSIGN(auto official, signed_in(app, req, access::official));
  KB_CO_ASSIGN(std::string area,
               dashboard::area_for(official, app.areas(), req.query_param("area")));
  KB_CO_ASSIGN(auto by, parse_curve_by(req));
  KB_CO_ASSIGN(Range r, day_range(app, req, 28));
  KB_CO_ASSIGN(auto curve, app.db().read([&](store::Connection& c) {
    return dashboard::epi_curve(c, area, by, r.from_day, r.to_day);
  }));
  json::array days;
  for (int64_t d = r.from_day; d <= r.to_day; ++d)
    days.push_back(json::string(dashboard::day_text(d)));
  co_return Response::json(200,
                           json::object{{"area", area},
                                        {"by", by == dashboard::CurveBy::kOnset ? "onset" : "test"},
                                        {"days", std::move(days)},
                                        {"cases", json::value_from(curve.cases)},
                                        {"without_date", curve.without_date}});
}

awaitable<Result<Response>> get_line_list(App& app, Request& req) {
  KB_CO_ASSIGN(auto official, signed_in(app, req, access::official));
  KB_CO_ASSIGN(LineListQuery q, parse_line_list(app, official, req));
  KB_CO_ASSIGN(auto rows, app.db().read([&](store::Connection& c) {
    return dashboard::line_list(c, q.area, q.from, q.to, app.now());
  }));
  auto job = [actor = official.id, q, n = rows.size(), now = app.now()](store::Connection& c) {
    return audit::record(c, {now, actor, "cases.line_list.export", fmt::format("area:{}", q.area),
                             q.reason, fmt::format("{} cases tested {} to {}", n, q.from, q.to)});
  };
  KB_CO_TRY(co_await app.write(job));
  co_return csv_attachment(dashboard::line_list_csv(rows),
                           fmt::format("line-list-{}.csv", q.area == "*" ? "vn" : q.area));
}

awaitable<Result<Response>> get_line_list_dictionary(App& app, Request& req) {
  KB_CO_ASSIGN(auto official, signed_in(app, req, access::official));
  co_return csv_attachment(dashboard::line_list_dictionary_csv(), "line-list-dictionary.csv");
}

using FiguresByArea = std::map<std::string, std::map<Figure, int64_t>>;

// A province's or the country's headline figures: the last 7 days' and today's.
json::object headline(const std::map<Figure, int64_t>& w, const std::map<Figure, int64_t>& d) {
  return json::object{{"cases_7d", w.at(Figure::kCases)},
                      {"cases_today", d.at(Figure::kCases)},
                      {"f1_found_7d", w.at(Figure::kF1Found)},
                      {"declarations_today", d.at(Figure::kDeclarations)},
                      {"checkins_today", d.at(Figure::kCheckins)}};
}

json::array province_rows(const areas::AreaDirectory& areas,
                          const std::vector<std::string>& provinces, FiguresByArea& week,
                          FiguresByArea& day, const std::vector<levels::AreaLevel>& levels) {
  std::map<std::string, const levels::AreaLevel*> level_of;
  for (const auto& l : levels) level_of[l.code] = &l;
  json::array rows;
  for (const auto& code : provinces) {
    json::object o = headline(week.at(code), day.at(code));
    o["code"] = code;
    o["name"] = area_label(areas, code);
    const auto* l = level_of.count(code) ? level_of[code] : nullptr;
    o["level"] = l && l->level ? json::value(*l->level) : nullptr;
    rows.push_back(std::move(o));
  }
  return rows;
}

awaitable<Result<Response>> public_statistics(App& app, Request&) {
  int64_t today = checkin::visit_day(app.now());
  auto provinces = dashboard::child_areas(app.areas(), "*");
  using Read =
      std::tuple<dashboard::Series, FiguresByArea, FiguresByArea, std::vector<levels::AreaLevel>>;
  KB_CO_ASSIGN(Read read, app.db().read([&](store::Connection& c) -> Result<Read> {
    KB_ASSIGN(auto country, dashboard::series(c, "*", today - 6, today));
    KB_ASSIGN(auto week, dashboard::by_child(c, "*", provinces, today - 6, today));
    KB_ASSIGN(auto day, dashboard::by_child(c, "*", provinces, today, today));
    KB_ASSIGN(auto levels, levels::province_levels(c));
    return Read{std::move(country), std::move(week), std::move(day), std::move(levels)};
  }));
  auto& [country, week, day, levels] = read;
  std::map<Figure, int64_t> w, d;
  for (const auto& [f, values] : country.values) {
    for (int64_t v : values) w[f] += v;
    d[f] = values.back();
  }
  co_return Response::json(
      200, json::object{{"day", dashboard::day_text(today)},
                        {"country", headline(w, d)},
                        {"provinces", province_rows(app.areas(), provinces, week, day, levels)}});
}

}  // namespace

void register_dashboard_routes(App& app) {
  auto& r = app.router();
  r.add(
      Method::kGet, "/api/v1/dashboard", [&app](Request& req) { return get_dashboard(app, req); },
      "figures of an area per day (declarations, check-ins, venues, cases, F1, notices), and of "
      "its parts");
  r.add(
      Method::kGet, "/api/v1/dashboard.csv",
      [&app](Request& req) { return get_dashboard_csv(app, req); },
      "the same figures as CSV, a row per day");
  r.add(
      Method::kPost, "/api/v1/dashboard/refresh",
      [&app](Request& req) { return refresh_dashboard(app, req); },
      "store the counted check-ins and recount the figures now (officials; the server does it "
      "every few seconds)");
  r.add(
      Method::kGet, "/api/v1/dashboard/idle-venues",
      [&app](Request& req) { return get_idle_venues(app, req); },
      "open venues of the area that recorded no check-in for 7 days: where to inspect QR posting "
      "and scanning");
  r.add(
      Method::kGet, "/api/v1/epicurve", [&app](Request& req) { return get_epi_curve(app, req); },
      "cases of the area per day by onset or test date (the epidemic curve)");
  r.add(
      Method::kGet, "/api/v1/linelist.csv",
      [&app](Request& req) { return get_line_list(app, req); },
      "de-identified line list of the area's cases as CSV (audited, needs ?reason=)");
  r.add(
      Method::kGet, "/api/v1/linelist/dictionary.csv",
      [&app](Request& req) { return get_line_list_dictionary(app, req); },
      "what each column of the line list means (CSV)");
  r.add(
      Method::kGet, "/api/v1/public/statistics",
      [&app](Request& req) { return public_statistics(app, req); },
      "each province's headline numbers and level; no sign-in");
}

}  // namespace kb::http
