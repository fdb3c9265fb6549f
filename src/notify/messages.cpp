#include "notify/messages.h"

#include <algorithm>
#include <span>

#include "crypto/sealing.h"
#include "notify/delivery.h"
#include "notify/inbox_hub.h"
#include "notify/text.h"

namespace kb::notify {
namespace {

using store::Sql;

constexpr Sql kSelectPersonPhone{"notify_select_person_phone",
                                 "SELECT phone FROM people WHERE id = $1"};
constexpr Sql kInsertPersonal{
    "insert_personal_message",
    "INSERT INTO messages(kind, title, body, link, person_id, dedupe_key, sender_id, status, "
    "created_at, "
    "published_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, 'sent', $8, $8, $9) "
    "ON CONFLICT (person_id, dedupe_key) DO NOTHING RETURNING id"};
constexpr Sql kSelectByDedupeKey{
    "select_message_by_dedupe_key",
    "SELECT id FROM messages WHERE person_id = $1 AND dedupe_key = $2"};

// The people of a chunk travel as one JSON array parameter (both databases read it as a table).
constexpr Sql kInsertManySqlite{"insert_personal_many_sqlite",
                                "INSERT INTO messages(kind, title, body, link, person_id, "
                                "dedupe_key, sender_id, status, created_at, "
                                "published_at, expires_at) SELECT $1, $2, $3, $4, p.id, $5, NULL, "
                                "'sent', $6, $6, $7 FROM people p "
                                "WHERE p.id IN (SELECT value FROM json_each($8)) ON CONFLICT "
                                "(person_id, dedupe_key) DO NOTHING "
                                "RETURNING id, person_id"};
constexpr Sql kInsertManyPg{
    "insert_personal_many_pg",
    "INSERT INTO messages(kind, title, body, link, person_id, dedupe_key, sender_id, status, "
    "created_at, "
    "published_at, expires_at) SELECT $1, $2, $3, $4, p.id, $5, NULL, 'sent', $6, $6, $7 FROM "
    "people p "
    "WHERE p.id IN (SELECT (jsonb_array_elements_text($8::jsonb))::bigint) "
    "ON CONFLICT (person_id, dedupe_key) DO NOTHING RETURNING id, person_id"};
constexpr Sql kQueueManySqlite{"queue_deliveries_many_sqlite",
                               "INSERT INTO deliveries(message_id, channel, recipient, state, "
                               "attempts, next_attempt_at, lease_until, "
                               "created_at, updated_at, lane) SELECT m.id, 'sms', p.phone, "
                               "'queued', 0, $1, 0, $1, $1, $2 FROM messages m "
                               "JOIN people p ON p.id = m.person_id WHERE m.id IN (SELECT value "
                               "FROM json_each($3)) AND p.phone <> ''"};
constexpr Sql kQueueManyPg{"queue_deliveries_many_pg",
                           "INSERT INTO deliveries(message_id, channel, recipient, state, "
                           "attempts, next_attempt_at, lease_until, "
                           "created_at, updated_at, lane) SELECT m.id, 'sms', p.phone, 'queued', "
                           "0, $1, 0, $1, $1, $2 FROM messages m "
                           "JOIN people p ON p.id = m.person_id WHERE m.id IN (SELECT "
                           "(jsonb_array_elements_text($3::jsonb))::bigint) "
                           "AND p.phone <> ''"};

std::string json_ids(std::span<const int64_t> ids) {
  std::string out = "[";
  for (size_t i = 0; i < ids.size(); ++i) {
    if (i) out += ',';
    out += std::to_string(ids[i]);
  }
  return out + "]";
}

}  // namespace

std::string_view kind_name(Kind kind) {
  switch (kind) {
    case Kind::kUrgent:
      return "urgent";
    case Kind::kTracing:
      return "tracing";
    case Kind::kVaccination:
      return "vaccination";
    case Kind::kQuarantine:
      return "quarantine";
    case Kind::kInfo:
      return "info";
  }
  return "info";
}

Result<Kind> parse_kind(std::string_view text, std::string_view field) {
  for (Kind k :
       {Kind::kUrgent, Kind::kTracing, Kind::kVaccination, Kind::kQuarantine, Kind::kInfo}) {
    if (kind_name(k) == text) return k;
  }
  return invalid(std::string(field), "invalid_kind",
                 "kind must be urgent, tracing, vaccination, quarantine or info");
}

Result<Sent> send_personal(store::Connection& c, const PersonalMessage& m, int64_t now) {
  KB_ASSIGN(MessageText text, check_text(m.title, m.body, m.link, m.expires_at, now));
  if (m.dedupe_key.size() > 200)
    return invalid("dedupe_key", "too_long", "dedupe_key is at most 200 bytes");
  KB_ASSIGN(auto person, c.query_one(kSelectPersonPhone, {m.person_id}));
  if (!person) return make_error(ErrorKind::kNotFound, "person_not_found", "no such person");
  std::string phone = sealing::reveal(person->str(0));  // sealed at rest

  store::Param link =
      text.link.empty() ? store::Param{nullptr} : store::Param{std::string_view(text.link)};
  store::Param key =
      m.dedupe_key.empty() ? store::Param{nullptr} : store::Param{std::string_view(m.dedupe_key)};
  store::Param sender = m.sender_id ? store::Param{*m.sender_id} : store::Param{nullptr};
  store::Param expires = m.expires_at > 0 ? store::Param{m.expires_at} : store::Param{nullptr};
  KB_ASSIGN(auto inserted,
            c.query(kInsertPersonal,
                    {kind_name(m.kind), std::string_view(text.title), std::string_view(text.body),
                     link, m.person_id, key, sender, now, expires}));
  if (inserted.empty()) {
    KB_ASSIGN(auto existing,
              c.query_one(kSelectByDedupeKey, {m.person_id, std::string_view(m.dedupe_key)}));
    if (!existing) return internal("message vanished after a dedupe conflict");
    return Sent{existing->i64(0), false};
  }
  int64_t id = inserted[0].i64(0);
  // The chat, for those who chose it; the SMS as well unless they chose the chat alone.
  KB_ASSIGN(bool chat_only, queue_chat_for_person(c, id, m.person_id, now, m.lane));
  if (!phone.empty() && !chat_only) KB_TRY(queue_delivery(c, id, kChannelSms, phone, now, m.lane));
  KB_TRY(announce(c, Wake{{m.person_id}, {}, false}));
  return Sent{id, true};
}

}  // namespace kb::notify

