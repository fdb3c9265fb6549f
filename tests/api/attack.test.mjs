// The attack table, against the real binary (SQLite and PostgreSQL). Each row is an attack a
// reader can see: who tries what on which route, and what must come back. For every row the
// answer is a refusal (or the attacker's own data), nothing of the victim's appears in the
// body, and nothing is written (the victim's records are re-read through the API afterwards).
// The routes come from `khaibao routes`: a new /me/… or /people/{id}/… route, or a new official
// route with an id, fails the table until it has a row.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import net from 'node:net';
import { startServer, citizenToken, staffToken, binary } from '../lib/server.mjs';

let server;
// Today as Vietnam (UTC+7) counts it, as the server reads days.
const today = () => new Date(Date.now() + 7 * 3600000).toISOString().slice(0, 10);
const api = (method, path, token, body) => server.request(method, path, { token, body });

// The victim's household in Hồ Chí Minh City (79); the attackers elsewhere.
const VICTIM = { name: 'Trần Thị Bí Mật', id_number: '079190777001', street: '77 Đường Kín Đáo' };
const CHILD = { id_kind: 'cccd', id_number: '079218777002', birth_date: '2018-03-04', sex: 'male' };
const victim = {};   // token, self, child
let thief;           // another citizen's token
let hcm;             // official of province 79
let hanoi;           // official of province 01
const venues = {};   // a: the victim's venue (79), b: the thief's venue
let ward79;
let kase;            // a case of the victim's, opened by the HCM official
let round;           // an HCM testing round
let feedback;        // a report the victim sent in 79
let dataRequest;     // an agency's request for 79's declarations, approved

function routes() {
  return execFileSync(binary, ['routes'], { encoding: 'utf8' }).split('\n').filter(Boolean)
    .map((l) => l.split('\t')[0]);
}

/** Nothing of the victim's personal data in a response body. */
function assertNoLeak(r, row) {
  for (const secret of [VICTIM.name, VICTIM.id_number, VICTIM.street, '0912990001', '+84912990001']) {
    assert.ok(!r.text.includes(secret), `${row}: the answer shows "${secret}": ${r.text.slice(0, 300)}`);
  }
}

/** The victim's household as the victim reads it: the same before and after every attack. */
async function victimState() {
  const people = (await api('GET', '/api/v1/me/people', victim.token)).json.people;
  const decls = [];
  for (const p of people) decls.push((await api('GET', `/api/v1/me/people/${p.id}/declarations`, victim.token)).text);
  const qr = (await api('GET', `/api/v1/people/${victim.self.id}/qr`, victim.token)).status;
  const inbox = (await api('GET', '/api/v1/me/inbox', victim.token)).text;
  return JSON.stringify({ people: people.map(({ status, ...p }) => p), decls, qr, inbox });
}

