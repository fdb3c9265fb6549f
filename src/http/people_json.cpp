#include "http/people_json.h"

#include "core/clock.h"
#include "health/health_status.h"
#include "http/handler_util.h"
#include "people/household.h"
#include "qr/qr_image.h"

namespace kb::http {
namespace {

namespace json = boost::json;

json::array strings(const std::vector<std::string>& v) {
  json::array a;
  for (const auto& s : v) a.emplace_back(s);
  return a;
}

}  // namespace

Result<json::object> person_json(store::Connection& c, const people::Person& p) {
  json::object o{{"id", p.id},
                 {"is_self", p.is_self},
                 {"full_name", p.full_name},
                 {"id_kind", p.id_kind},
                 {"id_number", p.id_number},
                 {"birth_date", p.birth_date},
                 {"sex", p.sex},
                 {"phone", p.phone},
                 {"province_code", p.province_code},
                 {"ward_code", p.ward_code},
                 {"street", p.street},
                 {"complete", people::is_complete(p)}};
  KB_ASSIGN(health::StoredStatus s, health::stored_status(c, p.id));
  KB_ASSIGN(auto last, declarations::latest(c, p.id));
  o["status"] = json::object{{"colour", s.colour}, {"reason", s.reason}};
  o["last_declared_at"] = json_time(last ? std::optional(last->created_at) : std::nullopt);
  o["last_declaration_id"] = last ? json::value(last->id) : json::value(nullptr);
  return o;
}

Result<json::array> people_json(store::Connection& c, std::span<const people::Person> people) {
  json::array a;
  for (const auto& p : people) {
    KB_ASSIGN(json::object o, person_json(c, p));
    a.push_back(std::move(o));
  }
  return a;
}

json::object declaration_json(const declarations::Declaration& d) {
  return {
      {"id", d.id},
      {"person_id", d.person_id},
      {"kind", d.kind},
      {"travel_provinces", strings(d.travel_provinces)},
      {"travel_countries", strings(d.travel_countries)},
      {"symptoms", strings(d.symptoms)},
      {"exposures", strings(d.exposures)},
      {"vaccine_doses", d.vaccine_doses},
      {"created_at", format_rfc3339(d.created_at)},
      {"superseded_at", json_time(d.superseded_at)},
      {"entry", d.entry ? json::value(declarations::entry_json(*d.entry)) : json::value(nullptr)}};
}

json::object personal_qr_json(const qr::IssuedQr& q, const people::Person& p) {
  auto svg = qr::qr_svg(q.payload);
  return {{"token_id", q.token_id},
          {"person_id", q.person_id},
          {"payload", q.payload},
          {"colour", q.colour},
          {"issued_at", format_rfc3339(q.issued_at)},
          {"expires_at", format_rfc3339(q.expires_at)},
          {"key_id", q.key_id},
          {"full_name", p.full_name},
          {"masked_name", people::mask_name(p.full_name)},
          {"svg", svg.ok() ? json::value(*svg) : json::value(nullptr)}};
}

}  // namespace kb::http