namespace kb::notify {

Result<std::vector<int64_t>> send_personal_to_many(store::Connection& c,
                                                   const std::vector<int64_t>& people,
                                                   const PersonalMessage& m, Lane lane,
                                                   int64_t now) {
  KB_ASSIGN(MessageText text, check_text(m.title, m.body, m.link, m.expires_at, now));
  if (m.dedupe_key.empty() || m.dedupe_key.size() > 200) {
    return invalid("dedupe_key", "invalid_dedupe_key",
                   "a message to many people needs a dedupe_key of 1 to 200 bytes");
  }
  bool pg = c.dialect() == store::Dialect::kPostgres;
  store::Param link =
      text.link.empty() ? store::Param{nullptr} : store::Param{std::string_view(text.link)};
  store::Param expires = m.expires_at > 0 ? store::Param{m.expires_at} : store::Param{nullptr};
  constexpr size_t kChunk = 2000;
  std::vector<int64_t> sent;
  for (size_t from = 0; from < people.size(); from += kChunk) {
    size_t n = std::min(kChunk, people.size() - from);
    std::string ids = json_ids(std::span<const int64_t>(people.data() + from, n));
    KB_ASSIGN(store::Rows rows,
              c.query(pg ? kInsertManyPg : kInsertManySqlite,
                      {kind_name(m.kind), std::string_view(text.title), std::string_view(text.body),
                       link, std::string_view(m.dedupe_key), now, expires, std::string_view(ids)}));
    if (rows.empty()) continue;
    std::vector<int64_t> messages;
    messages.reserve(rows.size());
    for (const auto& r : rows) {
      messages.push_back(r.i64(0));
      sent.push_back(r.i64(1));
    }
    std::string message_ids = json_ids(messages);
    KB_TRY(c.exec(pg ? kQueueManyPg : kQueueManySqlite,
                  {now, static_cast<int64_t>(lane), std::string_view(message_ids)}));
  }
  if (!sent.empty()) KB_TRY(announce(c, Wake{sent, {}, false}));
  return sent;
}

}  // namespace kb::notify
