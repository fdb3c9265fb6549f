#include "http/venue_json.h"

#include <charconv>

#include "core/clock.h"
#include "http/app.h"

namespace kb::http {

namespace json = boost::json;

std::string venue_url(const App& app, const venues::Venue& venue) {
  std::string base = app.config().public_base_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base + "/v/" + venue.code;
}

json::object venue_json(const App& app, const venues::Venue& v) {
  json::object o{{"id", v.id},
                 {"code", v.code},
                 {"url", venue_url(app, v)},
                 {"name", v.name},
                 {"kind", venues::kind_name(v.kind)},
                 {"province_code", v.province_code},
                 {"ward_code", v.ward_code},
                 {"street", v.street},
                 {"address_line", venues::address_line(v, app.areas())},
                 {"status", venues::status_name(v.status)},
                 {"created_at", format_rfc3339(v.created_at)}};
  o["capacity"] = v.capacity ? json::value(*v.capacity) : json::value(nullptr);
  o["contact_phone"] =
      v.contact_phone.empty() ? json::value(nullptr) : json::value(v.contact_phone);
  return o;
}

json::object visit_json(const checkin::Visit& v) {
  json::object o{{"id", v.id},
                 {"venue_id", v.venue_id},
                 {"person_id", v.person_id},
                 {"t_in", format_rfc3339(v.t_in)},
                 {"assumed_out", format_rfc3339(v.assumed_out)},
                 {"source", checkin::source_name(v.source)},
                 {"trust", checkin::trust_name(v.trust)},
                 {"trust_level", checkin::trust_level(v.trust)}};
  o["t_out"] = v.t_out ? json::value(format_rfc3339(*v.t_out)) : json::value(nullptr);
  o["recorded_by"] = v.recorded_by ? json::value(*v.recorded_by) : json::value(nullptr);
  return o;
}

void write_visit(JsonWriter& out, const checkin::Visit& v) {
  out.begin_object();
  write_visit_members(out, v);
  out.end_object();
}

void write_visit_members(JsonWriter& out, const checkin::Visit& v) {
  out.member("id", v.id).member("venue_id", v.venue_id).member("person_id", v.person_id);
  out.key("t_in").time(v.t_in).key("assumed_out").time(v.assumed_out);
  out.member("source", checkin::source_name(v.source))
      .member("trust", checkin::trust_name(v.trust))
      .member("trust_level", checkin::trust_level(v.trust));
  out.key("t_out");
  v.t_out ? out.time(*v.t_out) : out.null();
  out.key("recorded_by");
  v.recorded_by ? out.value(*v.recorded_by) : out.null();
}

json::value safety_json(const std::optional<assessment::Assessment>& a, int64_t now,
                        bool with_answers) {
  if (!a) return nullptr;
  json::object o{{"risk_class", assessment::class_name(a->score.risk_class)},
                 {"score", a->score.points},
                 {"assessed_at", format_rfc3339(a->assessed_at)},
                 {"due_at", format_rfc3339(a->due_at)},
                 {"overdue", a->overdue(now)}};
  if (with_answers) {
    json::object answers;
    for (size_t i = 0; i < assessment::kChecklist.size(); ++i) {
      answers[assessment::kChecklist[i].key] = a->answers[i];
    }
    json::array unmet;
    for (auto key : a->score.unmet) unmet.push_back(json::string(key));
    o["answers"] = std::move(answers);
    o["unmet"] = std::move(unmet);
  }
  return o;
}

Result<int64_t> path_id(std::string_view text, std::string code, std::string message) {
  int64_t id = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || end != text.data() + text.size() || id <= 0) {
    return make_error(ErrorKind::kNotFound, std::move(code), std::move(message));
  }
  return id;
}

}  // namespace kb::http
