#include "declarations/declaration.h"

#include <fmt/format.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cctype>

#include "audit/audit_log.h"
#include "core/clock.h"
#include "core/json_input.h"
#include "crypto/sealing.h"
#include "people/household.h"
#include "qr/personal_qr.h"
#include "store/client_writes.h"

namespace kb::declarations {
namespace {

using store::Param;
using store::Sql;

#define KB_DECLARATION_COLUMNS                                                                  \
  "id, person_id, declared_by, kind, travel_provinces, travel_countries, symptoms, exposures, " \
  "vaccine_doses, "                                                                             \
  "entry, created_at, superseded_at"

constexpr Sql kSupersede{
    "supersede_declarations",
    "UPDATE declarations SET superseded_at = $2 WHERE person_id = $1 AND superseded_at IS NULL"};
constexpr Sql kInsert{
    "insert_declaration",
    "INSERT INTO declarations(person_id, declared_by, kind, travel_provinces, travel_countries, "
    "symptoms, exposures, vaccine_doses, entry, created_at) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING " KB_DECLARATION_COLUMNS};
constexpr Sql kSelectById{"select_declaration",
                          "SELECT " KB_DECLARATION_COLUMNS " FROM declarations WHERE id = $1"};
constexpr Sql kHistory{"select_declarations",
                       "SELECT " KB_DECLARATION_COLUMNS
                       " FROM declarations WHERE person_id = $1 ORDER BY id DESC LIMIT $2"};

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) {
    if (!out.empty()) out.push_back(',');
    out += s;
  }
  return out;
}

std::vector<std::string> split(std::string_view s) {
  std::vector<std::string> out;
  while (!s.empty()) {
    size_t comma = s.find(',');
    out.emplace_back(s.substr(0, comma));
    if (comma == std::string_view::npos) break;
    s.remove_prefix(comma + 1);
  }
  return out;
}

std::optional<EntryDetails> entry_of(const std::optional<std::string>& text) {
  if (!text || text->empty()) return std::nullopt;
  boost::system::error_code ec;
  auto v = boost::json::parse(*text, ec);
  if (ec) return std::nullopt;
  auto entry = parse_entry(v);
  return entry.ok() ? std::optional(std::move(entry).value()) : std::nullopt;
}

Declaration from_row(const store::Row& r) {
  Declaration d;
  d.id = r.i64(0);
  d.person_id = r.i64(1);
  d.declared_by = r.opt_i64(2);
  d.kind = r.str(3);
  // The answers are sealed at rest (crypto/sealing.h); clear in rows written before sealing.
  d.travel_provinces = split(sealing::reveal(r.str(4)));
  d.travel_countries = split(sealing::reveal(r.str(5)));
  d.symptoms = split(sealing::reveal(r.str(6)));
  d.exposures = split(sealing::reveal(r.str(7)));
  d.vaccine_doses = r.i64(8);
  d.entry = entry_of(r.opt_str(9));
  d.created_at = r.i64(10);
  d.superseded_at = r.opt_i64(11);
  return d;
}

std::string upper(std::string_view s) {
  std::string out;
  for (char ch : s) {
    if (ch == ' ' && (out.empty() || out.back() == ' ')) continue;
    out.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(ch))));
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

bool is_country_code(std::string_view s) {
  return s.size() == 2 && std::isupper(static_cast<unsigned char>(s[0])) &&
         std::isupper(static_cast<unsigned char>(s[1]));
}

void sort_unique(std::vector<std::string>& v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
}

// A non-empty list of answers from `allowed`, or exactly {"none"}.
Status check_answers(std::vector<std::string>& answers, std::span<const std::string_view> allowed,
                     const char* field) {
  if (answers.empty()) {
    return invalid(field, "required",
                   fmt::format("answer {}: pick the ones that apply, or none", field));
  }
  for (size_t i = 0; i < answers.size(); ++i) {
    const std::string& a = answers[i];
    bool known = a == "none" || std::find(allowed.begin(), allowed.end(), a) != allowed.end();
    if (!known)
      return invalid(fmt::format("{}[{}]", field, i), "unknown_answer",
                     fmt::format("unknown answer '{}'", a));
  }
  sort_unique(answers);
  if (answers.size() > 1 && std::find(answers.begin(), answers.end(), "none") != answers.end()) {
    return invalid(field, "none_with_others", "'none' cannot be combined with other answers");
  }
  return {};
}

}  // namespace