before(async () => {
  server = await startServer({ args: ['--write-limit-caller', '0', '--write-limit-address', '0'] });
  ward79 = (await api('GET', '/api/v1/areas/provinces/79/wards')).json[0].code;
  const ward01 = (await api('GET', '/api/v1/areas/provinces/01/wards')).json[0].code;
  hcm = await staffToken(server, { username: 'hcm.attack', role: 'official', jurisdiction: '79' });
  hanoi = await staffToken(server, { username: 'hn.attack', role: 'official', jurisdiction: '01' });

  victim.token = await citizenToken(server, '0912990001');
  victim.self = (await api('GET', '/api/v1/me/people', victim.token)).json.people[0];
  const home = { province_code: '79', ward_code: ward79, street: VICTIM.street };
  let r = await api('PUT', `/api/v1/me/people/${victim.self.id}`, victim.token, {
    full_name: VICTIM.name, id_kind: 'cccd', id_number: VICTIM.id_number, birth_date: '1990-01-02', sex: 'female', ...home,
  });
  assert.equal(r.status, 200, r.text);
  r = await api('POST', '/api/v1/me/people', victim.token, { full_name: 'Trần Bé Nhỏ', ...CHILD, ...home });
  assert.equal(r.status, 201, r.text);
  victim.child = r.json;
  r = await api('POST', '/api/v1/declarations', victim.token, {
    person_id: victim.self.id, kind: 'domestic', symptoms: ['none'], exposures: ['none'], vaccine_doses: 2,
  });
  assert.equal(r.status, 201, r.text);

  thief = await citizenToken(server, '0912990002');
  const venue = { kind: 'restaurant', street: '1 Lê Lợi', capacity: 30 };
  venues.a = (await api('POST', '/api/v1/venues', victim.token, { ...venue, name: 'Quán A', province_code: '79', ward_code: ward79 })).json;
  venues.b = (await api('POST', '/api/v1/venues', thief, { ...venue, name: 'Quán B', province_code: '01', ward_code: ward01 })).json;
  assert.ok(venues.a?.id && venues.b?.id);
  r = await api('POST', '/api/v1/checkins', victim.token, { venue_code: venues.a.code });
  assert.ok(r.status === 200 || r.status === 201, r.text);

  r = await api('POST', '/api/v1/cases', hcm, { person_id: victim.self.id, test_date: today() });
  assert.equal(r.status, 201, r.text);
  kase = r.json;
  r = await api('POST', '/api/v1/testing/rounds', hcm, { name: 'Đợt HCM', ward_codes: [ward79] });
  assert.equal(r.status, 201, r.text);
  round = r.json;
  r = await api('POST', '/api/v1/feedback', victim.token, { kind: 'other', text: `Báo cáo của ${VICTIM.name}`, province_code: '79' });
  assert.equal(r.status, 201, r.text);
  feedback = r.json;
  const day = today();
  r = await api('POST', '/api/v1/data-requests', hcm, { agency: 'Cục Thống kê', purpose: 'Thống kê', fields: ['full_name', 'street'], area: '79', from: day, to: day, expires_on: day });
  assert.equal(r.status, 201, r.text);
  dataRequest = r.json;
});
after(async () => { await server?.stop(); });

// --- Another citizen's token on every /me/… and /people/{id}/… route ------------------------

// "METHOD pattern": the body the thief sends. {id} is the victim's person id. Routes of /me
// without an id answer the thief's own data (checked: nothing of the victim's in it).
const kCitizenRows = {
  'GET /api/v1/me': {},
  'POST /api/v1/me/password': { body: { current_password: 'x', new_password: 'long enough pass 1' } },
  'GET /api/v1/me/inbox': {},
  'GET /api/v1/me/inbox/stream': { skip: 'a stream; the inbox itself is the GET row above' },
  'POST /api/v1/me/inbox/read-all': {},
  'POST /api/v1/me/inbox/{id}/read': {},
  'GET /api/v1/me/visits': {},
  'GET /api/v1/me/people': {},
  'POST /api/v1/me/people': { body: { full_name: 'Người Của Kẻ Trộm', id_kind: 'cccd', id_number: '001200999001', birth_date: '2000-01-01', sex: 'male' } },
  'GET /api/v1/me/people/{id}': {},
  'PUT /api/v1/me/people/{id}': { body: { full_name: 'Đã Bị Đổi Tên', id_kind: 'cccd', id_number: VICTIM.id_number, birth_date: '1990-01-02', sex: 'female', province_code: '79', ward_code: '26743', street: 'x' } },
  'GET /api/v1/me/people/{id}/declarations': {},
  'GET /api/v1/me/people/{id}/identifiers': {},
  'POST /api/v1/me/people/{id}/identifiers': { body: { kind: 'bhxh', number: '7912345678' } },
  'GET /api/v1/people/{id}/qr': {},
  'POST /api/v1/people/{id}/qr/revoke': {},
  'GET /api/v1/people/{id}/certificates': {},
  'GET /api/v1/people/{id}/record': {},
  'GET /api/v1/me/tests': {},
  'GET /api/v1/me/feedback': {},
  'GET /api/v1/me/monitoring': {},
  'GET /api/v1/me/invitations': {},
  'GET /api/v1/me/access-log': {},
  'GET /api/v1/me/organisations': {},
  'GET /api/v1/me/channels': {},
  'PUT /api/v1/me/channels': { body: { channels: ['sms'] } },  // the caller's own choice
};

