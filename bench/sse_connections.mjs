// Idle live-inbox streams per process: opens streams to one server in steps (default 10,000,
// then 19,000), and at each step reports the server's RSS (memory per stream), sends one
// broadcast and times how long until every stream has received it (p50 and the last).
// The streams are held by several client processes (a process's descriptors are limited),
// each from its own loopback source address (127.0.0.2, .3, …: one address has ~28k ports).
// Usage (bench/sse_connections.sh raises the descriptor limits first):
//   KB_BIN=build/khaibao node bench/sse_connections.mjs [steps, e.g. 10000,19000] [clients]
// The /metrics counter khaibao_inbox_events_delivered_total says how many streams got the
// broadcast from memory rather than by reading the database.
import http from 'node:http';
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const now = () => performance.timeOrigin + performance.now();  // comparable across processes

if (process.env.KB_SSE_CLIENT) {
  // A client process: opens streams when told, reports when each got its k-th message.
  const agent = new http.Agent({ keepAlive: false, maxSockets: Infinity });
  const streams = [];
  const got = [];  // per stream: arrival times of message events
  let cfg;
  async function openMany(count) {
    const start = streams.length;
    for (let i = 0; i < count; i += 250) {
      await Promise.all(Array.from({ length: Math.min(250, count - i) }, (_, k) => openOne(start + i + k)));
    }
  }
  function openOne(i) {
    return new Promise((resolve, reject) => {
      const req = http.get(`${cfg.base}/api/v1/me/inbox/stream`, {
        agent, localAddress: cfg.localAddress,
        headers: { authorization: `Bearer ${cfg.tokens[i % cfg.tokens.length]}` },
      }, (res) => {
        if (res.statusCode !== 200) { reject(new Error(`status ${res.statusCode}`)); return; }
        got[i] = [];
        res.setEncoding('utf8');
        res.on('data', (chunk) => {
          let at = chunk.indexOf('event: message');
          while (at >= 0) { got[i].push(now()); at = chunk.indexOf('event: message', at + 1); }
        });
        resolve();
      });
      req.on('error', reject);
      streams.push(req);
    });
  }
  process.on('message', async (m) => {
    if (m.cfg) cfg = m.cfg;
    if (m.open) {
      try { await openMany(m.open); process.send({ opened: streams.length }); } catch (e) { process.send({ error: String(e) }); }
    }
    if (m.collect) process.send({ times: got.map((g) => g.find((t) => t >= m.collect) ?? null) });
    if (m.quit) { for (const s of streams) s.destroy(); process.exit(0); }
  });
} else {
  const { startServer, staffToken, kNoWriteLimits } = await import('../tests/lib/server.mjs');
  const { citizenAt, wardsOf } = await import('../tests/lib/notify.mjs');
  const steps = (process.argv[2] || '10000,19000').split(',').map(Number);
  const clientCount = Number(process.argv[3] || 2);
  const server = await startServer({ args: kNoWriteLimits });
  const status = () => readFileSync(`/proc/${server.proc.pid}/status`, 'utf8');
  // The server's CPU time (user + system, ms): on a shared machine, the cost of a fan-out.
  const cpu = () => readFileSync(`/proc/${server.proc.pid}/stat`, 'utf8').split(') ')[1].split(' ').slice(11, 13).reduce((a, t) => a + Number(t), 0) * 10;
  const rss = () => Number(/VmRSS:\s+(\d+)/.exec(status())[1]) * 1024;
  const limits = readFileSync(`/proc/${server.proc.pid}/limits`, 'utf8').split('\n').find((l) => l.startsWith('Max open files'));
  const official = await staffToken(server, { username: 'hcm.cdc', role: 'official', jurisdiction: '79' });
  const wards = await wardsOf(server, '79');
  // A few citizens in one ward share the streams (the hub keys streams by person and area).
  const tokens = [];
  for (let i = 0; i < 10; i++) tokens.push((await citizenAt(server, `09123450${String(i).padStart(2, '0')}`, '79', wards[0])).token);
  const clients = Array.from({ length: clientCount }, (_, i) => {
    const c = fork(fileURLToPath(import.meta.url), [], { env: { ...process.env, KB_SSE_CLIENT: '1' } });
    c.send({ cfg: { base: server.base, tokens, localAddress: `127.0.0.${2 + i}` } });
    return c;
  });
  const ask = (c, m, key) => new Promise((resolve, reject) => {
    const on = (r) => { if (r.error) reject(new Error(r.error)); else if (key in r) { c.off('message', on); resolve(r[key]); } };
    c.on('message', on);
    c.send(m);
  });
  const metric = async (name) => {
    const r = await server.request('GET', '/metrics');
    return Number(new RegExp(`^${name} (\\d+)`, 'm').exec(r.text)?.[1]);
  };
  await new Promise((r) => setTimeout(r, 500));
  const before = rss();
  const mb = (b) => (b / 1048576).toFixed(1);
  const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  console.log(`server ${limits.replace(/\s+/g, ' ')}; RSS before any stream ${mb(before)} MB`);
  console.log('| streams | opened in | server RSS | memory per stream | broadcast → all streams p50 / last | server CPU for it | from memory | load average |');
  console.log('|---|---|---|---|---|---|---|---|');
  let open = 0;
  for (const [k, step] of steps.entries()) {
    const t0 = now();
    const share = Math.ceil((step - open) / clientCount);
    await Promise.all(clients.map((c, i) => ask(c, { open: Math.min(share, step - open - i * share) }, 'opened')));
    open = step;
    const openS = (now() - t0) / 1000;
    await new Promise((r) => setTimeout(r, 3000));
    const with_ = rss();
    if (process.env.KB_SSE_KILL) {
      // For heaptrack: end the server with every stream open, so what it holds shows as leaked.
      const child = (pid) => readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(' ').filter(Boolean).map(Number);
      let pid = server.proc.pid;
      for (let kids = child(pid); kids.length; kids = child(pid)) pid = kids[kids.length - 1];
      process.kill(pid, 'SIGKILL');
      await new Promise((r) => setTimeout(r, 3000));
      process.exit(0);
    }
    const deliveredBefore = await metric('khaibao_inbox_events_delivered_total');
    const cpuBefore = cpu();
    const sentAt = now();
    const r = await server.request('POST', '/api/v1/broadcasts', { token: official, body: { title: `Tới mọi luồng ${k + 1}`, body: 'x', audience: { wards: [wards[0]] } } });
    if (r.status !== 201) throw new Error(r.text);
    let times = [];
    for (let i = 0; i < 300; i++) {
      await new Promise((res) => setTimeout(res, 200));
      times = (await Promise.all(clients.map((c) => ask(c, { collect: sentAt }, 'times')))).flat();
      if (times.every((t) => t !== null)) break;
    }
    const cpuMs = cpu() - cpuBefore;  // includes the polling below: an upper bound
    const arrived = times.filter((t) => t !== null).map((t) => t - sentAt).sort((a, b) => a - b);
    const fromMemory = (await metric('khaibao_inbox_events_delivered_total')) - deliveredBefore;
    const fanout = arrived.length === open
      ? `${arrived[Math.floor(arrived.length / 2)].toFixed(0)} / ${arrived[arrived.length - 1].toFixed(0)} ms`
      : `only ${arrived.length} of ${open}`;
    console.log(`| ${open.toLocaleString('en-US')} | ${openS.toFixed(1)} s | ${mb(with_)} MB | ${((with_ - before) / open / 1024).toFixed(2)} KiB | ${fanout} | ${cpuMs} ms | ${fromMemory.toLocaleString('en-US')} | ${load()} |`);
  }
  for (const c of clients) c.send({ quit: true });
  await server.stop();
}
