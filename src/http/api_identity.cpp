// One person, many identifiers: the officials' duplicates queue (read with a reason, audited),
// merging and unmerging, officials entering someone by hand, and citizens adding identifiers
// to the people they manage. Who may do what, and what a merge does, are identity/'s.
#include <fmt/format.h>

#include "access/policy.h"
#include "audit/audit_log.h"
#include "core/phone.h"
#include "http/app.h"
#include "http/handler_util.h"
#include "identity/candidates.h"
#include "identity/entries.h"
#include "identity/merge.h"
#include "people/household.h"
#include "people/person.h"

namespace kb::http {
namespace {

using boost::asio::awaitable;
namespace json = boost::json;

// ---- answers ----

json::object summary_json(const identity::PersonSummary& p) {
  return json::object{{"id", p.id},
                      {"full_name", p.full_name},
                      {"birth_date", json_text(p.birth_date)},
                      {"sex", json_text(p.sex)},
                      {"phone", json_text(p.phone)},
                      {"id_number", json_text(p.id_number)},
                      {"province_code", json_text(p.province_code)},
                      {"ward_code", json_text(p.ward_code)}};
}

json::value evidence_value(const std::string& text) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  return ec ? json::value(nullptr) : v;
}

json::object candidate_json(const identity::Candidate& k) {
  return json::object{{"id", k.id},
                      {"person_id", k.person_id},
                      {"match_id", k.match_id},
                      {"rule", k.rule},
                      {"evidence", evidence_value(k.evidence)},
                      {"door", k.door},
                      {"status", identity::pair_status_name(k.status)},
                      {"created_at", format_rfc3339(k.created_at)},
                      {"decided_at", json_time(k.decided_at)},
                      {"decision_reason", json_text(k.decision_reason)},
                      {"merge_id", k.merge_id ? json::value(*k.merge_id) : json::value(nullptr)}};
}

json::object identifier_json(const identity::KnownIdentifier& k) {
  return json::object{{"kind", identity::kind_name(k.identifier.kind)},
                      {"number", k.identifier.value},
                      {"country", json_text(k.identifier.country)},
                      {"source", k.source},
                      {"place", json_text(k.place)},
                      {"first_seen_at", format_rfc3339(k.first_seen_at)},
                      {"last_seen_at", format_rfc3339(k.last_seen_at)}};
}

json::object side_json(const identity::Side& s) {
  const people::Person& p = s.person;
  json::array ids;
  for (const auto& k : s.identifiers) ids.push_back(identifier_json(k));
  return json::object{
      {"id", p.id},
      {"full_name", p.full_name},
      {"birth_date", json_text(p.birth_date)},
      {"sex", json_text(p.sex)},
      {"phone", json_text(p.phone)},
      {"id_number", json_text(p.id_number)},
      {"province_code", json_text(p.province_code)},
      {"ward_code", json_text(p.ward_code)},
      {"street", json_text(p.street)},
      {"merged_into", p.merged_into ? json::value(*p.merged_into) : json::value(nullptr)},
      {"created_at", format_rfc3339(p.created_at)},
      {"identifiers", std::move(ids)},
      {"status", json::object{{"colour", s.colour}, {"reason", s.reason}}},
      {"account_holder", s.account_holder},
      {"managed", s.managed},
      {"counts",
       json::object{{"visits", s.visits}, {"declarations", s.declarations}, {"cases", s.cases}}}};
}

json::object comparison_json(const identity::Comparison& c) {
  return evidence_value(identity::evidence_json(c)).as_object();
}

json::object merge_json(const identity::Merge& m) {
  return json::object{
      {"id", m.id},
      {"survivor_id", m.survivor_id},
      {"merged_id", m.merged_id},
      {"candidate_id", m.candidate_id ? json::value(*m.candidate_id) : json::value(nullptr)},
      {"reason", m.reason},
      {"merged_by", m.merged_by},
      {"merged_at", format_rfc3339(m.merged_at)},
      {"changes", m.changes},
      {"unmerged_at", json_time(m.unmerged_at)},
      {"unmerge_reason", json_text(m.unmerge_reason)}};
}

json::object merged_json(const identity::Merged& m) {
  json::object o = merge_json(m.merge);
  json::array cases;
  for (int64_t id : m.cases_to_trace) cases.push_back(id);
  o["cases_to_trace"] = std::move(cases);
  return o;
}

// ---- requests ----

Result<identity::QueueFilter> parse_queue_filter(const Request& req) {
  identity::QueueFilter f;
  if (auto s = req.query_param("status"); s && !s->empty()) {
    KB_ASSIGN(f.status, identity::parse_pair_status(*s));
  }
  KB_ASSIGN(f.limit, int_param(req, "limit", 1, 200, 50));
  KB_ASSIGN(int64_t before, int_param(req, "before", 1, INT64_MAX, 0));
  if (before > 0) f.before_id = before;
  return f;
}

// A body of one field, `reason` (3 to 500 bytes), as merges, unmerges and dismissals carry.
Result<std::string> parse_reason(const Request& req) {
  KB_ASSIGN(JsonBody body, json_body(req));
  KB_ASSIGN(std::string reason, body.required_string("reason", 500));
  KB_TRY(body.no_unknown_fields());
  if (reason.size() < 3) return invalid("reason", "reason_required", "say why, in a few words");
  return reason;
}

struct PeopleToMerge {
  int64_t a = 0, b = 0;
  std::string reason;
};
Result<PeopleToMerge> parse_people_to_merge(const Request& req) {
  KB_ASSIGN(JsonBody body, json_body(req));
  const json::value* ids = body.raw("person_ids");
  KB_ASSIGN(std::string reason, body.required_string("reason", 500));
  KB_TRY(body.no_unknown_fields());
  Error bad = invalid("person_ids", "wrong_type", "person_ids is a list of two person ids");
  if (!ids || !ids->is_array() || ids->as_array().size() != 2) return bad;
  int64_t v[2];
  for (size_t i = 0; i < 2; ++i) {
    const json::value& e = ids->as_array()[i];
    if (!e.is_int64() || e.as_int64() <= 0) return bad;
    v[i] = e.as_int64();
  }
  if (reason.size() < 3) return invalid("reason", "reason_required", "say why, in a few words");
  return PeopleToMerge{v[0], v[1], std::move(reason)};
}

// {kind, number, country?}; errors name the fields under `prefix` ("identifiers[0].number").
Result<identity::Identifier> parse_identifier_fields(JsonBody& id, const std::string& prefix) {
  KB_ASSIGN(std::string kind_text, id.required_string("kind", 20));
  KB_ASSIGN(std::string number, id.required_string("number", 40));
  KB_ASSIGN(auto country, id.optional_string("country", 10));
  KB_TRY(id.no_unknown_fields());
  KB_ASSIGN(identity::IdKind kind, identity::parse_kind(kind_text, prefix + "kind"));
  return identity::parse_identifier(kind, number, country.value_or(""), prefix + "number");
}

Result<identity::Identifier> parse_identifier_json(const json::value& v, std::string_view field) {
  std::string prefix(field);
  if (!v.is_object())
    return invalid(prefix, "wrong_type", "an identifier is an object {kind, number, country?}");
  KB_ASSIGN(JsonBody id, JsonBody::parse(json::serialize(v)));
  return parse_identifier_fields(id, prefix + ".");
}

// An official's entry: {full_name, birth_date?, sex?, phone?, province_code?, ward_code?,
// street?, identifiers?: [{kind, number, country?}]}.
Result<identity::Arrival> parse_entry(App& app, const Request& req) {
  KB_ASSIGN(JsonBody body, json_body(req));
  identity::Arrival a;
  identity::Details& d = a.details;
  KB_ASSIGN(std::string name, body.required_string("full_name", 400));
  KB_ASSIGN(d.full_name, people::normalize_name(name));
  KB_ASSIGN(auto birth, body.optional_string("birth_date", 20));
  KB_ASSIGN(auto sex, body.optional_string("sex", 10));
  KB_ASSIGN(auto phone, body.optional_string("phone", 40));
  KB_ASSIGN(auto province, body.optional_string("province_code", 10));
  KB_ASSIGN(auto ward, body.optional_string("ward_code", 10));
  KB_ASSIGN(auto street, body.optional_string("street", 200));
  const json::value* ids = body.raw("identifiers");
  KB_TRY(body.no_unknown_fields());
  if (birth && !birth->empty()) {
    auto days = people::days_of_date(*birth);
    if (!days)
      return invalid("birth_date", "invalid_date", "the birth date is a date as YYYY-MM-DD");
    if (*days > app.now() / 86400 + 1)
      return invalid("birth_date", "in_future", "the birth date is in the future");
    d.birth_date = *birth;
  }
  if (sex && !sex->empty()) {
    if (*sex != "male" && *sex != "female")
      return invalid("sex", "invalid_sex", "sex is male or female");
    d.sex = *sex;
  }
  if (phone && !phone->empty()) {
    KB_ASSIGN(std::string e164, normalize_mobile(*phone));
    d.phones.push_back(std::move(e164));
  }
  if (ward && !ward->empty()) {
    const areas::Ward* w = app.areas().ward(*ward);
    if (!w) return invalid("ward_code", "unknown_ward", "no such ward");
    if (province && !province->empty() && *province != w->province_code) {
      return invalid("ward_code", "ward_not_in_province", "the ward is not in the chosen province");
    }
    d.ward_code = w->code;
    d.province_code = w->province_code;
    a.street = street.value_or("");
  } else if (province && !province->empty()) {
    return invalid("ward_code", "required", "give the ward with the province");
  }
  if (ids) {
    if (!ids->is_array() || ids->as_array().size() > 10) {
      return invalid("identifiers", "wrong_type",
                     "identifiers is a list of at most 10 {kind, number, country?}");
    }
    for (size_t i = 0; i < ids->as_array().size(); ++i) {
      KB_ASSIGN(auto id,
                parse_identifier_json(ids->as_array()[i], fmt::format("identifiers[{}]", i)));
      if (id.kind == identity::IdKind::kPhone) {
        d.phones.push_back(std::move(id.value));
      } else {
        d.identifiers.push_back(std::move(id));
      }
    }
  }
  return a;
}

// `people`: whose personal data the read showed (their "who looked at my data").
awaitable<Status> audit_read(App& app, const accounts::User& official, std::string action,
                             std::string subject, std::string reason, std::string detail,
                             std::vector<int64_t> people = {}) {
  auto job = [actor = official.id, action = std::move(action), subject = std::move(subject),
              reason = std::move(reason), detail = std::move(detail), people = std::move(people),
              now = app.now()](store::Connection& c) {
    return audit::record(c, {now, actor, action, subject, reason, detail, people});
  };
  co_return co_await app.write(job);
}

std::string jurisdiction_subject(const accounts::User& official) {
  const auto& j = *official.jurisdiction;
  return j.code.empty() ? std::string("jurisdiction:national") : "jurisdiction:" + j.code;
}

// ---- handlers ----

awaitable<Result<Response>> list_candidates(App& app, Request& req) {
  KB_CO_ASSIGN(auto official, signed_in(app, req, access::official));
  KB_CO_ASSIGN(std::string reason, reason_param(req));
  KB_CO_ASSIGN(identity::QueueFilter f, parse_queue_filter(req));
  KB_CO_ASSIGN(auto lines, app.db().read([&](store::Connection& c) {
    return identity::queue_for(c, official, f);
  }));
  KB_CO_TRY(co_await audit_read(
      app, official, "identity.queue.read", jurisdiction_subject(official), reason,
      fmt::format("{} pairs, {}", lines.size(), identity::pair_status_name(f.status))));
  json::array out;
  for (const auto& l : lines) {
    json::object o = candidate_json(l.pair);
    o["person"] = summary_json(l.person);
    o["match"] = summary_json(l.match);
    out.push_back(std::move(o));
  }
  bool more = lines.size() == static_cast<size_t>(f.limit);
  co_return Response::json(
      200, json::object{
               {"candidates", std::move(out)},
               {"next_before", more ? json::value(lines.back().pair.id) : json::value(nullptr)}});
}

awaitable<Result<Response>> get_candidate(App& app, Request& req) {
  KB_CO_ASSIGN(auto official, signed_in(app, req, access::official));
  KB_CO_ASSIGN(int64_t id, path_id(req, "id", "candidate_not_found"));
  KB_CO_ASSIGN(std::string reason, reason_param(req));
  KB_CO_ASSIGN(auto file, app.db().read([&](store::Connection& c) {
    return identity::pair_file(c, official, id);
  }));
  std::vector<int64_t> both{file.pair.person_id, file.pair.match_id};
  KB_CO_TRY(co_await audit_read(
      app, official, "identity.candidate.read", fmt::format("candidate:{}", id), reason,
      fmt::format("person:{} person:{}", file.pair.person_id, file.pair.match_id),
      std::move(both)));
  json::object o = candidate_json(file.pair);
  o["person"] = side_json(file.person);
  o["match"] = side_json(file.match);
  o["now"] = comparison_json(file.now);
  co_return Response::json(200, o);
}

awaitable<Result<Response>> merge_candidate(App& app, Request& req) {
  KB_CO_ASSIGN(auto official, signed_in(app, req, access::official));
  KB_CO_ASSIGN(int64_t id, path_id(req, "id", "candidate_not_found"));
  KB_CO_ASSIGN(std::string reason, parse_reason(req));
  auto job = [official, id, reason, now = app.now()](store::Connection& c) {
    return identity::merge_candidate(c, official, id, reason, now);
  };
  KB_CO_ASSIGN(auto merged, co_await app.write(job));
  co_return Response::json(201, merged_json(merged));
}

awaitable<Result<Response>> dismiss_candidate(App& app, Request& req) {
  KB_CO_ASSIGN(auto official, signed_in(app, req, access::official));
  KB_CO_ASSIGN(int64_t id, path_id(req, "id", "candidate_not_found"));
  KB_CO_ASSIGN(std::string reason, parse_reason(req));
  auto job = [official, id, reason, now = app.now()](store::Connection& c) {
    return identity::dismiss(c, official, id, reason, now);
  };
  KB_CO_ASSIGN(auto pair, co_await app.write(job));
  co_return Response::json(200, candidate_json(pair));
}

awaitable<Result<Response>> merge_people(App& app, Request& req) {
  KB_CO_ASSIGN(auto official, signed_in(app, req, access::official));
  KB_CO_ASSIGN(PeopleToMerge m, parse_people_to_merge(req));
  auto job = [official, m, now = app.now()](store::Connection& c) {
    return identity::merge_people(c, official, m.a, m.b, m.reason, now);
  };
  KB_CO_ASSIGN(auto merged, co_await app.write(job));
  co_return Response::json(201, merged_json(merged));
}

awaitable<Result<Response>> unmerge(App& app, Request& req) {
  KB_CO_ASSIGN(auto official, signed_in(app, req, access::official));
  KB_CO_ASSIGN(int64_t id, path_id(req, "id", "merge_not_found"));
  KB_CO_ASSIGN(std::string reason, parse_reason(req));
  auto job = [official, id, reason, now = app.now()](store::Connection& c) {
    return identity::unmerge(c, official, id, reason, now);
  };
  KB_CO_ASSIGN(auto done, co_await app.write(job));
  json::object o = merge_json(done.merge);
  o["restored"] = done.restored;
  o["kept"] = done.kept;
  co_return Response::json(200, o);
}

awaitable<Result<Response>> enter_person(App& app, Request& req) {
  KB_CO_ASSIGN(auto official, signed_in(app, req, access::official));
  KB_CO_ASSIGN(identity::Arrival arrival, parse_entry(app, req));
  auto job = [&app, official, arrival, now = app.now()](store::Connection& c) {
    return identity::enter_person(c, app.areas(), official, arrival, now);
  };
  KB_CO_ASSIGN(auto r, co_await app.write(job));
  json::array pairs;
  for (int64_t id : r.candidates) pairs.push_back(id);
  json::object o{{"person_id", r.person.id},
                 {"how", identity::how_name(r.how)},
                 {"rule", json_text(std::string(r.rule))},
                 {"candidates", std::move(pairs)}};
  auto [province, ward] = identity::area_of(r.person);
  if (access::in_charge_of(official, province, ward)) o["full_name"] = r.person.full_name;
  co_return Response::json(r.how == identity::How::kNew ? 201 : 200, o);
}

Result<accounts::User> citizen(App& app, const Request& req) {
  return signed_in(app, req, access::citizen);
}

awaitable<Result<Response>> list_identifiers(App& app, Request& req) {
  KB_CO_ASSIGN(auto user, citizen(app, req));
  KB_CO_ASSIGN(int64_t id, path_id(req, "id", "person_not_found"));
  KB_CO_ASSIGN(
      auto ids,
      app.db().read([&](store::Connection& c) -> Result<std::vector<identity::KnownIdentifier>> {
        KB_ASSIGN(bool mine, access::manages(c, user.id, id));
        if (!mine)
          return make_error(ErrorKind::kNotFound, "person_not_found",
                            "no such person in your account");
        return identity::identifiers_of(c, id);
      }));
  json::array out;
  for (const auto& k : ids) out.push_back(identifier_json(k));
  co_return Response::json(200, json::object{{"identifiers", std::move(out)}});
}

awaitable<Result<Response>> add_identifier(App& app, Request& req) {
  KB_CO_ASSIGN(auto user, citizen(app, req));
  KB_CO_ASSIGN(int64_t id, path_id(req, "id", "person_not_found"));
  KB_CO_ASSIGN(JsonBody body, json_body(req));
  KB_CO_ASSIGN(auto identifier, parse_identifier_fields(body, ""));
  auto job = [uid = user.id, id, identifier, now = app.now()](store::Connection& c) {
    return identity::add_identifier(c, uid, id, identifier, now);
  };
  KB_CO_ASSIGN(auto claim, co_await app.write(job));
  if (claim.candidate_id) {
    co_return Response::json(
        202, json::object{{"status", "pending_review"}, {"candidate_id", *claim.candidate_id}});
  }
  co_return Response::json(201, identifier_json(*claim.identifier));
}

}  // namespace

