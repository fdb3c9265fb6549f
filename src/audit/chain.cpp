#include "audit/chain.h"

#include <fmt/format.h>
#include <sodium.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <sstream>

#include "core/clock.h"
#include "core/crypto.h"

namespace kb::audit {
namespace {

constexpr store::Sql kChainHead{
    "audit_chain_head",
    "SELECT seq, hash FROM audit_log WHERE chain = $1 ORDER BY seq DESC LIMIT 1"};
constexpr store::Sql kChainedEntries{
    "audit_chained_entries",
    "SELECT id, chain, seq, prev_hash, at, actor_id, actor_role, actor_area, action, subject, "
    "reason, detail, hash FROM audit_log WHERE chain IS NOT NULL ORDER BY chain, seq"};
constexpr store::Sql kEntryPeople{"audit_entry_people",
                                  "SELECT audit_id, person_id FROM audit_people ORDER BY audit_id, "
                                  "person_id"};
constexpr store::Sql kUnchained{"audit_unchained",
                                "SELECT COUNT(*) FROM audit_log WHERE chain IS NULL"};

// The next place on a connection's chain, kept between its writes.
struct ChainMemo : store::Connection::Memo {
  static inline std::atomic<int64_t> next_number{1};
  int64_t number = next_number++;
  std::string chain;  // empty: read the head from the database first
  int64_t seq = 0;
  std::string hash;
  void rolled_back() override { chain.clear(); }
};

// The chains this process has written on, and the seq of each last written outside.
struct Registry {
  std::mutex mutex;
  std::set<std::string> chains;
  std::map<std::string, int64_t> written;
};
Registry& registry() {
  static Registry r;
  return r;
}

void field(std::string& out, std::string_view name, std::string_view value) {
  fmt::format_to(std::back_inserter(out), "{}={}:{};", name, value.size(), value);
}

std::string day_in_vietnam(int64_t at) { return format_rfc3339(at + 7 * 3600).substr(0, 10); }

std::string heads_file_name(std::string_view day) { return fmt::format("audit-heads-{}.txt", day); }

}  // namespace

std::string entry_hash(const ChainedEntry& e) {
  std::string text;
  text.reserve(256 + e.detail.size() + e.reason.size());
  field(text, "chain", e.chain);
  field(text, "seq", std::to_string(e.seq));
  field(text, "prev", e.prev_hash);
  field(text, "at", std::to_string(e.at));
  field(text, "actor", e.actor_id ? std::to_string(*e.actor_id) : "-");
  field(text, "role", e.actor_role);
  field(text, "area", e.actor_area);
  field(text, "action", e.action);
  field(text, "subject", e.subject);
  field(text, "reason", e.reason);
  field(text, "detail", e.detail);
  std::string people;
  for (int64_t p : e.people) fmt::format_to(std::back_inserter(people), "{},", p);
  field(text, "people", people);
  return keyed_hash(text);
}

const std::string& process_tag() {
  static const std::string tag = [] {
    unsigned char raw[4];
    randombytes_buf(raw, sizeof raw);
    return to_hex(std::string_view(reinterpret_cast<const char*>(raw), sizeof raw));
  }();
  return tag;
}

std::string chain_name(int64_t connection_number, int64_t at) {
  return fmt::format("{}.{}.{}", process_tag(), connection_number, day_in_vietnam(at));
}

Result<Place> next_place(store::Connection& c, int64_t at) {
  auto& memo = c.memo<ChainMemo>();
  std::string chain = chain_name(memo.number, at);
  if (memo.chain != chain) {
    KB_ASSIGN(auto head, c.query_one(kChainHead, {std::string_view(chain)}));
    memo.seq = head ? head->i64(0) : 0;
    memo.hash = head ? head->str(1) : std::string();
    memo.chain = chain;
  }
  return Place{std::move(chain), memo.seq + 1, memo.hash};
}

void advance(store::Connection& c, const Place& place, std::string hash) {
  auto& memo = c.memo<ChainMemo>();
  if (place.seq == 1 || memo.chain != place.chain) {
    auto& r = registry();
    std::lock_guard lock(r.mutex);
    r.chains.insert(place.chain);
  }
  memo.chain = place.chain;
  memo.seq = place.seq;
  memo.hash = std::move(hash);
}

Result<Verification> verify(store::Connection& c, const std::vector<Head>& heads) {
  Verification v;
  KB_ASSIGN(auto unchained, c.query(kUnchained));
  v.unchained = unchained.empty() ? 0 : unchained[0].i64(0);
  std::map<int64_t, std::vector<int64_t>> people;
  KB_ASSIGN(auto people_rows, c.query(kEntryPeople));
  for (const auto& r : people_rows) people[r.i64(0)].push_back(r.i64(1));
  KB_ASSIGN(auto rows, c.query(kChainedEntries));

  // Every hash of each chain, to tell an entry moved elsewhere in its chain from one whose
  // link leads nowhere.
  std::map<std::string, std::set<std::string>, std::less<>> hashes;
  for (const auto& r : rows) hashes[r.str(1)].insert(r.str(12));
  std::map<std::string, std::map<int64_t, std::string>, std::less<>> stored;  // chain → seq → hash

  std::string chain, prev;
  int64_t expected = 1;
  for (const auto& r : rows) {
    ChainedEntry e{r.i64(0), r.str(1), r.i64(2), r.str(3),  r.i64(4),  r.opt_i64(5), r.str(6),
                   r.str(7), r.str(8), r.str(9), r.str(10), r.str(11), {},           r.str(12)};
    if (auto it = people.find(e.id); it != people.end()) e.people = it->second;
    if (e.chain != chain) {
      chain = e.chain;
      prev.clear();
      expected = 1;
      ++v.chains;
    }
    ++v.entries;
    stored[e.chain][e.seq] = e.hash;
    if (e.seq > expected) v.findings.push_back({"removed", e.chain, expected, 0, e.seq - expected});
    if (entry_hash(e) != e.hash) v.findings.push_back({"altered", e.chain, e.seq, e.id});
    if (e.prev_hash != prev) {
      bool elsewhere = !e.prev_hash.empty() && hashes[e.chain].contains(e.prev_hash);
      v.findings.push_back({elsewhere ? "reordered" : "unlinked", e.chain, e.seq, e.id});
    }
    prev = e.hash;
    expected = e.seq + 1;
  }
  for (const auto& h : heads) {
    ++v.heads_checked;
    auto chain_it = stored.find(h.chain);
    int64_t last =
        chain_it == stored.end() || chain_it->second.empty() ? 0 : chain_it->second.rbegin()->first;
    if (h.seq > last) {
      v.findings.push_back({"removed", h.chain, last + 1, 0, h.seq - last});
      continue;
    }
    auto at = chain_it->second.find(h.seq);
    if (at != chain_it->second.end() && at->second != h.hash)
      v.findings.push_back({"head", h.chain, h.seq, 0});
  }
  return v;
}

Status write_heads(store::Connection& c, const std::filesystem::path& dir) {
  std::vector<std::string> chains;
  {
    auto& r = registry();
    std::lock_guard lock(r.mutex);
    chains.assign(r.chains.begin(), r.chains.end());
  }
  if (chains.empty()) return {};
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec)
    return internal(fmt::format("audit heads: cannot create {}: {}", dir.string(), ec.message()));
  std::map<std::string, std::string> lines_by_day;
  for (const auto& chain : chains) {
    KB_ASSIGN(auto head, c.query_one(kChainHead, {std::string_view(chain)}));
    if (!head) continue;  // its first entry was rolled back
    auto& r = registry();
    std::lock_guard lock(r.mutex);
    int64_t& written = r.written[chain];
    if (head->i64(0) <= written) continue;
    written = head->i64(0);
    std::string day = chain.substr(chain.rfind('.') + 1);
    fmt::format_to(std::back_inserter(lines_by_day[day]), "{} {} {}\n", chain, head->i64(0),
                   head->str(1));
  }
  for (const auto& [day, lines] : lines_by_day) {
    const auto file = dir / heads_file_name(day);
    std::ofstream out(file, std::ios::app);
    out << lines;
    out.flush();
    if (!out) return internal(fmt::format("audit heads: cannot write {}", file.string()));
  }
  return {};
}

Result<std::vector<Head>> read_heads(const std::filesystem::path& dir) {
  std::vector<Head> heads;
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) return heads;
  for (const auto& f : std::filesystem::directory_iterator(dir, ec)) {
    std::string name = f.path().filename().string();
    if (!name.starts_with("audit-heads-") || !name.ends_with(".txt")) continue;
    std::ifstream in(f.path());
    std::string line;
    int line_number = 0;
    while (std::getline(in, line)) {
      ++line_number;
      if (line.empty()) continue;
      std::istringstream words(line);
      Head h;
      if (!(words >> h.chain >> h.seq >> h.hash) || h.seq < 1 || h.hash.size() != 64) {
        return invalid("heads", "malformed_audit_head",
                       fmt::format("{} line {}: not \"<chain> <seq> <hash>\"", name, line_number));
      }
      heads.push_back(std::move(h));
    }
  }
  return heads;
}

}  // namespace kb::audit
