#include "monitoring/texts.h"

#include <fmt/format.h>

#include "core/clock.h"

namespace kb::monitoring {
namespace {

// "21/11/2026" of a time, in Vietnam.
std::string date_of(int64_t t) {
  std::string iso = format_rfc3339(t);
  return iso.substr(8, 2) + "/" + iso.substr(5, 2) + "/" + iso.substr(0, 4);
}

std::string who(const cases::Addressee& a) { return a.self ? "Bạn" : a.name; }

std::string flag_words(const std::string& flag) {
  if (flag == "spo2_low") return "SpO2 thấp (≤ 95%)";
  if (flag == "breathing_fast") return "thở nhanh";
  if (flag == "pulse_high") return "mạch nhanh";
  if (flag == "pulse_low") return "mạch chậm";
  if (flag == "temperature_high") return "sốt cao";
  if (flag == "shortness_of_breath") return "khó thở";
  if (flag == "chest_pain") return "đau tức ngực";
  if (flag == "confusion") return "lơ mơ, lú lẫn";
  if (flag == "cyanosis") return "tím môi, tím đầu chi";
  if (flag == "cannot_eat_or_drink") return "không ăn uống được";
  return flag;
}

}  // namespace

std::string station_of(const std::string& ward_name) {
  return ward_name.empty() ? "trạm y tế phường/xã" : "Trạm Y tế " + ward_name;
}

cases::NoticeText order_notice(const OrderNoticeFacts& f) {
  std::string where = f.at_facility
                          ? "tại " + (f.facility_name.empty() ? "cơ sở cách ly" : f.facility_name)
                          : "tại nhà";
  std::string what;
  switch (f.kind) {
    case Kind::kF1Quarantine:
      what =
          f.quarantine_until < f.ends_at
              ? fmt::format("cách ly {} đến hết ngày {}, sau đó tự theo dõi sức khỏe đến ngày {}",
                            where, date_of(f.quarantine_until), date_of(f.ends_at))
              : fmt::format("cách ly {} đến hết ngày {}", where, date_of(f.quarantine_until));
      break;
    case Kind::kF0HomeCare:
      what = fmt::format(
          "điều trị, cách ly {} ít nhất đến ngày {} và đến khi có kết quả xét nghiệm âm tính",
          where, date_of(f.ends_at));
      break;
    case Kind::kEntry:
      what = fmt::format("cách ly {} sau nhập cảnh đến hết ngày {}", where, date_of(f.ends_at));
      break;
    case Kind::kArea:
      what = fmt::format("theo dõi sức khỏe đến ngày {}", date_of(f.ends_at));
      break;
  }
  std::string reports = f.reports_per_day >= 2 ? "2 lần mỗi ngày (sáng và chiều)" : "mỗi ngày";
  cases::NoticeText t;
  t.title = f.kind == Kind::kF0HomeCare ? "Chăm sóc F0 tại nhà: khai báo sức khỏe hằng ngày"
                                        : "Bạn được đặt theo dõi, cách ly y tế";
  if (!f.person.self) t.title = f.person.name + ": theo dõi, cách ly y tế";
  t.body = fmt::format(
      "{} được {} theo dõi: {}. Hãy khai báo sức khỏe {} trên trang Theo dõi sức khỏe (nhiệt độ, "
      "SpO2, nhịp "
      "thở, mạch, triệu chứng). Khi khó thở, đau ngực, SpO2 ≤ 95% hoặc lơ mơ: gọi ngay {} hoặc "
      "115.",
      who(f.person), f.health_station, what, reports, f.health_station);
  return t;
}

cases::NoticeText red_flag_notice(const cases::Addressee& person,
                                  const std::vector<std::string>& flags,
                                  const std::string& health_station) {
  std::string list;
  for (const auto& f : flags) list += (list.empty() ? "" : ", ") + flag_words(f);
  cases::NoticeText t;
  t.title = person.self ? "KHẨN: dấu hiệu cần được y tế xử trí ngay"
                        : "KHẨN: " + person.name + " cần được y tế xử trí";
  t.body = fmt::format(
      "Báo cáo sức khỏe vừa gửi của {} có dấu hiệu cảnh báo: {}. Hãy gọi ngay {} hoặc 115, nằm "
      "nghỉ ở tư thế dễ "
      "thở, không tự ý dùng thuốc. Cán bộ y tế đã nhận được cảnh báo và sẽ liên hệ.",
      person.self ? "bạn" : person.name, list, health_station);
  return t;
}

cases::NoticeText reminder_notice(int slot, int reports_per_day) {
  cases::NoticeText t;
  if (reports_per_day >= 2) {
    t.title = slot == 0 ? "Nhắc khai báo sức khỏe buổi sáng" : "Nhắc khai báo sức khỏe buổi chiều";
  } else {
    t.title = "Nhắc khai báo sức khỏe hôm nay";
  }
  t.body =
      "Bạn (hoặc người bạn quản lý) chưa gửi báo cáo sức khỏe. Hãy đo nhiệt độ, SpO2 (nếu có máy), "
      "nhịp thở, mạch "
      "và gửi trên trang Theo dõi sức khỏe.";
  return t;
}

}  // namespace kb::monitoring
