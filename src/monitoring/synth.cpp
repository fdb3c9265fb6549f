#include "monitoring/synth.h"

#include <fmt/format.h>

#include <chrono>
#include <deque>
#include <mutex>
#include <random>
#include <set>
#include <variant>

#include "crypto/sealing.h"
#include "monitoring/reports.h"
#include "monitoring/rules.h"
#include "store/writer.h"

namespace kb::monitoring {
namespace {

using store::Param;
using store::Sql;

constexpr int64_t kDay = 86400;
constexpr size_t kRowsPerStatement = 400;
constexpr size_t kRowsPerWrite = 20000;

const char* interned(std::string text) {
  static std::mutex mu;
  static std::set<std::string> texts;
  std::lock_guard lock(mu);
  return texts.insert(std::move(text)).first->c_str();
}

using Value = std::variant<std::nullptr_t, int64_t, std::string>;

// Rows of one table, written many to a statement and many statements to a transaction.
class Bulk {
 public:
  Bulk(store::Database& db, std::string head, size_t columns)
      : db_(db), head_(std::move(head)), columns_(columns) {}

  Status add(std::vector<Value> row) {
    rows_.push_back(std::move(row));
    if (rows_.size() >= kRowsPerWrite) return flush();
    return {};
  }

  Status flush() {
    if (rows_.empty()) return {};
    auto write = [this](store::Connection& c) -> Status {
      for (size_t from = 0; from < rows_.size(); from += kRowsPerStatement) {
        size_t n = std::min(kRowsPerStatement, rows_.size() - from);
        std::vector<Param> params;
        params.reserve(n * columns_);
        for (size_t r = from; r < from + n; ++r) {
          for (const auto& v : rows_[r]) {
            std::visit(
                [&](const auto& x) {
                  using T = std::decay_t<decltype(x)>;
                  if constexpr (std::is_same_v<T, std::string>)
                    params.emplace_back(std::string_view(x));
                  else
                    params.emplace_back(x);
                },
                v);
          }
        }
        Sql sql{"synth_monitoring_bulk", text(n)};
        KB_TRY(c.exec(sql, std::span<const Param>(params.data(), params.size())));
      }
      return {};
    };
    KB_TRY(db_.writer().write_sync(write));
    written_ += rows_.size();
    rows_.clear();
    return {};
  }

  size_t written() const { return written_; }

 private:
  const char* text(size_t rows) {
    std::string sql = head_ + " VALUES ";
    size_t p = 1;
    for (size_t r = 0; r < rows; ++r) {
      sql += r ? ",(" : "(";
      for (size_t col = 0; col < columns_; ++col) sql += (col ? ",$" : "$") + std::to_string(p++);
      sql += ")";
    }
    return interned(std::move(sql));
  }

