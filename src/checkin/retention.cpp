#include "checkin/retention.h"

#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include "store/writer.h"

namespace kb::checkin {

Result<PurgeReport> purge_past_retention(store::Database& db, int retention_days, int64_t now) {
  if (retention_days < 1) return invalid("retention-days", "out_of_range", "retention must be at least one day");
  PurgeReport report;
  report.first_kept_day = store::visit_day(now) - retention_days;
  auto start = std::chrono::steady_clock::now();
  KB_ASSIGN(report.days, db.writer().write_sync([first = report.first_kept_day](store::Connection& c) {
    return store::purge_visit_days(c, first);
  }));
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  for (const auto& d : report.days) report.rows += d.rows;
  return report;
}

std::string purge_report_json(const PurgeReport& report) {
  auto date = [](int64_t day) { return format_rfc3339(store::visit_day_start(day)).substr(0, 10); };
  boost::json::array days;
  for (const auto& d : report.days) days.push_back({{"date", date(d.day)}, {"rows", d.rows}});
  boost::json::object o{{"first_kept", date(report.first_kept_day)},
                        {"days", std::move(days)},
                        {"rows", report.rows},
                        {"seconds", report.seconds}};
  return boost::json::serialize(o);
}

RetentionThread::RetentionThread(store::Database& db, int retention_days, Clock clock, std::chrono::seconds interval)
    : db_(db), retention_days_(retention_days), clock_(std::move(clock)), interval_(interval) {}

RetentionThread::~RetentionThread() { stop(); }

void RetentionThread::start() {
  task_.start(interval_, [this] {
    auto report = purge_past_retention(db_, retention_days_, clock_.now());
    if (!report.ok()) {
      spdlog::error("retention purge failed: {}", report.error().message);
    } else if (!report->days.empty()) {
      spdlog::info("retention purge: {}", purge_report_json(*report));
    }
  });
}

void RetentionThread::stop() { task_.stop(); }

}  // namespace kb::checkin