boost::json::object entry_json(const EntryDetails& e) {
  return {{"transport", e.transport},
          {"vehicle_number", e.vehicle_number},
          {"seat", e.seat},
          {"departure_country", e.departure_country},
          {"arrival_date", e.arrival_date},
          {"quarantine_province_code", e.quarantine_province_code},
          {"quarantine_ward_code", e.quarantine_ward_code},
          {"quarantine_street", e.quarantine_street}};
}

Result<EntryDetails> parse_entry(const boost::json::value& v) {
  auto in_entry = [](Error e) {
    e.field = e.field.empty() ? "entry" : "entry." + e.field;
    return e;
  };
  if (!v.is_object()) return invalid("entry", "wrong_type", "entry must be an object");
  auto body = JsonBody::parse(boost::json::serialize(v));
  if (!body.ok()) return in_entry(body.error());
  EntryDetails e;
  struct Field {
    std::string EntryDetails::*member;
    std::string_view key;
    size_t max;
    bool required;
  };
  static constexpr Field kFields[] = {
      {&EntryDetails::transport, "transport", 20, true},
      {&EntryDetails::vehicle_number, "vehicle_number", 40, true},
      {&EntryDetails::seat, "seat", 20, false},
      {&EntryDetails::departure_country, "departure_country", 10, true},
      {&EntryDetails::arrival_date, "arrival_date", 20, true},
      {&EntryDetails::quarantine_province_code, "quarantine_province_code", 10, true},
      {&EntryDetails::quarantine_ward_code, "quarantine_ward_code", 10, true},
      {&EntryDetails::quarantine_street, "quarantine_street", 400, true}};
  for (const Field& f : kFields) {
    if (f.required) {
      auto value = body->required_string(f.key, f.max);
      if (!value.ok()) return in_entry(value.error());
      e.*f.member = std::move(value).value();
    } else {
      auto value = body->optional_string(f.key, f.max);
      if (!value.ok()) return in_entry(value.error());
      e.*f.member = value->value_or("");
    }
  }
  if (auto st = body->no_unknown_fields(); !st.ok()) return in_entry(st.error());
  return e;
}

