// Starts a real khaibao binary on a free port with a throwaway data dir, for API and browser
// tests. The database comes from the environment: KB_TEST_DB=sqlite (default) or a
// postgres:// URL (scripts/with-postgres.sh sets KB_TEST_PG_URL; each server gets its own
// fresh schema there so tests never see each other's rows).
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import net from 'node:net';

// Servers still running when a test file ends (a test failed before stopping its server) are
// killed, so a failure ends the run instead of holding it open forever. Only under `node --test`:
// benchmarks use this file too, and node:test would make them print a test report.
const running = new Set();
if (process.env.NODE_TEST_CONTEXT) {
  const { after } = await import('node:test');
  after(() => { for (const proc of running) proc.kill('SIGKILL'); });
}

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const binary = process.env.KB_BIN || join(root, 'build', 'khaibao');
export const webDist = join(root, 'web', 'dist');

export async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

let schemaCounter = 0;
/** The --db argument for a new server: a fresh SQLite file, or a fresh PostgreSQL schema. */
export function freshDbArg(dataDir) {
  const pg = process.env.KB_TEST_PG_URL;
  if (pg && process.env.KB_TEST_DB === 'postgres') {
    const schema = `t_${process.pid}_${Date.now().toString(36)}_${schemaCounter++}`;
    const sep = pg.includes('?') ? '&' : '?';
    return `${pg}${sep}options=-csearch_path%3D${schema}`;
  }
  return `sqlite:${join(dataDir, 'khaibao.db')}`;
}

export function dbKind() {
  return process.env.KB_TEST_DB === 'postgres' ? 'postgres' : 'sqlite';
}

/**
 * Runs `khaibao admin ...` against a server's database and data dir; returns stdout.
 */
export function admin(server, args, input) {
  return execFileSync(binary, ['admin', ...args, '--db', server.db, '--data-dir', server.dataDir], {
    input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'],
  });
}

// Benchmarks act for thousands of people from one caller and one address: the write limits
// (which stop one session or address from flooding the server) would answer them 429.
export const kNoWriteLimits = ['--write-limit-caller', '0', '--write-limit-address', '0'];

/**
 * Starts a server. Resolves once /healthz answers 200.
 * Returns { base, port, db, dataDir, adminPassword, proc, stdout(), outbox(), lastOtp(phone),
 *           request(method, path, {body, token, headers}), stop(), kill9() }.
 */