  store::Database& db_;
  std::string head_;
  size_t columns_;
  std::vector<std::vector<Value>> rows_;
  size_t written_ = 0;
};

constexpr const char* kFamily[] = {"Nguyễn", "Trần", "Lê",   "Phạm", "Hoàng",
                                   "Phan",   "Vũ",   "Đặng", "Bùi",  "Đỗ"};
constexpr const char* kMiddle[] = {"Văn", "Thị", "Hữu", "Đức", "Minh", "Ngọc", "Thanh", "Quốc"};
constexpr const char* kGiven[] = {"An",   "Bình", "Châu", "Dũng",  "Hà",   "Hải",
                                  "Hùng", "Lan",  "Linh", "Mai",   "Nam",  "Phúc",
                                  "Quân", "Sơn",  "Tâm",  "Trang", "Tuấn", "Vy"};

Result<int64_t> max_id(store::Database& db, const char* table) {
  Sql sql{"synth_monitoring_max",
          interned(fmt::format("SELECT COALESCE(MAX(id), 0) FROM {}", table))};
  KB_ASSIGN(auto rows, db.read([&](store::Connection& c) { return c.query(sql); }));
  return rows.empty() ? 0 : rows[0].i64(0);
}

}  // namespace

Result<SynthReport> synthesize(store::Database& db, const areas::AreaDirectory& areas,
                               const SynthOptions& o,
                               const std::function<void(const std::string&)>& progress) {
  auto started = std::chrono::steady_clock::now();
  if (!areas.province(o.province_code))
    return invalid("province", "invalid_province", "no such province code");
  const auto& wards = areas.wards_of(o.province_code);
  if (wards.empty()) return invalid("province", "invalid_province", "the province has no wards");
  int64_t now = o.now > 0 ? o.now : static_cast<int64_t>(::time(nullptr));
  std::mt19937_64 rng(o.seed);
  auto chance = [&](double p) { return std::uniform_real_distribution<double>(0, 1)(rng) < p; };
  Rules rules;

  static constexpr Sql kAnyUser{"synth_monitoring_user", "SELECT COALESCE(MIN(id), 0) FROM users"};
  KB_ASSIGN(auto users, db.read([](store::Connection& c) { return c.query(kAnyUser); }));
  int64_t placed_by = users.empty() ? 0 : users[0].i64(0);
  if (placed_by == 0)
    return invalid("db", "no_users", "run the server once first (it creates the administrator)");

  KB_ASSIGN(int64_t first_person, max_id(db, "people"));
  ++first_person;
  SynthReport report;
  struct Person {
    std::string ward;
    Kind kind;
    int64_t start;
    bool silent;
  };
  std::vector<Person> people;
  people.reserve(static_cast<size_t>(o.people));
  {
    Bulk bulk(
        db,
        "INSERT INTO people(full_name, birth_date, sex, phone, province_code, ward_code, street, "
        "created_at, updated_at, status_colour, status_reason, monitoring_kind, monitoring_until, "
        "phone_index)",
        14);
    for (int64_t i = 0; i < o.people; ++i) {
      const auto* w = wards[rng() % wards.size()];
      double k = std::uniform_real_distribution<double>(0, 1)(rng);
      Kind kind = k < 0.7 ? Kind::kF1Quarantine : k < 0.9 ? Kind::kF0HomeCare : Kind::kEntry;
      int64_t start = now - static_cast<int64_t>(rng() % static_cast<uint64_t>(o.days * kDay));
      people.push_back({w->code, kind, start, chance(1.0 / 12)});
      int year = 1940 + static_cast<int>(rng() % 80);
      std::string name =
          fmt::format("{} {} {}", kFamily[rng() % std::size(kFamily)],
                      kMiddle[rng() % std::size(kMiddle)], kGiven[rng() % std::size(kGiven)]);
      Period period = period_of(kind, start, false, 0, rules);
      bool red = kind == Kind::kF0HomeCare;
      // Sealed at rest like every person's (crypto/sealing.h); the identity.name_keys job fills
      // their name keys.
      std::string phone = fmt::format("+8497{:07}", (first_person + i) % 10'000'000);
      KB_TRY(bulk.add(
          {sealing::seal(name), fmt::format("{}-{:02}-{:02}", year, 1 + rng() % 12, 1 + rng() % 28),
           std::string(i % 2 ? "male" : "female"), sealing::seal(phone), o.province_code, w->code,
           sealing::seal("1 Đường Số 1"), now, now, std::string(red ? "red" : "yellow"),
           std::string(red ? "f0_home_care" : "f1_quarantine"), std::string(kind_name(kind)),
           period.quarantine_until, sealing::blind("phone", phone)}));
    }
    KB_TRY(bulk.flush());
    report.people = static_cast<int64_t>(bulk.written());
  }
  progress(fmt::format("{} people", report.people));

  KB_ASSIGN(int64_t first_order, max_id(db, "monitoring_orders"));
  ++first_order;
  KB_ASSIGN(int64_t first_report, max_id(db, "health_reports"));
  ++first_report;
  {
    Bulk orders(db,
                "INSERT INTO monitoring_orders(kind, person_id, province_code, ward_code, place, "
                "reports_per_day, "
                "starts_at, quarantine_until, ends_at, status, last_report_at, last_report_red, "
                "open_alerts, "
                "last_alert_at, placed_by, created_at, updated_at)",
                17);
    Bulk reports(db,
                 "INSERT INTO health_reports(person_id, order_id, day, slot, measured_at, "
                 "readings, symptoms, note, red_flags, reported_by, created_at)",
                 11);
    Bulk alerts(
        db,
        "INSERT INTO monitoring_alerts(order_id, person_id, report_id, province_code, ward_code, "
        "red_flags, raised_at, acknowledged_at, acknowledged_by, note)",
        10);
    int64_t report_id = first_report;
    for (size_t i = 0; i < people.size(); ++i) {
      const Person& p = people[i];
      int64_t person_id = first_person + static_cast<int64_t>(i);
      int64_t order_id = first_order + static_cast<int64_t>(i);
      int per_day = reports_per_day(p.kind);
      int64_t last_report = 0, last_alert = 0, open_alerts = 0;
      bool last_red = false;
      int64_t stop = p.silent ? now - 2 * kDay : now;
      for (int64_t day = local_day(p.start); day <= local_day(now); ++day) {
        for (int slot = 0; slot < per_day; ++slot) {
          int64_t at =
              day_start(day) + (slot == 0 ? 8 : 15) * 3600 + static_cast<int64_t>(rng() % 3600);
          if (at < p.start || at > stop || !chance(0.9)) continue;
          bool red = chance(0.005);
          Readings measured;
          measured.spo2 = red ? 93 : 96 + static_cast<int>(rng() % 4);
          measured.temperature_tenths = 365 + static_cast<int>(rng() % 10);
          measured.breathing_rate = 16 + static_cast<int>(rng() % 4);
          measured.pulse = 70 + static_cast<int>(rng() % 30);
          KB_TRY(reports.add({person_id, order_id, day, int64_t{slot}, at,
                              sealing::seal(readings_text(measured)), std::string(), std::string(),
                              std::string(red ? "spo2_low" : ""), placed_by, at}));
          if (red) {
            bool acked = chance(0.7);
            KB_TRY(
                alerts.add({order_id, person_id, report_id, o.province_code, p.ward,
                            std::string("spo2_low"), at, acked ? Value{at + 3600} : Value{nullptr},
                            acked ? Value{placed_by} : Value{nullptr},
                            std::string(acked ? "đã gọi điện" : "")}));
            open_alerts += !acked;
            last_alert = at;
            ++report.alerts;
          }
          last_report = at;
          last_red = red;
          ++report_id;
        }
      }
      Period period = period_of(p.kind, p.start, false, 0, rules);
      KB_TRY(orders.add({std::string(kind_name(p.kind)), person_id, o.province_code, p.ward,
                         std::string("home"), int64_t{per_day}, p.start, period.quarantine_until,
                         period.ends_at, std::string("open"), last_report, int64_t{last_red},
                         open_alerts, last_alert, placed_by, p.start, now}));
    }
    KB_TRY(orders.flush());
    KB_TRY(reports.flush());
    KB_TRY(alerts.flush());
    report.orders = static_cast<int64_t>(orders.written());
    report.reports = static_cast<int64_t>(reports.written());
  }
  progress(fmt::format("{} orders, {} reports, {} alerts", report.orders, report.reports,
                       report.alerts));
  static constexpr Sql kClearTallies{"synth_monitoring_clear_tallies",
                                     "DELETE FROM monitoring_tallies"};
  static constexpr Sql kTallies{"synth_monitoring_tallies",
                                "INSERT INTO monitoring_tallies(province_code, ward_code, kind, "
                                "open_orders) SELECT province_code, ward_code, "
                                "kind, COUNT(*) FROM monitoring_orders WHERE status = 'open' GROUP "
                                "BY province_code, ward_code, kind"};
  KB_TRY(db.writer().write_sync([](store::Connection& c) -> Status {
    KB_TRY(c.exec(kClearTallies));
    KB_TRY(c.exec(kTallies));
    return {};
  }));
  if (db.dialect() == store::Dialect::kPostgres) {
    // Index-only scans need the visibility map: vacuum what was just written, as autovacuum would.
    auto conn = db.connect();
    if (conn.ok()) {
      for (const char* table :
           {"monitoring_orders", "health_reports", "monitoring_alerts", "people"}) {
        (void)(*conn)->exec_script(std::string("VACUUM ANALYZE ") + table);
      }
    }
  } else {
    (void)db.writer().write_sync([](store::Connection& c) { return c.exec_script("ANALYZE"); });
  }
  report.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return report;
}

}  // namespace kb::monitoring