Result<DeclarationInput> validate(DeclarationInput in, const areas::AreaDirectory& areas,
                                  int64_t now) {
  if (in.kind != "domestic" && in.kind != "entry") {
    return invalid("kind", "invalid_kind", "the declaration kind is domestic or entry");
  }
  for (size_t i = 0; i < in.travel_provinces.size(); ++i) {
    if (!areas.province(in.travel_provinces[i])) {
      return invalid(fmt::format("travel_provinces[{}]", i), "unknown_province",
                     "no such province");
    }
  }
  sort_unique(in.travel_provinces);
  for (size_t i = 0; i < in.travel_countries.size(); ++i) {
    std::string code = upper(in.travel_countries[i]);
    if (!is_country_code(code)) {
      return invalid(fmt::format("travel_countries[{}]", i), "invalid_country",
                     "a country is its two-letter ISO code, e.g. KR");
    }
    in.travel_countries[i] = code;
  }
  sort_unique(in.travel_countries);
  if (in.travel_countries.size() > 50)
    return invalid("travel_countries", "too_many", "at most 50 countries");
  KB_TRY(check_answers(in.symptoms, kSymptoms, "symptoms"));
  KB_TRY(check_answers(in.exposures, kExposures, "exposures"));
  if (in.vaccine_doses < 0 || in.vaccine_doses > 10) {
    return invalid("vaccine_doses", "out_of_range",
                   "the number of vaccine doses is between 0 and 10");
  }
  if (in.kind == "domestic") {
    if (in.entry)
      return invalid("entry", "not_for_domestic", "entry details belong to an entry declaration");
    return in;
  }
  if (!in.entry)
    return invalid("entry", "required", "an entry declaration needs the arrival details");
  EntryDetails& e = *in.entry;
  if (std::find(std::begin(kTransports), std::end(kTransports), e.transport) ==
      std::end(kTransports)) {
    return invalid("entry.transport", "invalid_transport",
                   "the transport is flight, ship, train or road");
  }
  e.vehicle_number = upper(e.vehicle_number);
  if (e.vehicle_number.empty()) {
    return invalid("entry.vehicle_number", "required", "the flight or vehicle number is required");
  }
  if (e.vehicle_number.size() > 20 ||
      e.vehicle_number.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 -.") !=
          std::string::npos) {
    return invalid("entry.vehicle_number", "invalid_vehicle_number",
                   "the flight or vehicle number has at most 20 letters and digits");
  }
  e.seat = upper(e.seat);
  if (e.seat.size() > 10 ||
      e.seat.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 -") != std::string::npos) {
    return invalid("entry.seat", "invalid_seat", "the seat has at most 10 letters and digits");
  }
  e.departure_country = upper(e.departure_country);
  if (!is_country_code(e.departure_country)) {
    return invalid("entry.departure_country", "invalid_country",
                   "a country is its two-letter ISO code, e.g. KR");
  }
  auto arrival = people::days_of_date(e.arrival_date);
  if (!arrival)
    return invalid("entry.arrival_date", "invalid_date",
                   "the arrival date is a date as YYYY-MM-DD");
  int64_t today = (now + kVietnamOffsetSeconds) / 86400;
  if (*arrival > today + 7)
    return invalid("entry.arrival_date", "too_far", "the arrival is more than 7 days away");
  if (*arrival < today - 30)
    return invalid("entry.arrival_date", "too_old", "the arrival was more than 30 days ago");
  if (!areas.province(e.quarantine_province_code)) {
    return invalid("entry.quarantine_province_code", "unknown_province", "no such province");
  }
  const areas::Ward* ward = areas.ward(e.quarantine_ward_code);
  if (!ward) return invalid("entry.quarantine_ward_code", "unknown_ward", "no such ward");
  if (ward->province_code != e.quarantine_province_code) {
    return invalid("entry.quarantine_ward_code", "ward_not_in_province",
                   "the ward is not in the chosen province");
  }
  std::string street;
  for (char ch : e.quarantine_street) {
    if (static_cast<unsigned char>(ch) < 0x20) continue;
    if (ch == ' ' && (street.empty() || street.back() == ' ')) continue;
    street.push_back(ch);
  }
  while (!street.empty() && street.back() == ' ') street.pop_back();
  if (street.empty())
    return invalid("entry.quarantine_street", "required", "the quarantine address is required");
  if (street.size() > 200)
    return invalid("entry.quarantine_street", "too_long", "at most 200 characters");
  e.quarantine_street = street;
  return in;
}

namespace {

// The person's colour recomputed as of now, and their QR in that colour: what a declaration,
// its repeat and the QR page each answer.
struct Standing {
  health::HealthStatus status;
  qr::IssuedQr qr;
};

Result<Standing> standing_now(store::Connection& c, int64_t person_id, int64_t now) {
  KB_ASSIGN(health::HealthStatus status, health::recompute_status(c, person_id, now));
  KB_ASSIGN(qr::IssuedQr q,
            qr::personal_qr_for(c, person_id, health::colour_name(status.colour), now));
  return Standing{status, std::move(q)};
}

// What a repeated submission answers: the declaration its client id recorded, for the same
// person (an id reused for another person is refused), with the colour and QR as of now.
Result<Submitted> repeat_of(store::Connection& c, int64_t declaration_id, int64_t person_id,
                            int64_t now) {
  KB_ASSIGN(auto row, c.query_one(kSelectById, {declaration_id}));
  if (!row) return internal("a remembered declaration is gone");
  Submitted out;
  out.declaration = from_row(*row);
  out.repeated = true;
  if (out.declaration.person_id != person_id) {
    return Error{ErrorKind::kConflict, "client_id_reused",
                 "this client id was used for another person's declaration", "client_id"};
  }
  KB_ASSIGN(Standing standing, standing_now(c, person_id, now));
  out.status = standing.status;
  out.qr = std::move(standing.qr);
  return out;
}

}  // namespace

