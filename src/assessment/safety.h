// Venue safety self-assessment, as antoancovid.vn ran it: a venue's manager answers a checklist
// (distancing, masks, QR scanning at the door, ventilation, …), the answers give a score out of
// 100 and a risk class, and the assessment holds for kValidDays: after that the venue is
// overdue until its manager answers again. The checklist, its weights and the rule from score
// to class are the table and function below, and nowhere else.
//
// Who may act (access/policy.h): the venue's managers assess it; its staff and the officials
// of its area read it; the venue's public page shows the class (and that it is overdue).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "accounts/accounts.h"
#include "areas/area_directory.h"
#include "core/result.h"
#include "store/database.h"

namespace kb::assessment {

inline constexpr int64_t kValidDays = 7;
inline constexpr int64_t kValidSeconds = kValidDays * 86400;

struct ChecklistItem {
  std::string_view key;   // the answer's field name in the API
  int weight = 0;         // points when met; the weights add up to 100
  bool critical = false;  // unmet: the class is at least kHigh whatever the score
  std::string_view text_vi, text_en;
};

// After the criteria of the Ministry of Health's workplace COVID-safety assessment (Decision
// 2194/QĐ-BCĐ) that antoancovid.vn asked venues to answer.
inline constexpr std::array<ChecklistItem, 10> kChecklist{{
    {"distancing", 15, false, "Giữ khoảng cách tối thiểu 1 m giữa người với người",
     "People keep at least 1 m apart"},
    {"masks", 15, true, "Mọi người đeo khẩu trang trong cơ sở", "Everyone inside wears a mask"},
    {"qr_scanning", 15, true, "Quét mã QR của mọi người vào cửa",
     "Everyone coming in scans the QR code or is scanned"},
    {"staff_declarations", 10, true, "Nhân viên khai báo y tế hằng ngày",
     "Staff declare their health every day"},
    {"ventilation", 10, false, "Thông gió tốt (mở cửa, quạt hút)",
     "Good ventilation (open windows, extractor fans)"},
    {"disinfection", 10, false, "Khử khuẩn bề mặt hằng ngày", "Surfaces are disinfected every day"},
    {"hand_washing", 10, false, "Có nơi rửa tay hoặc dung dịch sát khuẩn ở lối vào",
     "Hand washing or sanitiser at the entrance"},
    {"capacity_limit", 5, false, "Giới hạn số người cùng lúc trong cơ sở",
     "The number of people inside at once is limited"},
    {"covid_plan", 5, false, "Có phương án phòng, chống dịch và người phụ trách",
     "A written COVID plan with a person in charge"},
    {"isolation_area", 5, false, "Có khu vực cách ly tạm thời người có triệu chứng",
     "A place to isolate someone with symptoms"},
}};

// The risk classes, lowest risk first.
enum class RiskClass { kLow, kMedium, kHigh, kVeryHigh };
std::string_view class_name(RiskClass c);
Result<RiskClass> parse_class(std::string_view text, std::string_view field = "class");

// Which checklist items are met, in kChecklist's order.
using Answers = std::array<bool, kChecklist.size()>;

struct Score {
  int points = 0;  // 0..100
  RiskClass risk_class = RiskClass::kVeryHigh;
  std::vector<std::string_view> unmet;  // keys of the items not met, in checklist order
};
// The rule: points ≥ 80 low, ≥ 60 medium, ≥ 40 high, else very high; any critical item unmet
// makes a low or medium class high.
Score score(const Answers& answers);

// A venue's newest assessment and where it stands at `now`.
struct Assessment {
  int64_t id = 0;
  int64_t venue_id = 0;
  Answers answers{};
  Score score;
  int64_t assessed_by = 0;
  int64_t assessed_at = 0;
  int64_t due_at = 0;  // assessed_at + kValidSeconds: renew before this
  bool overdue(int64_t now) const { return now >= due_at; }
};

// Records a manager's answers (the caller checked access::runs_venue) as the venue's current
// assessment. Call inside a write job.
Result<Assessment> assess(store::Connection& c, int64_t venue_id, const Answers& answers,
                          int64_t actor_id, int64_t now);
// The venue's current assessment; nullopt when it never had one.
Result<std::optional<Assessment>> current(store::Connection& c, int64_t venue_id);

// What an official sees of the venues of their area.
struct VenueSafety {
  int64_t venue_id = 0;
  std::string venue_name, venue_code, province_code, ward_code, street;
  std::optional<Assessment> assessment;  // none: never assessed
};
struct SafetyFilter {
  std::optional<RiskClass> risk_class;  // only venues whose current class is this
  bool overdue_only = false;            // only venues overdue or never assessed
  int64_t limit = 100;
};
struct AreaSafety {
  // Every venue of the area (open or closed, not suspended) counted once: by class when its
  // assessment is current, else as overdue or never assessed.
  int64_t low = 0, medium = 0, high = 0, very_high = 0, overdue = 0, not_assessed = 0;
  std::vector<VenueSafety> venues;  // those matching the filter, highest risk first
};
// kForbidden for an account that is no health official.
Result<AreaSafety> area_safety(store::Connection& c, const accounts::User& official,
                               const SafetyFilter& filter, int64_t now);

}  // namespace kb::assessment