export async function startServer(opts = {}) {
  const dataDir = opts.dataDir || mkdtempSync(join(tmpdir(), 'kb-test-'));
  const port = opts.port || await freePort();
  const db = opts.db || freshDbArg(dataDir);
  const args = ['serve', '--db', db, '--listen', `127.0.0.1:${port}`, '--data-dir', dataDir,
    '--web-dir', webDist, ...(opts.args || [])];
  const proc = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...(opts.env || {}) } });
  let out = '';
  proc.stdout.on('data', (d) => { out += d; });
  proc.stderr.on('data', (d) => { out += d; });
  running.add(proc);
  const exited = new Promise((resolve) => proc.on('exit', (code, signal) => { running.delete(proc); resolve({ code, signal }); }));
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (opts.startTimeoutMs || 30000);
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`khaibao exited early (${proc.exitCode}):\n${out}`);
    try {
      const r = await fetch(`${base}/healthz`);
      if (r.status === 200) break;
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) { proc.kill('SIGKILL'); throw new Error(`khaibao did not start:\n${out}`); }
    await new Promise((r) => setTimeout(r, 50));
  }
  const m = /one-time password[^:]*:\s*(\S+)/.exec(out);
  const server = {
    base, port, db, dataDir, proc, exited,
    adminPassword: m ? m[1] : undefined,
    stdout: () => out,
    outbox() {
      const f = join(dataDir, 'outbox.jsonl');
      if (!existsSync(f)) return [];
      return readFileSync(f, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
    },
    /** The newest OTP sent to a phone (E.164), read from the outbox as a test or developer would. */
    lastOtp(phone) {
      const msgs = server.outbox().filter((m) => m.to === phone && m.channel === 'sms');
      if (!msgs.length) return undefined;
      const code = /\b(\d{6})\b/.exec(msgs[msgs.length - 1].text);
      return code && code[1];
    },
    /**
     * The newest OTP for a phone once it is in the outbox: sign-in codes go out through the
     * urgent delivery lane, which may write the outbox just after the request is answered.
     * `previous`: a code already seen, to wait for a newer one.
     */
    async waitForOtp(phone, previous, timeoutMs = 10000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const code = server.lastOtp(phone);
        if (code && code !== previous) return code;
        if (Date.now() > deadline) return code;
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    /**
     * The outbox's messages that `match`, once there is at least one: deliveries go out from
     * their lanes' workers, which may write the outbox a moment after the request is answered.
     */
    async waitForOutbox(match, timeoutMs = 10000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = server.outbox().filter(match);
        if (found.length || Date.now() > deadline) return found;
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    async request(method, path, { body, token, headers = {}, raw } = {}) {
      const h = { ...headers };
      if (token) h.authorization = `Bearer ${token}`;
      let payload;
      if (raw !== undefined) payload = raw;
      else if (body !== undefined) { payload = JSON.stringify(body); h['content-type'] ??= 'application/json'; }
      const r = await fetch(base + path, { method, headers: h, body: payload });
      const text = await r.text();
      let json;
      try { json = text ? JSON.parse(text) : undefined; } catch { json = undefined; }
      return { status: r.status, headers: r.headers, text, json };
    },
    async stop() {
      if (proc.exitCode === null) proc.kill('SIGTERM');
      const t = setTimeout(() => proc.kill('SIGKILL'), 10000);
      const r = await exited;
      clearTimeout(t);
      if (!opts.keepDataDir) rmSync(dataDir, { recursive: true, force: true });
      return r;
    },
    async kill9() { proc.kill('SIGKILL'); return exited; },
  };
  return server;
}

/** Signs a citizen in by phone + the OTP read from the outbox; returns the token. */
export async function citizenToken(server, phone = '0912345678') {
  const r1 = await server.request('POST', '/api/v1/auth/otp', { body: { phone } });
  if (r1.status !== 200) throw new Error(`otp request failed: ${r1.status} ${r1.text}`);
  const code = await server.waitForOtp(r1.json.phone);
  const r2 = await server.request('POST', '/api/v1/auth/otp/verify', { body: { phone, code } });
  if (r2.status !== 200) throw new Error(`otp verify failed: ${r2.status} ${r2.text}`);
  return r2.json.token;
}

/** Creates a staff account with the admin CLI and signs it in; returns the token. */
export async function staffToken(server, { username, role, jurisdiction = 'national', password = 'correct horse battery 9' }) {
  const { writeFileSync } = await import('node:fs');
  const pwFile = join(server.dataDir, `pw-${username}`);
  writeFileSync(pwFile, password + '\n', { mode: 0o600 });
  admin(server, ['user', 'add', '--username', username, '--role', role, '--jurisdiction', jurisdiction, '--password-file', pwFile]);
  const r = await server.request('POST', '/api/v1/auth/login', { body: { username, password } });
  if (r.status !== 200) throw new Error(`login failed: ${r.status} ${r.text}`);
  return r.json.token;
}

/** The password adminToken() gives the first administrator in place of the one-time one. */
export const ADMIN_PASSWORD = 'the operator chose this one';

/**
 * Signs the first administrator in with the one-time password the server printed and changes
 * it (until then the server refuses that session everything else); returns the token.
 */
export async function adminToken(server) {
  const r = await server.request('POST', '/api/v1/auth/login', { body: { username: 'admin', password: server.adminPassword } });
  if (r.status !== 200) throw new Error(`admin login failed: ${r.status} ${r.text}`);
  const changed = await server.request('POST', '/api/v1/me/password', {
    token: r.json.token, body: { current_password: server.adminPassword, new_password: ADMIN_PASSWORD },
  });
  if (changed.status !== 204) throw new Error(`admin password change failed: ${changed.status} ${changed.text}`);
  return r.json.token;
}

/** `count` restaurants in one ward, made by `token`'s account (which then manages them). */
export async function makeVenues(server, token, count) {
  const venues = [];
  for (let i = 0; i < count; i++) {
    const r = await server.request('POST', '/api/v1/venues', {
      token,
      body: { name: `Quán ${i}`, kind: 'restaurant', province_code: '79', ward_code: '26882', street: `${i} Lê Lợi` },
    });
    if (r.status !== 201) throw new Error(`making a venue: ${r.status} ${r.text}`);
    venues.push(r.json);
  }
  return venues;
}
