// Renders bench_writer's JSON (Google Benchmark, --benchmark_format=json) for SQLite and
// PostgreSQL as one markdown table: median check-ins per second of each benchmark.
// Usage: node bench/writer_table.mjs SQLITE.json POSTGRES.json
import { readFileSync } from 'node:fs';

const medians = (file) => {
  const out = new Map();
  for (const b of JSON.parse(readFileSync(file, 'utf8')).benchmarks) {
    if (b.aggregate_name !== 'median') continue;
    out.set(b.run_name.replace(/\/min_time:[^/]*|\/real_time/g, ''), b.items_per_second);
  }
  return out;
};
const [sqlite, postgres] = process.argv.slice(2).map(medians);
const fmt = (v) => (v === undefined ? '–' : Math.round(v).toLocaleString('en-US'));
console.log('| benchmark / group size | SQLite check-ins/s | PostgreSQL check-ins/s |');
console.log('|---|---|---|');
for (const name of sqlite.keys()) console.log(`| ${name} | ${fmt(sqlite.get(name))} | ${fmt(postgres.get(name))} |`);