test('every /me/… and /people/{id}/… route has a row in the citizen table', () => {
  const mine = routes().filter((r) => /^\S+ \/api\/v1\/(me\b|people\/\{id\})/.test(r));
  const missing = mine.filter((r) => !(r in kCitizenRows));
  assert.deepEqual(missing, [], 'a new route needs a row in kCitizenRows');
  assert.ok(mine.length >= 20, `routes found: ${mine.length}`);
});

test('another citizen’s token on every /me/… and /people/{id}/… route: refused or their own, nothing leaked or written', async () => {
  const served = new Set(routes());
  // {id}: the victim's person, or in the inbox the victim's newest message (the case's notice).
  const inbox = (await api('GET', '/api/v1/me/inbox', victim.token)).json;
  const message = (inbox.messages ?? inbox.items ?? [])[0]?.id ?? victim.self.id;
  const before = await victimState();
  for (const [row, spec] of Object.entries(kCitizenRows)) {
    if (spec.skip || (spec.optional && !served.has(row))) continue;
    const [method, pattern] = row.split(' ');
    const path = pattern.replace('{id}', String(row.includes('/inbox/') ? message : victim.self.id));
    const r = await api(method, path, thief, spec.body);
    assert.ok(r.status < 500, `${row}: ${r.status} ${r.text.slice(0, 200)}`);
    if (pattern.includes('{id}')) assert.ok([401, 403, 404].includes(r.status), `${row}: ${r.status} ${r.text.slice(0, 200)}`);
    assertNoLeak(r, row);
  }
  assert.equal(await victimState(), before, 'the victim’s household is unchanged');
});

// --- An official of province 01 on every official route with province 79's ids -------------

// "METHOD pattern" → which id of HCM's goes in (or why the route is not an official's).
const kOfficialRows = {
  'GET /api/v1/people/{id}/record': ['person', undefined],
  'GET /api/v1/people/{id}/certificates': ['person', undefined],
  'GET /api/v1/people/{id}/qr': ['person', undefined],
  'POST /api/v1/people/{id}/qr/revoke': ['person', {}],
  'GET /api/v1/cases/{id}': ['case', undefined],
  'GET /api/v1/cases/{id}/contacts': ['case', undefined],
  'GET /api/v1/cases/{id}/contacts.csv': ['case', undefined],
  'POST /api/v1/cases/{id}/trace': ['case', {}],
  'POST /api/v1/cases/{id}/notices': ['case', undefined],
  'POST /api/v1/cases/{id}/close': ['case', { outcome: 'recovered' }],
  'POST /api/v1/cases/{id}/error': ['case', { reason: 'attack' }],
  'GET /api/v1/cases/{id}/locations-of-interest': ['case', undefined],
  'POST /api/v1/cases/{id}/locations-of-interest': ['case', { visit_id: 1 }],
  'GET /api/v1/testing/rounds/{id}': ['round', undefined],
  'GET /api/v1/testing/rounds/{id}/wards': ['round', undefined],
  'GET /api/v1/testing/rounds/{id}/labels.pdf': ['round', undefined],
  'POST /api/v1/testing/rounds/{id}/sites': ['round', { name: 'Điểm lấy mẫu', day: today() }],
  'GET /api/v1/testing/rounds/{id}/tubes': ['round', undefined],
  'POST /api/v1/testing/rounds/{id}/samples': ['round', { payload: 'KB1.AAAA', tube: 'P1-0001' }],
  'GET /api/v1/feedback/{id}': ['feedback', undefined],
  'POST /api/v1/feedback/{id}/status': ['feedback', { status: 'closed', note: 'x' }],
  'GET /api/v1/venues/{id}/visits': ['venue', undefined],
  'POST /api/v1/venues/{id}/visits': ['venue', { full_name: 'Khách Lạ', phone: '0912990001' }],
  'GET /api/v1/venues/{id}/staff': ['venue', undefined],
  'POST /api/v1/venues/{id}/staff': ['venue', { username: 'x', role: 'staff' }],
  'DELETE /api/v1/venues/{id}/staff/{user_id}': ['venue', undefined],
  'GET /api/v1/venues/{id}/kiosk-code': ['venue', undefined],
  'PATCH /api/v1/venues/{id}': ['venue', { status: 'suspended' }],
  'POST /api/v1/venues/{id}/safety-assessment': ['venue', { answers: {} }],
  'GET /api/v1/data-requests/{id}': ['dataRequest', undefined],
  'POST /api/v1/data-requests/{id}/approve': ['dataRequest', undefined],
  'GET /api/v1/data-requests/{id}/export.csv': ['dataRequest', undefined],
};
const kQuery = '?reason=attack%20table&degree=1';

