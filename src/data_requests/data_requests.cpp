#include "data_requests/data_requests.h"

#include <fmt/format.h>

#include <algorithm>

#include "access/policy.h"
#include "audit/audit_log.h"
#include "core/clock.h"
#include "core/csv.h"
#include "dashboard/case_reports.h"
#include "search/person_search.h"

namespace kb::data_requests {
namespace {

using store::Sql;

constexpr Sql kInsert{
    "insert_data_request",
    "INSERT INTO data_requests(agency, purpose, fields, area_code, province_code, ward_code, "
    "from_at, to_at, expires_at, requested_by, requested_at) VALUES ($1, $2, $3, $4, $5, $6, $7, "
    "$8, $9, $10, $11) RETURNING id"};
constexpr Sql kSelect{"select_data_request",
                      "SELECT id, agency, purpose, fields, area_code, from_at, to_at, expires_at, "
                      "requested_by, requested_at, approved_by, approved_at, downloads, "
                      "province_code, ward_code FROM data_requests WHERE id = $1"};
constexpr Sql kSelectAll{"select_data_requests",
                         "SELECT id, agency, purpose, fields, area_code, from_at, to_at, "
                         "expires_at, requested_by, requested_at, approved_by, approved_at, "
                         "downloads, province_code, ward_code FROM data_requests "
                         "ORDER BY id DESC LIMIT 500"};
// Conditional: two approvers at once approve once.
constexpr Sql kApprove{"approve_data_request",
                       "UPDATE data_requests SET approved_by = $2, approved_at = $3 WHERE id = $1 "
                       "AND approved_by IS NULL"};
constexpr Sql kCountDownload{"count_data_request_download",
                             "UPDATE data_requests SET downloads = downloads + 1 WHERE id = $1"};

struct Stored {
  Request request;
  std::string province, ward;
};

std::vector<std::string> split_fields(std::string_view text) {
  std::vector<std::string> out;
  while (!text.empty()) {
    auto comma = text.find(',');
    out.emplace_back(text.substr(0, comma));
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return out;
}

Stored from_row(const store::Row& r) {
  Stored s;
  Request& q = s.request;
  q.id = r.i64(0);
  q.agency = r.str(1);
  q.purpose = r.str(2);
  q.fields = split_fields(r.str(3));
  q.area = r.str(4);
  q.from = r.i64(5);
  q.to = r.i64(6);
  q.expires_at = r.i64(7);
  q.requested_by = r.i64(8);
  q.requested_at = r.i64(9);
  q.approved_by = r.opt_i64(10);
  q.approved_at = r.opt_i64(11);
  q.downloads = r.i64(12);
  s.province = r.str(13);
  s.ward = r.str(14);
  return s;
}

bool in_charge_of(const accounts::User& official, const Stored& s) {
  return access::in_charge_of(official, s.province, s.ward);
}

Error not_found() {
  return make_error(ErrorKind::kNotFound, "data_request_not_found",
                    "no such data request in your area");
}

Result<Stored> load(store::Connection& c, const accounts::User& official, int64_t id) {
  KB_TRY(access::official(official));
  KB_ASSIGN(auto row, c.query_one(kSelect, {id}));
  if (!row) return not_found();
  Stored s = from_row(*row);
  if (!in_charge_of(official, s)) return not_found();
  return s;
}

// Characters, not bytes: Vietnamese letters take two or three bytes each.
size_t characters(std::string_view s) {
  return static_cast<size_t>(
      std::count_if(s.begin(), s.end(), [](char ch) { return (ch & 0xC0) != 0x80; }));
}

Status check_text(std::string_view field, std::string_view text, size_t max) {
  if (text.empty()) return invalid(std::string(field), "empty", fmt::format("give the {}", field));
  if (characters(text) > max) {
    return invalid(std::string(field), "too_long", fmt::format("at most {} characters", max));
  }
  return {};
}

Status check_fields(const std::vector<std::string>& fields) {
  if (fields.empty()) return invalid("fields", "empty", "ask for at least one field");
  for (size_t i = 0; i < fields.size(); ++i) {
    if (std::find(std::begin(kFields), std::end(kFields), fields[i]) == std::end(kFields)) {
      return invalid("fields", "unknown_field_name",
                     fmt::format("no field '{}' can be asked for", fields[i]));
    }
    if (std::find(fields.begin(), fields.begin() + static_cast<std::ptrdiff_t>(i), fields[i]) !=
        fields.begin() + static_cast<std::ptrdiff_t>(i)) {
      return invalid("fields", "repeated", fmt::format("'{}' is asked for twice", fields[i]));
    }
  }
  return {};
}

std::string joined(const std::vector<std::string>& fields) {
  std::string out;
  for (const auto& f : fields) out += (out.empty() ? "" : ",") + f;
  return out;
}

// The cell of one field of a declaration row.
std::string cell_of(const search::DeclarationRow& d, std::string_view field) {
  if (field == "declared_on") return format_rfc3339(d.created_at).substr(0, 10);
  if (field == "kind") return d.kind;
  if (field == "birth_year") return d.birth_date.substr(0, 4);
  if (field == "sex") return d.sex;
  if (field == "province_code") return d.province_code;
  if (field == "ward_code") return d.ward_code;
  if (field == "symptoms") return d.symptoms;
  if (field == "exposures") return d.exposures;
  if (field == "vaccine_doses") return std::to_string(d.vaccine_doses);
  if (field == "travel_provinces") return d.travel_provinces;
  if (field == "travel_countries") return d.travel_countries;
  if (field == "full_name") return d.full_name;
  if (field == "id_number") return d.id_number;
  if (field == "birth_date") return d.birth_date;
  if (field == "phone") return d.phone;
  if (field == "street") return d.street;
  return "";
}

}  // namespace

std::string_view state_name(State s) {
  switch (s) {
    case State::kPending:
      return "pending";
    case State::kApproved:
      return "approved";
    case State::kExpired:
      return "expired";
  }
  return "pending";
}

State Request::state_at(int64_t now) const {
  if (now >= expires_at) return State::kExpired;
  return approved_at ? State::kApproved : State::kPending;
}

Result<Request> file(store::Connection& c, const areas::AreaDirectory& areas,
                     const accounts::User& official, NewRequest r, int64_t now) {
  KB_TRY(access::official(official));
  KB_TRY(check_text("agency", r.agency, 200));
  KB_TRY(check_text("purpose", r.purpose, 1000));
  KB_TRY(check_fields(r.fields));
  if (r.area.empty()) return invalid("area", "missing_field", "give a province or ward code");
  KB_ASSIGN(r.area, dashboard::area_for(official, areas, r.area));
  std::string province = r.area, ward;
  if (const auto* w = areas.ward(r.area)) {
    province = w->province_code;
    ward = w->code;
  }
  if (r.to <= r.from) return invalid("to", "before_from", "to is before from");
  if (r.to - r.from > kMaxDays * 86400) {
    return invalid("to", "range_too_long", fmt::format("at most {} days", kMaxDays));
  }
  if (r.expires_at <= now) return invalid("expires_on", "in_the_past", "expiry is in the past");
  if (r.expires_at - now > kMaxValidDays * 86400) {
    return invalid("expires_on", "too_far", fmt::format("at most {} days ahead", kMaxValidDays));
  }
  std::string fields = joined(r.fields);
  KB_ASSIGN(auto row, c.query_one(kInsert, {std::string_view(r.agency), std::string_view(r.purpose),
                                            std::string_view(fields), std::string_view(r.area),
                                            std::string_view(province), std::string_view(ward),
                                            r.from, r.to, r.expires_at, official.id, now}));
  if (!row) return internal("insert into data_requests returned no id");
  int64_t id = row->i64(0);
  KB_TRY(audit::record(c,
                       {now, official.id, "data_request.file", fmt::format("data_request:{}", id),
                        r.purpose, fmt::format("agency {}; fields {}", r.agency, fields)},
                       official));
  return Request{id,           r.agency,    r.purpose, r.area, r.fields, r.from, r.to,
                 r.expires_at, official.id, now,       {},     {},       0};
}

Result<Request> approve(store::Connection& c, const accounts::User& official, int64_t id,
                        int64_t now) {
  KB_ASSIGN(Stored s, load(c, official, id));
  if (s.request.requested_by == official.id) {
    return make_error(ErrorKind::kForbidden, "own_request",
                      "another official of the area must approve this request");
  }
  if (s.request.state_at(now) == State::kExpired) {
    return make_error(ErrorKind::kGone, "expired", "this request has expired");
  }
  KB_ASSIGN(int64_t changed, c.exec(kApprove, {id, official.id, now}));
  if (changed == 0) {
    return make_error(ErrorKind::kConflict, "already_approved", "this request is approved");
  }
  KB_TRY(audit::record(c,
                       {now, official.id, "data_request.approve",
                        fmt::format("data_request:{}", id), s.request.purpose, s.request.agency},
                       official));
  s.request.approved_by = official.id;
  s.request.approved_at = now;
  return s.request;
}

Result<std::vector<Request>> list(store::Connection& c, const accounts::User& official) {
  KB_TRY(access::official(official));
  KB_ASSIGN(auto rows, c.query(kSelectAll));
  std::vector<Request> out;
  for (const auto& r : rows) {
    Stored s = from_row(r);
    if (in_charge_of(official, s)) out.push_back(std::move(s.request));
  }
  return out;
}

Result<Request> read(store::Connection& c, const accounts::User& official, int64_t id) {
  KB_ASSIGN(Stored s, load(c, official, id));
  return s.request;
}

Result<std::string> export_csv(store::Connection& c, const accounts::User& official, int64_t id,
                               int64_t now) {
  KB_ASSIGN(Stored s, load(c, official, id));
  const Request& q = s.request;
  if (q.requested_by != official.id) {
    return make_error(ErrorKind::kForbidden, "not_requester",
                      "only the official who filed the request downloads its export");
  }
  switch (q.state_at(now)) {
    case State::kExpired:
      return make_error(ErrorKind::kGone, "expired", "this request has expired");
    case State::kPending:
      return make_error(ErrorKind::kForbidden, "not_approved", "this request is not approved yet");
    case State::kApproved:
      break;
  }
  KB_ASSIGN(auto rows, search::declarations_in(c, q.area, q.from, q.to));
  std::string out{csv::kBom};
  csv::append_row(out, q.fields);
  std::vector<int64_t> people;
  for (const auto& d : rows) {
    std::vector<std::string> cells;
    for (const auto& f : q.fields) cells.push_back(cell_of(d, f));
    csv::append_row(out, cells);
    people.push_back(d.person_id);
  }
  KB_TRY(c.exec(kCountDownload, {id}));
  KB_TRY(audit::record(c,
                       {.at = now,
                        .actor_id = official.id,
                        .action = "data_request.export",
                        .subject = fmt::format("data_request:{}", id),
                        .reason = q.purpose,
                        .detail = q.agency,
                        .people = people},
                       official));
  return out;
}

}  // namespace kb::data_requests