Result<Submitted> submit(store::Connection& c, int64_t account_id, const DeclarationInput& in,
                         int64_t now) {
  KB_ASSIGN(people::Person person, people::managed_person(c, account_id, in.person_id));
  if (!people::is_complete(person)) {
    return Error{
        ErrorKind::kConflict, "profile_incomplete",
        "complete this person's name, ID number, birth date, sex and address before declaring",
        "person_id"};
  }
  std::string scope = fmt::format("declaration:{}", account_id);
  if (in.client_id) {
    KB_ASSIGN(auto seen, store::recall_client_write(c, scope, *in.client_id));
    if (seen) return repeat_of(c, std::stoll(*seen), in.person_id, now);
  }
  KB_TRY(c.exec(kSupersede, {in.person_id, now}));
  std::string travel_provinces = sealing::seal(join(in.travel_provinces));
  std::string travel_countries = sealing::seal(join(in.travel_countries));
  std::string symptoms = sealing::seal(join(in.symptoms));
  std::string exposures = sealing::seal(join(in.exposures));
  std::string entry = in.entry ? boost::json::serialize(entry_json(*in.entry)) : std::string();
  Param entry_param = in.entry ? Param{std::string_view(entry)} : Param{nullptr};
  KB_ASSIGN(auto row, c.query_one(kInsert, {in.person_id, account_id, std::string_view(in.kind),
                                            std::string_view(travel_provinces),
                                            std::string_view(travel_countries),
                                            std::string_view(symptoms), std::string_view(exposures),
                                            in.vaccine_doses, entry_param, now}));
  if (!row) return internal("inserting a declaration returned nothing");
  Submitted out;
  out.declaration = from_row(*row);
  KB_ASSIGN(Standing standing, standing_now(c, in.person_id, now));
  out.status = standing.status;
  out.qr = std::move(standing.qr);
  KB_TRY(audit::record(c, {now,
                           account_id,
                           "declaration.create",
                           fmt::format("person:{}", in.person_id),
                           {},
                           fmt::format("declaration:{}", out.declaration.id)}));
  if (in.client_id) {
    KB_TRY(store::remember_client_write(c, scope, *in.client_id, std::to_string(out.declaration.id),
                                        now));
  }
  return out;
}

Result<std::vector<Declaration>> history(store::Connection& c, int64_t person_id, int64_t limit) {
  KB_ASSIGN(store::Rows rows, c.query(kHistory, {person_id, limit}));
  std::vector<Declaration> out;
  out.reserve(rows.size());
  for (const auto& r : rows) out.push_back(from_row(r));
  return out;
}

Result<std::optional<Declaration>> latest(store::Connection& c, int64_t person_id) {
  KB_ASSIGN(auto list, history(c, person_id, 1));
  if (list.empty()) return std::optional<Declaration>{};
  return std::optional<Declaration>{std::move(list.front())};
}

Result<PersonalQr> personal_qr(store::Connection& c, int64_t account_id, int64_t person_id,
                               int64_t now) {
  KB_ASSIGN(people::Person person, people::managed_person(c, account_id, person_id));
  KB_ASSIGN(auto last, latest(c, person_id));
  if (!last) {
    return Error{ErrorKind::kConflict, "no_declaration",
                 "declare for this person first to get their QR code", "person_id"};
  }
  KB_ASSIGN(Standing standing, standing_now(c, person_id, now));
  return PersonalQr{std::move(person), std::move(standing.qr), standing.status};
}

Result<int64_t> revoke_qr_codes(store::Connection& c, int64_t account_id, int64_t person_id,
                                int64_t now) {
  KB_TRY(people::managed_person(c, account_id, person_id));
  KB_ASSIGN(int64_t n, qr::revoke_personal_qrs(c, person_id, now));
  KB_TRY(audit::record(c, {now,
                           account_id,
                           "qr.revoke",
                           fmt::format("person:{}", person_id),
                           {},
                           fmt::format("{} tokens", n)}));
  return n;
}

}  // namespace kb::declarations
