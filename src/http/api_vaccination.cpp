// Vaccination list imports, for health officials: a city's raw spreadsheet export (CSV) becomes
// clean records and people, with a report of every row (vaccination/import_run.h).
// Reading rows or the report is a read of personal data: audited with a reason.
#include <fmt/format.h>

#include "access/policy.h"
#include "audit/audit_log.h"
#include "core/csv.h"
#include "http/app.h"
#include "http/handler_util.h"
#include "vaccination/import_run.h"
#include "vaccination/imports.h"

namespace kb::http {
namespace {

using boost::asio::awaitable;
namespace json = boost::json;
namespace vx = vaccination;

constexpr int64_t kReportPage = 5000;

// What a route needs besides the App: the address book, built once from the areas.
struct Context {
  App& app;
  vx::AddressBook addresses;
};

json::value counts_value(const vx::Counts& k) {
  return json::object{{"total", k.total},
                      {"clean", k.clean},
                      {"fixed", k.fixed},
                      {"duplicate", k.duplicate},
                      {"rejected", k.rejected}};
}

json::object import_json(const vx::Import& i) {
  json::object o{
      {"id", i.id},
      {"state", i.state},
      {"failure", json_text(i.failure)},
      {"file_name", i.file_name},
      {"created_at", format_rfc3339(i.created_at)},
      {"finished_at", json_time(i.finished_at)},
      {"counts", counts_value(i.counts)},
      {"people", json::object{{"created", i.people_created}, {"matched", i.people_matched}}}};
  o["created_by"] =
      i.created_by
          ? json::value(json::object{{"id", *i.created_by}, {"username", i.created_by_name}})
          : json::value(nullptr);
  o["jurisdiction"] =
      json::object{{"level", i.jurisdiction_level}, {"code", json_text(i.jurisdiction_code)}};
  boost::system::error_code ec;
  auto columns = json::parse(i.columns_json, ec);
  o["columns"] = ec ? json::value(json::object{}) : columns;
  return o;
}

json::value notes_value(const std::string& stored) {
  if (stored.empty()) return json::array{};
  boost::system::error_code ec;
  auto v = json::parse(stored, ec);
  return ec ? json::value(json::array{}) : v;
}

json::object row_json(const vx::StoredRow& r) {
  const vx::CleanRecord& c = r.record;
  return json::object{
      {"row", r.row_number},
      {"status", vx::status_name(r.status)},
      {"fixes", notes_value(r.fixes_json)},
      {"reasons", notes_value(r.reasons_json)},
      {"duplicate_of", r.duplicate_of ? json::value(*r.duplicate_of) : json::value(nullptr)},
      {"person_id", r.person_id ? json::value(*r.person_id) : json::value(nullptr)},
      {"record", json::object{{"full_name", c.full_name},
                              {"birth_date", json_text(c.birth_date)},
                              {"sex", json_text(c.sex)},
                              {"id_number", json_text(c.id_number)},
                              {"id_kind", json_text(c.id_kind)},
                              {"phone", json_text(c.phone)},
                              {"province_code", json_text(c.province_code)},
                              {"ward_code", json_text(c.ward_code)},
                              {"street", json_text(c.street)},
                              {"priority_group", json_text(c.priority_group)}}},
      {"original", r.original}};
}

// The body is the file: CSV text (spreadsheet programs and browsers label it in several ways).
Status check_content_type(const Request& req) {
  std::string_view ct = req.content_type;
  ct = ct.substr(0, ct.find(';'));
  for (std::string_view ok :
       {"", "text/csv", "text/plain", "application/csv", "text/comma-separated-values",
        "application/vnd.ms-excel", "application/octet-stream"}) {
    if (ct == ok) return {};
  }
  return Error{ErrorKind::kUnsupportedMediaType, "unsupported_media_type",
               "send the list as text/csv (the sheet saved as CSV UTF-8)", "content-type"};
}

// The column mapping, from ?mapping= or the X-Column-Mapping header; none when neither is given.
Result<vx::ColumnMapping> mapping_of(const Request& req) {
  auto query = req.query_param("mapping");
  if (query && !req.column_mapping.empty()) {
    return invalid("mapping", "one_mapping_only",
                   "give the column mapping once: ?mapping= or X-Column-Mapping");
  }
  std::string text = query ? *query : req.column_mapping;
  if (text.empty()) return vx::ColumnMapping{};
  if (text.size() > 16 * 1024)
    return invalid("mapping", "too_long", "the column mapping is at most 16 KiB");
  return vx::parse_column_mapping(text);
}

Result<std::string> file_name_of(const Request& req) {
  std::string name = req.query_param("file_name").value_or(req.file_name);
  if (name.size() > 255)
    return invalid("file_name", "too_long", "the file name is at most 255 bytes");
  return name;
}

// The jurisdiction an import was made within, as the access policy compares them.
areas::Jurisdiction jurisdiction_of(const vx::Import& i) {
  areas::Jurisdiction j;
  if (i.jurisdiction_level == "province") j.level = areas::Jurisdiction::Level::kProvince;
  if (i.jurisdiction_level == "ward") j.level = areas::Jurisdiction::Level::kWard;
  j.code = i.jurisdiction_code;
  return j;
}

// An import the official may see; kNotFound otherwise, so that ids do not reveal others' imports.
Result<vx::Import> visible_import(App& app, const accounts::User& official, int64_t id) {
  KB_ASSIGN(auto found,
            app.db().read([&](store::Connection& c) { return vx::find_import(c, id); }));
  if (!found || !access::contains(*official.jurisdiction, jurisdiction_of(*found), app.areas())) {
    return make_error(ErrorKind::kNotFound, "import_not_found", "no such import");
  }
  return std::move(*found);
}

// Reads of an import's rows are audited; the reason is optional here (the official who imported
// the list reads its report as part of the import), and recorded either way.
Result<std::string> read_reason(const Request& req) {
  if (!req.query_param("reason")) return std::string("vaccination import review");
  return reason_param(req);
}

awaitable<Status> audit_read(App& app, int64_t actor, std::string action, int64_t import_id,
                             std::string reason, std::string detail) {
  auto job = [actor, action = std::move(action),
              subject = fmt::format("vaccination_import:{}", import_id), reason = std::move(reason),
              detail = std::move(detail), now = app.now()](store::Connection& c) {
    return audit::record(c, {now, actor, action, subject, reason, detail});
  };
  auto r = co_await app.write(job);
  co_return r;
}

// ---- handlers ----

awaitable<Result<Response>> create_import(Context& ctx, Request& req) {
  App& app = ctx.app;
  KB_CO_ASSIGN(auto official, signed_in(app, req, access::official));
  KB_CO_TRY(check_content_type(req));
  vx::ImportRequest import{.official_id = official.id, .csv = req.body};
  KB_CO_ASSIGN(import.mapping, mapping_of(req));
  KB_CO_ASSIGN(import.file_name, file_name_of(req));
  if (official.jurisdiction->level != areas::Jurisdiction::Level::kNational) {
    import.scope = official.jurisdiction;
    import.scope_province = import.scope->level == areas::Jurisdiction::Level::kProvince
                                ? import.scope->code
                                : ctx.addresses.province_of_ward(import.scope->code);
  }
  KB_CO_ASSIGN(auto done, co_await vx::run_import(app.db(), app.slow_pool(), ctx.addresses,
                                                  app.clock(), std::move(import)));
  json::object body{{"id", done.id},
                    {"state", "done"},
                    {"counts", counts_value(done.counts)},
                    {"people", json::object{{"created", done.people.people_created},
                                            {"matched", done.people.people_matched}}}};
  Response res = Response::json(201, body);
  res.headers.emplace_back("Location", fmt::format("/api/v1/vaccination/imports/{}", done.id));
  co_return res;
}

awaitable<Result<Response>> get_import(App& app, Request& req) {
  KB_CO_ASSIGN(auto official, signed_in(app, req, access::official));
  KB_CO_ASSIGN(int64_t id, path_id(req, "id", "import_not_found"));
  KB_CO_ASSIGN(auto imp, visible_import(app, official, id));
  co_return Response::json(200, import_json(imp));
}

awaitable<Result<Response>> list_import_rows(App& app, Request& req) {
  KB_CO_ASSIGN(auto official, signed_in(app, req, access::official));
  KB_CO_ASSIGN(int64_t id, path_id(req, "id", "import_not_found"));
  std::optional<vx::RowStatus> status;
  if (auto s = req.query_param("status"); s && !s->empty()) {
    status = vx::parse_status(*s);
    if (!status)
      co_return invalid("status", "invalid_status",
                        "status is one of clean, fixed, duplicate, rejected");
  }
  KB_CO_ASSIGN(int64_t limit, int_param(req, "limit", 1, 1000, 100));
  KB_CO_ASSIGN(int64_t after, int_param(req, "after", 0, INT64_MAX / 2, 0));
  KB_CO_ASSIGN(std::string reason, read_reason(req));
  KB_CO_ASSIGN(auto imp, visible_import(app, official, id));
  KB_CO_ASSIGN(auto rows, app.db().read([&](store::Connection& c) {
    return vx::list_rows(c, imp.id, status, after, limit);
  }));
  KB_CO_TRY(co_await audit_read(
      app, official.id, "vaccination.import.rows", imp.id, reason,
      fmt::format("status={} after={} rows={}", status ? vx::status_name(*status) : "all", after,
                  rows.size())));
  json::array list;
  for (const auto& r : rows) list.push_back(row_json(r));
  json::value next = rows.size() == static_cast<size_t>(limit) ? json::value(rows.back().row_number)
                                                               : json::value(nullptr);
  co_return Response::json(
      200, json::object{{"import_id", imp.id}, {"rows", std::move(list)}, {"next_after", next}});
}

// The report: every row with its status, reasons and fixes, written a page at a time so that a
// million-row report never sits in memory whole.
class ReportStream final : public StreamBody {
 public:
  ReportStream(App& app, int64_t import_id) : app_(app), import_id_(import_id) {}

