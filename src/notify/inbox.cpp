#include "notify/inbox.h"

#include <algorithm>
#include <charconv>

namespace kb::notify {
namespace {

using store::Sql;

// Parameters shared by every inbox statement: $1 account, $2 one person or 0, $3 now.
#define KB_INBOX_COLUMNS                                                                         \
  "SELECT m.id, m.kind, m.title, m.body, m.link, m.published_at, m.expires_at, m.person_id, "    \
  "m.sender_jurisdiction, CASE WHEN EXISTS (SELECT 1 FROM message_reads r WHERE r.account_id = " \
  "$1 "                                                                                          \
  "AND r.message_id = m.id) THEN 1 ELSE 0 END AS is_read FROM messages m "
#define KB_INBOX_VISIBLE " m.status = 'sent' AND (m.expires_at IS NULL OR m.expires_at > $3) "
#define KB_INBOX_PERSONAL                                                                         \
  " m.person_id IN (SELECT p.id FROM people p WHERE p.account_id = $1 AND (CAST($2 AS BIGINT) = " \
  "0 OR "                                                                                         \
  "p.id = $2)) "
// A broadcast covers a person when one of its areas is the person's province, ward, or the
// whole country, and its filter holds for them.
#define KB_INBOX_COVERED                                                                         \
  " m.id IN (SELECT ma.message_id FROM people p JOIN message_areas ma ON ma.area_code IN "       \
  "(p.province_code, p.ward_code, '*') WHERE p.account_id = $1 AND (CAST($2 AS BIGINT) = 0 OR "  \
  "p.id = $2) AND (ma.audience_filter = 'everyone' OR (ma.audience_filter = 'under_quarantine' " \
  "AND "                                                                                         \
  "p.quarantine_until > $3))) "
#define KB_INBOX_UNREAD \
  " NOT EXISTS (SELECT 1 FROM message_reads r WHERE r.account_id = $1 AND r.message_id = m.id) "

constexpr Sql kInboxFirstPage{"inbox_first_page", KB_INBOX_COLUMNS
                              "WHERE" KB_INBOX_PERSONAL "AND" KB_INBOX_VISIBLE
                              " UNION ALL " KB_INBOX_COLUMNS "WHERE" KB_INBOX_COVERED
                              "AND" KB_INBOX_VISIBLE " ORDER BY 6 DESC, 1 DESC LIMIT $4"};
constexpr Sql kInboxPage{"inbox_page", KB_INBOX_COLUMNS
                         "WHERE" KB_INBOX_PERSONAL "AND" KB_INBOX_VISIBLE
                         "AND (m.published_at < $4 OR (m.published_at = $4 AND m.id < $5))"
                         " UNION ALL " KB_INBOX_COLUMNS "WHERE" KB_INBOX_COVERED
                         "AND" KB_INBOX_VISIBLE
                         "AND (m.published_at < $4 OR (m.published_at = $4 AND m.id < $5))"
                         " ORDER BY 6 DESC, 1 DESC LIMIT $6"};
constexpr Sql kInboxSince{"inbox_since",
                          KB_INBOX_COLUMNS "WHERE" KB_INBOX_PERSONAL "AND" KB_INBOX_VISIBLE
                                           "AND m.published_at >= $4"
                                           " UNION ALL " KB_INBOX_COLUMNS "WHERE" KB_INBOX_COVERED
                                           "AND" KB_INBOX_VISIBLE
                                           "AND m.published_at >= $4"
                                           " ORDER BY 6, 1 LIMIT $5"};
constexpr Sql kInboxUnread{
    "inbox_unread", "SELECT COUNT(*) FROM (SELECT m.id FROM messages m WHERE" KB_INBOX_PERSONAL
                    "AND" KB_INBOX_VISIBLE "AND" KB_INBOX_UNREAD
                    " UNION ALL SELECT m.id FROM messages m WHERE" KB_INBOX_COVERED
                    "AND" KB_INBOX_VISIBLE "AND" KB_INBOX_UNREAD ") unread"};
constexpr Sql kInboxUnreadIds{"inbox_unread_ids",
                              "SELECT m.id FROM messages m WHERE" KB_INBOX_PERSONAL
                              "AND" KB_INBOX_VISIBLE "AND" KB_INBOX_UNREAD
                              " UNION ALL SELECT m.id FROM messages m WHERE" KB_INBOX_COVERED
                              "AND" KB_INBOX_VISIBLE "AND" KB_INBOX_UNREAD " LIMIT 10000"};
constexpr Sql kInboxHas{
    "inbox_has",
    "SELECT m.id FROM messages m WHERE m.id = $4 AND" KB_INBOX_PERSONAL "AND" KB_INBOX_VISIBLE
    " UNION ALL SELECT m.id FROM messages m WHERE m.id = $4 AND" KB_INBOX_COVERED
    "AND" KB_INBOX_VISIBLE};

#undef KB_INBOX_COLUMNS
#undef KB_INBOX_VISIBLE
#undef KB_INBOX_PERSONAL
#undef KB_INBOX_COVERED
#undef KB_INBOX_UNREAD

constexpr Sql kInsertRead{
    "insert_message_read",
    "INSERT INTO message_reads(account_id, message_id, read_at) VALUES ($1, $2, $3) "
    "ON CONFLICT (account_id, message_id) DO NOTHING"};
constexpr Sql kRecalledSince{
    "messages_recalled_since",
    "SELECT id FROM messages WHERE recalled_at >= $1 ORDER BY recalled_at LIMIT 500"};
constexpr Sql kManagedPeople{
    "inbox_managed_people",
    "SELECT id, province_code, ward_code FROM people WHERE account_id = $1"};
constexpr Sql kManagedPerson{"inbox_managed_person",
                             "SELECT 1 FROM people WHERE id = $1 AND account_id = $2"};

// How far the first page looks ahead to see the whole inbox (read_inbox).
constexpr int64_t kFirstPageLook = 101;
constexpr int kIsReadColumn = 9;

InboxItem item_of(const store::Row& r) {
  InboxItem i;
  i.id = r.i64(0);
  i.kind = r.str(1);
  i.title = r.str(2);
  i.body = r.str(3);
  i.link = r.str(4);
  i.published_at = r.i64(5);
  i.expires_at = r.i64(6);
  i.person_id = r.opt_i64(7);
  i.sender_jurisdiction = r.str(8);
  i.read = r.i64(kIsReadColumn) != 0;
  return i;
}

}  // namespace

std::string InboxCursor::encode() const {
  return std::to_string(published_at) + "." + std::to_string(id);
}

Result<InboxCursor> InboxCursor::decode(std::string_view text) {
  auto bad = [] {
    return invalid("cursor", "invalid_cursor", "cursor is not one this server gave out");
  };
  size_t dot = text.find('.');
  if (dot == std::string_view::npos) return bad();
  InboxCursor c;
  auto a = text.substr(0, dot), b = text.substr(dot + 1);
  auto [pa, ea] = std::from_chars(a.data(), a.data() + a.size(), c.published_at);
  auto [pb, eb] = std::from_chars(b.data(), b.data() + b.size(), c.id);
  if (ea != std::errc{} || eb != std::errc{} || pa != a.data() + a.size() ||
      pb != b.data() + b.size() || a.empty() || b.empty()) {
    return bad();
  }
  return c;
}

Result<InboxPage> read_inbox(store::Connection& c, const InboxQuery& q, int64_t now) {
  if (q.person_id != 0) {
    KB_ASSIGN(auto managed, c.query_one(kManagedPerson, {q.person_id, q.account_id}));
    if (!managed)
      return Error{ErrorKind::kNotFound, "person_not_found", "no such person among yours",
                   "person_id"};
  }
  const int64_t limit = q.limit;
  // The first page reads ahead up to kFirstPageLook items: when the inbox ends within them, they
  // are all of it, and its unread count is counted from them instead of by a second pass over
  // the inbox (about a third of a read's database work). A later page cannot see the items
  // before it, so it counts.
  const int64_t look = q.before ? limit + 1 : std::max(limit + 1, kFirstPageLook);
  store::Rows rows;
  if (q.before) {
    KB_ASSIGN(rows, c.query(kInboxPage, {q.account_id, q.person_id, now, q.before->published_at,
                                         q.before->id, look}));
  } else {
    KB_ASSIGN(rows, c.query(kInboxFirstPage, {q.account_id, q.person_id, now, look}));
  }
  InboxPage page;
  const size_t shown = std::min(rows.size(), static_cast<size_t>(limit));
  page.items.reserve(shown);
  for (size_t i = 0; i < shown; ++i) page.items.push_back(item_of(rows[i]));
  if (rows.size() > shown) {
    page.next = InboxCursor{page.items.back().published_at, page.items.back().id};
  }
  if (!q.before && rows.size() < static_cast<size_t>(look)) {
    page.unread = std::count_if(rows.begin(), rows.end(),
                                [](const store::Row& r) { return r.i64(kIsReadColumn) == 0; });
    return page;
  }
  KB_ASSIGN(auto unread, c.query_one(kInboxUnread, {q.account_id, q.person_id, now}));
  page.unread = unread ? unread->i64(0) : 0;
  return page;
}

Result<std::vector<InboxItem>> published_since(store::Connection& c, int64_t account_id,
                                               int64_t since, int64_t now, int limit) {
  KB_ASSIGN(auto rows, c.query(kInboxSince, {account_id, int64_t{0}, now, since, int64_t{limit}}));
  std::vector<InboxItem> out;
  for (const auto& r : rows) out.push_back(item_of(r));
  return out;
}

Result<std::vector<int64_t>> recalled_since(store::Connection& c, int64_t since) {
  KB_ASSIGN(auto rows, c.query(kRecalledSince, {since}));
  std::vector<int64_t> out;
  for (const auto& r : rows) out.push_back(r.i64(0));
  return out;
}

Status mark_read(store::Connection& c, int64_t account_id, int64_t message_id, int64_t now) {
  KB_ASSIGN(auto rows, c.query(kInboxHas, {account_id, int64_t{0}, now, message_id}));
  if (rows.empty())
    return Error{ErrorKind::kNotFound, "message_not_found", "no such message in your inbox", "id"};
  KB_TRY(c.exec(kInsertRead, {account_id, message_id, now}));
  return {};
}

Result<int64_t> mark_all_read(store::Connection& c, int64_t account_id, int64_t now) {
  KB_ASSIGN(auto rows, c.query(kInboxUnreadIds, {account_id, int64_t{0}, now}));
  for (const auto& r : rows) KB_TRY(c.exec(kInsertRead, {account_id, r.i64(0), now}));
  return static_cast<int64_t>(rows.size());
}

Result<InboxKeys> inbox_keys(store::Connection& c, int64_t account_id) {
  KB_ASSIGN(auto rows, c.query(kManagedPeople, {account_id}));
  InboxKeys k;
  for (const auto& r : rows) {
    k.people.push_back(r.i64(0));
    for (std::string code : {r.str(1), r.str(2)}) {
      if (!code.empty() && std::find(k.areas.begin(), k.areas.end(), code) == k.areas.end())
        k.areas.push_back(code);
    }
  }
  return k;
}

}  // namespace kb::notify
