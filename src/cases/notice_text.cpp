#include "cases/notice_text.h"

#include <fmt/format.h>

#include "core/clock.h"
#include "notify/messages.h"

namespace kb::cases {
namespace {

constexpr size_t kMaxNameBytes = 80;
constexpr size_t kMaxPlaces = 3;

// The first `max` bytes of a UTF-8 text, cut between characters, with "…" when cut.
std::string clip(const std::string& s, size_t max) {
  if (s.size() <= max) return s;
  size_t end = max;
  while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) --end;
  return s.substr(0, end) + "…";
}

std::string date_only(int64_t t) {
  std::string s = format_rfc3339(t);  // 2026-11-21T09:30:00+07:00
  return fmt::format("{}/{}/{}", s.substr(8, 2), s.substr(5, 2), s.substr(0, 4));
}

// "Bạn" / "bạn" for the reader, or the name of the person they manage.
std::string who(const Addressee& a, bool capital) {
  if (a.self) return capital ? "Bạn" : "bạn";
  return a.name;
}
// On first mention: "Bạn", or "Nguyễn Văn A, người bạn quản lý,".
std::string introduce(const Addressee& a) {
  return a.self ? "Bạn" : a.name + ", người bạn quản lý,";
}

// The body with as much as fits: every place and the English part, else fewer.
std::string fit(const std::vector<std::string>& head, const std::vector<std::string>& places,
                const std::vector<std::string>& tail, const std::string& english) {
  for (size_t shown = std::min(places.size(), kMaxPlaces);; --shown) {
    std::string body;
    for (const auto& line : head) body += line + "\n";
    for (size_t i = 0; i < shown; ++i) body += "• " + places[i] + "\n";
    if (shown < places.size()) body += fmt::format("• và {} lần khác.\n", places.size() - shown);
    for (const auto& line : tail) body += line + "\n";
    if (body.size() + english.size() <= notify::kMaxBodyBytes) return body + english;
    body.pop_back();
    if (body.size() <= notify::kMaxBodyBytes) return body;
    if (shown == 0) return clip(body, notify::kMaxBodyBytes - 3);
  }
}

std::string household_intro(const ContactNoticeFacts& f) {
  const Addressee& k = f.contact;
  if (f.household_case && f.household_case->self) {
    return fmt::format(
        "Bạn đã được xác nhận mắc COVID-19 (F0), nên {}, người bạn quản lý, sống cùng hộ gia đình "
        "với bạn, được xác định là F1 (tiếp xúc gần).",
        k.name);
  }
  std::string sick = f.household_case ? f.household_case->name + ", người bạn quản lý,"
                                      : "Một người trong hộ gia đình";
  return fmt::format(
      "{} đã được xác nhận mắc COVID-19 (F0). {} sống cùng hộ gia đình nên được xác định là F1 "
      "(tiếp xúc gần).",
      sick, introduce(k));
}

}  // namespace

Addressee addressee_of(const people::Person& p) {
  if (!p.account_id || p.is_self) return {true, ""};
  std::string name =
      p.full_name.empty() ? std::string("Người thân") : clip(p.full_name, kMaxNameBytes);
  return {false, std::move(name)};
}

