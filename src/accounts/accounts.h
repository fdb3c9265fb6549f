// Accounts and sign-in. Citizens sign in with a phone number and a one-time code sent by SMS;
// officials, venue staff and administrators with a username and password. Either way the
// result is a bearer token: random, stored only as a hash, expiring and revocable.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "areas/area_directory.h"
#include "core/result.h"
#include "store/database.h"

namespace kb::accounts {

enum class Role { kCitizen, kVenueStaff, kOfficial, kAdmin };
std::string_view role_name(Role role);
// Errors name `field` (invalid_role).
Result<Role> parse_role(std::string_view text, std::string_view field = "role");

struct User {
  int64_t id = 0;
  Role role = Role::kCitizen;
  std::string phone;                                // E.164, citizens
  std::string username;                             // staff
  std::optional<areas::Jurisdiction> jurisdiction;  // officials and admins
  bool must_change_password = false;
};

struct AuthConfig {
  int otp_ttl_seconds = 300;
  int otp_max_attempts = 5;
  int otp_resend_after_seconds = 60;
  int otp_max_sends_per_hour = 5;
  int otp_max_per_ip_per_hour = 100;
  int login_max_failures = 10;  // per username per 15 minutes
  int citizen_session_seconds = 30 * 86400;
  int staff_session_seconds = 12 * 3600;
};

// Server-held secrets, shared by every server process through the database.
struct Secrets {
  std::string otp_pepper;  // keys the hash of one-time codes at rest
};
Result<Secrets> load_or_create_secrets(store::Connection& c);

struct OtpIssued {
  std::string phone;  // E.164
  std::string code;   // to send by SMS; never stored in clear
  int expires_in = 0;
  int resend_after = 0;
};

// Issues a new code for `phone` (already normalised), throttled per phone and per client IP.
// A refusal is kRateLimited with `retry_after` set when the wait is known (a code sent less
// than `otp_resend_after_seconds` ago: the person may still type that one).
Result<OtpIssued> issue_otp(store::Connection& c, const AuthConfig& config, const Secrets& secrets,
                            std::string_view phone, std::string_view client_ip, int64_t now);
// The text message that carries a code (ASCII, so every handset shows it).
std::string otp_text(const OtpIssued& issued);
// issue_otp, and its text queued in the urgent delivery lane in the same write, so a failed
// send is retried rather than lost (notify/delivery.h). The caller attempts the delivery once
// the write has committed (notify::UrgentTexts::attempt).
struct OtpQueued {
  OtpIssued issued;
  int64_t delivery_id = 0;
};
Result<OtpQueued> queue_otp(store::Connection& c, const AuthConfig& config, const Secrets& secrets,
                            std::string_view phone, std::string_view client_ip, int64_t now);

struct Session {
  std::string token;
  int64_t expires_at = 0;
  User user;
};

// The outcome of checking a code: a session, or a refusal whose bookkeeping (a counted
// attempt) must still be committed — so a refusal is a value here, not an error.
struct OtpCheck {
  std::optional<Session> session;
  std::optional<Error> refusal;
};
Result<OtpCheck> check_otp(store::Connection& c, const AuthConfig& config, const Secrets& secrets,
                           std::string_view phone, std::string_view code, int64_t now);

// Password sign-in in two steps, so the slow argon2id check runs outside the write queue:
// find the account (read), verify the password (no database), then record the outcome (write).
struct LoginCandidate {
  User user;
  std::string password_hash;
};
// kRateLimited while the account is locked after failed attempts (record_login_failure).
Result<LoginCandidate> find_login(store::Connection& c, const areas::AreaDirectory& areas,
                                  std::string_view username, int64_t now);
// Records a failed attempt and audits it. The config's login_max_failures failures within
// kLoginFailureWindow lock the account for that window; a lock that follows one ended less than
// a day before lasts twice as long, up to kLongestLoginLock.
inline constexpr int64_t kLoginFailureWindow = 900;
inline constexpr int64_t kLongestLoginLock = 86400;
Status record_login_failure(store::Connection& c, const AuthConfig& config,
                            std::string_view username, int64_t now);
Result<Session> open_staff_session(store::Connection& c, const AuthConfig& config, const User& user,
                                   std::string_view client_ip, int64_t now);

// The user behind a bearer token and when the session ends; kUnauthenticated when unknown,
// expired or revoked.
struct Authenticated {
  User user;
  int64_t expires_at = 0;
};
Result<Authenticated> authenticate_session(store::Connection& c, const areas::AreaDirectory& areas,
                                           std::string_view token, int64_t now);
// The user behind a bearer token; kUnauthenticated when unknown, expired or revoked.
Result<User> authenticate(store::Connection& c, const areas::AreaDirectory& areas,
                          std::string_view token, int64_t now);
// Revokes a session; every server process drops it from its cache when the write commits.
Status revoke_session(store::Connection& c, std::string_view token, int64_t now);
// The key a session is stored and announced by: a hash, as the token itself is never stored.
std::string session_key(std::string_view token);

struct NewStaff {
  std::string username;
  std::string password_hash;  // from hash_password
  Role role = Role::kOfficial;
  std::optional<areas::Jurisdiction> jurisdiction;
  bool must_change_password = false;
};
// Validates a username: 3–64 of a-z 0-9 . _ - ; errors name `field`.
Result<std::string> parse_username(std::string_view text, std::string_view field = "username");
// Validates a new password's strength: at least 10 characters, at most 200 bytes.
Status check_password_strength(std::string_view password, std::string_view field = "password");
// Checks the role/jurisdiction pairing (officials need a jurisdiction; citizens are not
// created here). Errors name the field.
Status check_staff_roles(const NewStaff& staff);
Result<User> create_staff(store::Connection& c, const NewStaff& staff,
                          std::optional<int64_t> created_by, int64_t now);
// True when no administrator account exists yet (first start).
Result<bool> needs_first_admin(store::Connection& c);

// Disables an account (a staff login name, or a citizen's phone in E.164), or enables it again:
// a disabled account cannot sign in, and disabling revokes its open sessions at once (announced
// to every server on PostgreSQL; on SQLite a running server may keep accepting a revoked token
// from its session cache for up to 10 s). Audited as the
// system (an operator command). kNotFound (field `field`) when there is no such account.
struct AccountState {
  int64_t id = 0;
  std::string role;
  bool disabled = false;
  int64_t sessions_revoked = 0;
};
Result<AccountState> set_disabled(store::Connection& c, std::string_view username,
                                  std::string_view phone, bool disabled, int64_t now);
Status change_password(store::Connection& c, int64_t user_id, std::string_view new_hash,
                       int64_t now);
Result<std::string> password_hash_of(store::Connection& c, int64_t user_id);
// A random password for one sign-in (the first administrator, a reset): the account must
// change it before doing anything else.
std::string new_one_time_password();

// --- Administration of accounts (administrators; audited with the administrator as actor) ---

// An account as administrators see it.
struct Account {
  User user;
  bool disabled = false;
  int64_t created_at = 0;
  std::optional<int64_t> last_sign_in_at;  // the newest session opened
};

// Which accounts to list, newest first. `text` matches part of a username, or a whole phone in
// any common form (phones are sealed: found by their blind index); `jurisdiction` matches officials
// and administrators of that area, a province including its wards.
struct AccountQuery {
  std::string text;
  std::optional<Role> role;
  std::optional<areas::Jurisdiction> jurisdiction;
  int64_t before_id = 0;  // the next page: accounts with a smaller id; 0 from the newest
  int64_t limit = 50;
};
Result<std::vector<Account>> find_accounts(store::Connection& c, const areas::AreaDirectory& areas,
                                           const AccountQuery& query);
// One account; kNotFound no_such_account.
Result<Account> find_account(store::Connection& c, const areas::AreaDirectory& areas,
                             int64_t account_id);
// Disables (revoking its sessions at once) or enables an account. An administrator cannot
// disable their own account (own_account), so one always remains who can undo it.
Result<Account> set_account_disabled(store::Connection& c, const areas::AreaDirectory& areas,
                                     int64_t actor_id, int64_t account_id, bool disabled,
                                     int64_t now);
// Gives a staff account a new one-time password (`new_hash`): it must be changed at the next
// sign-in, the account's sessions are revoked and a sign-in lockout is lifted. Refused for
// citizens (no_password: they sign in by phone) and for one's own account (own_account: the
// password form serves that).
Result<Account> reset_password(store::Connection& c, const areas::AreaDirectory& areas,
                               int64_t actor_id, int64_t account_id, std::string_view new_hash,
                               int64_t now);

}  // namespace kb::accounts
