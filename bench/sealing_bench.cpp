// What sealing costs one call (crypto/sealing.h), without a database: the CPU time of sealing a
// short personal field, opening it again, passing a clear value through reveal (rows from before
// sealing), and the blind index of a phone. A citizen's check-in opens the name and the street
// (two reveals); a check-in by phone or card adds one blind index. bench/RESULTS.md sets these
// against the server's CPU per check-in (bench/ingest.sh).
// Usage: bench_sealing [--benchmark_* flags]
#include <benchmark/benchmark.h>

#include <string>

#include "crypto/sealing.h"

namespace {

namespace sealing = kb::sealing;

// A name and a street as people write them; a phone in E.164.
constexpr std::string_view kName = "Nguyễn Thị Hằng Xuyến";
constexpr std::string_view kStreet = "27 Đường Phan Đình Giót";
constexpr std::string_view kPhone = "+84912760001";

void BM_Seal(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(sealing::seal(kName));
}
BENCHMARK(BM_Seal);

void BM_RevealSealed(benchmark::State& state) {
  const std::string sealed = sealing::seal(kName);
  for (auto _ : state) benchmark::DoNotOptimize(sealing::reveal(sealed));
}
BENCHMARK(BM_RevealSealed);

void BM_RevealClear(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(sealing::reveal(kStreet));
}
BENCHMARK(BM_RevealClear);

void BM_BlindPhone(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(sealing::blind("phone", kPhone));
}
BENCHMARK(BM_BlindPhone);

// What a citizen's check-in asks of sealing: the name and the street opened, one blind index.
void BM_CheckinShare(benchmark::State& state) {
  const std::string name = sealing::seal(kName), street = sealing::seal(kStreet);
  for (auto _ : state) {
    benchmark::DoNotOptimize(sealing::reveal(name));
    benchmark::DoNotOptimize(sealing::reveal(street));
    benchmark::DoNotOptimize(sealing::blind("phone", kPhone));
  }
}
BENCHMARK(BM_CheckinShare);

}  // namespace

int main(int argc, char** argv) {
  sealing::install(sealing::Keyring::generate());
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