test('an official of province 01 on province 79’s ids: refused, nothing leaked or written', async () => {
  const ids = { person: victim.self.id, case: kase.id, round: round.id, feedback: feedback.id, venue: venues.a.id, dataRequest: dataRequest.id };
  const served = new Set(routes());
  const before = await victimState();
  const caseBefore = (await api('GET', `/api/v1/cases/${kase.id}?reason=check`, hcm)).text;
  const wrong = [];
  for (const [row, [kind, body]] of Object.entries(kOfficialRows)) {
    assert.ok(served.has(row), `${row} is served`);
    const [method, pattern] = row.split(' ');
    const path = pattern.replace('{id}', String(ids[kind])).replace('{user_id}', '1') + kQuery;
    const r = await api(method, path, hanoi, body);
    if (![403, 404].includes(r.status)) wrong.push(`${row}: ${r.status} ${r.text.slice(0, 160)}`);
    assertNoLeak(r, row);
  }
  assert.deepEqual(wrong, [], 'every row refused');
  assert.equal(await victimState(), before);
  const caseAfter = (await api('GET', `/api/v1/cases/${kase.id}?reason=check`, hcm)).text;
  // The open ends of the case's window and stays are "now": left out of the comparison.
  const stable = (t) => t.replace(/"(to|counted_to)":"[^"]*"/g, '');
  assert.equal(stable(caseAfter), stable(caseBefore), 'the case is unchanged');
});

// Routes of these families that anyone may read (a venue's public page and posters).
const kPublicRows = ['GET /api/v1/venues/{id}', 'GET /api/v1/venues/{id}/poster.svg', 'GET /api/v1/venues/{id}/poster.png',
  'GET /api/v1/venues/{id}/poster.pdf', 'GET /api/v1/venues/{id}/safety-assessment'];

test('every route with an id of cases, people, rounds, feedback and venues has a row', () => {
  const families = /^\S+ \/api\/v1\/(cases|testing\/rounds|feedback|venues|people|data-requests)\/\{id\}/;
  const missing = routes().filter((r) => families.test(r) && !(r in kOfficialRows) && !kPublicRows.includes(r));
  assert.deepEqual(missing, [], 'a new route needs a row in kOfficialRows');
});

// --- Staff of venue B acting for venue A ------------------------------------------------

