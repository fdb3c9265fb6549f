#include "notify/broadcasts.h"

#include "access/policy.h"
#include "audit/audit_log.h"
#include "notify/inbox_hub.h"
#include "notify/text.h"

namespace kb::notify {
namespace {

using store::Param;
using store::Sql;

constexpr Sql kInsertBroadcast{"insert_broadcast",
                               "INSERT INTO messages(kind, title, body, link, audience, "
                               "audience_size, sender_id, sender_jurisdiction, "
                               "status, created_at, published_at, expires_at) VALUES ($1, $2, $3, "
                               "$4, $5, $6, $7, $8, $9, $10, $11, $12) "
                               "RETURNING id"};
constexpr Sql kInsertArea{
    "insert_message_area",
    "INSERT INTO message_areas(area_code, message_id, audience_filter) VALUES ($1, $2, $3)"};
constexpr Sql kSelectBroadcast{
    "select_broadcast",
    "SELECT id, kind, title, body, link, status, audience, audience_size, sender_id, "
    "sender_jurisdiction, "
    "approved_by, created_at, published_at, expires_at, recalled_at, recalled_by, recall_reason "
    "FROM messages WHERE id = $1 AND person_id IS NULL"};
constexpr Sql kRecentBroadcasts{
    "recent_broadcasts",
    "SELECT id FROM messages WHERE person_id IS NULL ORDER BY id DESC LIMIT $1"};
constexpr Sql kApprove{"approve_broadcast",
                       "UPDATE messages SET status = 'sent', published_at = $2, approved_by = $3 "
                       "WHERE id = $1 AND status = 'pending_approval'"};
constexpr Sql kRecall{"recall_broadcast",
                      "UPDATE messages SET status = 'recalled', recalled_at = $2, recalled_by = "
                      "$3, recall_reason = $4 "
                      "WHERE id = $1 AND status <> 'recalled'"};
constexpr Sql kCountReads{"count_message_reads",
                          "SELECT COUNT(*) FROM message_reads WHERE message_id = $1"};
constexpr Sql kSelectPersonArea{"notify_select_person_area",
                                "SELECT province_code, ward_code FROM people WHERE id = $1"};

Param opt(std::string_view s) { return s.empty() ? Param{nullptr} : Param{s}; }
Param opt(int64_t v) { return v ? Param{v} : Param{nullptr}; }

// Makes a stored broadcast visible: one outside delivery for the gateway, a wake-up for streams.
Status publish(store::Connection& c, int64_t id, const Audience& audience, int64_t now) {
  std::string recipient = audience.to_json();
  KB_TRY(queue_delivery(c, id, kChannelBroadcast, recipient, now, Lane::kBulk));
  // Followers of the chat account who chose it get it there, one row each (the platform has
  // no area broadcast of its own).
  if (audience.filter == Filter::kEveryone)
    KB_TRY(queue_chat_for_areas(c, id, audience.area_codes(), now));
  return announce(c, Wake{{}, audience.area_codes(), false, id});
}

std::string subject_of(int64_t id) { return "message:" + std::to_string(id); }

Error forbidden(std::string code, std::string message) {
  return make_error(ErrorKind::kForbidden, std::move(code), std::move(message));
}

// Whether the official is the sender's level or above.
Status over_sender(const accounts::User& official, const Broadcast& b,
                   const areas::AreaDirectory& areas) {
  auto sender = areas::Jurisdiction::parse(b.sender_jurisdiction, areas);
  if (!sender.ok())
    return forbidden("above_your_level", "the sender's jurisdiction is no longer known");
  return access::over_sender(official, *sender, areas);
}

}  // namespace

std::string jurisdiction_text(const areas::Jurisdiction& j) {
  return j.level == areas::Jurisdiction::Level::kNational ? std::string("national") : j.code;
}

bool needs_approval(const BroadcastPolicy& policy, const Audience& audience,
                    int64_t audience_size) {
  return (audience.national && policy.national_needs_approval) ||
         audience_size > policy.approval_threshold;
}

Result<Broadcast> create_broadcast(store::Connection& c, const BroadcastPolicy& policy,
                                   const accounts::User& sender, const NewBroadcast& b,
                                   int64_t now) {
  KB_TRY(access::official(sender));
  KB_ASSIGN(MessageText text, check_text(b.title, b.body, b.link, b.expires_at, now));
  bool pending = needs_approval(policy, b.audience, b.audience_size);
  std::string audience = b.audience.to_json();
  std::string from = jurisdiction_text(*sender.jurisdiction);
  std::string_view status = pending ? "pending_approval" : "sent";
  KB_ASSIGN(auto rows,
            c.query(kInsertBroadcast,
                    {kind_name(b.kind), std::string_view(text.title), std::string_view(text.body),
                     opt(text.link), std::string_view(audience), b.audience_size, sender.id,
                     std::string_view(from), status, now, pending ? Param{nullptr} : Param{now},
                     opt(b.expires_at)}));
  int64_t id = rows.at(0).i64(0);
  std::string_view filter = filter_name(b.audience.filter);
  for (const auto& code : b.audience.area_codes()) {
    KB_TRY(c.exec(kInsertArea, {std::string_view(code), id, filter}));
  }
  if (!pending) KB_TRY(publish(c, id, b.audience, now));
  std::string subject = subject_of(id);
  std::string detail =
      std::string(status) + " " + audience + " people=" + std::to_string(b.audience_size);
  KB_TRY(audit::record(
      c, {now, sender.id, pending ? "broadcast.request" : "broadcast.send", subject, "", detail},
      sender));
  return find_broadcast(c, id);
}

Status may_approve(const accounts::User& official, const Broadcast& b,
                   const areas::AreaDirectory& areas) {
  KB_TRY(access::official(official));
  if (b.sender_id == official.id)
    return forbidden("same_official", "a second official must approve");
  return over_sender(official, b, areas);
}

Status may_recall(const accounts::User& official, const Broadcast& b,
                  const areas::AreaDirectory& areas) {
  KB_TRY(access::official(official));
  if (b.sender_id == official.id) return {};
  return over_sender(official, b, areas);
}

Result<Broadcast> approve_broadcast(store::Connection& c, const areas::AreaDirectory& areas,
                                    const accounts::User& approver, int64_t id, int64_t now) {
  KB_ASSIGN(Broadcast b, find_broadcast(c, id));
  if (b.status != "pending_approval") {
    return make_error(ErrorKind::kConflict, "not_pending",
                      "this broadcast is not waiting for approval");
  }
  KB_TRY(may_approve(approver, b, areas));
  if (b.expires_at != 0 && b.expires_at <= now) {
    return make_error(ErrorKind::kGone, "expired", "this broadcast expired before approval");
  }
  KB_ASSIGN(int64_t changed, c.exec(kApprove, {id, now, approver.id}));
  if (changed != 1)
    return make_error(ErrorKind::kConflict, "not_pending",
                      "this broadcast is not waiting for approval");
  KB_TRY(publish(c, id, b.audience, now));
  std::string subject = subject_of(id);
  KB_TRY(audit::record(c, {now, approver.id, "broadcast.approve", subject, "", ""}, approver));
  return find_broadcast(c, id);
}

Result<Broadcast> recall_broadcast(store::Connection& c, const areas::AreaDirectory& areas,
                                   const accounts::User& actor, int64_t id, std::string_view reason,
                                   int64_t now) {
  if (reason.empty()) return invalid("reason", "empty", "say why the broadcast is recalled");
  if (reason.size() > 500) return invalid("reason", "too_long", "reason is at most 500 bytes");
  KB_ASSIGN(Broadcast b, find_broadcast(c, id));
  if (b.status == "recalled")
    return make_error(ErrorKind::kConflict, "already_recalled", "already recalled");
  KB_TRY(may_recall(actor, b, areas));
  KB_ASSIGN(int64_t changed, c.exec(kRecall, {id, now, actor.id, reason}));
  if (changed != 1) return make_error(ErrorKind::kConflict, "already_recalled", "already recalled");
  KB_ASSIGN(int64_t cancelled, cancel_deliveries(c, id, now));
  KB_TRY(announce(c, Wake{{}, b.audience.area_codes(), false, 0, id}));
  std::string subject = subject_of(id);
  std::string detail = "was " + b.status + "; cancelled deliveries=" + std::to_string(cancelled);
  KB_TRY(audit::record(c, {now, actor.id, "broadcast.recall", subject, reason, detail}, actor));
  return find_broadcast(c, id);
}

InboxItem inbox_item(const Broadcast& b) {
  InboxItem i;
  i.id = b.id;
  i.kind = b.kind;
  i.title = b.title;
  i.body = b.body;
  i.link = b.link;
  i.published_at = b.published_at;
  i.expires_at = b.expires_at;
  i.sender_jurisdiction = b.sender_jurisdiction;
  return i;
}

Result<Broadcast> find_broadcast(store::Connection& c, int64_t id) {
  KB_ASSIGN(auto row, c.query_one(kSelectBroadcast, {id}));
  if (!row) return Error{ErrorKind::kNotFound, "broadcast_not_found", "no such broadcast", "id"};
  const auto& r = *row;
  Broadcast b;
  b.id = r.i64(0);
  b.kind = r.str(1);
  b.title = r.str(2);
  b.body = r.str(3);
  b.link = r.str(4);
  b.status = r.str(5);
  b.audience = Audience::from_json(r.str(6));
  b.audience_size = r.i64(7);
  b.sender_id = r.i64(8);
  b.sender_jurisdiction = r.str(9);
  b.approved_by = r.opt_i64(10);
  b.created_at = r.i64(11);
  b.published_at = r.i64(12);
  b.expires_at = r.i64(13);
  b.recalled_at = r.i64(14);
  b.recalled_by = r.opt_i64(15);
  b.recall_reason = r.str(16);
  KB_ASSIGN(b.deliveries, delivery_counts(c, id));
  KB_ASSIGN(auto reads, c.query_one(kCountReads, {id}));
  b.reads = reads ? reads->i64(0) : 0;
  return b;
}

Result<Broadcast> visible_broadcast(store::Connection& c, const areas::AreaDirectory& areas,
                                    const accounts::User& official, int64_t id) {
  KB_TRY(access::official(official));
  KB_ASSIGN(Broadcast b, find_broadcast(c, id));
  if (b.sender_id != official.id && !within(b.audience, *official.jurisdiction, areas)) {
    return Error{ErrorKind::kNotFound, "broadcast_not_found", "no such broadcast", "id"};
  }
  return b;
}

Result<std::vector<Broadcast>> list_broadcasts(store::Connection& c,
                                               const areas::AreaDirectory& areas,
                                               const accounts::User& official, int limit) {
  KB_TRY(access::official(official));
  KB_ASSIGN(auto rows, c.query(kRecentBroadcasts, {int64_t{500}}));
  std::vector<Broadcast> out;
  for (const auto& r : rows) {
    if (static_cast<int>(out.size()) >= limit) break;
    KB_ASSIGN(Broadcast b, find_broadcast(c, r.i64(0)));
    if (within(b.audience, *official.jurisdiction, areas)) out.push_back(std::move(b));
  }
  return out;
}

Result<std::vector<Sent>> send_to_people(store::Connection& c, const accounts::User& sender,
                                         const std::vector<int64_t>& people,
                                         const PersonalMessage& message,
                                         std::string_view request_key, int64_t now) {
  KB_TRY(access::official(sender));
  std::vector<Sent> out;
  for (size_t i = 0; i < people.size(); ++i) {
    int64_t person = people[i];
    std::string field = "person_ids[" + std::to_string(i) + "]";
    KB_ASSIGN(auto where, c.query_one(kSelectPersonArea, {person}));
    if (!where) return Error{ErrorKind::kNotFound, "person_not_found", "no such person", field};
    if (!access::in_charge_of(sender, where->str(0), where->str(1))) {
      return Error{ErrorKind::kForbidden, "outside_jurisdiction",
                   "this person lives outside your jurisdiction", field};
    }
    PersonalMessage m = message;
    m.person_id = person;
    m.sender_id = sender.id;
    m.dedupe_key = "request:" + std::string(request_key);
    KB_ASSIGN(Sent sent, send_personal(c, m, now));
    if (sent.created) {
      std::string subject = "person:" + std::to_string(person);
      std::string detail = subject_of(sent.id);
      KB_TRY(audit::record(c, {now, sender.id, "message.send", subject, "", detail}, sender));
    }
    out.push_back(sent);
  }
  return out;
}

}  // namespace kb::notify