  awaitable<void> run(EventSink& sink) override {
    std::string out = vx::report_header();
    int64_t after = 0;
    for (;;) {
      auto rows = app_.db().read([&](store::Connection& c) {
        return vx::list_rows(c, import_id_, std::nullopt, after, kReportPage);
      });
      if (!rows.ok()) co_return;  // the client sees the file end short of its rows
      for (const auto& r : *rows) vx::append_report_row(out, r);
      if (!co_await sink.write(out)) co_return;
      out.clear();
      if (rows->size() < static_cast<size_t>(kReportPage)) co_return;
      after = rows->back().row_number;
    }
  }

 private:
  App& app_;
  int64_t import_id_;
};

awaitable<Result<Response>> get_report(App& app, Request& req) {
  KB_CO_ASSIGN(auto official, signed_in(app, req, access::official));
  KB_CO_ASSIGN(int64_t id, path_id(req, "id", "import_not_found"));
  KB_CO_ASSIGN(std::string reason, read_reason(req));
  KB_CO_ASSIGN(auto imp, visible_import(app, official, id));
  KB_CO_TRY(co_await audit_read(app, official.id, "vaccination.import.report", imp.id, reason,
                                fmt::format("{} rows", imp.counts.total)));
  Response res;
  res.content_type = "text/csv; charset=utf-8";
  res.headers.emplace_back(
      "Content-Disposition",
      fmt::format("attachment; filename=\"vaccination-import-{}-report.csv\"", imp.id));
  res.stream = std::make_shared<ReportStream>(app, imp.id);
  co_return res;
}

}  // namespace

void register_vaccination_routes(App& app) {
  auto ctx = std::make_shared<Context>(Context{app, vx::AddressBook::from(app.areas())});
  auto& r = app.router();
  r.add(
      Method::kPost, "/api/v1/vaccination/imports",
      [ctx](Request& req) { return create_import(*ctx, req); },
      "import a raw vaccination list (CSV): clean records and a report of every row");
  r.allow_body(Method::kPost, "/api/v1/vaccination/imports", app.config().max_import_body_bytes);
  r.add(
      Method::kGet, "/api/v1/vaccination/imports/{id}",
      [&app](Request& req) { return get_import(app, req); },
      "an import: who, when, the counts by status");
  r.add(
      Method::kGet, "/api/v1/vaccination/imports/{id}/rows",
      [&app](Request& req) { return list_import_rows(app, req); },
      "an import's rows with their outcome, by status, a page at a time (audited)");
  r.add(
      Method::kGet, "/api/v1/vaccination/imports/{id}/report.csv",
      [&app](Request& req) { return get_report(app, req); },
      "every row of an import with its status, reasons and fixes, as CSV (audited)");
}

}  // namespace kb::http
