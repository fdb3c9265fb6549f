#include "checkin/retention.h"

#include <spdlog/spdlog.h>

#include <boost/json.hpp>

#include "store/writer.h"

namespace kb::checkin {

Result<PurgeReport> purge_past_retention(store::Database& db, int retention_days, int64_t now) {
  if (retention_days < 1)
    return invalid("retention-days", "out_of_range", "retention must be at least one day");
  PurgeReport report;
  report.first_kept_day = checkin::visit_day(now) - retention_days;
  auto start = std::chrono::steady_clock::now();
  KB_ASSIGN(report.days,
            db.writer().write_sync([first = report.first_kept_day](store::Connection& c) {
              return checkin::purge_visit_days(c, first);
            }));
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  for (const auto& d : report.days) report.rows += d.rows;
  return report;
}

std::string purge_report_json(const PurgeReport& report) {
  auto date = [](int64_t day) {
    return format_rfc3339(checkin::visit_day_start(day)).substr(0, 10);
  };
  boost::json::array days;
  for (const auto& d : report.days) days.push_back({{"date", date(d.day)}, {"rows", d.rows}});
  boost::json::object o{{"first_kept", date(report.first_kept_day)},
                        {"days", std::move(days)},
                        {"rows", report.rows},
                        {"seconds", report.seconds}};
  return boost::json::serialize(o);
}

Status purge_job(store::Database& db, int retention_days, int64_t now) {
  KB_ASSIGN(PurgeReport report, purge_past_retention(db, retention_days, now));
  if (!report.days.empty()) spdlog::info("retention purge: {}", purge_report_json(report));
  return {};
}

}  // namespace kb::checkin