void register_identity_routes(App& app) {
  auto& r = app.router();
  r.add(
      Method::kGet, "/api/v1/identity/candidates",
      [&app](Request& req) { return list_candidates(app, req); },
      "officials' duplicates queue: candidate pairs in the jurisdiction (audited, needs ?reason=)");
  r.add(
      Method::kGet, "/api/v1/identity/candidates/{id}",
      [&app](Request& req) { return get_candidate(app, req); },
      "one candidate pair with the evidence side by side (audited, needs ?reason=)");
  r.add(
      Method::kPost, "/api/v1/identity/candidates/{id}/merge",
      [&app](Request& req) { return merge_candidate(app, req); },
      "merge a candidate pair into one person");
  r.add(
      Method::kPost, "/api/v1/identity/candidates/{id}/dismiss",
      [&app](Request& req) { return dismiss_candidate(app, req); },
      "not one person: dismiss a candidate pair");
  r.add(
      Method::kPost, "/api/v1/identity/merges",
      [&app](Request& req) { return merge_people(app, req); },
      "merge two records an official found to be one person");
  r.add(
      Method::kPost, "/api/v1/identity/merges/{id}/unmerge",
      [&app](Request& req) { return unmerge(app, req); },
      "undo a merge, restoring every record it moved");
  r.add(
      Method::kPost, "/api/v1/identity/people",
      [&app](Request& req) { return enter_person(app, req); },
      "officials: find or record a person from identifiers and details");
  r.add(
      Method::kGet, "/api/v1/me/people/{id}/identifiers",
      [&app](Request& req) { return list_identifiers(app, req); },
      "a managed person's identifiers");
  r.add(
      Method::kPost, "/api/v1/me/people/{id}/identifiers",
      [&app](Request& req) { return add_identifier(app, req); },
      "add an identifier (BHYT number, old CMND, passport, phone) to a managed person");
}

}  // namespace kb::http
