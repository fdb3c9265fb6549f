#include "audit/access_log.h"

#include <algorithm>

#include "core/clock.h"
#include "core/csv.h"
#include "people/person.h"

namespace kb::audit {
namespace {

constexpr store::Sql kAccessToPerson{
    "audit_access_to_person",
    "SELECT a.id, a.at, a.action, a.actor_role, a.actor_area, a.reason, a.detail FROM audit_people "
    "ap "
    "JOIN audit_log a ON a.id = ap.audit_id WHERE ap.person_id = $1 AND ap.audit_id < $2 "
    "AND a.actor_role IS NOT NULL AND a.actor_role <> 'citizen' ORDER BY ap.audit_id DESC LIMIT "
    "$3"};

// An outside agency's download under a data request: the entry's detail is the agency.
constexpr std::string_view kDataRequestExport = "data_request.export";

}  // namespace

Result<std::vector<AccessLine>> access_to_my_people(store::Connection& c, int64_t account_id,
                                                    std::optional<int64_t> before_id,
                                                    int64_t limit) {
  limit = std::clamp<int64_t>(limit, 1, kAccessPage);
  KB_ASSIGN(auto people, people::managed_by(c, account_id));
  std::vector<AccessLine> out;
  for (const auto& p : people) {
    KB_ASSIGN(auto rows, c.query(kAccessToPerson, {p.id, before_id.value_or(INT64_MAX), limit}));
    for (const auto& r : rows) {
      AccessLine line{r.i64(0), r.i64(1), p.id,     p.full_name,
                      r.str(2), r.str(3), r.str(4), r.str(5)};
      if (line.action == kDataRequestExport) line.agency = r.str(6);
      out.push_back(std::move(line));
    }
  }
  std::sort(out.begin(), out.end(), [](const AccessLine& a, const AccessLine& b) {
    return a.id != b.id ? a.id > b.id : a.person_id < b.person_id;
  });
  if (static_cast<int64_t>(out.size()) > limit) out.resize(static_cast<size_t>(limit));
  return out;
}

std::string access_csv(const std::vector<AccessLine>& lines) {
  std::string out{csv::kBom};
  csv::append_row(out, {"time", "person", "action", "role", "area", "reason", "agency"});
  for (const auto& l : lines) {
    csv::append_row(out, {format_rfc3339(l.at), l.person_name, l.action, l.actor_role, l.actor_area,
                          l.reason, l.agency});
  }
  return out;
}

}  // namespace kb::audit
