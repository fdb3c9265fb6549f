#include "chat/followers.h"

#include <fmt/format.h>

#include "crypto/sealing.h"

namespace kb::chat {
namespace {

using store::Sql;

constexpr Sql kSelectFollower{
    "chat_select_follower",
    "SELECT platform, user_id, following, account_id, COALESCE(phone, ''), consent_at, "
    "window_opened_at, window_replies, state, state_data, state_at FROM chat_followers "
    "WHERE platform = $1 AND user_id = $2"};
constexpr Sql kFollow{"chat_follow",
                      "INSERT INTO chat_followers(platform, user_id, following, created_at, "
                      "updated_at) VALUES ($1, $2, 1, $3, $3) ON CONFLICT (platform, user_id) DO "
                      "UPDATE SET following = 1, updated_at = $3"};
constexpr Sql kUnfollow{"chat_unfollow",
                        "UPDATE chat_followers SET following = 0, account_id = NULL, phone = "
                        "NULL, consent_at = 0, state = 'idle', state_data = '{}', updated_at = $3 "
                        "WHERE platform = $1 AND user_id = $2"};
constexpr Sql kTakeEvent{"chat_take_event",
                         "INSERT INTO chat_events(platform, event_key, received_at) VALUES ($1, "
                         "$2, $3) ON CONFLICT (platform, event_key) DO NOTHING"};
constexpr Sql kForgetEvents{"chat_forget_events", "DELETE FROM chat_events WHERE received_at < $1"};
constexpr Sql kOpenWindow{"chat_open_window",
                          "UPDATE chat_followers SET window_opened_at = $3, window_replies = 0, "
                          "updated_at = $3 WHERE platform = $1 AND user_id = $2"};
constexpr Sql kSpendReply{"chat_spend_reply",
                          "UPDATE chat_followers SET window_replies = window_replies + 1 "
                          "WHERE platform = $1 AND user_id = $2"};
constexpr Sql kSaveState{"chat_save_state",
                         "UPDATE chat_followers SET state = $3, state_data = $4, state_at = $5, "
                         "updated_at = $5 WHERE platform = $1 AND user_id = $2"};
constexpr Sql kLink{"chat_link_account",
                    "UPDATE chat_followers SET account_id = $3, phone = $4, updated_at = $5 "
                    "WHERE platform = $1 AND user_id = $2"};
constexpr Sql kConsent{"chat_record_consent",
                       "UPDATE chat_followers SET consent_at = $3, updated_at = $4 "
                       "WHERE platform = $1 AND user_id = $2"};
constexpr Sql kReachable{
    "chat_reachable_followers",
    "SELECT platform, user_id, following, account_id, COALESCE(phone, ''), consent_at, "
    "window_opened_at, window_replies, state, state_data, state_at FROM chat_followers "
    "WHERE account_id = $1 AND following = 1 AND consent_at > 0 ORDER BY platform, user_id"};

Follower follower_of(const store::Row& r) {
  Follower f;
  f.platform = r.str(0);
  f.user_id = r.str(1);
  f.following = r.i64(2) != 0;
  if (!r.is_null(3)) f.account_id = r.i64(3);
  // The linked phone and the conversation's answers are sealed at rest (crypto/sealing.h); no
  // lookup goes by the phone.
  f.phone = sealing::reveal(r.str(4));
  f.consent_at = r.i64(5);
  f.window_opened_at = r.i64(6);
  f.window_replies = r.i64(7);
  f.state = r.str(8);
  f.state_data = sealing::reveal(r.str(9));
  if (f.state_data.empty()) f.state_data = "{}";  // one that did not open
  f.state_at = r.i64(10);
  return f;
}

}  // namespace

Result<std::optional<Follower>> find_follower(store::Connection& c, std::string_view platform,
                                              std::string_view user_id) {
  KB_ASSIGN(auto row, c.query_one(kSelectFollower, {platform, user_id}));
  if (!row) return std::optional<Follower>();
  return std::optional<Follower>(follower_of(*row));
}

Status record_follow(store::Connection& c, std::string_view platform, std::string_view user_id,
                     int64_t now) {
  KB_TRY(c.exec(kFollow, {platform, user_id, now}));
  return {};
}

Status record_unfollow(store::Connection& c, std::string_view platform, std::string_view user_id,
                       int64_t now) {
  KB_TRY(c.exec(kUnfollow, {platform, user_id, now}));
  return {};
}

Result<bool> take_event(store::Connection& c, std::string_view platform, std::string_view key,
                        int64_t now) {
  KB_ASSIGN(int64_t inserted, c.exec(kTakeEvent, {platform, key, now}));
  return inserted == 1;
}

Status forget_events(store::Connection& c, int64_t before) {
  KB_TRY(c.exec(kForgetEvents, {before}));
  return {};
}

Status open_window(store::Connection& c, std::string_view platform, std::string_view user_id,
                   int64_t now) {
  KB_TRY(c.exec(kOpenWindow, {platform, user_id, now}));
  return {};
}

Status spend_reply(store::Connection& c, std::string_view platform, std::string_view user_id) {
  KB_TRY(c.exec(kSpendReply, {platform, user_id}));
  return {};
}

Status save_state(store::Connection& c, std::string_view platform, std::string_view user_id,
                  std::string_view state, std::string_view data, int64_t now) {
  KB_TRY(c.exec(kSaveState, {platform, user_id, state, sealing::seal(data), now}));
  return {};
}

Status link_account(store::Connection& c, std::string_view platform, std::string_view user_id,
                    int64_t account_id, std::string_view phone, int64_t now) {
  KB_TRY(c.exec(kLink, {platform, user_id, account_id, sealing::seal(phone), now}));
  return {};
}

Status record_consent(store::Connection& c, std::string_view platform, std::string_view user_id,
                      bool agreed, int64_t now) {
  KB_TRY(c.exec(kConsent, {platform, user_id, agreed ? now : int64_t{0}, now}));
  return {};
}

Result<std::vector<Follower>> reachable_followers(store::Connection& c, int64_t account_id) {
  KB_ASSIGN(auto rows, c.query(kReachable, {account_id}));
  std::vector<Follower> out;
  for (const auto& r : rows) out.push_back(follower_of(r));
  return out;
}

std::string_view route_name(Route route) {
  switch (route) {
    case Route::kChat:
      return "chat";
    case Route::kTemplate:
      return "template";
    case Route::kSms:
      return "sms";
  }
  return "sms";
}

bool in_window(const Follower& f, const SendingRules& rules, int64_t now) {
  return f.following && f.window_opened_at > 0 && now - f.window_opened_at < rules.window_seconds &&
         f.window_replies < rules.window_messages;
}

Route route_notice(const Follower& f, const SendingRules& rules, int64_t now,
                   bool template_registered) {
  if (!f.following || f.consent_at == 0) return Route::kSms;
  if (in_window(f, rules, now)) return Route::kChat;
  if (template_registered && !f.phone.empty()) return Route::kTemplate;
  return Route::kSms;
}

}  // namespace kb::chat