test('the manager of venue B acting for venue A: refused, nothing leaked or written', async () => {
  const qr = (await api('GET', `/api/v1/people/${victim.self.id}/qr`, victim.token)).json.payload;
  const visit = (await api('GET', '/api/v1/me/visits', victim.token)).json.visits[0];
  assert.ok(qr && visit?.id);
  const visitsBefore = (await api('GET', '/api/v1/me/visits', victim.token)).text;
  const rows = [
    ['GET', `/api/v1/venues/${venues.a.id}/visits?reason=attack%20table%20check`, undefined],
    ['POST', `/api/v1/venues/${venues.a.id}/visits`, { full_name: 'Khách Lạ', phone: '0912990001' }],
    ['GET', `/api/v1/venues/${venues.a.id}/staff`, undefined],
    ['POST', `/api/v1/venues/${venues.a.id}/staff`, { username: 'x', role: 'staff' }],
    ['GET', `/api/v1/venues/${venues.a.id}/kiosk-code`, undefined],
    ['PATCH', `/api/v1/venues/${venues.a.id}`, { status: 'closed' }],
    ['POST', `/api/v1/venues/${venues.a.id}/safety-assessment`, { answers: {} }],
    ['POST', '/api/v1/scans', { venue_id: venues.a.id, payload: qr }],
    ['POST', '/api/v1/checkouts', { visit_id: visit.id }],
  ];
  const before = (await api('GET', `/api/v1/venues/${venues.a.id}/visits?reason=attack%20table%20check`, victim.token)).text;
  for (const [method, path, body] of rows) {
    const r = await api(method, path, thief, body);
    assert.ok([401, 403, 404].includes(r.status), `${method} ${path}: ${r.status} ${r.text.slice(0, 200)}`);
    assertNoLeak(r, `${method} ${path}`);
  }
  const venue = (await api('GET', `/api/v1/venues/${venues.a.id}`, victim.token)).json;
  assert.equal(venue.status ?? 'open', 'open');
  assert.equal((await api('GET', `/api/v1/venues/${venues.a.id}/visits?reason=attack%20table%20check`, victim.token)).text, before);
  assert.equal((await api('GET', '/api/v1/me/visits', victim.token)).text, visitsBefore, 'the victim’s visit is still open');
});

// --- Metacharacters and control characters in every string field of the main write bodies --

const kNasty = [
  "'; DROP TABLE people; --", '" OR 1=1 --', 'Robert\'); DELETE FROM users;--', '%_\\', '$1 $2',
  'a\u0000b', 'a\u0007b', 'a\u001bb', 'line\r\nbreak', '\u202eevil', '\ud83d\ude00 ok', '<script>x</script>',
];

test('SQL metacharacters and control characters: a 4xx naming the field or stored verbatim; never 500, never a partial write', async () => {
  const forms = [
    ['PUT', () => `/api/v1/me/people/${victim.child.id}`, (v) => ({ full_name: v, ...CHILD, province_code: '79', ward_code: ward79, street: v }), ['full_name', 'street']],
    ['POST', () => '/api/v1/venues', (v) => ({ name: v, kind: 'shop', province_code: '79', ward_code: ward79, street: v }), ['name', 'street']],
    ['POST', () => '/api/v1/feedback', (v) => ({ kind: 'other', text: v, province_code: '79' }), ['text']],
    ['POST', () => '/api/v1/organisations', (v) => ({ name: v, kind: 'company', province_code: '79', ward_code: ward79, street: v }), ['name', 'street']],
    ['POST', () => '/api/v1/cases', (v) => ({ phone: '0912990003', test_date: today(), note: v }), ['note']],
  ];
  const counts = async () => JSON.stringify([
    (await api('GET', '/api/v1/me/people', victim.token)).json.people.length,
    (await api('GET', '/api/v1/venues', victim.token)).json.venues.length,
    (await api('GET', '/api/v1/me/feedback', victim.token)).text.length,
    (await api('GET', '/api/v1/me/organisations', victim.token)).text.length,
  ]);
  for (const [method, path, body, fields] of forms) {
    for (const v of kNasty) {
      const token = path().includes('/cases') ? hcm : victim.token;
      const before = await counts();
      const r = await api(method, path(), token, body(v));
      const row = `${method} ${path()} with ${JSON.stringify(v)}`;
      assert.ok(r.status < 500, `${row}: ${r.status} ${r.text.slice(0, 200)}`);
      if (r.status >= 400) {
        assert.ok(r.json?.error?.field, `${row}: names the field: ${r.text.slice(0, 200)}`);
        if (!path().includes('/cases')) assert.equal(await counts(), before, `${row}: nothing written`);
      } else if (fields.includes('full_name') || fields.includes('name')) {
        const key = fields[0];
        const stored = method === 'PUT'
          ? (await api('GET', path(), victim.token)).json
          : (await api('GET', `${path()}/${r.json.id}`, victim.token)).json;
        // Names are normalised by rule (trimmed, runs of white space one space): that much only.
        const normalised = v.replace(/\s+/g, ' ').trim();
        assert.ok(stored[key] === v || stored[key] === normalised, `${row}: stored ${JSON.stringify(stored[key])}`);
        // Stored text shows on posters, pages and CSVs: never a control character (ESC, BEL…).
        assert.ok(!/[\u0000-\u0008\u000b-\u001f\u007f]/.test(stored[key]), `${row}: a control character stored`);
      }
    }
  }
  // The tables are all still there.
  assert.equal((await api('GET', '/api/v1/me/people', victim.token)).status, 200);
});

