#include "audit/audit_log.h"

#include <algorithm>
#include <charconv>

#include "audit/chain.h"

namespace kb::audit {
namespace {

constexpr store::Sql kInsertAudit{
    "insert_audit",
    "INSERT INTO audit_log(at, actor_id, action, subject, reason, detail, chain, seq, prev_hash, "
    "hash, actor_role, actor_area) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) "
    "RETURNING id"};
constexpr store::Sql kInsertAuditPerson{
    "insert_audit_person", "INSERT INTO audit_people(person_id, audit_id) VALUES ($1, $2)"};
constexpr store::Sql kActor{
    "audit_actor", "SELECT role, jurisdiction_level, jurisdiction_code FROM users WHERE id = $1"};
constexpr store::Sql kPersonOfCase{"audit_person_of_case",
                                   "SELECT person_id FROM cases WHERE id = $1"};

store::Param opt(std::string_view s) { return s.empty() ? store::Param{nullptr} : store::Param{s}; }

// The number after `prefix` in a subject such as "person:12".
std::optional<int64_t> subject_id(std::string_view subject, std::string_view prefix) {
  if (!subject.starts_with(prefix)) return std::nullopt;
  std::string_view digits = subject.substr(prefix.size());
  int64_t id = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), id);
  if (ec != std::errc{} || end != digits.data() + digits.size() || id <= 0) return std::nullopt;
  return id;
}

Result<std::vector<int64_t>> people_of(store::Connection& c, const Entry& e) {
  std::vector<int64_t> people(e.people.begin(), e.people.end());
  if (people.empty()) {
    if (auto person = subject_id(e.subject, "person:")) {
      people.push_back(*person);
    } else if (auto kase = subject_id(e.subject, "case:")) {
      KB_ASSIGN(auto row, c.query_one(kPersonOfCase, {*kase}));
      if (row) people.push_back(row->i64(0));
    }
  }
  std::sort(people.begin(), people.end());
  people.erase(std::unique(people.begin(), people.end()), people.end());
  return people;
}

// Chains and inserts `e` with the actor's role and area already in `chained`.
Status insert(store::Connection& c, const Entry& e, ChainedEntry chained) {
  chained.at = e.at;
  chained.actor_id = e.actor_id;
  chained.action = e.action;
  chained.subject = e.subject;
  chained.reason = e.reason;
  chained.detail = e.detail;
  KB_ASSIGN(chained.people, people_of(c, e));
  KB_ASSIGN(Place place, next_place(c, e.at));
  chained.chain = place.chain;
  chained.seq = place.seq;
  chained.prev_hash = place.prev_hash;
  chained.hash = entry_hash(chained);
  store::Param actor = e.actor_id ? store::Param{*e.actor_id} : store::Param{nullptr};
  KB_ASSIGN(
      auto row,
      c.query_one(kInsertAudit,
                  {e.at, actor, e.action, opt(e.subject), opt(e.reason), opt(e.detail),
                   std::string_view(chained.chain), chained.seq,
                   std::string_view(chained.prev_hash), std::string_view(chained.hash),
                   std::string_view(chained.actor_role), std::string_view(chained.actor_area)}));
  if (!row) return internal("insert into audit_log returned no id");
  for (int64_t person : chained.people) KB_TRY(c.exec(kInsertAuditPerson, {person, row->i64(0)}));
  advance(c, place, std::move(chained.hash));
  return {};
}

std::string area_name(const areas::Jurisdiction& j) {
  return j.level == areas::Jurisdiction::Level::kNational ? "national" : j.code;
}

}  // namespace

Status record(store::Connection& c, const Entry& e) {
  ChainedEntry chained;
  if (e.actor_id) {
    KB_ASSIGN(auto actor, c.query_one(kActor, {*e.actor_id}));
    if (actor) {
      chained.actor_role = actor->str(0);
      chained.actor_area = actor->str(1) == "national" ? "national" : actor->str(2);
    }
  }
  return insert(c, e, std::move(chained));
}

Status record(store::Connection& c, const Entry& e, const accounts::User& actor) {
  ChainedEntry chained;
  chained.actor_role = accounts::role_name(actor.role);
  if (actor.jurisdiction) chained.actor_area = area_name(*actor.jurisdiction);
  return insert(c, e, std::move(chained));
}

}  // namespace kb::audit
