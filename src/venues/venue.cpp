#include "venues/venue.h"

#include <fmt/format.h>
#include <sodium.h>

#include <array>

#include "accounts/accounts.h"
#include "audit/audit_log.h"
#include "crypto/sealing.h"
#include "notify/cache_events.h"

namespace kb::venues {
namespace {

using store::Param;
using store::Sql;

#define KB_VENUE_COLUMNS                                                               \
  "v.id, v.code, v.name, v.kind, v.province_code, v.ward_code, v.street, v.capacity, " \
  "v.contact_phone, "                                                                  \
  "v.status, v.created_by, v.created_at"

constexpr Sql kInsertVenue{"insert_venue",
                           "INSERT INTO venues(code, name, kind, province_code, ward_code, street, "
                           "capacity, contact_phone, status, "
                           "created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, "
                           "$7, $8, 'open', $9, $10, $10) "
                           "ON CONFLICT (code) DO NOTHING RETURNING id"};
constexpr Sql kInsertManager{
    "insert_venue_manager",
    "INSERT INTO venue_staff(venue_id, user_id, role, added_at) VALUES ($1, $2, 'manager', $3)"};
constexpr Sql kSelectVenue{"select_venue",
                           "SELECT " KB_VENUE_COLUMNS " FROM venues v WHERE v.id = $1"};
constexpr Sql kSelectVenueByCode{"select_venue_by_code",
                                 "SELECT " KB_VENUE_COLUMNS " FROM venues v WHERE v.code = $1"};
constexpr Sql kUpdateStatus{"update_venue_status",
                            "UPDATE venues SET status = $2, updated_at = $3 WHERE id = $1"};
constexpr Sql kSelectRole{"select_venue_role",
                          "SELECT role FROM venue_staff WHERE venue_id = $1 AND user_id = $2"};
constexpr Sql kSelectVenuesOf{"select_venues_of_user",
                              "SELECT " KB_VENUE_COLUMNS
                              ", s.role FROM venue_staff s JOIN venues v ON v.id = s.venue_id "
                              "WHERE s.user_id = $1 ORDER BY v.id DESC"};
constexpr Sql kSelectVenuesAll{"select_venues_all",
                               "SELECT " KB_VENUE_COLUMNS
                               " FROM venues v WHERE v.id < $1 ORDER BY v.id DESC LIMIT $2"};
constexpr Sql kSelectVenuesInProvince{
    "select_venues_in_province",
    "SELECT " KB_VENUE_COLUMNS
    " FROM venues v WHERE v.province_code = $1 AND v.id < $2 ORDER BY v.id DESC LIMIT $3"};
constexpr Sql kSelectVenuesInWard{
    "select_venues_in_ward",
    "SELECT " KB_VENUE_COLUMNS
    " FROM venues v WHERE v.ward_code = $1 AND v.id < $2 ORDER BY v.id DESC LIMIT $3"};
constexpr Sql kSelectStaff{"select_venue_staff",
                           "SELECT s.user_id, u.username, u.phone, s.role, s.added_at FROM "
                           "venue_staff s JOIN users u ON u.id = s.user_id "
                           "WHERE s.venue_id = $1 ORDER BY s.role, s.added_at, s.user_id"};
constexpr Sql kSelectStaffAccount{"select_staff_account",
                                  "SELECT id, role, disabled FROM users WHERE username = $1"};
constexpr Sql kInsertStaff{
    "insert_venue_staff",
    "INSERT INTO venue_staff(venue_id, user_id, role, added_at) VALUES ($1, $2, 'staff', $3) "
    "ON CONFLICT (venue_id, user_id) DO NOTHING"};
constexpr Sql kDeleteStaff{
    "delete_venue_staff",
    "DELETE FROM venue_staff WHERE venue_id = $1 AND user_id = $2 AND role = 'staff'"};

constexpr std::string_view kCodeAlphabet = "abcdefghjkmnpqrstuvwxyz23456789";
constexpr size_t kCodeLength = 10;

constexpr std::array<std::string_view, 9> kKindNames = {
    "office",    "school", "market",          "shop", "restaurant", "hospital",
    "transport", "other",  "vaccination_site"};

Result<VenueStatus> status_from(std::string_view text) { return parse_status(text); }

Result<Venue> from_row(const store::Row& r) {
  Venue v;
  v.id = r.i64(0);
  v.code = r.str(1);
  v.name = r.str(2);
  KB_ASSIGN(v.kind, parse_kind(r.str(3)));
  v.province_code = r.str(4);
  v.ward_code = r.str(5);
  v.street = r.str(6);
  v.capacity = r.opt_i64(7);
  v.contact_phone = sealing::reveal(r.str(8));
  KB_ASSIGN(v.status, status_from(r.str(9)));
  v.created_by = r.i64(10);
  v.created_at = r.i64(11);
  return v;
}

Result<std::optional<Venue>> one(Result<std::optional<store::Row>> row) {
  if (!row.ok()) return std::move(row).error();
  if (!*row) return std::optional<Venue>{};
  KB_ASSIGN(Venue v, from_row(**row));
  return std::optional<Venue>{std::move(v)};
}

Result<std::vector<Venue>> many(Result<store::Rows> rows) {
  if (!rows.ok()) return std::move(rows).error();
  std::vector<Venue> out;
  out.reserve(rows->size());
  for (const auto& r : *rows) {
    KB_ASSIGN(Venue v, from_row(r));
    out.push_back(std::move(v));
  }
  return out;
}

Result<StaffRole> parse_staff_role(std::string_view text) {
  if (text == "manager") return StaffRole::kManager;
  if (text == "staff") return StaffRole::kStaff;
  return internal(fmt::format("unknown venue role {}", text));
}

}  // namespace

std::string_view kind_name(Kind kind) { return kKindNames[static_cast<size_t>(kind)]; }

Result<Kind> parse_kind(std::string_view text, std::string_view field) {
  for (size_t i = 0; i < kKindNames.size(); ++i) {
    if (kKindNames[i] == text) return static_cast<Kind>(i);
  }
  return invalid(
      std::string(field), "invalid_kind",
      "kind must be office, school, market, shop, restaurant, hospital, transport, other or "
      "vaccination_site");
}

std::string_view status_name(VenueStatus status) {
  switch (status) {
    case VenueStatus::kOpen:
      return "open";
    case VenueStatus::kClosed:
      return "closed";
    case VenueStatus::kSuspended:
      return "suspended";
  }
  return "open";
}

Result<VenueStatus> parse_status(std::string_view text, std::string_view field) {
  if (text == "open") return VenueStatus::kOpen;
  if (text == "closed") return VenueStatus::kClosed;
  if (text == "suspended") return VenueStatus::kSuspended;
  return invalid(std::string(field), "invalid_status", "status must be open, closed or suspended");
}

std::string_view staff_role_name(StaffRole role) {
  return role == StaffRole::kManager ? "manager" : "staff";
}

std::string address_line(const Venue& v, const areas::AreaDirectory& areas) {
  std::string out = v.street;
  if (const auto* w = areas.ward(v.ward_code)) out += (out.empty() ? "" : ", ") + w->name;
  if (const auto* p = areas.province(v.province_code)) out += (out.empty() ? "" : ", ") + p->name;
  return out;
}

std::string new_code() {
  std::string code;
  code.reserve(kCodeLength);
  for (size_t i = 0; i < kCodeLength; ++i) {
    code.push_back(kCodeAlphabet[randombytes_uniform(static_cast<uint32_t>(kCodeAlphabet.size()))]);
  }
  return code;
}

Result<VenueCode> VenueCode::parse(std::string_view text, std::string_view field) {
  std::string code(text);
  for (char& ch : code) {
    if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
  }
  if (code.size() != kCodeLength || code.find_first_not_of(kCodeAlphabet) != std::string::npos) {
    return invalid(std::string(field), "invalid_venue_code", "this is not a venue code");
  }
  return VenueCode(std::move(code));
}

Result<Venue> create(store::Connection& c, const NewVenue& nv, int64_t manager_id, int64_t now) {
  Param capacity = nv.capacity ? Param{*nv.capacity} : Param{nullptr};
  // The contact phone is sealed at rest (crypto/sealing.h); nothing looks a venue up by it.
  const std::string sealed_phone = sealing::seal(nv.contact_phone);
  Param phone = sealed_phone.empty() ? Param{nullptr} : Param{std::string_view(sealed_phone)};
  for (int attempt = 0; attempt < 5; ++attempt) {
    std::string code = new_code();
    KB_ASSIGN(auto row, c.query_one(kInsertVenue,
                                    {code, nv.name, kind_name(nv.kind), nv.province_code,
                                     nv.ward_code, nv.street, capacity, phone, manager_id, now}));
    if (!row) continue;  // the code is taken: draw another
    Venue v;
    v.id = row->i64(0);
    v.code = std::move(code);
    v.name = nv.name;
    v.kind = nv.kind;
    v.province_code = nv.province_code;
    v.ward_code = nv.ward_code;
    v.street = nv.street;
    v.capacity = nv.capacity;
    v.contact_phone = nv.contact_phone;
    v.created_by = manager_id;
    v.created_at = now;
    KB_TRY(c.exec(kInsertManager, {v.id, manager_id, now}));
    KB_TRY(audit::record(c, {.at = now,
                             .actor_id = manager_id,
                             .action = "venue.create",
                             .subject = fmt::format("venue:{}", v.id)}));
    return v;
  }
  return internal("could not draw a free venue code");
}

Result<std::optional<Venue>> find(store::Connection& c, int64_t id) {
  return one(c.query_one(kSelectVenue, {id}));
}

Result<std::optional<Venue>> find_by_code(store::Connection& c, std::string_view code) {
  return one(c.query_one(kSelectVenueByCode, {code}));
}

Status set_status(store::Connection& c, int64_t id, VenueStatus status, int64_t actor_id,
                  int64_t now) {
  KB_ASSIGN(int64_t n, c.exec(kUpdateStatus, {id, status_name(status), now}));
  if (n == 0) return make_error(ErrorKind::kNotFound, "venue_not_found", "no such venue");
  KB_TRY(notify::announce_stale(c, {notify::Stale::Kind::kVenue, std::to_string(id)}));
  return audit::record(c, {.at = now,
                           .actor_id = actor_id,
                           .action = "venue.status",
                           .subject = fmt::format("venue:{}", id),
                           .detail = status_name(status)});
}

Result<std::optional<StaffRole>> role_at(store::Connection& c, int64_t venue_id, int64_t user_id) {
  KB_ASSIGN(auto row, c.query_one(kSelectRole, {venue_id, user_id}));
  if (!row) return std::optional<StaffRole>{};
  KB_ASSIGN(StaffRole role, parse_staff_role(row->str(0)));
  return std::optional<StaffRole>{role};
}

Result<std::vector<VenueWithRole>> venues_of(store::Connection& c, int64_t user_id) {
  KB_ASSIGN(store::Rows rows, c.query(kSelectVenuesOf, {user_id}));
  std::vector<VenueWithRole> out;
  out.reserve(rows.size());
  for (const auto& r : rows) {
    KB_ASSIGN(Venue v, from_row(r));
    KB_ASSIGN(StaffRole role, parse_staff_role(r.str(12)));
    out.push_back({std::move(v), role});
  }
  return out;
}

Result<std::vector<Venue>> venues_in(store::Connection& c, const areas::Jurisdiction& j,
                                     int64_t limit, std::optional<int64_t> before_id) {
  int64_t before = before_id.value_or(INT64_MAX);
  switch (j.level) {
    case areas::Jurisdiction::Level::kNational:
      return many(c.query(kSelectVenuesAll, {before, limit}));
    case areas::Jurisdiction::Level::kProvince:
      return many(c.query(kSelectVenuesInProvince, {std::string_view(j.code), before, limit}));
    case areas::Jurisdiction::Level::kWard:
      return many(c.query(kSelectVenuesInWard, {std::string_view(j.code), before, limit}));
  }
  return std::vector<Venue>{};
}

Result<std::vector<StaffMember>> staff_of(store::Connection& c, int64_t venue_id) {
  KB_ASSIGN(store::Rows rows, c.query(kSelectStaff, {venue_id}));
  std::vector<StaffMember> out;
  out.reserve(rows.size());
  for (const auto& r : rows) {
    KB_ASSIGN(StaffRole role, parse_staff_role(r.str(3)));
    out.push_back({r.i64(0), r.str(1), sealing::reveal(r.str(2)), role, r.i64(4)});
  }
  return out;
}

Result<StaffMember> attach_staff(store::Connection& c, int64_t venue_id, std::string_view username,
                                 int64_t actor_id, int64_t now) {
  KB_ASSIGN(auto row, c.query_one(kSelectStaffAccount, {username}));
  if (!row || row->i64(2) != 0) {
    return Error{ErrorKind::kNotFound, "user_not_found", "no active account has this username",
                 "username"};
  }
  if (row->str(1) != "venue_staff") {
    return Error{ErrorKind::kConflict, "not_venue_staff_account",
                 "only venue-staff accounts can be attached", "username"};
  }
  return attach_user(c, venue_id, row->i64(0), username, actor_id, now);
}

Result<StaffMember> attach_user(store::Connection& c, int64_t venue_id, int64_t user_id,
                                std::string_view username, int64_t actor_id, int64_t now) {
  KB_ASSIGN(int64_t n, c.exec(kInsertStaff, {venue_id, user_id, now}));
  if (n == 0) {
    return Error{ErrorKind::kConflict, "already_staff", "this account already works at this venue",
                 "username"};
  }
  KB_TRY(audit::record(c, {.at = now,
                           .actor_id = actor_id,
                           .action = "venue.staff.add",
                           .subject = fmt::format("venue:{}", venue_id),
                           .detail = fmt::format("user:{}", user_id)}));
  return StaffMember{user_id, std::string(username), {}, StaffRole::kStaff, now};
}

Result<StaffMember> add_staff(store::Connection& c, int64_t venue_id, std::string_view username,
                              const std::optional<std::string>& password_hash, int64_t actor_id,
                              int64_t now) {
  if (!password_hash) return attach_staff(c, venue_id, username, actor_id, now);
  accounts::NewStaff staff;
  staff.username = std::string(username);
  staff.password_hash = *password_hash;
  staff.role = accounts::Role::kVenueStaff;
  KB_ASSIGN(accounts::User u, accounts::create_staff(c, staff, actor_id, now));
  return attach_user(c, venue_id, u.id, u.username, actor_id, now);
}

Status detach_staff(store::Connection& c, int64_t venue_id, int64_t user_id, int64_t actor_id,
                    int64_t now) {
  KB_ASSIGN(int64_t n, c.exec(kDeleteStaff, {venue_id, user_id}));
  if (n == 0)
    return make_error(ErrorKind::kNotFound, "staff_not_found", "this account is not staff here");
  return audit::record(c, {.at = now,
                           .actor_id = actor_id,
                           .action = "venue.staff.remove",
                           .subject = fmt::format("venue:{}", venue_id),
                           .detail = fmt::format("user:{}", user_id)});
}

}  // namespace kb::venues
