// Helpers shared by the notification tests: citizens with an address, a live inbox stream.
import assert from 'node:assert/strict';
import { citizenToken } from './server.mjs';

let passportCounter = 0;

/** Signs a citizen in and gives their own record an address; returns { token, personId, phone }. */
export async function citizenAt(server, phone, provinceCode, wardCode, name = 'Nguyễn Văn An') {
  const token = await citizenToken(server, phone);
  const list = await server.request('GET', '/api/v1/me/people', { token });
  assert.equal(list.status, 200, list.text);
  const self = list.json.people.find((p) => p.is_self);
  const passport = `N${process.pid % 1000}${Date.now() % 100000}${passportCounter++}`.slice(0, 15);
  const r = await server.request('PUT', `/api/v1/me/people/${self.id}`, {
    token,
    body: {
      full_name: name, id_kind: 'passport', id_number: passport, birth_date: '1990-01-02', sex: 'male',
      phone, province_code: provinceCode, ward_code: wardCode, street: '1 Lê Lợi',
    },
  });
  assert.equal(r.status, 200, r.text);
  return { token, personId: self.id, phone: r.json.phone };
}

/** Two wards of a province, by code. */
export async function wardsOf(server, province) {
  const r = await server.request('GET', `/api/v1/areas/provinces/${province}/wards`);
  assert.equal(r.status, 200, r.text);
  const list = r.json.wards || r.json;
  return list.map((w) => w.code);
}

/**
 * Opens GET /api/v1/me/inbox/stream and parses Server-Sent Events as they arrive.
 * Returns { events, comments, next(pred, ms), close() }.
 */
export async function openStream(server, token, headers = {}, query = '') {
  const controller = new AbortController();
  const r = await fetch(`${server.base}/api/v1/me/inbox/stream${query}`, {
    headers: { authorization: `Bearer ${token}`, ...headers }, signal: controller.signal,
  });
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /text\/event-stream/);
  const events = [];
  const comments = [];
  const waiters = [];
  const check = () => {
    for (const w of [...waiters]) {
      const hit = events.find((e) => !w.skip.has(e) && w.pred(e));
      if (hit) { waiters.splice(waiters.indexOf(w), 1); clearTimeout(w.timer); w.resolve(hit); }
    }
  };
  (async () => {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of r.body) {
        buffer += decoder.decode(chunk, { stream: true });
        let at;
        while ((at = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, at);
          buffer = buffer.slice(at + 2);
          const e = { event: 'message', data: '', id: undefined };
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) comments.push(line.slice(1).trim());
            else if (line.startsWith('event: ')) e.event = line.slice(7);
            else if (line.startsWith('data: ')) e.data += line.slice(6);
            else if (line.startsWith('id: ')) e.id = line.slice(4);
          }
          if (e.data) { e.json = JSON.parse(e.data); events.push(e); }
        }
        check();
      }
    } catch { /* aborted */ }
  })();
  // The server says ": connected" once the stream is subscribed: from then on nothing is missed.
  const deadline = Date.now() + 5000;
  while (!comments.includes('connected')) {
    assert.ok(Date.now() < deadline, 'the stream said ": connected" within 5 s');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return {
    events,
    comments,
    next(pred, ms = 5000) {
      return new Promise((resolve, reject) => {
        const w = { pred, resolve, skip: new Set(), timer: setTimeout(() => { waiters.splice(waiters.indexOf(w), 1); reject(new Error('no matching event within ' + ms + ' ms; got ' + JSON.stringify(events.map((x) => x.json)))); }, ms) };
        waiters.push(w);
        check();
      });
    },
    close() { controller.abort(); },
  };
}
