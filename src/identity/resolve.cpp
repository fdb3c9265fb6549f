#include "identity/resolve.h"

#include <algorithm>
#include <set>

#include "crypto/sealing.h"
#include "identity/candidates.h"
#include "identity/name_index.h"
#include "identity/names.h"
#include "store/writer.h"

namespace kb::identity {
namespace {

using store::Sql;

constexpr int64_t kBlockLimit = 50;  // candidates read per way of finding them

constexpr Sql kByAccountPhone{"identity_people_by_account_phone",
                              "SELECT p.id FROM users u JOIN people p ON p.account_id = u.id WHERE "
                              "u.phone_index = $1 AND p.merged_into IS NULL "
                              "ORDER BY p.id LIMIT $2"};
constexpr Sql kByOwnPhone{
    "identity_people_by_own_phone",
    "SELECT id FROM people WHERE phone_index = $1 AND merged_into IS NULL ORDER BY id LIMIT $2"};
constexpr Sql kByBirthAndName{"identity_people_by_birth_and_name",
                              "SELECT id FROM people WHERE birth_date = $1 AND name_key = $2 AND "
                              "merged_into IS NULL ORDER BY id LIMIT $3"};
constexpr Sql kByBirthAndWard{"identity_people_by_birth_and_ward",
                              "SELECT id FROM people WHERE birth_date = $1 AND ward_code = $2 AND "
                              "merged_into IS NULL ORDER BY id LIMIT $3"};
constexpr Sql kAccountPhone{"identity_account_phone", "SELECT phone FROM users WHERE id = $1"};
constexpr Sql kWardName{"identity_ward_name", "SELECT name FROM wards WHERE code = $1"};
constexpr Sql kWithoutNameKey{
    "identity_people_without_name_key",
    "SELECT id, full_name, street FROM people WHERE name_key IS NULL ORDER BY id LIMIT $1"};
constexpr Sql kSetNameKey{"identity_set_name_key",
                          "UPDATE people SET name_key = $2, name_words = $3, full_name = $4, "
                          "street = $5 WHERE id = $1"};

// A stored value sealed (crypto/sealing.h): as it is when sealed already, else sealed now.
std::string sealed(std::string stored) {
  return sealing::is_sealed(stored) ? stored : sealing::seal(stored);
}

// Strongest first: the order in which identifiers decide who someone is.
int strength(IdKind k) {
  switch (k) {
    case IdKind::kCccd:
      return 0;
    case IdKind::kPassport:
      return 1;
    case IdKind::kBhxh:
      return 2;
    case IdKind::kCmnd:
      return 3;
    case IdKind::kPhone:
      return 4;
  }
  return 4;
}

// The person holding an identifier: among the identifiers, else a record whose own ID number
// it is (records loaded in bulk), following merges.
Result<std::optional<people::Person>> holder(store::Connection& c, const Identifier& id) {
  KB_ASSIGN(auto held, holder_of(c, id));
  if (held) return people::find(c, held->person_id);
  if (id.kind == IdKind::kPhone) return std::optional<people::Person>();
  return people::find_by_id_number(c, id.value);
}

// Whether the person holds another value of a lifelong kind the arrival brings.
bool contradicts(const Details& arriving, const std::vector<KnownIdentifier>& known) {
  for (const auto& a : arriving.identifiers) {
    if (!lifelong(a.kind)) continue;
    for (const auto& k : known) {
      if (k.identifier.kind == a.kind && k.identifier.value != a.value) return true;
    }
  }
  return false;
}

// Records the arrival's identifiers and phones on the person, but those another person holds;
// `known` are the person's identifiers already (a sighting of one of them writes at most once a
// day, so a card scanned at every door costs no write).
Status remember_all(store::Connection& c, const people::Person& p, const Arrival& a,
                    const std::set<std::string>& held, const std::vector<KnownIdentifier>& known,
                    int64_t now) {
  Sighting seen{a.door, a.place, now};
  auto note = [&](const Identifier& id) -> Status {
    for (const auto& k : known) {
      if (k.identifier.kind == id.kind && k.identifier.value == id.value)
        return seen_again(c, k, now);
    }
    return remember(c, p.id, id, seen);
  };
  for (const auto& id : a.details.identifiers) {
    if (held.contains(std::string(kind_name(id.kind)) + ":" + id.value)) continue;
    KB_TRY(note(id));
  }
  for (const auto& phone : a.details.phones) {
    if (phone == p.phone) continue;
    KB_TRY(note(Identifier{IdKind::kPhone, phone, {}}));
  }
  return {};
}

void add_ids(store::Rows rows, std::vector<int64_t>& ids) {
  for (const auto& r : rows) ids.push_back(r.i64(0));
}

// The recorded people worth comparing with these details.
Result<std::vector<int64_t>> candidates_for(store::Connection& c, const Details& d) {
  std::vector<int64_t> ids;
  for (const auto& phone : d.phones) {
    const std::string index = sealing::blind("phone", phone);
    KB_ASSIGN(store::Rows own, c.query(kByOwnPhone, {std::string_view(index), kBlockLimit}));
    add_ids(std::move(own), ids);
    KB_ASSIGN(store::Rows account,
              c.query(kByAccountPhone, {std::string_view(index), kBlockLimit}));
    add_ids(std::move(account), ids);
    KB_ASSIGN(auto seen, people_with_phone(c, phone, kBlockLimit));
    ids.insert(ids.end(), seen.begin(), seen.end());
  }
  if (!d.birth_date.empty()) {
    std::string key = name_key_index(d.full_name);
    if (!key.empty()) {
      KB_ASSIGN(store::Rows named, c.query(kByBirthAndName, {std::string_view(d.birth_date),
                                                             std::string_view(key), kBlockLimit}));
      add_ids(std::move(named), ids);
    }
    if (!d.ward_code.empty()) {
      KB_ASSIGN(store::Rows local,
                c.query(kByBirthAndWard, {std::string_view(d.birth_date),
                                          std::string_view(d.ward_code), kBlockLimit}));
      add_ids(std::move(local), ids);
    }
  }
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return ids;
}

struct Scored {
  people::Person person;
  Comparison comparison;
};

// The recorded people that are sure or likely matches of `d` (leaving out `except`).
Result<std::vector<Scored>> matches_of(store::Connection& c, const Details& d, bool phone_proven,
                                       std::optional<int64_t> except) {
  KB_ASSIGN(auto ids, candidates_for(c, d));
  std::vector<Scored> out;
  for (int64_t id : ids) {
    if (except && id == *except) continue;
    KB_ASSIGN(auto p, people::find_record(c, id));
    if (!p || p->merged_into) continue;
    KB_ASSIGN(Details known, details_of(c, *p));
    Comparison cmp = compare(d, known, phone_proven);
    if (cmp.verdict != Verdict::kNoMatch) out.push_back({std::move(*p), cmp});
  }
  return out;
}

people::PersonFields fields_of(const Arrival& a) {
  people::PersonFields f;
  const Details& d = a.details;
  f.full_name = d.full_name;
  f.birth_date = d.birth_date;
  f.sex = d.sex;
  if (!d.phones.empty()) f.phone = d.phones.front();
  f.province_code = d.province_code;
  f.ward_code = d.ward_code;
  if (!d.ward_code.empty()) f.street = a.street;
  f.origin_province_code = a.origin_province_code;
  f.origin_ward_code = a.origin_ward_code;
  // The record's own ID number: its chip ID, else its passport (what a declaration asks for).
  for (IdKind kind : {IdKind::kCccd, IdKind::kPassport}) {
    auto it = std::find_if(d.identifiers.begin(), d.identifiers.end(),
                           [&](const Identifier& i) { return i.kind == kind; });
    if (it != d.identifiers.end()) {
      f.id_number = it->value;
      f.id_kind = std::string(kind_name(kind));
      break;
    }
  }
  return f;
}

}  // namespace

std::string_view how_name(How how) {
  switch (how) {
    case How::kIdentifier:
      return "identifier";
    case How::kOldId:
      return "old_id";
    case How::kSure:
      return "sure_match";
    case How::kNew:
      return "new";
  }
  return "new";
}

std::pair<std::string, std::string> area_of(const people::Person& p) {
  if (!p.province_code.empty()) return {p.province_code, p.ward_code};
  return {p.origin_province_code, p.origin_ward_code};
}

Result<Details> details_of(store::Connection& c, const people::Person& p) {
  Details d;
  d.full_name = p.full_name;
  d.birth_date = p.birth_date;
  d.sex = p.sex;
  d.province_code = p.province_code;
  d.ward_code = p.ward_code;
  if (!p.phone.empty()) d.phones.push_back(p.phone);
  if (p.account_id) {
    KB_ASSIGN(auto row, c.query_one(kAccountPhone, {*p.account_id}));
    if (row && !row->is_null(0)) d.phones.push_back(sealing::reveal(row->str(0)));
  }
  if (!p.ward_code.empty()) {
    KB_ASSIGN(auto row, c.query_one(kWardName, {std::string_view(p.ward_code)}));
    if (row) d.ward_name = row->str(0);
  }
  KB_ASSIGN(auto ids, identifiers_of(c, p.id));
  for (auto& k : ids) {
    if (k.identifier.kind == IdKind::kPhone) {
      d.phones.push_back(std::move(k.identifier.value));
    } else {
      d.identifiers.push_back(std::move(k.identifier));
    }
  }
  std::sort(d.phones.begin(), d.phones.end());
  d.phones.erase(std::unique(d.phones.begin(), d.phones.end()), d.phones.end());
  return d;
}

Result<Resolved> find_or_create(store::Connection& c, const Arrival& a, int64_t now) {
  // 1. Exact identifiers, strongest first.
  std::vector<Identifier> ids = a.details.identifiers;
  std::stable_sort(ids.begin(), ids.end(), [](const Identifier& x, const Identifier& y) {
    return strength(x.kind) < strength(y.kind);
  });
  const bool has_cccd = std::any_of(ids.begin(), ids.end(),
                                    [](const Identifier& i) { return i.kind == IdKind::kCccd; });
  std::optional<people::Person> found;
  std::vector<KnownIdentifier> found_ids;  // the found person's identifiers
  How how = How::kIdentifier;
  std::vector<people::Person> others;  // other people holding identifiers the arrival brings
  std::set<std::string> held;          // identifiers some other person holds: not recorded again
  for (const auto& id : ids) {
    KB_ASSIGN(auto p, holder(c, id));
    if (!p) continue;
    if (!found) {
      KB_ASSIGN(auto known, identifiers_of(c, p->id));
      if (!contradicts(a.details, known)) {
        found = std::move(*p);
        found_ids = std::move(known);
        how = id.kind == IdKind::kCmnd && has_cccd ? How::kOldId : How::kIdentifier;
        continue;
      }
    } else if (p->id == found->id) {
      continue;
    }
    held.insert(std::string(kind_name(id.kind)) + ":" + id.value);
    if (std::none_of(others.begin(), others.end(),
                     [&](const people::Person& o) { return o.id == p->id; })) {
      others.push_back(std::move(*p));
    }
  }
  Resolved out;
  auto queue_others = [&](const people::Person& with) -> Status {
    for (const auto& o : others) {
      if (o.id == with.id) continue;
      KB_ASSIGN(Details od, details_of(c, o));
      KB_ASSIGN(Details wd, details_of(c, with));
      KB_ASSIGN(int64_t pair,
                queue_pair(c, with, o, compare(wd, od), "shared_identifier", a.door, now));
      out.candidates.push_back(pair);
    }
    return {};
  };
  if (found) {
    KB_TRY(remember_all(c, *found, a, held, found_ids, now));
    KB_TRY(queue_others(*found));
    out.person = std::move(*found);
    out.how = how;
    return out;
  }
  // 2. The matching rules.
  KB_ASSIGN(auto scored, matches_of(c, a.details, a.phone_proven, std::nullopt));
  std::vector<const Scored*> sure;
  for (const auto& s : scored) {
    if (s.comparison.verdict == Verdict::kSure) sure.push_back(&s);
  }
  if (sure.size() == 1 && others.empty()) {
    out.person = sure.front()->person;
    out.how = How::kSure;
    out.rule = sure.front()->comparison.rule;
    KB_ASSIGN(auto known, identifiers_of(c, out.person.id));
    KB_TRY(remember_all(c, out.person, a, held, known, now));
    return out;
  }
  // 3. A new person, and the pairs for officials.
  people::PersonFields f = fields_of(a);
  if (held.contains("cccd:" + f.id_number) || held.contains("passport:" + f.id_number))
    f.id_number.clear();
  if (f.id_number.empty()) f.id_kind.clear();
  KB_ASSIGN(out.person, people::create(c, f, now, a.door, a.place));
  out.how = How::kNew;
  KB_ASSIGN(auto known, identifiers_of(c, out.person.id));
  KB_TRY(remember_all(c, out.person, a, held, known, now));
  for (const auto& s : scored) {
    KB_ASSIGN(int64_t pair,
              queue_pair(c, out.person, s.person, s.comparison, s.comparison.rule, a.door, now));
    out.candidates.push_back(pair);
  }
  KB_TRY(queue_others(out.person));
  return out;
}

Result<std::vector<int64_t>> queue_candidates_for(store::Connection& c, int64_t person_id,
                                                  std::string_view door, int64_t now) {
  KB_ASSIGN(auto p, people::find_record(c, person_id));
  std::vector<int64_t> pairs;
  if (!p || p->merged_into) return pairs;
  KB_ASSIGN(Details d, details_of(c, *p));
  KB_ASSIGN(auto scored, matches_of(c, d, false, person_id));
  for (const auto& s : scored) {
    KB_ASSIGN(int64_t pair,
              queue_pair(c, *p, s.person, s.comparison, s.comparison.rule, door, now));
    pairs.push_back(pair);
  }
  return pairs;
}

Result<int64_t> fill_name_keys(store::Connection& c, int64_t limit) {
  KB_ASSIGN(store::Rows rows, c.query(kWithoutNameKey, {limit}));
  for (const auto& r : rows) {
    std::string name = sealing::reveal(r.str(1));
    NameIndexes indexes = name_indexes(name);
    const std::string& key = indexes.key;
    const std::string& words = indexes.words;
    std::string sealed_name = sealed(r.str(1));
    std::string street = sealed(r.str(2));
    store::Param street_param =
        r.is_null(2) ? store::Param{nullptr} : store::Param{std::string_view(street)};
    KB_TRY(c.exec(kSetNameKey, {r.i64(0), std::string_view(key), std::string_view(words),
                                std::string_view(sealed_name), street_param}));
  }
  return static_cast<int64_t>(rows.size());
}

Status name_key_job(store::Database& db) {
  constexpr int64_t kBatch = 2000;
  for (int round = 0; round < 50; ++round) {
    KB_ASSIGN(int64_t filled, db.writer().write_sync(
                                  [](store::Connection& c) { return fill_name_keys(c, kBatch); }));
    if (filled < kBatch) break;
  }
  return {};
}

}  // namespace kb::identity
