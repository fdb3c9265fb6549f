// Idle live-inbox streams per process: opens N (default 10,000) SSE connections to one
// server, reports the server's RSS before and after (memory per connection), then sends one
// broadcast and times how long until every stream has received it.
// Usage (both processes need the descriptors):
//   ulimit -n 20000 && KB_BIN=build/khaibao node bench/sse_connections.mjs [n]
import http from 'node:http';
import { readFileSync } from 'node:fs';
import { startServer, staffToken, kNoWriteLimits } from '../tests/lib/server.mjs';
import { citizenAt, wardsOf } from '../tests/lib/notify.mjs';

const n = Number(process.argv[2] || 10000);
const server = await startServer({ args: kNoWriteLimits });
const rss = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${server.proc.pid}/status`, 'utf8'))[1]) * 1024;
const official = await staffToken(server, { username: 'hcm.cdc', role: 'official', jurisdiction: '79' });
const wards = await wardsOf(server, '79');
// A few citizens in one ward share the streams (the hub keys streams by person and area).
const citizens = [];
for (let i = 0; i < 10; i++) citizens.push(await citizenAt(server, `09123450${String(i).padStart(2, '0')}`, '79', wards[0]));
await new Promise((r) => setTimeout(r, 500));
const before = rss();

const agent = new http.Agent({ keepAlive: false, maxSockets: Infinity });
const streams = [];
let received = 0;
let sentAt = 0;
let allAt = 0;
function open(i) {
  return new Promise((resolve, reject) => {
    const req = http.get(`${server.base}/api/v1/me/inbox/stream`, { agent, headers: { authorization: `Bearer ${citizens[i % citizens.length].token}` } }, (res) => {
      if (res.statusCode !== 200) { reject(new Error(`status ${res.statusCode}`)); return; }
      let got = false;
      res.setEncoding('utf8');
      res.on('data', (chunk) => {
        if (!got && chunk.includes('event: message')) {
          got = true;
          if (++received === n) allAt = performance.now();
        }
      });
      resolve(res);
    });
    req.on('error', reject);
    streams.push(req);
  });
}
const t0 = performance.now();
for (let i = 0; i < n; i += 200) {
  await Promise.all(Array.from({ length: Math.min(200, n - i) }, (_, k) => open(i + k)));
}
const openMs = performance.now() - t0;
await new Promise((r) => setTimeout(r, 2000));
const after = rss();

sentAt = performance.now();
const r = await server.request('POST', '/api/v1/broadcasts', { token: official, body: { title: 'Tới mọi luồng', body: 'x', audience: { wards: [wards[0]] } } });
if (r.status !== 201) throw new Error(r.text);
for (let i = 0; i < 600 && received < n; i++) await new Promise((res) => setTimeout(res, 100));
const fanoutMs = allAt ? allAt - sentAt : NaN;
const peak = rss();
for (const s of streams) s.destroy();
await server.stop();

const mb = (b) => (b / 1048576).toFixed(1);
console.log(`| idle SSE streams open | ${n.toLocaleString('en-US')} (opened in ${(openMs / 1000).toFixed(1)} s) |`);
console.log(`| server RSS before / with the streams | ${mb(before)} MB / ${mb(after)} MB |`);
console.log(`| memory per idle stream | ${((after - before) / n / 1024).toFixed(1)} KiB |`);
console.log(`| one broadcast → received by all ${n.toLocaleString('en-US')} streams | ${received === n ? `${fanoutMs.toFixed(0)} ms` : `only ${received}`} (RSS then ${mb(peak)} MB) |`);