// --- Static files, oversized requests, slow clients -----------------------------------------

/** One raw HTTP exchange (fetch would normalise the path); resolves with the whole answer. */
function rawRequest(text, { timeoutMs = 5000 } = {}) {
  return new Promise((resolve) => {
    const s = net.connect(server.port, '127.0.0.1');
    let out = '';
    const t = setTimeout(() => { s.destroy(); resolve(out); }, timeoutMs);
    s.on('data', (d) => { out += d; });
    s.on('error', () => { clearTimeout(t); resolve(out); });
    s.on('close', () => { clearTimeout(t); resolve(out); });
    s.write(text);
  });
}

test('path traversal in static files: never a file outside web/dist', async () => {
  const paths = ['/../../../../etc/passwd', '/%2e%2e/%2e%2e/%2e%2e/etc/passwd', '/..%2f..%2f..%2fetc%2fpasswd',
    '/%2e%2e%5c%2e%2e%5cetc%5cpasswd', '/..\\..\\..\\etc\\passwd', '/assets/../../../../etc/passwd',
    '/assets/%252e%252e/%252e%252e/etc/passwd', '/.%2e/.%2e/.%2e/etc/passwd', '/%c0%ae%c0%ae/etc/passwd',
    '/../CMakeLists.txt', '/%2e%2e/CMakeLists.txt'];
  for (const p of paths) {
    const answer = await rawRequest(`GET ${p} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
    const status = Number(/^HTTP\/1\.1 (\d+)/.exec(answer)?.[1]);
    assert.ok(status > 0 && status < 500, `${p}: ${answer.slice(0, 100)}`);
    assert.ok(!/root:.*:0:0:/.test(answer) && !answer.includes('cmake_minimum_required'), `${p} served a file outside: ${answer.slice(0, 300)}`);
  }
});

test('oversized headers and bodies are refused; the server goes on serving', async () => {
  const big = 'a'.repeat(64 * 1024);
  let answer = await rawRequest(`GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${big}\r\n\r\n`);
  assert.match(answer, /^HTTP\/1\.1 (413|431|400)/);
  answer = await rawRequest(`GET /healthz HTTP/1.1\r\nHost: x\r\n${Array.from({ length: 2000 }, (_, i) => `X-H${i}: v`).join('\r\n')}\r\n\r\n`);
  assert.match(answer, /^HTTP\/1\.1 (413|431|400)/);
  const r = await fetch(`${server.base}/api/v1/declarations`, {
    method: 'POST', headers: { authorization: `Bearer ${victim.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ person_id: victim.self.id, kind: 'domestic', note: 'x'.repeat(20 * 1024 * 1024) }),
  }).catch((e) => ({ status: 0, error: e }));
  assert.ok(r.status === 413 || r.status === 0, `a 20 MB body: ${r.status}`);
  assert.equal((await fetch(`${server.base}/healthz`)).status, 200);
});