namespace kb::chat {
namespace {

// Sealed and indexed like every account's and person's (crypto/sealing.h); the
// identity.name_keys job fills the name keys.
constexpr store::Sql kSynthUser{
    "chat_synth_user",
    "INSERT INTO users(role, phone, phone_index, created_at, preferred_channels) "
    "VALUES ('citizen', $1, $2, $3, 'chat') RETURNING id"};
constexpr store::Sql kSynthPerson{
    "chat_synth_person",
    "INSERT INTO people(account_id, is_self, full_name, phone, phone_index, province_code, "
    "ward_code, street, created_at, updated_at) VALUES ($1, 1, $2, $3, $4, $5, $6, '', $7, $7)"};
constexpr store::Sql kSynthFollower{
    "chat_synth_follower",
    "INSERT INTO chat_followers(platform, user_id, following, account_id, phone, consent_at, "
    "created_at, updated_at) VALUES ($1, $2, 1, $3, $4, $5, $5, $5)"};

}  // namespace

Result<int64_t> synthesize_followers(store::Connection& c, std::string_view platform,
                                     std::string_view province, std::string_view ward,
                                     int64_t first, int64_t count, int64_t now) {
  for (int64_t i = first; i < first + count; ++i) {
    std::string phone = fmt::format("+84390{:06d}", i);
    std::string sealed_phone = sealing::seal(phone), phone_index = sealing::blind("phone", phone);
    KB_ASSIGN(auto user, c.query_one(kSynthUser, {std::string_view(sealed_phone),
                                                  std::string_view(phone_index), now}));
    if (!user) return internal("no user id");
    int64_t id = user->i64(0);
    std::string name = sealing::seal(fmt::format("Người Theo Dõi {}", i));
    KB_TRY(c.exec(kSynthPerson, {id, std::string_view(name), std::string_view(sealed_phone),
                                 std::string_view(phone_index), province, ward, now}));
    std::string user_id = fmt::format("synth-{}", i);
    KB_TRY(c.exec(kSynthFollower,
                  {platform, std::string_view(user_id), id, std::string_view(sealed_phone), now}));
  }
  return count;
}

}  // namespace kb::chat
