// Mass testing rounds (testing/testing.h): rounds and their figures, sampling at the site, lab
// results (one by one or a CSV file), positives awaiting an official, and a citizen's own tests.
// Who may do what is the testing domain's; this file parses requests and shapes answers.
#include <fmt/format.h>

#include "access/policy.h"
#include "core/clock.h"
#include "http/app.h"
#include "http/handler_util.h"
#include "qr/qr_image.h"
#include "testing/lab_csv.h"
#include "testing/labels.h"
#include "testing/testing.h"

namespace kb::http {
namespace {

using boost::asio::awaitable;
namespace json = boost::json;

// ---- answers ----

json::object figures_json(const testing::Figures& f) {
  return json::object{
      {"invited", f.invited},   {"sampled", f.sampled},   {"pools", f.pools},
      {"tubes", f.tubes},       {"pending", f.pending},   {"negative", f.negative},
      {"positive", f.positive}, {"recalled", f.recalled}, {"positivity", f.positivity}};
}

json::object round_json(const testing::RoundView& v) {
  const auto& r = v.round;
  json::array sites;
  for (const auto& s : r.sites)
    sites.push_back(json::object{{"id", s.id}, {"name", s.name}, {"day", s.day}});
  return json::object{{"id", r.id},
                      {"name", r.name},
                      {"kind", testing::round_kind_name(r.kind)},
                      {"province_code", r.province_code},
                      {"ward_code", r.ward_code},
                      {"ward_codes", json::value_from(r.ward_codes)},
                      {"case_id", r.case_id ? json::value(*r.case_id) : json::value(nullptr)},
                      {"pool_size", r.pool_size},
                      {"created_at", format_rfc3339(r.created_at)},
                      {"sites", std::move(sites)},
                      {"figures", figures_json(v.figures)}};
}

json::object tube_json(const testing::Tube& t) {
  return json::object{{"id", t.id},
                      {"round_id", t.round_id},
                      {"label", t.label},
                      {"kind", testing::tube_kind_name(t.kind)},
                      {"capacity", t.capacity},
                      {"members", t.members},
                      {"result", t.result ? json::value(*t.result) : json::value(nullptr)},
                      {"result_at", json_time(t.result_at)},
                      {"lab", t.lab}};
}

json::object sample_json(const testing::Sample& s) {
  auto opt_text = [](const std::optional<std::string>& v) {
    return v ? json::value(*v) : json::value(nullptr);
  };
  return json::object{{"id", s.id},
                      {"round_id", s.round_id},
                      {"person_id", s.person_id},
                      {"kind", s.kind},
                      {"attempt", s.attempt},
                      {"taken_at", format_rfc3339(s.taken_at)},
                      {"result", opt_text(s.result)},
                      {"result_at", json_time(s.result_at)},
                      {"confirmation", opt_text(s.confirmation)},
                      {"case_id", s.case_id ? json::value(*s.case_id) : json::value(nullptr)}};
}

json::object applied_json(const testing::Applied& a) {
  return json::object{{"tubes", a.tubes},
                      {"unchanged", a.unchanged},
                      {"cleared", a.cleared},
                      {"recalled", a.recalled},
                      {"positives", a.positives}};
}

json::array row_errors_json(const std::vector<testing::ResultRowError>& errors) {
  json::array out;
  for (const auto& e : errors) {
    out.push_back(
        json::object{{"row", e.row}, {"field", e.field}, {"code", e.code}, {"message", e.message}});
  }
  return out;
}

// A file with broken rows: nothing was written; each row says what is wrong with it.
Response rejected_file(const std::vector<testing::ResultRowError>& errors) {
  std::string message =
      fmt::format("{} row(s) cannot be used; nothing was recorded", errors.size());
  json::object error{{"code", "rows_rejected"}, {"message", std::move(message)}, {"field", "body"}};
  return Response::json(
      422, json::object{{"error", std::move(error)}, {"rows", row_errors_json(errors)}});
}

// ---- requests ----

Result<std::vector<std::string>> string_list(const json::value* v, std::string_view field) {
  std::vector<std::string> out;
  if (!v) return out;
  if (!v->is_array()) return invalid(std::string(field), "wrong_type", "a list of codes");
  for (const auto& item : v->as_array()) {
    if (!item.is_string() || item.as_string().size() > 20) {
      return invalid(std::string(field), "wrong_type", "a list of codes");
    }
    out.emplace_back(item.as_string());
  }
  return out;
}

Result<std::vector<testing::NewSite>> sites_of(const json::value* v) {
  std::vector<testing::NewSite> out;
  if (!v) return out;
  if (!v->is_array() || v->as_array().size() > 100) {
    return invalid("sites", "wrong_type", "a list of at most 100 {name, day}");
  }
  for (const auto& item : v->as_array()) {
    const auto* o = item.if_object();
    const json::value* name = o ? o->if_contains("name") : nullptr;
    const json::value* day = o ? o->if_contains("day") : nullptr;
    if (!name || !day || !name->is_string() || !day->is_string()) {
      return invalid("sites", "wrong_type", "each site is {name, day}");
    }
    out.push_back(testing::NewSite{std::string(name->as_string()), std::string(day->as_string())});
  }
  return out;
}

Result<testing::NewRound> parse_new_round(const Request& req) {
  KB_ASSIGN(JsonBody body, json_body(req));
  testing::NewRound n;
  KB_ASSIGN(n.name, body.required_string("name", 200));
  KB_ASSIGN(auto kind, body.optional_string("kind", 20));
  if (!kind || *kind == "area") {
    n.kind = testing::RoundKind::kArea;
  } else if (*kind == "contacts") {
    n.kind = testing::RoundKind::kContacts;
  } else if (*kind == "walk_in") {
    n.kind = testing::RoundKind::kWalkIn;
  } else {
    return invalid("kind", "invalid_kind", "kind is area, contacts or walk_in");
  }
  KB_ASSIGN(n.ward_codes, string_list(body.raw("ward_codes"), "ward_codes"));
  KB_ASSIGN(auto case_id, body.optional_int("case_id", 1, INT64_MAX));
  n.case_id = case_id.value_or(0);
  KB_ASSIGN(auto province, body.optional_string("province_code", 10));
  KB_ASSIGN(auto ward, body.optional_string("ward_code", 10));
  n.province_code = province.value_or("");
  n.ward_code = ward.value_or("");
  KB_ASSIGN(auto pool, body.optional_int("pool_size", 1, testing::kMaxPoolSize));
  n.pool_size = pool.value_or(10);
  KB_ASSIGN(n.sites, sites_of(body.raw("sites")));
  KB_TRY(body.no_unknown_fields());
  return n;
}

Result<testing::NewSite> parse_site(const Request& req) {
  KB_ASSIGN(JsonBody body, json_body(req));
  testing::NewSite s;
  KB_ASSIGN(s.name, body.required_string("name", 200));
  KB_ASSIGN(s.day, body.required_string("day", 10));
  KB_TRY(body.no_unknown_fields());
  return s;
}

Result<testing::NewSample> parse_sample(const Request& req, int64_t now) {
  KB_ASSIGN(JsonBody body, json_body(req));
  testing::NewSample n;
  KB_ASSIGN(auto payload, body.required_string("payload", 4000));
  KB_ASSIGN(n.person, testing::parse_sampled_person(payload, now));
  KB_ASSIGN(auto tube, body.optional_string("tube", 40));
  KB_ASSIGN(auto kind, body.optional_string("tube_kind", 20));
  KB_ASSIGN(n.site_id, body.optional_int("site_id", 1, INT64_MAX));
  KB_ASSIGN(auto rapid, body.optional_string("rapid_result", 20));
  KB_TRY(body.no_unknown_fields());
  if (rapid) {
    if (tube) return invalid("tube", "rapid_has_no_tube", "a rapid test has no tube");
    KB_ASSIGN(n.rapid_result, testing::parse_finding(*rapid, "rapid_result"));
    return n;
  }
  if (!tube)
    return invalid("tube", "missing_field", "name the tube (its label) or give rapid_result");
  n.tube_label = *tube;
  if (kind && *kind != "pool" && *kind != "individual") {
    return invalid("tube_kind", "invalid_tube_kind", "tube_kind is pool or individual");
  }
  n.tube_kind =
      kind && *kind == "individual" ? testing::TubeKind::kIndividual : testing::TubeKind::kPool;
  return n;
}

Result<testing::LabResult> parse_lab_result(const Request& req, int64_t now) {
  KB_ASSIGN(JsonBody body, json_body(req));
  testing::LabResult r;
  KB_ASSIGN(r.tube_label, body.required_string("tube_id", 40));
  KB_ASSIGN(auto result, body.required_string("result", 20));
  KB_ASSIGN(r.finding, testing::parse_finding(result, "result"));
  KB_ASSIGN(auto time, body.optional_string("time", 40));
  r.at = now;
  if (time && !time->empty()) {
    auto t = testing::parse_result_time(*time);
    if (!t) return invalid("time", "invalid_time", "a time is RFC 3339 or YYYY-MM-DD HH:MM");
    r.at = *t;
  }
  KB_ASSIGN(auto lab, body.optional_string("lab", 200));
  r.lab = lab.value_or("");
  KB_TRY(body.no_unknown_fields());
  return r;
}

// The one failure of a single result as an API error.
Error single_result_error(const testing::ResultRowError& e) {
  ErrorKind kind = ErrorKind::kInvalidArgument;
  if (e.code == "tube_not_found") kind = ErrorKind::kNotFound;
  if (e.code == "result_conflict" || e.code == "empty_tube") kind = ErrorKind::kConflict;
  return Error{kind, e.code, e.message, e.field};
}

Status check_csv_type(const Request& req) {
  std::string_view ct = req.content_type;
  ct = ct.substr(0, ct.find(';'));
  for (std::string_view ok :
       {"", "text/csv", "text/plain", "application/csv", "application/octet-stream"}) {
    if (ct == ok) return {};
  }
  return Error{ErrorKind::kUnsupportedMediaType, "unsupported_media_type",
               "send the results as text/csv", "content-type"};
}

void wake(App& app, const std::vector<int64_t>& people) {
  if (!people.empty()) app.inbox_hub().notify_people(people);
}

// ---- handlers ----

awaitable<Result<Response>> create_round(App& app, Request& req) {
  KB_CO_ASSIGN(auto official, signed_in(app, req, access::official));
  KB_CO_ASSIGN(testing::NewRound n, parse_new_round(req));
  auto job = [&app, official, n, now = app.now()](store::Connection& c) {
    return testing::create_round(c, app.areas(), official, n, now);
  };
  KB_CO_ASSIGN(auto view, co_await app.write(job));
  app.poke_deliveries();
  co_return Response::json(201, round_json(view));
}

awaitable<Result<Response>> list_rounds(App& app, Request& req) {
  KB_CO_ASSIGN(auto official, signed_in(app, req, access::official));
  KB_CO_ASSIGN(int64_t limit, int_param(req, "limit", 1, 200, 50));
  KB_CO_ASSIGN(auto rounds, app.db().read([&](store::Connection& c) {
    return testing::list_rounds(c, official, limit);
  }));
  json::array a;
  for (const auto& r : rounds) a.push_back(round_json(r));
  co_return Response::json(200, json::object{{"rounds", std::move(a)}});
}

awaitable<Result<Response>> get_round(App& app, Request& req) {
  KB_CO_ASSIGN(auto official, signed_in(app, req, access::official));
  KB_CO_ASSIGN(int64_t id, path_id(req, "id", "round_not_found"));
  KB_CO_ASSIGN(auto view, app.db().read([&](store::Connection& c) {
    return testing::round_for(c, official, id);
  }));
  co_return Response::json(200, round_json(view));
}

awaitable<Result<Response>> round_wards(App& app, Request& req) {
  KB_CO_ASSIGN(auto official, signed_in(app, req, access::official));
  KB_CO_ASSIGN(int64_t id, path_id(req, "id", "round_not_found"));
  KB_CO_ASSIGN(auto wards, app.db().read([&](store::Connection& c) {
    return testing::ward_figures(c, official, id);
  }));
  json::array out;
  for (const auto& w : wards) {
    const auto* ward = app.areas().ward(w.ward_code);
    out.push_back(json::object{{"ward_code", w.ward_code},
                               {"ward_name", ward ? ward->name : std::string()},
                               {"invited", w.invited},
                               {"sampled", w.sampled},
                               {"pools", w.pools},
                               {"pending", w.pending},
                               {"negative", w.negative},
                               {"positive", w.positive},
                               {"positivity", w.positivity}});
  }
  co_return Response::json(200, json::object{{"wards", std::move(out)}});
}

awaitable<Result<Response>> label_sheet(App& app, Request& req) {
  KB_CO_ASSIGN(auto official, signed_in(app, req, access::official));
  KB_CO_ASSIGN(int64_t id, path_id(req, "id", "round_not_found"));
  KB_CO_ASSIGN(int64_t from, int_param(req, "from", 1, 99999, 1));
  KB_CO_ASSIGN(int64_t count,
               int_param(req, "count", 1, testing::kMaxLabelsPrinted, testing::kLabelsPerSheet));
  KB_CO_ASSIGN(auto print, app.db().read([&](store::Connection& c) {
    return testing::labels_to_print(c, official, id, from, count);
  }));
  auto draw = [print]() { return testing::label_sheet_pdf(print.round_name, print.labels); };
  KB_CO_ASSIGN(std::string pdf, co_await app.offload(draw));
  Response res;
  res.content_type = "application/pdf";
  res.body = std::move(pdf);
  res.headers.emplace_back("Content-Disposition",
                           fmt::format("inline; filename=\"labels-{}-{}.pdf\"", id, from));
  co_return res;
}

awaitable<Result<Response>> add_site(App& app, Request& req) {
  KB_CO_ASSIGN(auto official, signed_in(app, req, access::official));
  KB_CO_ASSIGN(int64_t id, path_id(req, "id", "round_not_found"));
  KB_CO_ASSIGN(testing::NewSite site, parse_site(req));
  auto job = [official, id, site](store::Connection& c) {
    return testing::add_site(c, official, id, site);
  };
  KB_CO_ASSIGN(auto s, co_await app.write(job));
  co_return Response::json(201, json::object{{"id", s.id}, {"name", s.name}, {"day", s.day}});
}

awaitable<Result<Response>> list_tubes(App& app, Request& req) {
  KB_CO_ASSIGN(auto official, signed_in(app, req, access::official));
  KB_CO_ASSIGN(int64_t id, path_id(req, "id", "round_not_found"));
  KB_CO_ASSIGN(int64_t limit, int_param(req, "limit", 1, 500, 100));
  KB_CO_ASSIGN(auto tubes, app.db().read([&](store::Connection& c) {
    return testing::tubes_of_round(c, official, id, limit);
  }));
  json::array a;
  for (const auto& t : tubes) a.push_back(tube_json(t));
  co_return Response::json(200, json::object{{"tubes", std::move(a)}});
}

awaitable<Result<Response>> take_sample(App& app, Request& req) {
  KB_CO_ASSIGN(auto official, signed_in(app, req, access::official));
  KB_CO_ASSIGN(int64_t id, path_id(req, "id", "round_not_found"));
  KB_CO_ASSIGN(testing::NewSample n, parse_sample(req, app.now()));
  auto job = [official, id, n, now = app.now()](store::Connection& c) {
    return testing::take_sample(c, official, id, n, now);
  };
  KB_CO_ASSIGN(auto s, co_await app.write(job));
  json::object o = sample_json(s.sample);
  o["masked_name"] = s.masked_name;
  o["retest"] = s.retest;
  o["tube"] = s.tube ? json::value(tube_json(*s.tube)) : json::value(nullptr);
  co_return Response::json(201, o);
}

awaitable<Result<Response>> record_result(App& app, Request& req) {
  KB_CO_ASSIGN(auto official, signed_in(app, req, access::official));
  KB_CO_ASSIGN(testing::LabResult r, parse_lab_result(req, app.now()));
  auto job = [official, r, now = app.now()](store::Connection& c) {
    return testing::apply_results(c, official, {r}, {}, now);
  };
  KB_CO_ASSIGN(auto out, co_await app.write(job));
  if (!out.errors.empty()) co_return single_result_error(out.errors.front());
  wake(app, out.applied.messaged);
  app.poke_deliveries();
  co_return Response::json(200, applied_json(out.applied));
}

awaitable<Result<Response>> upload_results(App& app, Request& req) {
  KB_CO_ASSIGN(auto official, signed_in(app, req, access::official));
  KB_CO_TRY(check_csv_type(req));
  KB_CO_ASSIGN(testing::LabFile file, testing::read_lab_file(req.body, app.now()));
  if (!file.errors.empty()) co_return rejected_file(file.errors);
  auto job = [official, &file, now = app.now()](store::Connection& c) {
    return testing::apply_results(c, official, file.results, file.rows, now);
  };
  KB_CO_ASSIGN(auto out, co_await app.write(job));
  if (!out.errors.empty()) co_return rejected_file(out.errors);
  wake(app, out.applied.messaged);
  app.poke_deliveries();
  json::object o = applied_json(out.applied);
  o["rows"] = static_cast<int64_t>(file.results.size());
  co_return Response::json(200, o);
}

awaitable<Result<Response>> list_positives(App& app, Request& req) {
  KB_CO_ASSIGN(auto official, signed_in(app, req, access::official));
  KB_CO_ASSIGN(int64_t limit, int_param(req, "limit", 1, 500, 100));
  KB_CO_ASSIGN(auto list, app.db().read([&](store::Connection& c) {
    return testing::awaiting_confirmation(c, official, limit);
  }));
  json::array a;
  for (const auto& p : list) {
    json::object o = sample_json(p.sample);
    o["full_name"] = p.full_name;
    o["phone"] = p.phone;
    o["round_name"] = p.round_name;
    o["tube_label"] = p.tube_label;
    a.push_back(std::move(o));
  }
  co_return Response::json(200, json::object{{"positives", std::move(a)}});
}

awaitable<Result<Response>> confirm_positive(App& app, Request& req) {
  KB_CO_ASSIGN(auto official, signed_in(app, req, access::official));
  KB_CO_ASSIGN(int64_t id, path_id(req, "id", "sample_not_found"));
  auto job = [&app, official, id, now = app.now()](store::Connection& c) {
    return testing::confirm_positive(c, app.config().tracing.exposure, app.areas(), official, id,
                                     now);
  };
  KB_CO_ASSIGN(int64_t case_id, co_await app.write(job));
  co_return Response::json(201, json::object{{"sample_id", id}, {"case_id", case_id}});
}

awaitable<Result<Response>> dismiss_positive(App& app, Request& req) {
  KB_CO_ASSIGN(auto official, signed_in(app, req, access::official));
  KB_CO_ASSIGN(int64_t id, path_id(req, "id", "sample_not_found"));
  auto job = [official, id](store::Connection& c) {
    return testing::dismiss_positive(c, official, id);
  };
  KB_CO_TRY(co_await app.write(job));
  co_return Response::no_content();
}

// An open invitation with the QR the person shows at the site.
Result<json::object> invitation_json(const testing::MyInvitation& i) {
  KB_ASSIGN(std::string svg, qr::qr_svg(i.qr_payload));
  return json::object{{"round_id", i.round_id},
                      {"round_name", i.round_name},
                      {"person_name", i.person_name},
                      {"qr_payload", i.qr_payload},
                      {"qr_svg", std::move(svg)}};
}

awaitable<Result<Response>> my_tests(App& app, Request& req) {
  KB_CO_ASSIGN(auto user, signed_in(app, req, access::citizen));
  KB_CO_ASSIGN(auto invitations, app.db().read([&](store::Connection& c) {
    return testing::invitations_of_account(c, user.id, user.phone);
  }));
  json::array open;
  for (const auto& i : invitations) {
    KB_CO_ASSIGN(json::object o, invitation_json(i));
    open.push_back(std::move(o));
  }
  KB_CO_ASSIGN(auto tests, app.db().read([&](store::Connection& c) {
    return testing::tests_of_account(c, user.id);
  }));
  json::array a;
  for (const auto& t : tests) {
    json::object o = sample_json(t.sample);
    o["person_name"] = t.person_name;
    o["round_name"] = t.round_name;
    o["tube_label"] = t.tube_label;
    a.push_back(std::move(o));
  }
  co_return Response::json(200,
                           json::object{{"tests", std::move(a)}, {"invitations", std::move(open)}});
}

}  // namespace

void register_testing_routes(App& app) {
  auto& r = app.router();
  r.add(
      Method::kPost, "/api/v1/testing/rounds",
      [&app](Request& req) { return create_round(app, req); },
      "create a testing round for wards, a case's contacts or walk-ins, and invite its people");
  r.add(
      Method::kGet, "/api/v1/testing/rounds",
      [&app](Request& req) { return list_rounds(app, req); },
      "the testing rounds in the official's jurisdiction with their figures");
  r.add(
      Method::kGet, "/api/v1/testing/rounds/{id}",
      [&app](Request& req) { return get_round(app, req); }, "one testing round: sites and figures");
  r.add(
      Method::kGet, "/api/v1/testing/rounds/{id}/wards",
      [&app](Request& req) { return round_wards(app, req); },
      "a round's figures by the ward its people live in");
  r.add(
      Method::kGet, "/api/v1/testing/rounds/{id}/labels.pdf",
      [&app](Request& req) { return label_sheet(app, req); },
      "a PDF sheet of the round's numbered tube labels (Code 128 and QR)");
  r.add(
      Method::kPost, "/api/v1/testing/rounds/{id}/sites",
      [&app](Request& req) { return add_site(app, req); },
      "add a sampling site and day to a round");
  r.add(
      Method::kGet, "/api/v1/testing/rounds/{id}/tubes",
      [&app](Request& req) { return list_tubes(app, req); }, "a round's tubes, newest first");
  r.add(
      Method::kPost, "/api/v1/testing/rounds/{id}/samples",
      [&app](Request& req) { return take_sample(app, req); },
      "sample a scanned person into a tube (pool or individual), or record a rapid test");
  r.add(
      Method::kPost, "/api/v1/testing/results",
      [&app](Request& req) { return record_result(app, req); }, "record one tube's lab result");
  r.add(
      Method::kPost, "/api/v1/testing/results/upload",
      [&app](Request& req) { return upload_results(app, req); },
      "upload a lab's results CSV (tube_id, result, time, lab): all rows or none");
  r.allow_body(Method::kPost, "/api/v1/testing/results/upload", app.config().max_import_body_bytes);
  r.add(
      Method::kGet, "/api/v1/testing/positives",
      [&app](Request& req) { return list_positives(app, req); },
      "positive tests awaiting an official's confirmation as cases");
  r.add(
      Method::kPost, "/api/v1/testing/positives/{id}/confirm",
      [&app](Request& req) { return confirm_positive(app, req); },
      "confirm a positive test: record the case and trace its contacts");
  r.add(
      Method::kPost, "/api/v1/testing/positives/{id}/dismiss",
      [&app](Request& req) { return dismiss_positive(app, req); },
      "dismiss a positive test (no case)");
  r.add(
      Method::kGet, "/api/v1/me/tests", [&app](Request& req) { return my_tests(app, req); },
      "the tests of the people this citizen manages, with their results, and their open "
      "invitations with the QR to show at the site");
}

}  // namespace kb::http
