// Vaccination campaigns (vaccination/campaigns.h): officials' campaigns, sites, slots, lists and
// invitations; the citizen's invitation (by its token: screening, confirm, another slot,
// decline); the site's scanner, doses and reactions; a person's certificates.
#include "access/policy.h"
#include "certificates/dcc_qr.h"
#include "core/clock.h"
#include "http/app.h"
#include "http/handler_util.h"
#include "qr/qr_image.h"
#include "vaccination/campaigns.h"

namespace kb::http {
namespace {

using boost::asio::awaitable;
namespace json = boost::json;
namespace vax = vaccination;

// ---- answers ----

json::object slot_json(const slots::Slot& s) {
  return json::object{{"id", s.id},
                      {"venue_id", s.venue_id},
                      {"day", s.day},
                      {"starts_at", format_rfc3339(s.starts_at)},
                      {"ends_at", format_rfc3339(s.ends_at)},
                      {"capacity", s.capacity},
                      {"booked", s.booked},
                      {"free", s.free()}};
}

json::object site_json(const vax::Site& s) {
  return json::object{{"venue_id", s.venue_id},   {"name", s.name},
                      {"kind", s.kind},           {"province_code", s.province_code},
                      {"ward_code", s.ward_code}, {"street", s.street}};
}

json::object campaign_json(const vax::Campaign& c) {
  json::array sites;
  for (const auto& s : c.sites) sites.push_back(site_json(s));
  return json::object{{"id", c.id},
                      {"name", c.name},
                      {"province_code", c.province_code},
                      {"ward_code", c.ward_code},
                      {"products", json::value_from(c.products)},
                      {"priority_groups", json::value_from(c.priority_groups)},
                      {"total_doses", c.total_doses},
                      {"created_at", format_rfc3339(c.created_at)},
                      {"sites", std::move(sites)}};
}

json::object view_json(const vax::CampaignView& v) {
  json::object o = campaign_json(v.campaign);
  json::array slots, fill;
  for (const auto& s : v.slots) slots.push_back(slot_json(s));
  for (const auto& f : slots::fill_by_site_day(v.slots)) {
    fill.push_back(
        json::object{{"venue_id", f.venue_id},
                     {"day", f.day},
                     {"capacity", f.capacity},
                     {"booked", f.booked},
                     {"rate", f.capacity ? double(f.booked) / double(f.capacity) : 0.0}});
  }
  const auto& g = v.figures;
  o["slots"] = std::move(slots);
  o["fill"] = std::move(fill);
  o["figures"] = json::object{{"listed", g.listed},         {"invited", g.invited},
                              {"confirmed", g.confirmed},   {"declined", g.declined},
                              {"vaccinated", g.vaccinated}, {"unassigned", g.unassigned},
                              {"flagged", g.flagged}};
  return o;
}

// A dose with its certificate; `with_qr` adds the certificate's QR as SVG (certificates/dcc_qr.h).
json::object dose_json(const vax::Dose& d, bool with_qr = false) {
  auto svg = with_qr ? certificates::dcc_qr_svg(d.certificate) : Result<std::string>(std::string());
  return json::object{
      {"qr_svg", svg.ok() && !svg->empty() ? json::value(*svg) : json::value(nullptr)},
      {"id", d.id},
      {"person_id", d.person_id},
      {"campaign_id", d.campaign_id},
      {"campaign_name", d.campaign_name},
      {"venue_id", d.venue_id},
      {"venue_name", d.venue_name},
      {"slot_id", d.slot_id ? json::value(*d.slot_id) : json::value(nullptr)},
      {"product", d.product},
      {"lot", d.lot},
      {"dose_number", d.dose_number},
      {"total_doses", d.total_doses},
      {"vaccinated_at", format_rfc3339(d.vaccinated_at)},
      {"observe_until", format_rfc3339(d.vaccinated_at + vax::kObservationSeconds)},
      {"vaccinator", d.vaccinator},
      {"certificate", d.certificate},
      {"certificate_id", d.certificate_id},
      {"kid", d.kid},
      {"issued_at", format_rfc3339(d.issued_at)},
      {"expires_at", format_rfc3339(d.expires_at)}};
}

json::object invitation_json(const vax::Invitation& inv) {
  json::array doses;
  for (const auto& d : inv.doses) doses.push_back(dose_json(d));
  std::string qr = std::string(vax::kInvitationQrPrefix) + inv.token;
  auto svg = qr::qr_svg(qr);
  return json::object{
      {"token", inv.token},
      {"qr", qr},
      {"qr_svg", svg.ok() ? json::value(*svg) : json::value(nullptr)},
      {"status", inv.status},
      {"person_id", inv.person_id},
      {"full_name", inv.full_name},
      {"campaign", campaign_json(inv.campaign)},
      {"slot", inv.slot ? json::value(slot_json(*inv.slot)) : json::value(nullptr)},
      {"site", inv.site ? json::value(site_json(*inv.site)) : json::value(nullptr)},
      {"screening", inv.screening ? json::value(vax::answers_json(*inv.screening)) : nullptr},
      {"flags", vax::flags_json(inv.flags)},
      {"doses", std::move(doses)}};
}

// ---- requests ----

Result<std::vector<std::string>> strings_of(const json::value* v, std::string_view field) {
  std::vector<std::string> out;
  if (!v) return out;
  if (!v->is_array() || v->as_array().size() > 100) {
    return invalid(std::string(field), "wrong_type", "a list of texts");
  }
  for (const auto& item : v->as_array()) {
    if (!item.is_string() || item.as_string().size() > 100) {
      return invalid(std::string(field), "wrong_type", "a list of texts");
    }
    out.emplace_back(item.as_string());
  }
  return out;
}

Result<std::vector<int64_t>> ids_of(const json::value* v, std::string_view field) {
  std::vector<int64_t> out;
  if (!v) return out;
  if (!v->is_array() || v->as_array().size() > 5000) {
    return invalid(std::string(field), "wrong_type", "a list of ids");
  }
  for (const auto& item : v->as_array()) {
    if (!item.is_int64() || item.as_int64() < 1) {
      return invalid(std::string(field), "wrong_type", "a list of ids");
    }
    out.push_back(item.as_int64());
  }
  return out;
}

Result<std::vector<slots::NewSlot>> slots_in(const json::value* v) {
  std::vector<slots::NewSlot> out;
  if (!v) return out;
  if (!v->is_array() || v->as_array().size() > 1000) {
    return invalid("slots", "wrong_type", "a list of at most 1000 slots");
  }
  for (const auto& item : v->as_array()) {
    const auto* o = item.if_object();
    auto text = [&](const char* k) -> std::string {
      const json::value* x = o ? o->if_contains(k) : nullptr;
      return x && x->is_string() && x->as_string().size() <= 20 ? std::string(x->as_string()) : "";
    };
    const json::value* venue = o ? o->if_contains("venue_id") : nullptr;
    const json::value* cap = o ? o->if_contains("capacity") : nullptr;
    if (!venue || !venue->is_int64() || !cap || !cap->is_int64()) {
      return invalid("slots", "wrong_type", "each slot is {venue_id, day, start, end, capacity}");
    }
    out.push_back(slots::NewSlot{venue->as_int64(), text("day"), text("start"), text("end"),
                                 cap->as_int64()});
  }
  return out;
}

Result<vax::NewCampaign> parse_campaign(const Request& req) {
  KB_ASSIGN(JsonBody body, json_body(req));
  vax::NewCampaign n;
  KB_ASSIGN(n.name, body.required_string("name", 200));
  KB_ASSIGN(auto province, body.optional_string("province_code", 10));
  KB_ASSIGN(auto ward, body.optional_string("ward_code", 10));
  n.province_code = province.value_or("");
  n.ward_code = ward.value_or("");
  KB_ASSIGN(n.products, strings_of(body.raw("products"), "products"));
  KB_ASSIGN(n.priority_groups, strings_of(body.raw("priority_groups"), "priority_groups"));
  KB_ASSIGN(auto total, body.optional_int("total_doses", 1, 9));
  n.total_doses = total.value_or(2);
  KB_ASSIGN(n.venue_ids, ids_of(body.raw("venue_ids"), "venue_ids"));
  KB_ASSIGN(n.slots, slots_in(body.raw("slots")));
  KB_TRY(body.no_unknown_fields());
  return n;
}

Result<vax::NewDose> parse_dose(const Request& req) {
  KB_ASSIGN(JsonBody body, json_body(req));
  vax::NewDose n;
  KB_ASSIGN(n.campaign_id, body.required_int("campaign_id", 1, INT64_MAX));
  KB_ASSIGN(n.person_id, body.required_int("person_id", 1, INT64_MAX));
  KB_ASSIGN(n.venue_id, body.required_int("venue_id", 1, INT64_MAX));
  KB_ASSIGN(n.slot_id, body.optional_int("slot_id", 1, INT64_MAX));
  KB_ASSIGN(n.product, body.required_string("product", 40));
  KB_ASSIGN(n.lot, body.required_string("lot", 50));
  KB_ASSIGN(n.vaccinator, body.required_string("vaccinator", 200));
  KB_ASSIGN(n.dose_number, body.required_int("dose_number", 1, 9));
  KB_ASSIGN(auto at, body.optional_string("vaccinated_at", 40));
  if (at) {
    n.vaccinated_at = parse_rfc3339(*at);
    if (!n.vaccinated_at) return invalid("vaccinated_at", "invalid_time", "an RFC 3339 time");
  }
  KB_TRY(body.no_unknown_fields());
  return n;
}

Result<vax::Reply> parse_reply(const Request& req) {
  KB_ASSIGN(JsonBody body, json_body(req));
  KB_ASSIGN(auto answer, body.required_string("answer", 20));
  KB_TRY(body.no_unknown_fields());
  if (answer == "confirm") return vax::Reply::kConfirm;
  if (answer == "another_slot") return vax::Reply::kAnotherSlot;
  if (answer == "decline") return vax::Reply::kDecline;
  return invalid("answer", "invalid_answer", "answer is confirm, another_slot or decline");
}

Result<vax::Answers> parse_screening(const Request& req) {
  KB_ASSIGN(JsonBody body, json_body(req));
  const json::value* answers = body.raw("answers");
  if (!answers) return invalid("answers", "missing_field", "answer the screening questions");
  KB_ASSIGN(auto a, vax::parse_answers(*answers));
  KB_TRY(body.no_unknown_fields());
  return a;
}

std::string token_of(const Request& req) { return std::string(req.param("token")); }

// ---- officials ----

awaitable<Result<Response>> create_campaign(App& app, Request& req) {
  KB_CO_ASSIGN(auto official, signed_in(app, req, access::official));
  KB_CO_ASSIGN(vax::NewCampaign n, parse_campaign(req));
  auto job = [&app, official, n, now = app.now()](store::Connection& c) {
    return vax::create_campaign(c, app.areas(), official, n, now);
  };
  KB_CO_ASSIGN(auto view, co_await app.write(job));
  co_return Response::json(201, view_json(view));
}

awaitable<Result<Response>> list_campaigns(App& app, Request& req) {
  KB_CO_ASSIGN(auto official, signed_in(app, req, access::official));
  KB_CO_ASSIGN(int64_t limit, int_param(req, "limit", 1, 200, 50));
  KB_CO_ASSIGN(auto list, app.db().read([&](store::Connection& c) {
    return vax::list_campaigns(c, official, limit);
  }));
  json::array a;
  for (const auto& v : list) a.push_back(view_json(v));
  co_return Response::json(200, json::object{{"campaigns", std::move(a)}});
}

awaitable<Result<Response>> get_campaign(App& app, Request& req) {
  KB_CO_ASSIGN(auto official, signed_in(app, req, access::official));
  KB_CO_ASSIGN(int64_t id, path_id(req, "id", "campaign_not_found"));
  KB_CO_ASSIGN(auto view, app.db().read([&](store::Connection& c) {
    return vax::campaign_for(c, official, id);
  }));
  co_return Response::json(200, view_json(view));
}

awaitable<Result<Response>> add_site(App& app, Request& req) {
  KB_CO_ASSIGN(auto official, signed_in(app, req, access::official));
  KB_CO_ASSIGN(int64_t id, path_id(req, "id", "campaign_not_found"));
  KB_CO_ASSIGN(JsonBody body, json_body(req));
  KB_CO_ASSIGN(auto venue_id, body.optional_int("venue_id", 1, INT64_MAX));
  KB_CO_ASSIGN(auto code, body.optional_string("venue_code", 20));
  KB_CO_TRY(body.no_unknown_fields());
  if (!venue_id && !code) co_return invalid("venue_id", "missing_field", "name the venue");
  auto job = [official, id, v = venue_id.value_or(0), code](store::Connection& c) {
    return vax::add_site(c, official, id, v, code.value_or(""));
  };
  KB_CO_ASSIGN(auto view, co_await app.write(job));
  co_return Response::json(201, view_json(view));
}

awaitable<Result<Response>> add_slots(App& app, Request& req) {
  KB_CO_ASSIGN(auto official, signed_in(app, req, access::official));
  KB_CO_ASSIGN(int64_t id, path_id(req, "id", "campaign_not_found"));
  KB_CO_ASSIGN(JsonBody body, json_body(req));
  KB_CO_ASSIGN(auto slots, slots_in(body.raw("slots")));
  KB_CO_TRY(body.no_unknown_fields());
  auto job = [official, id, slots](store::Connection& c) {
    return vax::add_slots(c, official, id, slots);
  };
  KB_CO_ASSIGN(auto view, co_await app.write(job));
  co_return Response::json(201, view_json(view));
}

awaitable<Result<Response>> add_to_list(App& app, Request& req) {
  KB_CO_ASSIGN(auto official, signed_in(app, req, access::official));
  KB_CO_ASSIGN(int64_t id, path_id(req, "id", "campaign_not_found"));
  KB_CO_ASSIGN(JsonBody body, json_body(req));
  KB_CO_ASSIGN(auto import_id, body.optional_int("import_id", 1, INT64_MAX));
  KB_CO_ASSIGN(auto people, ids_of(body.raw("person_ids"), "person_ids"));
  KB_CO_ASSIGN(auto group, body.optional_string("priority_group", 100));
  KB_CO_TRY(body.no_unknown_fields());
  auto job = [official, id, import_id, people, group = group.value_or(""),
              now = app.now()](store::Connection& c) {
    return import_id ? vax::list_import(c, official, id, *import_id, now)
                     : vax::list_people(c, official, id, people, group, now);
  };
  KB_CO_ASSIGN(auto listed, co_await app.write(job));
  co_return Response::json(200, json::object{{"added", listed.added}, {"already", listed.already}});
}

awaitable<Result<Response>> list_invitees(App& app, Request& req) {
  KB_CO_ASSIGN(auto official, signed_in(app, req, access::official));
  KB_CO_ASSIGN(int64_t id, path_id(req, "id", "campaign_not_found"));
  KB_CO_ASSIGN(std::string reason, reason_param(req));
  KB_CO_ASSIGN(int64_t limit, int_param(req, "limit", 1, 5000, 500));
  auto job = [official, id, reason, limit, now = app.now()](store::Connection& c) {
    return vax::invitees(c, official, id, reason, limit, now);
  };
  KB_CO_ASSIGN(auto list, co_await app.write(job));
  json::array a;
  for (const auto& i : list) {
    a.push_back(
        json::object{{"person_id", i.person_id},
                     {"full_name", i.full_name},
                     {"phone", i.phone},
                     {"province_code", i.province_code},
                     {"ward_code", i.ward_code},
                     {"priority_group", i.priority_group},
                     {"status", i.status},
                     {"screened", i.screened},
                     {"flags", vax::flags_json(i.flags)},
                     {"slot_id", i.slot_id ? json::value(*i.slot_id) : json::value(nullptr)}});
  }
  co_return Response::json(200, json::object{{"people", std::move(a)}});
}

awaitable<Result<Response>> send_invitations(App& app, Request& req) {
  KB_CO_ASSIGN(auto official, signed_in(app, req, access::official));
  KB_CO_ASSIGN(int64_t id, path_id(req, "id", "campaign_not_found"));
  auto job = [&app, official, id, now = app.now()](store::Connection& c) {
    return vax::send_invitations(c, official, id, app.config().public_base_url, now);
  };
  KB_CO_ASSIGN(auto sent, co_await app.write(job));
  if (!sent.messaged.empty()) app.inbox_hub().notify_people(sent.messaged);
  app.poke_deliveries();
  co_return Response::json(
      200, json::object{{"invited", sent.invited}, {"unassigned", sent.unassigned}});
}

// ---- the invitation ----

awaitable<Result<Response>> get_invitation(App& app, Request& req) {
  std::string token = token_of(req);
  KB_CO_ASSIGN(auto inv,
               app.db().read([&](store::Connection& c) { return vax::invitation(c, token); }));
  co_return Response::json(200, invitation_json(inv));
}

awaitable<Result<Response>> answer_screening(App& app, Request& req) {
  KB_CO_ASSIGN(vax::Answers answers, parse_screening(req));
  auto job = [token = token_of(req), answers, now = app.now()](store::Connection& c) {
    return vax::answer_screening(c, token, answers, now);
  };
  KB_CO_ASSIGN(auto inv, co_await app.write(job));
  co_return Response::json(200, invitation_json(inv));
}

awaitable<Result<Response>> reply(App& app, Request& req) {
  KB_CO_ASSIGN(vax::Reply r, parse_reply(req));
  auto job = [token = token_of(req), r, now = app.now()](store::Connection& c) {
    return vax::reply(c, token, r, now);
  };
  KB_CO_ASSIGN(auto inv, co_await app.write(job));
  co_return Response::json(200, invitation_json(inv));
}

awaitable<Result<Response>> my_invitations(App& app, Request& req) {
  KB_CO_ASSIGN(auto user, signed_in(app, req, access::citizen));
  KB_CO_ASSIGN(auto list, app.db().read([&](store::Connection& c) {
    return vax::invitations_of_account(c, user.id, user.phone);
  }));
  json::array a;
  for (const auto& inv : list) a.push_back(invitation_json(inv));
  co_return Response::json(200, json::object{{"invitations", std::move(a)}});
}

awaitable<Result<Response>> screening_questions(App&, Request&) {
  json::array a;
  for (const auto& q : vax::kQuestions) {
    a.push_back(json::object{{"key", q.key}, {"when_yes", vax::concern_name(q.when_yes)}});
  }
  co_return Response::json(
      200, json::object{{"questions", std::move(a)}, {"fever_celsius", vax::kFeverCelsius}});
}

// ---- at the site ----

awaitable<Result<Response>> scan(App& app, Request& req) {
  KB_CO_ASSIGN(auto user, signed_in(app, req));
  KB_CO_ASSIGN(int64_t venue_id, path_id(req, "id", "venue_not_found"));
  KB_CO_ASSIGN(JsonBody body, json_body(req));
  KB_CO_ASSIGN(std::string payload, body.required_string("payload", 4000));
  KB_CO_TRY(body.no_unknown_fields());
  auto job = [user, venue_id, payload, now = app.now()](store::Connection& c) {
    return vax::attendee(c, user, venue_id, payload, now);
  };
  KB_CO_ASSIGN(auto inv, co_await app.write(job));
  co_return Response::json(200, invitation_json(inv));
}

awaitable<Result<Response>> record_dose(App& app, Request& req) {
  KB_CO_ASSIGN(auto user, signed_in(app, req));
  KB_CO_ASSIGN(vax::NewDose n, parse_dose(req));
  auto job = [user, n, now = app.now()](store::Connection& c) {
    return vax::record_dose(c, user, n, now);
  };
  KB_CO_ASSIGN(auto dose, co_await app.write(job));
  co_return Response::json(201, dose_json(dose));
}

awaitable<Result<Response>> record_reaction(App& app, Request& req) {
  KB_CO_ASSIGN(auto user, signed_in(app, req));
  KB_CO_ASSIGN(int64_t dose_id, path_id(req, "id", "dose_not_found"));
  KB_CO_ASSIGN(JsonBody body, json_body(req));
  KB_CO_ASSIGN(std::string severity, body.required_string("severity", 20));
  KB_CO_ASSIGN(std::string description, body.required_string("description", 1000));
  KB_CO_TRY(body.no_unknown_fields());
  auto job = [user, dose_id, severity, description, now = app.now()](store::Connection& c) {
    return vax::record_reaction(c, user, dose_id, severity, description, now);
  };
  KB_CO_ASSIGN(auto r, co_await app.write(job));
  co_return Response::json(201, json::object{{"id", r.id},
                                             {"dose_id", r.dose_id},
                                             {"severity", r.severity},
                                             {"description", r.description},
                                             {"recorded_at", format_rfc3339(r.recorded_at)}});
}

awaitable<Result<Response>> certificates(App& app, Request& req) {
  KB_CO_ASSIGN(auto user, signed_in(app, req));
  KB_CO_ASSIGN(int64_t id, path_id(req, "id", "person_not_found"));
  std::string reason = req.query_param("reason").value_or("");
  auto job = [user, id, reason, now = app.now()](store::Connection& c) {
    return vax::certificates_of(c, user, id, reason, now);
  };
  KB_CO_ASSIGN(auto doses, co_await app.write(job));
  json::array a;
  for (const auto& d : doses) a.push_back(dose_json(d, true));
  co_return Response::json(200, json::object{{"person_id", id}, {"certificates", std::move(a)}});
}

}  // namespace

void register_vaccination_campaign_routes(App& app) {
  auto& r = app.router();
  auto route = [&](Method m, const char* path, auto handler, const char* what) {
    r.add(
        m, path, [&app, handler](Request& req) { return handler(app, req); }, what);
  };
  route(Method::kPost, "/api/v1/vaccination/campaigns", create_campaign,
        "create a vaccination campaign: products, priority groups, sites and slots");
  route(Method::kGet, "/api/v1/vaccination/campaigns", list_campaigns,
        "the campaigns in the official's jurisdiction with their fill rates");
  route(Method::kGet, "/api/v1/vaccination/campaigns/{id}", get_campaign,
        "one campaign: sites, slots, fill per site and day, figures");
  route(Method::kPost, "/api/v1/vaccination/campaigns/{id}/sites", add_site,
        "add a site (a venue of kind hospital or vaccination_site)");
  route(Method::kPost, "/api/v1/vaccination/campaigns/{id}/slots", add_slots,
        "add time slots with a capacity at the campaign's sites");
  route(Method::kPost, "/api/v1/vaccination/campaigns/{id}/list", add_to_list,
        "put an import's accepted people, or people by id, on the campaign's list");
  route(Method::kGet, "/api/v1/vaccination/campaigns/{id}/people", list_invitees,
        "the campaign's list with statuses and screening flags (reason required, audited)");
  route(Method::kPost, "/api/v1/vaccination/campaigns/{id}/invitations", send_invitations,
        "assign slots and send an invitation to everyone listed and not invited yet");
  route(Method::kGet, "/api/v1/invitations/{token}", get_invitation,
        "a vaccination invitation by its token");
  route(Method::kPost, "/api/v1/invitations/{token}/screening", answer_screening,
        "answer the pre-vaccination screening");
  route(Method::kPost, "/api/v1/invitations/{token}/reply", reply,
        "confirm, ask for another slot, or decline an invitation");
  route(Method::kGet, "/api/v1/me/invitations", my_invitations,
        "the vaccination invitations of the people this citizen manages");
  route(Method::kGet, "/api/v1/vaccination/screening-questions", screening_questions,
        "the pre-vaccination screening questions and what a yes means");
  route(Method::kPost, "/api/v1/vaccination/sites/{id}/scan", scan,
        "site staff: the invitation, screening and doses of a scanned person (audited)");
  route(Method::kPost, "/api/v1/vaccination/doses", record_dose,
        "site staff: record a dose and issue its EU DCC certificate");
  route(Method::kPost, "/api/v1/vaccination/doses/{id}/reactions", record_reaction,
        "site staff: record a reaction seen after a dose");
  route(Method::kGet, "/api/v1/people/{id}/certificates", certificates,
        "a person's doses with their certificates (their manager, or an official in charge)");
}

}  // namespace kb::http