NoticeText case_notice(const CaseNoticeFacts& f) {
  const Addressee& a = f.person;
  NoticeText t;
  t.title = a.self
                ? std::string("Bạn đã được xác nhận mắc COVID-19 (F0)")
                : fmt::format("{}, người bạn quản lý, đã được xác nhận mắc COVID-19 (F0)", a.name);
  std::string station = f.health_station.empty() ? "trạm y tế phường/xã nơi " + who(a, false) + " ở"
                                                 : f.health_station;
  std::vector<std::string> lines = {
      fmt::format("Kết quả xét nghiệm ngày {} của {} dương tính với COVID-19.",
                  date_only(f.test_date), who(a, false)),
      fmt::format("Việc cần làm ngay: {} cách ly tại nhà, ở phòng riêng, đeo khẩu trang, không "
                  "tiếp xúc với người "
                  "khác, kể cả người trong gia đình.",
                  who(a, false)),
      fmt::format("Tiếp theo: nhân viên y tế sẽ liên hệ để hướng dẫn điều trị và hỏi những nơi {} "
                  "đã đến; người "
                  "tiếp xúc gần sẽ được thông báo mà không nêu tên {}. Theo dõi sức khỏe và khai "
                  "báo y tế hằng ngày "
                  "trên khaibao.",
                  who(a, false), who(a, false)),
      fmt::format("Cần hỗ trợ: gọi {} hoặc đường dây nóng 1900 9095; gọi cấp cứu 115 ngay khi khó "
                  "thở, đau tức "
                  "ngực, môi tím tái.",
                  station)};
  std::string english = a.self ? "(EN) You tested positive for COVID-19. Isolate at home now, in a "
                                 "room of your own, and wait for the "
                                 "health station's call; call 1900 9095 for advice, or 115 at once "
                                 "if breathing becomes hard."
                               : fmt::format(
                                     "(EN) {}, a person you manage, tested positive for COVID-19. "
                                     "They must isolate at home "
                                     "now, in a room of their own; call 1900 9095 for advice, or "
                                     "115 at once if breathing "
                                     "becomes hard.",
                                     a.name);
  t.body = fit(lines, {}, {}, english);
  t.title = clip(t.title, notify::kMaxTitleBytes - 3);
  return t;
}

NoticeText contact_notice(const ContactNoticeFacts& f) {
  const Addressee& k = f.contact;
  NoticeText t;
  t.title = k.self ? std::string("Thông báo truy vết: bạn là F1 (tiếp xúc gần với ca bệnh)")
                   : fmt::format("Thông báo truy vết: {} là F1 (tiếp xúc gần với ca bệnh)", k.name);
  std::vector<std::string> head;
  if (f.household) head.push_back(household_intro(f));
  if (!f.places.empty()) {
    head.push_back(
        fmt::format("{} đã có mặt cùng thời gian với một ca bệnh đã được xác nhận (F0) tại:",
                    f.household ? who(k, true) : introduce(k)));
  }
  std::string until = date_only(f.isolate_until);
  std::string todo = k.self ? fmt::format(
                                  "Việc cần làm: tự cách ly tại nơi ở đến hết ngày {}; đo thân "
                                  "nhiệt và theo dõi sức khỏe "
                                  "hằng ngày, khai báo y tế trên khaibao; hạn chế tiếp xúc với "
                                  "người khác; liên hệ trạm y tế "
                                  "phường/xã nơi bạn ở, hoặc gọi đường dây nóng 1900 9095 ngay khi "
                                  "có sốt, ho, khó thở, mất "
                                  "vị giác/khứu giác.",
                                  until)
                            : fmt::format(
                                  "Việc cần làm: {0} tự cách ly tại nơi ở đến hết ngày {1}; đo "
                                  "thân nhiệt, theo dõi sức "
                                  "khỏe và khai báo y tế hằng ngày cho {0} trên khaibao; hạn chế "
                                  "tiếp xúc với người khác; liên "
                                  "hệ trạm y tế phường/xã, hoặc gọi đường dây nóng 1900 9095 ngay "
                                  "khi {0} có sốt, ho, khó "
                                  "thở, mất vị giác/khứu giác.",
                                  k.name, until);
  std::string english = k.self ? fmt::format(
                                     "(EN) You were in close contact with a confirmed COVID-19 "
                                     "case. Stay at home in isolation "
                                     "until {}, watch your health daily and call 1900 9095 if you "
                                     "have a fever, cough or "
                                     "shortness of breath.",
                                     until)
                               : fmt::format(
                                     "(EN) {0}, a person you manage, was in close contact with a "
                                     "confirmed COVID-19 case. "
                                     "{0} must stay at home in isolation until {1}; watch their "
                                     "health daily and call 1900 "
                                     "9095 if they have a fever, cough or shortness of breath.",
                                     k.name, until);
  t.body = fit(head, f.places, {todo}, english);
  t.title = clip(t.title, notify::kMaxTitleBytes - 3);
  return t;
}

}  // namespace kb::cases
