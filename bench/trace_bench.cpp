// F1 query latency: for random people of the store (synth gives each about ten visits in two
// weeks), time find_contacts over a 14-day infectious window ending now, and print p50/p99
// (milliseconds) and the mean number of contacts.
// Usage: bench_trace DB_URL [CASES=1000] [END_TIME=now]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <random>
#include <string>
#include <vector>

#include "core/crypto.h"
#include "schema/schema.h"
#include "store/database.h"
#include "trace/contacts.h"

namespace {

constexpr kb::store::Sql kPeople{"bench_people",
                                 "SELECT COALESCE(MIN(id), 0), COALESCE(MAX(id), 0) FROM people"};

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s DB_URL [CASES] [END_TIME]\n", argv[0]);
    return 2;
  }
  kb::crypto_init();
  int cases = argc > 2 ? std::stoi(argv[2]) : 1000;
  auto db = kb::store::Database::open(argv[1], kb::schema::khaibao());
  if (!db.ok()) {
    std::fprintf(stderr, "%s\n", db.error().message.c_str());
    return 1;
  }
  auto conn = (*db)->connect();
  if (!conn.ok()) return 1;
  auto& c = **conn;
  auto people = c.query(kPeople);
  if (!people.ok() || people->empty() || (*people)[0].i64(1) == 0) {
    std::fprintf(stderr, "no people: run `khaibao admin synth` first\n");
    return 1;
  }
  int64_t first = (*people)[0].i64(0);
  uint64_t span = static_cast<uint64_t>((*people)[0].i64(1) - first + 1);
  int64_t end = argc > 3 ? std::stoll(argv[3]) : static_cast<int64_t>(::time(nullptr));
  kb::trace::ExposureRule rule;
  kb::trace::ExposureWindow window{end - 14 * 86400, end};
  std::mt19937_64 rng(7);
  std::vector<double> ms;
  double contacts = 0;
  for (int i = 0; i < cases; ++i) {
    int64_t person = first + static_cast<int64_t>(rng() % span);
    auto start = std::chrono::steady_clock::now();
    auto found = kb::trace::find_contacts(c, rule, person, window);
    auto stop = std::chrono::steady_clock::now();
    if (!found.ok()) {
      std::fprintf(stderr, "find_contacts: %s\n", found.error().message.c_str());
      return 1;
    }
    ms.push_back(std::chrono::duration<double, std::milli>(stop - start).count());
    contacts += static_cast<double>(found->size());
  }
  std::sort(ms.begin(), ms.end());
  auto pct = [&](double p) {
    return ms[std::min(ms.size() - 1, static_cast<size_t>(p * static_cast<double>(ms.size())))];
  };
  std::printf("cases=%zu p50_ms=%.2f p99_ms=%.2f max_ms=%.2f mean_contacts=%.1f\n", ms.size(),
              pct(0.5), pct(0.99), ms.back(), contacts / static_cast<double>(ms.size()));
  return 0;
}
