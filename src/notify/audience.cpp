#include "notify/audience.h"

#include <algorithm>
#include <boost/json.hpp>
#include <set>

namespace kb::notify {
namespace {

using store::Sql;

constexpr Sql kCountAll{"count_people_all", "SELECT COUNT(*) FROM people"};
constexpr Sql kCountProvince{"count_people_province",
                             "SELECT COUNT(*) FROM people WHERE province_code = $1"};
constexpr Sql kCountWard{"count_people_ward",
                         "SELECT COUNT(*) FROM people WHERE province_code = $1 AND ward_code = $2"};
constexpr Sql kCountAllQ{"count_people_all_q",
                         "SELECT COUNT(*) FROM people WHERE quarantine_until > $1"};
constexpr Sql kCountProvinceQ{
    "count_people_province_q",
    "SELECT COUNT(*) FROM people WHERE province_code = $1 AND quarantine_until > $2"};
constexpr Sql kCountWardQ{"count_people_ward_q",
                          "SELECT COUNT(*) FROM people WHERE province_code = $1 AND ward_code = $2 "
                          "AND quarantine_until > $3"};

constexpr Sql kCensus{
    "people_census",
    "SELECT province_code, ward_code, COUNT(*) FROM people GROUP BY province_code, ward_code"};

}  // namespace

std::string_view filter_name(Filter f) {
  switch (f) {
    case Filter::kEveryone:
      return "everyone";
    case Filter::kUnderQuarantine:
      return "under_quarantine";
  }
  return "everyone";
}

Result<Filter> parse_filter(std::string_view text, std::string_view field) {
  if (text == "everyone") return Filter::kEveryone;
  if (text == "under_quarantine") return Filter::kUnderQuarantine;
  return invalid(std::string(field), "invalid_filter",
                 "filter must be everyone or under_quarantine");
}

std::vector<std::string> Audience::area_codes() const {
  if (national) return {"*"};
  std::vector<std::string> out = provinces;
  out.insert(out.end(), wards.begin(), wards.end());
  return out;
}

std::string Audience::to_json() const {
  boost::json::object o{{"national", national}, {"filter", filter_name(filter)}};
  boost::json::array p, w;
  for (const auto& c : provinces) p.emplace_back(c);
  for (const auto& c : wards) w.emplace_back(c);
  o["provinces"] = std::move(p);
  o["wards"] = std::move(w);
  return boost::json::serialize(o);
}

Audience Audience::from_json(std::string_view text) {
  Audience a;
  boost::system::error_code ec;
  auto v = boost::json::parse(text, ec);
  if (ec || !v.is_object()) return a;
  const auto& o = v.as_object();
  if (auto* n = o.if_contains("national"); n && n->is_bool()) a.national = n->as_bool();
  if (auto* f = o.if_contains("filter"); f && f->is_string()) {
    auto parsed = parse_filter(f->as_string());
    if (parsed.ok()) a.filter = *parsed;
  }
  auto strings = [&](const char* key, std::vector<std::string>& out) {
    if (auto* arr = o.if_contains(key); arr && arr->is_array()) {
      for (const auto& s : arr->as_array()) {
        if (s.is_string()) out.emplace_back(s.as_string());
      }
    }
  };
  strings("provinces", a.provinces);
  strings("wards", a.wards);
  return a;
}

Result<Audience> check_audience(Audience a, const areas::AreaDirectory& areas,
                                const areas::Jurisdiction& j) {
  auto forbidden = [] {
    return make_error(ErrorKind::kForbidden, "outside_jurisdiction",
                      "the audience reaches outside your jurisdiction");
  };
  if (a.national) {
    if (!a.provinces.empty() || !a.wards.empty()) {
      return invalid("audience", "invalid_audience",
                     "a national audience lists no provinces or wards");
    }
    if (j.level != areas::Jurisdiction::Level::kNational) return forbidden();
    return a;
  }
  std::vector<std::string> provinces, wards;
  for (size_t i = 0; i < a.provinces.size(); ++i) {
    const auto& code = a.provinces[i];
    if (!areas.province(code)) {
      return invalid("audience.provinces[" + std::to_string(i) + "]", "unknown_area",
                     "no province " + code);
    }
    if (!j.covers(code, "") || j.level == areas::Jurisdiction::Level::kWard) return forbidden();
    if (std::find(provinces.begin(), provinces.end(), code) == provinces.end())
      provinces.push_back(code);
  }
  for (size_t i = 0; i < a.wards.size(); ++i) {
    const auto& code = a.wards[i];
    const auto* w = areas.ward(code);
    if (!w)
      return invalid("audience.wards[" + std::to_string(i) + "]", "unknown_area",
                     "no ward " + code);
    if (!j.covers(w->province_code, w->code)) return forbidden();
    if (std::find(provinces.begin(), provinces.end(), w->province_code) != provinces.end())
      continue;
    if (std::find(wards.begin(), wards.end(), code) == wards.end()) wards.push_back(code);
  }
  if (provinces.empty() && wards.empty()) {
    return invalid("audience", "empty_audience", "choose the whole country, provinces or wards");
  }
  if (provinces.size() + wards.size() > 500) {
    return invalid("audience", "too_many_areas", "at most 500 areas in one broadcast");
  }
  a.provinces = std::move(provinces);
  a.wards = std::move(wards);
  return a;
}

bool within(const Audience& a, const areas::Jurisdiction& j, const areas::AreaDirectory& areas) {
  if (j.level == areas::Jurisdiction::Level::kNational) return true;
  if (a.national) return false;
  for (const auto& p : a.provinces) {
    if (j.level != areas::Jurisdiction::Level::kProvince || !j.covers(p, "")) return false;
  }
  for (const auto& code : a.wards) {
    const auto* w = areas.ward(code);
    if (!w || !j.covers(w->province_code, w->code)) return false;
  }
  return true;
}

Result<int64_t> count_area(store::Connection& c, const areas::AreaDirectory& areas,
                           std::string_view code, Filter filter, int64_t now) {
  bool q = filter == Filter::kUnderQuarantine;
  Result<std::optional<store::Row>> row = std::optional<store::Row>{};
  if (code == "*") {
    row = q ? c.query_one(kCountAllQ, {now}) : c.query_one(kCountAll);
  } else if (areas.province(code)) {
    row = q ? c.query_one(kCountProvinceQ, {code, now}) : c.query_one(kCountProvince, {code});
  } else if (const auto* w = areas.ward(code)) {
    std::string_view province = w->province_code;
    row = q ? c.query_one(kCountWardQ, {province, code, now})
            : c.query_one(kCountWard, {province, code});
  } else {
    return invalid("audience", "unknown_area", "no area " + std::string(code));
  }
  if (!row.ok()) return std::move(row).error();
  return *row ? (*row)->i64(0) : 0;
}

Result<AudienceCounter::Count> AudienceCounter::count(store::Connection& c,
                                                      const areas::AreaDirectory& areas,
                                                      const Audience& audience, int64_t now) {
  Count out;
  auto started = std::chrono::steady_clock::now();
  for (const auto& code : audience.area_codes()) {
    std::string key = std::string(filter_name(audience.filter)) + ":" + code;
    std::optional<int64_t> cached;
    {
      std::lock_guard lock(mu_);
      auto it = cache_.find(key);
      if (it != cache_.end() && started - it->second.second <= max_age_ &&
          it->second.first >= kExactBelow) {
        cached = it->second.first;
      }
    }
    int64_t n = 0;
    if (cached) {
      n = *cached;
    } else {
      KB_ASSIGN(n, count_area(c, areas, code, audience.filter, now));
      std::lock_guard lock(mu_);
      cache_[key] = {n, std::chrono::steady_clock::now()};
    }
    out.by_area.emplace_back(code, n);
    out.total += n;
  }
  return out;
}

Status AudienceCounter::refresh_all(store::Connection& c, const areas::AreaDirectory& areas) {
  KB_ASSIGN(auto rows, c.query(kCensus));
  std::map<std::string, int64_t> counts;
  int64_t total = 0;
  for (const auto& p : areas.provinces()) {
    counts[p.code] = 0;
    for (const auto* w : areas.wards_of(p.code)) counts[w->code] = 0;
  }
  for (const auto& r : rows) {
    std::string province = r.str(0), ward = r.str(1);
    int64_t n = r.i64(2);
    total += n;
    if (!province.empty()) counts[province] += n;
    // A ward is counted inside its own province only, as count_area does.
    if (const auto* w = areas.ward(ward); w && w->province_code == province) counts[ward] += n;
  }
  counts["*"] = total;
  auto at = std::chrono::steady_clock::now();
  std::string prefix = std::string(filter_name(Filter::kEveryone)) + ":";
  std::lock_guard lock(mu_);
  for (const auto& [code, n] : counts) cache_[prefix + code] = {n, at};
  return {};
}

CensusThread::CensusThread(store::Database& db, AudienceCounter& counter,
                           const areas::AreaDirectory& areas, std::chrono::seconds interval)
    : db_(db), counter_(counter), areas_(areas), interval_(interval) {}

CensusThread::~CensusThread() { stop(); }

void CensusThread::start() {
  task_.start(interval_, [this] {
    auto st = db_.read([&](store::Connection& c) { return counter_.refresh_all(c, areas_); });
    (void)st;  // a failed census only means accepts count for themselves until the next one
  });
}

void CensusThread::stop() { task_.stop(); }

}  // namespace kb::notify