test('slow clients holding connections do not stop others; the read timeout closes them', async () => {
  const slow = await startServer({ args: ['--read-timeout', '2'] });
  try {
    const sockets = [];
    const closedAt = [];
    const t0 = Date.now();
    for (let i = 0; i < 50; i++) {
      const s = net.connect(slow.port, '127.0.0.1');
      s.on('error', () => {});
      s.on('close', () => closedAt.push(Date.now() - t0));
      s.write('GET /healthz HTTP/1.1\r\nHost: x\r\n');
      sockets.push(s);
    }
    const drip = setInterval(() => { for (const s of sockets) if (!s.destroyed) s.write('X-Slow: 1\r\n'); }, 500);
    await new Promise((r) => setTimeout(r, 300));
    const started = Date.now();
    for (let i = 0; i < 5; i++) assert.equal((await fetch(`${slow.base}/healthz`)).status, 200);
    assert.ok(Date.now() - started < 2000, `others served while 50 clients drip headers (${Date.now() - started} ms)`);
    await new Promise((r) => setTimeout(r, 4000));
    clearInterval(drip);
    assert.equal(closedAt.length, 50, `the server closed every slow client (${closedAt.length})`);
    assert.ok(Math.max(...closedAt) < 4500, `within the read timeout: ${Math.max(...closedAt)} ms`);
  } finally {
    await slow.stop();
  }
});

// --- Formula injection into every CSV export -----------------------------------------------

test('formula injection: no cell of any CSV export starts a formula', async () => {
  const nasty = ['=HYPERLINK("http://x")', '+1+1', '-2+3', '@SUM(A1)', '\t=1', '\r=1'];
  // The victim's child, a case contact, a feedback text and a reason carry the payloads.
  // Names refuse these characters; streets, feedback and reasons carry them.
  for (const [i, n] of nasty.entries()) {
    const r = await api('POST', '/api/v1/me/people', victim.token, {
      full_name: `Người Thử ${'ABCDEF'[i]}`, id_kind: 'cccd', id_number: `07921077700${i}`, birth_date: '2010-01-01', sex: 'male',
      province_code: '79', ward_code: ward79, street: n,
    });
    assert.equal(r.status, 201, r.text);
    const d = await api('POST', '/api/v1/declarations', victim.token, { person_id: r.json.id, kind: 'domestic', symptoms: ['none'], exposures: ['none'], vaccine_doses: 0 });
    assert.equal(d.status, 201, d.text);
  }
  const reason = encodeURIComponent('=cmd|"/c calc"!A1');
  await api('GET', `/api/v1/people/${victim.self.id}/record?reason=${reason}`, hcm);
  const exports = [
    [victim.token, '/api/v1/me/access-log?format=csv'],
    [hcm, `/api/v1/cases/${kase.id}/contacts.csv?reason=${reason}`],
    [hcm, `/api/v1/dashboard.csv?area=79&days=2`],
    [hcm, `/api/v1/linelist.csv?area=79&from=${today()}&reason=${reason}`],
    [hcm, '/api/v1/linelist/dictionary.csv'],
    [hcm, `/api/v1/declarations/export.csv?area=79&from=${today()}&to=${today()}&reason=${reason}`],
  ];
  const served = routes().filter((r) => /^GET .*\.csv$|access-log/.test(r));
  for (const r of served) {
    const pattern = r.split(' ')[1];
    const covered = exports.some(([, p]) => p.split('?')[0].replace(/\/\d+\//, '/{id}/') === pattern)
      || /vaccination\/imports|organisations|data-requests/.test(pattern);  // their own test files
    assert.ok(covered, `${r} needs a row in the CSV table`);
  }
  for (const [token, path] of exports) {
    const r = await api('GET', path, token);
    assert.equal(r.status, 200, `${path}: ${r.text.slice(0, 200)}`);
    for (const cell of csvCells(r.text)) {
      assert.ok(!/^[=+\-@\t\r]/.test(cell) || /^-?\d+(\.\d+)?$/.test(cell), `${path}: a cell starts a formula: ${JSON.stringify(cell)}`);
    }
  }
});

/** The cells of a CSV text (RFC 4180 quoting), without the BOM. */
function csvCells(text) {
  const cells = [];
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let cell = '';
  let quoted = false;
  for (; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { cell += '"'; i++; } else if (ch === '"') quoted = false; else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',' || ch === '\n') { cells.push(cell); cell = ''; } else if (ch === '\r' && text[i + 1] === '\n') { /* row end */ } else cell += ch;
  }
  if (cell) cells.push(cell);
  return cells;
}
