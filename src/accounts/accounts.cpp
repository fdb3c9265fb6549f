#include "accounts/accounts.h"

#include <fmt/format.h>

#include "audit/audit_log.h"
#include "core/crypto.h"
#include "core/phone.h"
#include "crypto/sealing.h"
#include "notify/cache_events.h"
#include "notify/delivery.h"

namespace kb::accounts {
namespace {

using store::Param;
using store::Sql;

constexpr Sql kSelectSetting{"select_setting", "SELECT value FROM settings WHERE name = $1"};
constexpr Sql kInsertSetting{
    "insert_setting",
    "INSERT INTO settings(name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING"};

constexpr Sql kSelectRateLimit{"select_rate_limit",
                               "SELECT window_start, hits FROM rate_limits WHERE bucket = $1"};
constexpr Sql kUpsertRateLimit{
    "upsert_rate_limit",
    "INSERT INTO rate_limits(bucket, window_start, hits) VALUES ($1, $2, $3) "
    "ON CONFLICT (bucket) DO UPDATE SET window_start = excluded.window_start, hits = "
    "excluded.hits"};
constexpr Sql kDeleteRateLimit{"delete_rate_limit", "DELETE FROM rate_limits WHERE bucket = $1"};

// A challenge is kept under its phone's blind index (crypto/sealing.h), never the phone itself.
constexpr Sql kSelectOtp{
    "select_otp",
    "SELECT code_hash, expires_at, attempts, last_sent_at, window_start, sends_in_window "
    "FROM otp_challenges WHERE phone = $1"};
constexpr Sql kUpsertOtp{
    "upsert_otp",
    "INSERT INTO otp_challenges(phone, code_hash, expires_at, attempts, last_sent_at, "
    "window_start, "
    "sends_in_window) VALUES ($1, $2, $3, 0, $4, $5, $6) ON CONFLICT (phone) DO UPDATE SET "
    "code_hash = excluded.code_hash, expires_at = excluded.expires_at, attempts = 0, "
    "last_sent_at = excluded.last_sent_at, window_start = excluded.window_start, "
    "sends_in_window = excluded.sends_in_window"};
constexpr Sql kCountOtpAttempt{
    "count_otp_attempt", "UPDATE otp_challenges SET attempts = attempts + 1 WHERE phone = $1"};
constexpr Sql kSpendOtp{
    "spend_otp", "UPDATE otp_challenges SET code_hash = '', expires_at = 0 WHERE phone = $1"};

constexpr Sql kSelectAccountByUsername{"select_account_by_username",
                                       "SELECT id, role FROM users WHERE username = $1"};
constexpr Sql kSelectAccountByPhone{
    "select_account_by_phone",
    "SELECT id, role FROM users WHERE phone_index = $1 AND role = 'citizen'"};
constexpr Sql kSetDisabled{"set_user_disabled", "UPDATE users SET disabled = $2 WHERE id = $1"};
constexpr Sql kRevokeSessionsOfUser{
    "revoke_sessions_of_user",
    "UPDATE sessions SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL"};
constexpr Sql kSelectUserByPhone{
    "select_user_by_phone",
    "SELECT id, disabled FROM users WHERE phone_index = $1 AND role = 'citizen'"};
constexpr Sql kInsertCitizen{
    "insert_citizen",
    "INSERT INTO users(role, phone, phone_index, created_at) VALUES ('citizen', $1, $2, $3) "
    "RETURNING id"};
constexpr Sql kSelectLogin{
    "select_login",
    "SELECT id, role, username, password_hash, jurisdiction_code, must_change_password, disabled "
    "FROM users WHERE username = $1"};
constexpr Sql kInsertStaff{
    "insert_staff",
    "INSERT INTO users(role, username, password_hash, jurisdiction_level, jurisdiction_code, "
    "must_change_password, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id"};
constexpr Sql kSelectUsernameTaken{"select_username_taken",
                                   "SELECT 1 FROM users WHERE username = $1"};
constexpr Sql kCountAdmins{"count_admins", "SELECT COUNT(*) FROM users WHERE role = 'admin'"};
constexpr Sql kUpdatePassword{
    "update_password",
    "UPDATE users SET password_hash = $2, must_change_password = 0 WHERE id = $1"};
constexpr Sql kSelectPasswordHash{"select_password_hash",
                                  "SELECT password_hash FROM users WHERE id = $1"};
constexpr Sql kResetPassword{
    "reset_password",
    "UPDATE users SET password_hash = $2, must_change_password = 1 WHERE id = $1"};

#define KB_ACCOUNT_COLUMNS                                                                  \
  "SELECT u.id, u.role, u.phone, u.username, u.jurisdiction_code, u.must_change_password, " \
  "u.disabled, "                                                                            \
  "u.created_at, (SELECT MAX(s.created_at) FROM sessions s WHERE s.user_id = u.id) FROM users u "
constexpr Sql kSelectAccount{"select_account", KB_ACCOUNT_COLUMNS "WHERE u.id = $1"};
// $1 username pattern ('' for any), $2 a whole phone's blind index (phones are sealed; '' for
// none), $3 role ('' for any), $4 jurisdiction ('' for any, 'national', or a code: a province
// code also matches its wards), $5 page, $6 limit.
constexpr Sql kFindAccounts{
    "find_accounts", KB_ACCOUNT_COLUMNS
    "WHERE ($1 = '' OR u.username LIKE $1 ESCAPE '\\' OR u.phone_index = $2) "
    "AND ($3 = '' OR u.role = $3) "
    "AND ($4 = '' OR ($4 = 'national' AND u.jurisdiction_level = 'national') OR "
    "u.jurisdiction_code = $4 "
    "OR u.jurisdiction_code IN (SELECT w.code FROM wards w WHERE w.province_code = $4)) "
    "AND ($5 = 0 OR u.id < $5) ORDER BY u.id DESC LIMIT $6"};
#undef KB_ACCOUNT_COLUMNS

constexpr Sql kInsertSession{
    "insert_session",
    "INSERT INTO sessions(token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)"};
constexpr Sql kSelectSession{
    "select_session",
    "SELECT u.id, u.role, u.phone, u.username, u.jurisdiction_code, u.must_change_password, "
    "s.expires_at, s.revoked_at, u.disabled FROM sessions s JOIN users u ON u.id = s.user_id "
    "WHERE s.token_hash = $1"};
constexpr Sql kRevokeSession{
    "revoke_session",
    "UPDATE sessions SET revoked_at = $2 WHERE token_hash = $1 AND revoked_at IS NULL"};

Error rate_limited(std::string message, int64_t retry_after = 0) {
  Error e = make_error(ErrorKind::kRateLimited, "rate_limited", std::move(message));
  e.retry_after = retry_after;
  return e;
}

// Fixed-window counter; returns false (and counts nothing) when the bucket is full.
Result<bool> take_token(store::Connection& c, std::string_view bucket, int limit, int window,
                        int64_t now) {
  KB_ASSIGN(auto row, c.query_one(kSelectRateLimit, {bucket}));
  int64_t start = now;
  int64_t hits = 0;
  if (row && row->i64(0) + window > now) {
    start = row->i64(0);
    hits = row->i64(1);
  }
  if (hits >= limit) return false;
  KB_TRY(c.exec(kUpsertRateLimit, {bucket, start, hits + 1}));
  return true;
}

std::string hash_token(std::string_view token) { return session_key(token); }

// Every server process drops its cached sessions of the account (notify/cache_events.h).
Status announce_account_changed(store::Connection& c, int64_t account_id) {
  return notify::announce_stale(c, {notify::Stale::Kind::kAccount, std::to_string(account_id)});
}

std::string hash_otp(const Secrets& secrets, std::string_view phone, std::string_view code) {
  return keyed_hash(fmt::format("{}|{}", phone, code), secrets.otp_pepper);
}

// Jurisdiction codes are stored bare: NULL national, 2 digits province, 5 digits ward.
std::optional<areas::Jurisdiction> jurisdiction_of(const areas::AreaDirectory& areas, Role role,
                                                   const std::optional<std::string>& code) {
  if (role != Role::kOfficial && role != Role::kAdmin) return std::nullopt;
  auto parsed = areas::Jurisdiction::parse(code.value_or("national"), areas);
  if (!parsed.ok()) return std::nullopt;
  return parsed.value();
}

Result<Session> open_session(store::Connection& c, User user, int seconds, int64_t now) {
  Session s;
  s.token = "kb_" + random_token(32);
  s.expires_at = now + seconds;
  KB_TRY(c.exec(kInsertSession, {hash_token(s.token), user.id, now, s.expires_at}));
  s.user = std::move(user);
  return s;
}

}  // namespace

std::string_view role_name(Role role) {
  switch (role) {
    case Role::kCitizen:
      return "citizen";
    case Role::kVenueStaff:
      return "venue_staff";
    case Role::kOfficial:
      return "official";
    case Role::kAdmin:
      return "admin";
  }
  return "citizen";
}

Result<Role> parse_role(std::string_view text, std::string_view field) {
  if (text == "citizen") return Role::kCitizen;
  if (text == "venue_staff") return Role::kVenueStaff;
  if (text == "official") return Role::kOfficial;
  if (text == "admin") return Role::kAdmin;
  return invalid(std::string(field), "invalid_role",
                 "role must be citizen, venue_staff, official or admin");
}

Result<Secrets> load_or_create_secrets(store::Connection& c) {
  KB_TRY(c.exec(kInsertSetting, {std::string_view("otp_pepper"), random_token(32)}));
  KB_ASSIGN(auto row, c.query_one(kSelectSetting, {std::string_view("otp_pepper")}));
  if (!row) return internal("otp_pepper missing after insert");
  return Secrets{row->str(0)};
}

Result<OtpIssued> issue_otp(store::Connection& c, const AuthConfig& config, const Secrets& secrets,
                            std::string_view phone, std::string_view client_ip, int64_t now) {
  const std::string key = sealing::blind("phone", phone);
  KB_ASSIGN(auto existing, c.query_one(kSelectOtp, {std::string_view(key)}));
  int64_t window_start = now;
  int64_t sends = 0;
  if (existing) {
    int64_t wait = existing->i64(3) + config.otp_resend_after_seconds - now;
    if (wait > 0)
      return rate_limited(fmt::format("a code was just sent; type it, or ask again in {} s", wait),
                          wait);
    if (existing->i64(4) + 3600 > now) {
      window_start = existing->i64(4);
      sends = existing->i64(5);
    }
    if (sends >= config.otp_max_sends_per_hour) {
      return rate_limited("too many codes for this phone in the last hour; try later",
                          window_start + 3600 - now);
    }
  }
  KB_ASSIGN(bool ip_ok, take_token(c, fmt::format("otp-ip:{}", client_ip),
                                   config.otp_max_per_ip_per_hour, 3600, now));
  if (!ip_ok) return rate_limited("too many codes requested from this network; try later");
  OtpIssued issued{std::string(phone), random_digits(6), config.otp_ttl_seconds,
                   config.otp_resend_after_seconds};
  KB_TRY(c.exec(kUpsertOtp, {std::string_view(key), hash_otp(secrets, phone, issued.code),
                             now + config.otp_ttl_seconds, now, window_start, sends + 1}));
  return issued;
}

std::string otp_text(const OtpIssued& issued) {
  return fmt::format("Ma xac thuc khaibao cua ban: {}. Hieu luc {} phut. Khong chia se ma nay.",
                     issued.code, issued.expires_in / 60);
}

Result<OtpQueued> queue_otp(store::Connection& c, const AuthConfig& config, const Secrets& secrets,
                            std::string_view phone, std::string_view client_ip, int64_t now) {
  OtpQueued out;
  KB_ASSIGN(out.issued, issue_otp(c, config, secrets, phone, client_ip, now));
  KB_ASSIGN(out.delivery_id,
            notify::queue_urgent_text(c, out.issued.phone, otp_text(out.issued), now));
  return out;
}

Result<OtpCheck> check_otp(store::Connection& c, const AuthConfig& config, const Secrets& secrets,
                           std::string_view phone, std::string_view code, int64_t now) {
  const std::string key = sealing::blind("phone", phone);
  KB_ASSIGN(auto challenge, c.query_one(kSelectOtp, {std::string_view(key)}));
  OtpCheck out;
  if (!challenge || challenge->str(0).empty()) {
    out.refusal =
        Error{ErrorKind::kUnauthenticated, "no_code_requested", "ask for a code first", "code"};
    return out;
  }
  if (challenge->i64(2) >= config.otp_max_attempts) {
    out.refusal = Error{ErrorKind::kRateLimited, "too_many_attempts",
                        "too many wrong codes; ask for a new one", "code"};
    return out;
  }
  if (challenge->i64(1) <= now) {
    out.refusal =
        Error{ErrorKind::kGone, "code_expired", "the code has expired; ask for a new one", "code"};
    return out;
  }
  if (!constant_time_equal(challenge->str(0), hash_otp(secrets, phone, code))) {
    KB_TRY(c.exec(kCountOtpAttempt, {std::string_view(key)}));
    out.refusal =
        Error{ErrorKind::kUnauthenticated, "wrong_code", "the code is not correct", "code"};
    return out;
  }
  KB_TRY(c.exec(kSpendOtp, {std::string_view(key)}));
  User user;
  user.role = Role::kCitizen;
  user.phone = std::string(phone);
  KB_ASSIGN(auto row, c.query_one(kSelectUserByPhone, {std::string_view(key)}));
  if (row) {
    if (row->i64(1) != 0) {
      out.refusal =
          Error{ErrorKind::kForbidden, "account_disabled", "this account is disabled", "phone"};
      return out;
    }
    user.id = row->i64(0);
  } else {
    KB_ASSIGN(auto inserted,
              c.query_one(kInsertCitizen, {sealing::seal(phone), std::string_view(key), now}));
    user.id = inserted->i64(0);
  }
  KB_ASSIGN(out.session, open_session(c, std::move(user), config.citizen_session_seconds, now));
  return out;
}

Result<LoginCandidate> find_login(store::Connection& c, const areas::AreaDirectory& areas,
                                  std::string_view username, int64_t now) {
  // The lock row: window_start holds the time the lock ends (record_login_failure).
  KB_ASSIGN(auto lock, c.query_one(kSelectRateLimit, {fmt::format("login-lock:{}", username)}));
  if (lock && lock->i64(0) > now) {
    int64_t wait = lock->i64(0) - now;
    return rate_limited(fmt::format("too many failed sign-ins for this account; try again in {} "
                                    "minutes",
                                    (wait + 59) / 60),
                        wait);
  }
  KB_ASSIGN(auto row, c.query_one(kSelectLogin, {username}));
  Error bad{ErrorKind::kUnauthenticated, "bad_credentials", "wrong username or password",
            "password"};
  if (!row || row->is_null(3) || row->i64(6) != 0) return bad;
  KB_ASSIGN(Role role, parse_role(row->str(1)));
  LoginCandidate out;
  out.user.id = row->i64(0);
  out.user.role = role;
  out.user.username = row->str(2);
  out.user.jurisdiction = jurisdiction_of(areas, role, row->opt_str(4));
  out.user.must_change_password = row->i64(5) != 0;
  out.password_hash = row->str(3);
  return out;
}

Status record_login_failure(store::Connection& c, const AuthConfig& config,
                            std::string_view username, int64_t now) {
  std::string bucket = fmt::format("login:{}", username);
  KB_ASSIGN(bool counted, take_token(c, bucket, 1 << 30, kLoginFailureWindow, now));
  (void)counted;
  KB_ASSIGN(auto failures, c.query_one(kSelectRateLimit, {std::string_view(bucket)}));
  if (failures && failures->i64(1) == config.login_max_failures) {
    // A lock, twice as long as the one before when that one ended less than a day ago.
    std::string lock_bucket = fmt::format("login-lock:{}", username);
    KB_ASSIGN(auto lock, c.query_one(kSelectRateLimit, {std::string_view(lock_bucket)}));
    int64_t locks = lock && lock->i64(0) + 86400 > now ? lock->i64(1) + 1 : 1;
    int64_t seconds = std::min<int64_t>(kLoginFailureWindow << std::min<int64_t>(locks - 1, 7),
                                        kLongestLoginLock);
    KB_TRY(c.exec(kUpsertRateLimit, {std::string_view(lock_bucket), now + seconds, locks}));
  }
  return audit::record(c, {.at = now, .action = "login.failed", .subject = username});
}

Result<Session> open_staff_session(store::Connection& c, const AuthConfig& config, const User& user,
                                   std::string_view client_ip, int64_t now) {
  KB_TRY(c.exec(kDeleteRateLimit, {fmt::format("login:{}", user.username)}));
  KB_TRY(audit::record(c,
                       {.at = now,
                        .actor_id = user.id,
                        .action = "login",
                        .subject = fmt::format("user:{}", user.id),
                        .detail = client_ip},
                       user));
  return open_session(c, user, config.staff_session_seconds, now);
}

Result<Authenticated> authenticate_session(store::Connection& c, const areas::AreaDirectory& areas,
                                           std::string_view token, int64_t now) {
  Error unauthenticated =
      make_error(ErrorKind::kUnauthenticated, "unauthenticated", "sign in first");
  if (token.size() < 10 || token.size() > 100) return unauthenticated;
  KB_ASSIGN(auto row, c.query_one(kSelectSession, {hash_token(token)}));
  if (!row || row->i64(6) <= now || !row->is_null(7) || row->i64(8) != 0) return unauthenticated;
  KB_ASSIGN(Role role, parse_role(row->str(1)));
  Authenticated a;
  User& u = a.user;
  u.id = row->i64(0);
  u.role = role;
  u.phone = sealing::reveal(row->str(2));  // sealed at rest (crypto/sealing.h)
  u.username = row->str(3);
  u.jurisdiction = jurisdiction_of(areas, role, row->opt_str(4));
  u.must_change_password = row->i64(5) != 0;
  a.expires_at = row->i64(6);
  return a;
}

Result<User> authenticate(store::Connection& c, const areas::AreaDirectory& areas,
                          std::string_view token, int64_t now) {
  KB_ASSIGN(Authenticated a, authenticate_session(c, areas, token, now));
  return std::move(a.user);
}

std::string session_key(std::string_view token) { return keyed_hash(token); }

Status revoke_session(store::Connection& c, std::string_view token, int64_t now) {
  std::string key = session_key(token);
  KB_TRY(c.exec(kRevokeSession, {std::string_view(key), now}));
  return notify::announce_stale(c, {notify::Stale::Kind::kSession, std::move(key)});
}

Result<std::string> parse_username(std::string_view text, std::string_view field) {
  if (text.size() < 3 || text.size() > 64) {
    return invalid(std::string(field), "invalid_username", "username must be 3 to 64 characters");
  }
  for (char ch : text) {
    bool ok =
        (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' || ch == '-';
    if (!ok) {
      return invalid(std::string(field), "invalid_username",
                     "username may contain only lowercase letters, digits, '.', '_' and '-'");
    }
  }
  return std::string(text);
}

Status check_password_strength(std::string_view password, std::string_view field) {
  size_t chars = 0;
  for (unsigned char ch : password) chars += (ch & 0xC0) != 0x80;  // count UTF-8 code points
  if (chars < 10)
    return invalid(std::string(field), "weak_password",
                   "password must have at least 10 characters");
  if (password.size() > 200)
    return invalid(std::string(field), "too_long", "password is longer than 200 bytes");
  return {};
}

Status check_staff_roles(const NewStaff& staff) {
  if (staff.role == Role::kCitizen) {
    return invalid("role", "invalid_role",
                   "citizens sign in by phone; staff roles are venue_staff, official, admin");
  }
  if (staff.role == Role::kOfficial && !staff.jurisdiction) {
    return invalid("jurisdiction", "missing_field", "an official needs a jurisdiction");
  }
  if (staff.role == Role::kVenueStaff && staff.jurisdiction) {
    return invalid("jurisdiction", "not_applicable", "venue staff act for venues, not for an area");
  }
  return {};
}

Result<User> create_staff(store::Connection& c, const NewStaff& staff,
                          std::optional<int64_t> created_by, int64_t now) {
  KB_TRY(check_staff_roles(staff));
  KB_ASSIGN(auto taken, c.query_one(kSelectUsernameTaken, {staff.username}));
  if (taken)
    return Error{ErrorKind::kConflict, "username_taken", "this username is already in use",
                 "username"};
  std::optional<areas::Jurisdiction> j = staff.jurisdiction;
  if (staff.role == Role::kAdmin && !j) j = areas::Jurisdiction{};
  Param level = j ? Param{j->level_name()} : Param{nullptr};
  Param code = j && !j->code.empty() ? Param{std::string_view(j->code)} : Param{nullptr};
  KB_ASSIGN(auto row,
            c.query_one(kInsertStaff, {role_name(staff.role), staff.username, staff.password_hash,
                                       level, code, int64_t{staff.must_change_password}, now}));
  User u;
  u.id = row->i64(0);
  u.role = staff.role;
  u.username = staff.username;
  u.jurisdiction = j;
  u.must_change_password = staff.must_change_password;
  KB_TRY(audit::record(
      c, {.at = now,
          .actor_id = created_by,
          .action = "user.create",
          .subject = fmt::format("user:{}", u.id),
          .detail = fmt::format("{} {}", role_name(u.role), j ? j->level_name() : "-")}));
  return u;
}

Result<bool> needs_first_admin(store::Connection& c) {
  KB_ASSIGN(auto rows, c.query(kCountAdmins));
  return rows.empty() || rows[0].i64(0) == 0;
}

Status change_password(store::Connection& c, int64_t user_id, std::string_view new_hash,
                       int64_t now) {
  KB_TRY(c.exec(kUpdatePassword, {user_id, new_hash}));
  KB_TRY(announce_account_changed(c, user_id));  // cached sessions say must_change_password
  return audit::record(c, {.at = now,
                           .actor_id = user_id,
                           .action = "password.change",
                           .subject = fmt::format("user:{}", user_id)});
}

Result<std::string> password_hash_of(store::Connection& c, int64_t user_id) {
  KB_ASSIGN(auto row, c.query_one(kSelectPasswordHash, {user_id}));
  if (!row || row->is_null(0))
    return make_error(ErrorKind::kNotFound, "not_found", "no password for this account");
  return row->str(0);
}

std::string new_one_time_password() { return random_token(12); }

namespace {

// Sets the flag, revokes the sessions of a disabled account and audits; returns how many
// sessions it revoked. `actor` is empty for an operator's command.
Result<int64_t> apply_disabled(store::Connection& c, int64_t account_id, bool disabled,
                               std::optional<int64_t> actor, int64_t now) {
  KB_TRY(c.exec(kSetDisabled, {account_id, int64_t{disabled ? 1 : 0}}));
  KB_TRY(announce_account_changed(c, account_id));
  int64_t revoked = 0;
  if (disabled) {
    KB_ASSIGN(revoked, c.exec(kRevokeSessionsOfUser, {account_id, now}));
  }
  std::string subject = fmt::format("user:{}", account_id);
  std::string detail = fmt::format("{} sessions revoked", revoked);
  KB_TRY(audit::record(c, {.at = now,
                           .actor_id = actor,
                           .action = disabled ? "user.disable" : "user.enable",
                           .subject = subject,
                           .detail = detail}));
  return revoked;
}

Account account_of(const store::Row& row, const areas::AreaDirectory& areas) {
  Account a;
  auto role = parse_role(row.str(1));
  a.user.id = row.i64(0);
  a.user.role = role.ok() ? *role : Role::kCitizen;
  a.user.phone = sealing::reveal(row.opt_str(2).value_or(""));
  a.user.username = row.opt_str(3).value_or("");
  a.user.jurisdiction = jurisdiction_of(areas, a.user.role, row.opt_str(4));
  a.user.must_change_password = row.i64(5) != 0;
  a.disabled = row.i64(6) != 0;
  a.created_at = row.i64(7);
  a.last_sign_in_at = row.opt_i64(8);
  return a;
}

// LIKE patterns: `text` anywhere, with LIKE's own wildcards taken literally.
std::string contains_pattern(std::string_view text) {
  std::string out = "%";
  for (char ch : text) {
    if (ch == '%' || ch == '_' || ch == '\\') out += '\\';
    out += ch;
  }
  return out + "%";
}

}  // namespace

Result<AccountState> set_disabled(store::Connection& c, std::string_view username,
                                  std::string_view phone, bool disabled, int64_t now) {
  const bool by_name = !username.empty();
  KB_ASSIGN(auto row, c.query_one(by_name ? kSelectAccountByUsername : kSelectAccountByPhone,
                                  {by_name ? username : sealing::blind("phone", phone)}));
  if (!row) {
    return Error{ErrorKind::kNotFound, "no_such_account", "no such account",
                 by_name ? "username" : "phone"};
  }
  AccountState out{row->i64(0), row->str(1), disabled, 0};
  KB_ASSIGN(out.sessions_revoked, apply_disabled(c, out.id, disabled, std::nullopt, now));
  return out;
}

Result<std::vector<Account>> find_accounts(store::Connection& c, const areas::AreaDirectory& areas,
                                           const AccountQuery& q) {
  std::string text;
  for (char ch : q.text) text += (ch >= 'A' && ch <= 'Z') ? char(ch - 'A' + 'a') : ch;
  std::string name_pattern = text.empty() ? "" : contains_pattern(text);
  // A sealed phone is found whole only (by its blind index), not by a part of it.
  auto phone = normalize_mobile(text, "text");
  std::string phone_index = phone.ok() ? sealing::blind("phone", *phone) : "";
  std::string role = q.role ? std::string(role_name(*q.role)) : "";
  std::string area = !q.jurisdiction                ? ""
                     : q.jurisdiction->code.empty() ? "national"
                                                    : q.jurisdiction->code;
  KB_ASSIGN(auto rows,
            c.query(kFindAccounts, {name_pattern, phone_index, role, area, q.before_id, q.limit}));
  std::vector<Account> out;
  out.reserve(rows.size());
  for (const auto& row : rows) out.push_back(account_of(row, areas));
  return out;
}

Result<Account> find_account(store::Connection& c, const areas::AreaDirectory& areas,
                             int64_t account_id) {
  KB_ASSIGN(auto row, c.query_one(kSelectAccount, {account_id}));
  if (!row) return make_error(ErrorKind::kNotFound, "no_such_account", "no such account");
  return account_of(*row, areas);
}

Result<Account> set_account_disabled(store::Connection& c, const areas::AreaDirectory& areas,
                                     int64_t actor_id, int64_t account_id, bool disabled,
                                     int64_t now) {
  if (disabled && actor_id == account_id) {
    return make_error(ErrorKind::kConflict, "own_account", "you cannot disable your own account");
  }
  KB_ASSIGN(Account a, find_account(c, areas, account_id));
  KB_TRY(apply_disabled(c, account_id, disabled, actor_id, now));
  a.disabled = disabled;
  return a;
}

Result<Account> reset_password(store::Connection& c, const areas::AreaDirectory& areas,
                               int64_t actor_id, int64_t account_id, std::string_view new_hash,
                               int64_t now) {
  if (actor_id == account_id) {
    return make_error(ErrorKind::kConflict, "own_account",
                      "change your own password with your current one");
  }
  KB_ASSIGN(Account a, find_account(c, areas, account_id));
  if (a.user.role == Role::kCitizen) {
    return make_error(ErrorKind::kConflict, "no_password",
                      "citizens sign in with a code sent to their phone");
  }
  KB_TRY(c.exec(kResetPassword, {account_id, new_hash}));
  KB_TRY(c.exec(kRevokeSessionsOfUser, {account_id, now}));
  KB_TRY(announce_account_changed(c, account_id));
  KB_TRY(c.exec(kDeleteRateLimit, {fmt::format("login:{}", a.user.username)}));
  KB_TRY(c.exec(kDeleteRateLimit, {fmt::format("login-lock:{}", a.user.username)}));
  KB_TRY(audit::record(c, {.at = now,
                           .actor_id = actor_id,
                           .action = "password.reset",
                           .subject = fmt::format("user:{}", account_id)}));
  a.user.must_change_password = true;
  return a;
}

}  // namespace kb::accounts
