// The peer baseline of the check-in benchmark: a check-in server built the way the national
// systems of 2020–22 were (Luca and its kind: Node + PostgreSQL), to compare khaibao against.
// Node's http module, a cluster of 2 workers, a `pg` pool of 16 connections per worker;
// sign-in tokens and venues are read into memory at start; a check-in is one
// `INSERT … RETURNING id`, committed (autocommit) before the reply.
// Answers POST /api/v1/checkins {venue_code} with 201 and the JSON shape khaibao answers, so
// bench/checkin.lua drives both; GET /healthz pings the database, as khaibao's does.
// Usage: node bench/peer/server.mjs PG_URL HOST:PORT   (tables from bench/peer/prepare.mjs)
import cluster from 'node:cluster';
import http from 'node:http';
import pg from 'pg';

const [dbUrl, listen] = process.argv.slice(2);
const kWorkers = 2;
const kPoolSize = 16;
const kStaySeconds = 3600;  // khaibao's assumed stay when nobody checks out
const kMaxBody = 64 * 1024;

if (cluster.isPrimary) {
  if (!dbUrl || !listen) {
    console.error('usage: node bench/peer/server.mjs PG_URL HOST:PORT');
    process.exit(2);
  }
  for (let i = 0; i < kWorkers; i++) cluster.fork();
  // A worker that dies ends the benchmark rather than running on with half the server.
  cluster.on('exit', (w, code, signal) => {
    console.error(`peer: worker ${w.process.pid} exited (${signal ?? code})`);
    process.exit(1);
  });
  for (const sig of ['SIGTERM', 'SIGINT']) {
    process.on(sig, () => {
      cluster.removeAllListeners('exit');
      for (const w of Object.values(cluster.workers)) w.process.kill('SIGTERM');
      process.exit(0);
    });
  }
} else {
  await serve();
}

async function serve() {
  const pool = new pg.Pool({ connectionString: dbUrl, max: kPoolSize });
  const tokens = new Map();  // bearer token → { account, person }
  const venues = new Map();  // code → venue
  for (const r of (await pool.query('SELECT token, account_id, person_id FROM sessions')).rows) {
    tokens.set(r.token, { account: Number(r.account_id), person: Number(r.person_id) });
  }
  const venueRows = await pool.query('SELECT id, code, name, address_line, status FROM venues');
  for (const r of venueRows.rows) {
    venues.set(r.code, { id: Number(r.id), code: r.code, name: r.name, address_line: r.address_line,
                         status: r.status });
  }

  const insertVisit = {
    name: 'insert_visit',
    text: 'INSERT INTO visits (venue_id, person_id, t_in, assumed_out, source, trust, recorded_by, ' +
          'created_at) VALUES ($1, $2, $3, $4, 1, 3, $5, $3) RETURNING id',
  };
  const ping = { name: 'ping', text: 'SELECT 1' };

  async function checkin(req, res) {
    const auth = req.headers.authorization ?? '';
    const who = auth.startsWith('Bearer ') ? tokens.get(auth.slice(7)) : undefined;
    if (!who) return error(res, 401, 'unauthenticated', 'sign in first');
    let body;
    try {
      body = JSON.parse(await readBody(req));
    } catch {
      return error(res, 400, 'invalid_json', 'the body is not JSON', '');
    }
    const code = body?.venue_code;
    if (typeof code !== 'string' || code.length > 40) {
      return error(res, 400, 'missing_field', 'venue_code is required', 'venue_code');
    }
    const venue = venues.get(code.toLowerCase());
    if (!venue) return error(res, 404, 'venue_not_found', 'no venue has this code', 'venue_code');
    if (venue.status !== 'open') {
      return error(res, 409, 'venue_closed', 'this venue is closed for check-ins');
    }
    const now = Math.floor(Date.now() / 1000);
    const values = [venue.id, who.person, now, now + kStaySeconds, who.account];
    const { rows } = await pool.query({ ...insertVisit, values });
    json(res, 201, {
      venue: { id: venue.id, code: venue.code, name: venue.name, address_line: venue.address_line },
      visits: [{
        id: Number(rows[0].id), venue_id: venue.id, person_id: who.person, t_in: rfc3339(now),
        assumed_out: rfc3339(now + kStaySeconds), source: 'self', trust: 'self_poster',
        trust_level: 2, t_out: null, recorded_by: who.account, duplicate: false,
      }],
    });
  }

  async function healthz(res) {
    try {
      await pool.query(ping);
      json(res, 200, { status: 'ok' });
    } catch {
      json(res, 503, { status: 'unavailable', database: 'down' });
    }
  }

  const server = http.createServer((req, res) => {
    const done = req.method === 'POST' && req.url === '/api/v1/checkins' ? checkin(req, res)
               : req.method === 'GET' && req.url === '/healthz' ? healthz(res)
               : Promise.resolve(error(res, 404, 'not_found', 'no such path'));
    done.catch((e) => {
      console.error(`peer: ${req.method} ${req.url}: ${e.message}`);
      if (!res.headersSent) error(res, 500, 'internal', 'internal error');
    });
  });
  server.keepAliveTimeout = 60_000;
  const at = listen.lastIndexOf(':');
  server.listen(Number(listen.slice(at + 1)), listen.slice(0, at));
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on('data', (c) => {
      size += c.length;
      if (size > kMaxBody) return reject(new Error('body too large'));
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function json(res, status, value) {
  const text = JSON.stringify(value);
  res.writeHead(status, { 'Content-Type': 'application/json',
                          'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

function error(res, status, code, message, field) {
  json(res, status, { error: field ? { code, message, field } : { code, message } });
}

// Vietnam time, as khaibao writes it: 2026-11-22T14:05:00+07:00.
function rfc3339(t) {
  return new Date((t + 7 * 3600) * 1000).toISOString().slice(0, 19) + '+07:00';
}
