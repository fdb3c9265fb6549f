// Makes the inputs of the check-in benchmark against a running server: citizens signed in by
// phone + the code from the outbox, venues, and every (token, venue code) pair in a file.
// Usage: node bench/prepare.mjs BASE DATA_DIR CITIZENS VENUES OUT
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [base, dataDir, citizens = '2000', venues = '500', out = 'bench/.work/pairs.txt'] = process.argv.slice(2);

async function post(path, body, token) {
  const r = await fetch(base + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  const text = await r.text();
  if (r.status >= 300) throw new Error(`${path}: ${r.status} ${text}`);
  return JSON.parse(text);
}

// The code reaches the outbox from the urgent delivery lane, after the request has answered:
// look again for up to 10 s before giving up.
async function lastCode(phone) {
  for (let attempt = 0; attempt < 200; attempt++) {
    let text = '';
    try { text = readFileSync(join(dataDir, 'outbox.jsonl'), 'utf8'); } catch { /* not yet */ }
    const lines = text.trim().split('\n');
    for (let i = lines.length - 1; i >= 0; i--) {
      if (!lines[i]) continue;
      const m = JSON.parse(lines[i]);
      if (m.to === phone) return /\b(\d{6})\b/.exec(m.text)[1];
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`no code for ${phone}`);
}

async function signIn(i) {
  const phone = `+8498${String(i).padStart(7, '0')}`;
  await post('/api/v1/auth/otp', { phone });
  return (await post('/api/v1/auth/otp/verify', { phone, code: await lastCode(phone) })).token;
}

const manager = await signIn(0);
const codes = [];
for (let i = 0; i < Number(venues); i++) {
  const v = await post('/api/v1/venues', {
    name: `Điểm bench ${i}`, kind: 'shop', province_code: '79', ward_code: '26882', street: `${i} Nguyễn Huệ`,
  }, manager);
  codes.push(v.code);
}
const tokens = [];
for (let i = 1; i <= Number(citizens); i++) tokens.push(await signIn(i));
const lines = [];
// Interleave so consecutive requests hit different venues and people.
for (let v = 0; v < codes.length; v++) for (let t = 0; t < tokens.length; t++) lines.push(`${tokens[t]} ${codes[(v + t) % codes.length]}`);
writeFileSync(out, lines.join('\n') + '\n');
console.log(`${tokens.length} citizens, ${codes.length} venues, ${lines.length} pairs → ${out}`);
