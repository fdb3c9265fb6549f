// Personal fields sealed at rest (crypto/sealing.h), read back from the raw storage: a database
// filled through the API, then the SQLite file with its -wal (or, on PostgreSQL, a pg_dump of
// the server's schema) must not hold any of the sealed values in clear — in UTF-8, ASCII-folded
// or as the folded name key. Lookups that go through blind indexes keep working. A database
// written before sealing (rows inserted in clear, as main's binary wrote them) is sealed at the
// next start.
//
// Sealed: people's full name, street, phone and ID number; account phones; identifiers (CCCD,
// CMND, BHYT numbers, phones); the phone of an SMS delivery; OTP challenges kept under the
// phone's blind index; declaration answers (travel, symptoms, exposures), health reports'
// symptoms and note. Sign-in by phone, a door scan of a CCCD card and identity matching go
// through the blind indexes and keep working, on a database migrated from before too. Also sealed:
// vaccination import rows (name, ID number, phone, street, the reasons quoting the cells and the
// file's own line), feedback senders' phones (a citizen's own reports and the daily limit go
// through the phone's blind index), rosters' member names and venues' contact phones; their
// readers (the import's rows and report.csv, the coverage list, the venue) show them in clear.
// Also sealed: health reports' measured values (one sealed text; the integer columns stay empty),
// free text (feedback reports' text and follow-up notes, cases' notes and closing notes, monitoring
// orders' notes and why they were released), a chat follower's linked phone and conversation
// (the phone asked for a code sits in it), and the people details a merge wrote to its change
// log; an unmerge still puts them back, also after the sealing pass resealed them. The
// development outbox file (data dir outbox.jsonl) stands for an SMS gateway and is exempt: it is
// not read here.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, citizenToken, staffToken, admin, dbKind } from '../lib/server.mjs';
import { wardsOf } from '../lib/notify.mjs';
import { startFakeZalo } from '../lib/fake_zalo.mjs';

const reason = '?reason=ki%E1%BB%83m%20tra';
const name = 'Nguyễn Thị Hằng Xuyến';
const street = '27 Đường Phan Đình Giót';
const note = 'Đau đầu nhẹ sau bữa trưa Quỳnh';
const symptoms = ['loss_of_taste_smell', 'sore_throat'];  // in the order the server keeps
const exposures = ['outbreak_area', 'suspected_case'];
const reportSymptoms = ['cough', 'runny_nose'];
const oldName = 'Trịnh Công Sơn Thượng';
const oldStreet = '99 Hẻm Bà Huyện Thanh Quan';
const oldNote = 'Sổ mũi từ hôm qua Khuê';

// ASCII-folded forms, as a passport or a spreadsheet would write them.
function fold(s) {
  return s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/g, 'd').replace(/Đ/g, 'D');
}
function forms(value) {
  const folded = fold(value);
  const words = folded.toLowerCase().split(/\s+/).filter(Boolean);
  return [...new Set([value, value.toLowerCase(), folded, folded.toLowerCase(), [...words].sort().join(' ')])];
}
// A phone in every form it is typed or kept in: 0…, +84…, 84… and its bare national digits.
function phoneForms(national) {
  const digits = national.slice(1);
  return [national, `+84${digits}`, `84${digits}`, digits];
}

// Every byte the database keeps: the SQLite file and its write-ahead log, or the schema's dump.
function rawStorage(server) {
  if (dbKind() === 'postgres') {
    const schema = decodeURIComponent(/search_path%3D([^&]+)/.exec(server.db)[1]);
    return Buffer.from(execFileSync('pg_dump', ['--data-only', '-n', schema, server.db.replace(/[?&]options=[^&]*/, '')],
      { maxBuffer: 1 << 28 }));
  }
  const file = join(server.dataDir, 'khaibao.db');
  const parts = [readFileSync(file)];
  if (existsSync(`${file}-wal`)) parts.push(readFileSync(`${file}-wal`));
  return Buffer.concat(parts);
}

function assertNoneInClear(raw, values) {
  for (const v of values) {
    for (const form of forms(v)) {
      assert.equal(raw.indexOf(Buffer.from(form, 'utf8')), -1, `"${form}" is stored in clear`);
    }
  }
}

// SQL run straight on the server's database (the "before sealing" rows); answers the output.
function sql(server, text) {
  if (dbKind() === 'postgres') {
    return execFileSync('psql', [server.db, '-v', 'ON_ERROR_STOP=1', '-q', '-At', '-c', text], { encoding: 'utf8' }).trim();
  }
  return execFileSync('sqlite3', [join(server.dataDir, 'khaibao.db'), text], { encoding: 'utf8' }).trim();
}
// How many values of `column` in `table` are neither sealed nor empty (NULL, '' or `empty`).
function unsealed(server, table, column, where = '1 = 1', empty = '') {
  return Number(sql(server, `SELECT COUNT(*) FROM ${table} WHERE ${where} AND ${column} IS NOT NULL AND ${column} <> '' AND ${column} <> '${empty}' AND ${column} NOT LIKE 'kb1.%'`));
}

// The test signs the same phones in again at once (in another form, after a restart).
const resendAtOnce = ['--otp-resend-after', '0'];
// Every start has the chat channel, against a fake Zalo platform (tests/lib/fake_zalo.mjs).
let zalo;
const options = () => ({ args: [...resendAtOnce, ...zalo.args()], env: zalo.env() });
let server;
let official;
let citizen;
let person;
const phone = '0912760001';
const cccd = '079190001234';
const bhyt = 'DN4797912760055';  // a BHYT card; its lifelong number is the last 10 digits
const ownerPhone = '0912760002';
const visitorCccd = '079085001235';  // a card of nobody who signed up, scanned at the door
const oldPhone = '0912760009';
const oldCccd = '079060001111';
const oldName2 = 'Đoàn Văn Cũ Khiêm';
let owner;
let venue;
const cccdCard = (id, fullName, birth, sex) => `${id}||${fullName}|${birth}|${sex}|12 Lê Lợi, TP HCM|01012022`;
async function scan(card) {
  const r = await server.request('POST', '/api/v1/scans', { token: owner, body: { venue_id: venue.id, payload: card } });
  assert.ok([200, 201].includes(r.status), r.text);  // 200: the same card again, one visit
  return r.json;
}

before(async () => {
  zalo = await startFakeZalo();
  server = await startServer({ keepDataDir: true, ...options() });
  official = await staffToken(server, { username: 'hcm.sealed', role: 'official', jurisdiction: '79' });
  citizen = await citizenToken(server, phone);
  const list = await server.request('GET', '/api/v1/me/people', { token: citizen });
  person = list.json.people.find((p) => p.is_self);
  const wards = await wardsOf(server, '79');
  const r = await server.request('PUT', `/api/v1/me/people/${person.id}`, {
    token: citizen,
    body: { full_name: name, id_kind: 'cccd', id_number: cccd, birth_date: '1990-02-03', sex: 'female', phone, province_code: '79', ward_code: wards[0], street },
  });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.full_name, name);
  assert.equal(r.json.street, street);
  owner = await citizenToken(server, ownerPhone);
  const v = await server.request('POST', '/api/v1/venues', { token: owner, body: { name: 'Quán Niêm Phong', kind: 'shop', province_code: '79', ward_code: wards[0], street: '1 Lê Lợi' } });
  assert.equal(v.status, 201, v.text);
  venue = v.json;
});
after(async () => { await server?.stop(); await zalo?.close(); });

test('names, streets, declaration answers and health reports are sealed; lookups still work', async () => {
  let r = await server.request('POST', '/api/v1/declarations', {
    token: citizen,
    body: { person_id: person.id, kind: 'domestic', travel_provinces: ['01'], travel_countries: [], symptoms, exposures, vaccine_doses: 2 },
  });
  assert.equal(r.status, 201, r.text);
  const today = new Date(Date.now() + 7 * 3600e3).toISOString().slice(0, 10);
  r = await server.request('POST', `/api/v1/cases${reason}`, { token: official, body: { phone, test_date: today } });
  assert.equal(r.status, 201, r.text);
  r = await server.request('POST', `/api/v1/monitoring/orders${reason}`, { token: official, body: { kind: 'f0_home_care', case_id: r.json.id } });
  assert.equal(r.status, 201, r.text);
  r = await server.request('POST', '/api/v1/monitoring/reports', { token: citizen, body: { person_id: person.id, temperature: 37.1, symptoms: reportSymptoms, note } });
  assert.equal(r.status, 201, r.text);

  // Read back in clear through the API: the store opens what it sealed.
  r = await server.request('GET', '/api/v1/me/people', { token: citizen });
  const self = r.json.people.find((p) => p.is_self);
  assert.equal(self.full_name, name);
  assert.equal(self.street, street);
  r = await server.request('GET', `/api/v1/people/${person.id}/record${reason}`, { token: official });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json.declarations[0].symptoms, symptoms);
  assert.deepEqual(r.json.declarations[0].exposures, exposures);
  // Found by name (the blind index of the folded name, accents and order aside), by phone, by
  // ID number; on the monitoring board by one word of the name.
  for (const q of [`name=${encodeURIComponent('XUYEN nguyen thi hang')}&birth_year=1990`, `phone=${phone}`, `id_number=${cccd}`]) {
    r = await server.request('GET', `/api/v1/people/search${reason}&${q}`, { token: official });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json.people.map((p) => p.id), [person.id], q);
    assert.equal(r.json.people[0].full_name, name);
  }
  r = await server.request('GET', `/api/v1/monitoring/board${reason}&list=reporting&q=${encodeURIComponent('hằng')}`, { token: official });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json.items.map((i) => i.person.id), [person.id]);
  assert.equal(r.json.items[0].person.full_name, name);
  r = await server.request('GET', `/api/v1/monitoring/board${reason}&list=reporting&q=${encodeURIComponent('hằng minh')}`, { token: official });
  assert.equal(r.json.items.length, 0, 'every word of a search must be in the name');
  for (const q of [`+84${phone.slice(1)}`, cccd]) {
    r = await server.request('GET', `/api/v1/monitoring/board${reason}&list=reporting&q=${encodeURIComponent(q)}`, { token: official });
    assert.deepEqual(r.json.items.map((i) => i.person.id), [person.id], `the board by ${q}`);
  }

  // Phones and ID numbers: signing in again by the phone in its +84 form is the same account;
  // a door scan of the citizen's CCCD card is their record; a card of someone unknown scanned
  // twice is one person; a BHYT number added to the record finds them by search.
  const again = await citizenToken(server, `+84${phone.slice(1)}`);
  r = await server.request('GET', '/api/v1/me/people', { token: again });
  assert.equal(r.json.people.find((p) => p.is_self).id, person.id, 'signed in by phone: the same account');
  assert.equal(r.json.people.find((p) => p.is_self).phone, `+84${phone.slice(1)}`);
  assert.equal(r.json.people.find((p) => p.is_self).id_number, cccd);
  const card = await scan(cccdCard(cccd, name, '03021990', 'Nữ'));
  assert.equal(card.visit.person_id, person.id, 'the CCCD scan is the declared person');
  const first = await scan(cccdCard(visitorCccd, 'Lâm Văn Khách', '01011985', 'Nam'));
  const second = await scan(cccdCard(visitorCccd, 'Lâm Văn Khách', '01011985', 'Nam'));
  assert.equal(second.visit.person_id, first.visit.person_id, 'an unknown card scanned twice is one person');
  r = await server.request('POST', `/api/v1/me/people/${person.id}/identifiers`, { token: citizen, body: { kind: 'bhxh', number: bhyt } });
  assert.equal(r.status, 201, r.text);
  r = await server.request('GET', `/api/v1/me/people/${person.id}/identifiers`, { token: citizen });
  assert.ok(JSON.stringify(r.json).includes(bhyt.slice(5)), r.text);
  r = await server.request('GET', `/api/v1/people/search${reason}&id_number=${bhyt.slice(5)}`, { token: official });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json.people.map((p) => p.id), [person.id], 'found by the BHYT number');

  await server.stop();
  assertNoneInClear(rawStorage(server), [name, street, note, symptoms.join(','), exposures.join(','), reportSymptoms.join(',')]);
  const raw = rawStorage(server);
  for (const v of [...phoneForms(phone), ...phoneForms(ownerPhone), cccd, visitorCccd, bhyt.slice(5)]) {
    assert.equal(raw.indexOf(Buffer.from(v)), -1, `"${v}" is stored in clear`);
  }
});

// Import rows, feedback phones, roster names and venue contact phones.
const vx = { name: 'Bạch Thị Nhập Khẩu', cccd: '079190007771', phone: '0912760071', street: '71 Đường Tôn Thất Thuyết' };
const vxBadId = '0791900077712345';  // 16 digits: rejected, and the reason quotes it
const vxBadPhone = '0912760072';
const vxBadName = 'Lương Văn Từ Chối';
const callerPhone = '0912760081';
const venuePhone = '0912760091';
const rosterNames = ['Vương Thị Ngân Sách', 'Lê Văn Bảng Lương'];
const rosterPhones = ['0912760101', '0912760102'];
const oldVx = { name: 'Tạ Thị Nhập Cũ', phone: '0912760079' };
const oldRosterName = 'Quách Văn Bảng Cũ';
const oldVenuePhone = '0912760099';
let importId;
let hotlineReport;
let org;
let contactVenue;

async function rosterCoverage() {
  const r = await server.request('GET', `/api/v1/organisations/${org.id}/coverage`, { token: owner });
  assert.equal(r.status, 200, r.text);
  return [...r.json.missing, ...r.json.done_list].map((m) => [m.full_name, m.phone]);
}

async function importRows() {
  const r = await server.request('GET', `/api/v1/vaccination/imports/${importId}/rows?limit=100`, { token: official });
  assert.equal(r.status, 200, r.text);
  return r.json.rows;
}

test('vaccination import rows, feedback phones, roster names and venue contact phones are sealed; readers show them', async () => {
  server = await startServer({ dataDir: server.dataDir, db: server.db, keepDataDir: true, ...options() });
  const wards = await wardsOf(server, '79');
  const csv = [
    'Họ và tên,Ngày sinh,Giới tính,Số CCCD,SĐT,Địa chỉ,Tỉnh/TP',
    `${vx.name},03/04/1990,Nữ,${vx.cccd},${vx.phone},${vx.street},TP.HCM`,
    `${vxBadName},05/06/1980,Nam,${vxBadId},${vxBadPhone},,TP.HCM`,
  ].join('\r\n');
  let r = await server.request('POST', '/api/v1/vaccination/imports', { token: official, raw: csv, headers: { 'content-type': 'text/csv' } });
  assert.equal(r.status, 201, r.text);
  importId = r.json.id;
  assert.equal(r.json.counts.total, 2, r.text);
  // The official who imported reads the rows as the file had them: the record, its line, and the
  // reason that quotes the rejected cell.
  let rows = await importRows();
  const [good, bad] = rows;
  assert.equal(good.record.full_name, vx.name);
  assert.equal(good.record.id_number, vx.cccd);
  assert.equal(good.record.phone, `+84${vx.phone.slice(1)}`);
  assert.ok(good.record.street.includes('Tôn Thất Thuyết'), good.record.street);
  assert.ok(good.original.includes(vx.name) && good.original.includes(vx.cccd), good.original);
  assert.equal(bad.status, 'rejected', JSON.stringify(bad));
  assert.ok(bad.original.includes(vxBadId), bad.original);
  assert.ok(bad.reasons.some((x) => x.field === 'id_number' && x.message.includes(vxBadId)), JSON.stringify(bad.reasons));
  const report = await fetch(`${server.base}/api/v1/vaccination/imports/${importId}/report.csv${reason}`, { headers: { authorization: `Bearer ${official}` } });
  assert.equal(report.status, 200);
  const reportText = await report.text();
  for (const v of [vx.name, vx.cccd, vxBadName, vxBadId]) assert.ok(reportText.includes(v), `report.csv shows ${v}`);

  // Feedback from the app and a hotline caller: each sender finds their own reports (through the
  // phone's blind index) and officials see the phone masked.
  r = await server.request('POST', '/api/v1/feedback', { token: citizen, body: { kind: 'other', text: 'Phản ánh niêm phong', province_code: '79', ward_code: wards[0] } });
  assert.equal(r.status, 201, r.text);
  const own = r.json;
  r = await server.request('POST', '/api/v1/feedback/hotline', { token: official, body: { caller_phone: callerPhone, kind: 'crowding', text: 'Gọi đường dây nóng', province_code: '79', ward_code: wards[0] } });
  assert.equal(r.status, 201, r.text);
  hotlineReport = r.json;
  r = await server.request('GET', '/api/v1/me/feedback', { token: citizen });
  assert.deepEqual(r.json.reports.map((x) => x.id), [own.id], r.text);
  assert.equal((await server.request('GET', `/api/v1/feedback/${own.id}`, { token: citizen })).status, 200);
  const caller = await citizenToken(server, callerPhone);
  r = await server.request('GET', '/api/v1/me/feedback', { token: caller });
  assert.deepEqual(r.json.reports.map((x) => x.id), [hotlineReport.id], r.text);
  r = await server.request('GET', `/api/v1/feedback/${hotlineReport.id}`, { token: official });
  assert.equal(r.json.sender_phone, '+84 ••• ••• 081', r.text);

  // A venue's contact phone; an organisation's roster names.
  r = await server.request('POST', '/api/v1/venues', { token: owner, body: { name: 'Tiệm Liên Lạc', kind: 'shop', province_code: '79', ward_code: wards[0], street: '2 Lê Lợi', contact_phone: venuePhone } });
  assert.equal(r.status, 201, r.text);
  contactVenue = r.json;
  r = await server.request('GET', `/api/v1/venues/${contactVenue.id}`, { token: owner });
  assert.equal(r.json.contact_phone, `+84${venuePhone.slice(1)}`, r.text);
  r = await server.request('POST', '/api/v1/organisations', { token: owner, body: { name: 'Công ty Niêm Phong', kind: 'company', province_code: '79', ward_code: wards[0], street: 'KCN Tân Bình' } });
  assert.equal(r.status, 201, r.text);
  org = r.json;
  r = await server.request('POST', `/api/v1/organisations/${org.id}/roster`, { token: owner, raw: `Họ tên;Số điện thoại\r\n${rosterNames[0]};${rosterPhones[0]}\r\n${rosterNames[1]};${rosterPhones[1]}`, headers: { 'content-type': 'text/csv' } });
  assert.equal(r.status, 200, r.text);
  // The coverage list is in name order although the database cannot order sealed names.
  assert.deepEqual(await rosterCoverage(), [[rosterNames[1], `+84${rosterPhones[1].slice(1)}`], [rosterNames[0], `+84${rosterPhones[0].slice(1)}`]]);

  await server.stop();
  const raw = rawStorage(server);
  assertNoneInClear(raw, [vx.name, vx.street, vxBadName, ...rosterNames]);
  for (const v of [...phoneForms(vx.phone), ...phoneForms(vxBadPhone), vxBadId, vx.cccd, ...phoneForms(callerPhone), ...phoneForms(venuePhone), ...rosterPhones.flatMap(phoneForms)]) {
    assert.equal(raw.indexOf(Buffer.from(v)), -1, `"${v}" is stored in clear`);
  }
});

// Measured values, free text, a chat follower and a merge's change log.
const vitals = { temperature: 38.7, spo2: 93, breathing_rate: 23, pulse: 121 };
const vitalsText = '387,93,23,121';  // as the readings are kept, sealed
const caseNote = 'Ho khan kéo dài, nghi lây từ chị Tuyết Mai';
const caseCloseNote = 'Khỏi bệnh sau mười bốn ngày theo dõi Ánh';
const orderNote = 'Ở cùng mẹ già yếu, cần gọi trước khi đến Diệu';
const hospital = 'Bệnh viện Dã chiến số 3';
const transferReason = 'Khó thở tăng dần Hạnh';  // also the audit entry's reason, in clear
const closeReason = `hospital: ${hospital} — ${transferReason}`;  // why the order closed
const feedbackNote = 'Đã cử tổ kiểm tra đến quán Thư';  // also the sender's inbox message, in clear
const chatUser = 'zalo-sealed-1';
const chatPhone = '0912760121';
const dependant = { full_name: 'Hồ Thị Gộp Hồ Sơ', id_kind: 'passport', id_number: 'C7612345', birth_date: '2010-05-06', sex: 'female' };
// As the binary before pass 4 stored them (the test before sealing).
const old = {
  caseNote: 'Ghi chú ca bệnh cũ Nguyệt',
  orderNote: 'Ghi chú lệnh cách ly cũ Thoa',
  feedbackText: 'Phản ánh cũ Loan',
  feedbackNote: 'Ghi chú xử lý cũ Quyên',
  chatPhone: '0912760131',
  mergePhone: '0912760141',
};
let ownerCase;
let ownerOrder;
let merge;
let dependantId;

async function say(user, text, replies = 1) {
  const before = zalo.to(user).length;
  const r = await zalo.post(server, zalo.text(user, text));
  assert.equal(r.status, 200, r.text);
  return (await zalo.waitFor(user, before + replies)).slice(before);
}

test('measured values, free text, a chat follower and a merge\'s change log are sealed; readers show them', async () => {
  server = await startServer({ dataDir: server.dataDir, db: server.db, keepDataDir: true, ...options() });
  const wards = await wardsOf(server, '79');
  // A report with every value measured: read back as measured, red flags raised from them.
  let r = await server.request('POST', '/api/v1/monitoring/reports', { token: citizen, body: { person_id: person.id, ...vitals, symptoms: [] } });
  assert.equal(r.status, 201, r.text);
  const mine = (await server.request('GET', '/api/v1/me/monitoring', { token: citizen })).json.people[0];
  const last = mine.history.at(-1);
  assert.deepEqual([last.temperature, last.spo2, last.breathing_rate, last.pulse], [38.7, 93, 23, 121], JSON.stringify(last));
  assert.ok(last.red_flags.includes('spo2_low') && last.red_flags.includes('temperature_high'), JSON.stringify(last));
  const first = mine.history[0];
  assert.equal(first.temperature, 37.1, 'the report from the first test');

  // A case with notes, its home-care order with a note, released with a reason, closed with a note.
  const today = new Date(Date.now() + 7 * 3600e3).toISOString().slice(0, 10);
  owner = await citizenToken(server, ownerPhone);
  const ownerSelf = (await server.request('GET', '/api/v1/me/people', { token: owner })).json.people.find((p) => p.is_self);
  r = await server.request('POST', `/api/v1/cases${reason}`, { token: official, body: { person_id: ownerSelf.id, test_date: today, notes: caseNote } });
  assert.equal(r.status, 201, r.text);
  ownerCase = r.json;
  r = await server.request('POST', `/api/v1/monitoring/orders${reason}`, { token: official, body: { kind: 'f0_home_care', case_id: ownerCase.id, ward_code: wards[0], note: orderNote } });
  assert.equal(r.status, 201, r.text);
  [ownerOrder] = r.json.orders;
  assert.equal(ownerOrder.note, orderNote, JSON.stringify(ownerOrder));
  r = await server.request('POST', `/api/v1/monitoring/orders/${ownerOrder.id}/transfer${reason}`, { token: official, body: { hospital, reason: transferReason } });
  assert.equal(r.status, 200, r.text);
  assert.equal((r.json.order ?? r.json).close_reason, closeReason, r.text);
  r = await server.request('POST', `/api/v1/cases/${ownerCase.id}/close${reason}`, { token: official, body: { outcome: 'recovered', note: caseCloseNote } });
  assert.equal(r.status, 200, r.text);
  r = await server.request('GET', `/api/v1/cases/${ownerCase.id}${reason}`, { token: official });
  assert.equal(r.status, 200, r.text);
  const kase = r.json.case ?? r.json;
  assert.deepEqual([kase.notes, kase.close_note], [caseNote, caseCloseNote], r.text);
  r = await server.request('GET', `/api/v1/monitoring/orders/${ownerOrder.id}${reason}`, { token: official });
  assert.equal(r.status, 200, r.text);
  const order = r.json.order ?? r.json;
  assert.deepEqual([order.note, order.close_reason], [orderNote, closeReason], r.text);

  // Feedback followed up with a note: the official and the sender read it.
  r = await server.request('POST', `/api/v1/feedback/${hotlineReport.id}/status`, { token: official, body: { status: 'in_progress', note: feedbackNote } });
  assert.equal(r.status, 200, r.text);
  r = await server.request('GET', `/api/v1/feedback/${hotlineReport.id}`, { token: official });
  assert.equal(r.json.text, 'Gọi đường dây nóng');
  assert.ok(r.json.events.some((e) => e.note === feedbackNote), r.text);

  // A chat follower links a phone by a code: the phone waits in the conversation, then is linked.
  assert.equal((await zalo.post(server, zalo.event('follow', chatUser))).status, 200);
  await zalo.waitFor(chatUser, 1);
  const e164 = `+84${chatPhone.slice(1)}`;
  const previous = server.lastOtp(e164);
  let [reply] = await say(chatUser, chatPhone);
  assert.match(reply.body.message.text, /Mã xác nhận/);
  assert.equal(unsealed(server, 'chat_followers', 'state_data', '1 = 1', '{}'), 0, 'the phone waiting for its code is sealed');
  const code = await server.waitForOtp(e164, previous);
  const replies = await say(chatUser, code, 2);
  assert.match(replies[0].body.message.text, /Đã liên kết/);
  [reply] = await say(chatUser, replies[1].body.message.attachment.payload.buttons[0].payload);
  r = await server.request('GET', '/api/v1/me/channels', { token: await citizenToken(server, chatPhone) });
  assert.equal(r.status, 200, r.text);
  assert.ok(JSON.stringify(r.json).includes('true'), `the chat is linked: ${r.text}`);

  // A dependant without a phone merged with the imported record that has one: the survivor takes
  // it, and the change log keeps it sealed.
  r = await server.request('POST', '/api/v1/me/people', { token: citizen, body: { ...dependant, province_code: '79', ward_code: wards[0], street: '3 Hẻm Con' } });
  assert.equal(r.status, 201, r.text);
  dependantId = r.json.id;
  r = await server.request('GET', `/api/v1/people/search${reason}&phone=${vx.phone}`, { token: official });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.people.length, 1, r.text);
  r = await server.request('POST', `/api/v1/identity/merges${reason}`, { token: official, body: { person_ids: [dependantId, r.json.people[0].id], reason: 'cùng một người' } });
  assert.equal(r.status, 201, r.text);
  merge = r.json;
  r = await server.request('GET', '/api/v1/me/people', { token: citizen });
  const merged = r.json.people.find((p) => p.id === dependantId);
  assert.equal(merged.phone, `+84${vx.phone.slice(1)}`, JSON.stringify(merged));

  await server.stop();
  const raw = rawStorage(server);
  assertNoneInClear(raw, [caseNote, caseCloseNote, orderNote, closeReason, 'Phản ánh niêm phong', 'Gọi đường dây nóng', vitalsText, vx.street]);
  for (const v of phoneForms(chatPhone)) assert.equal(raw.indexOf(Buffer.from(v)), -1, `"${v}" is stored in clear`);
  // Values also copied elsewhere in clear (the audit entry's reason, the sender's inbox) are
  // checked in their own columns; numbers too, which SQLite keeps as binary integers.
  assert.equal(Number(sql(server, 'SELECT COUNT(*) FROM health_reports WHERE temperature_tenths IS NOT NULL OR spo2 IS NOT NULL OR breathing_rate IS NOT NULL OR pulse IS NOT NULL')), 0);
  assert.equal(Number(sql(server, `SELECT COUNT(*) FROM health_reports WHERE readings IS NULL OR readings NOT LIKE 'kb1.%'`)), 0);
  assert.equal(unsealed(server, 'feedback_events', 'note'), 0);
  assert.equal(unsealed(server, 'monitoring_orders', 'close_reason'), 0);
  assert.equal(unsealed(server, 'chat_followers', 'phone'), 0);
  assert.equal(Number(sql(server, `SELECT COUNT(*) FROM chat_followers WHERE phone LIKE 'kb1.%'`)), 1);
  assert.equal(unsealed(server, 'identity_merge_changes', 'new_value', "table_name = 'people' AND column_name IN ('full_name', 'phone', 'street')"), 0);
  assert.equal(Number(sql(server, `SELECT COUNT(*) FROM identity_merge_changes WHERE merge_id = ${merge.id} AND column_name = 'phone' AND new_value LIKE 'kb1.%'`)), 1);
});

test('a database written before sealing is sealed at the next start', async () => {
  // Rows as the binary before this change wrote them: in clear, with a clear name key, and no
  // record of the sealing pass.
  const now = Math.floor(Date.now() / 1000);
  sql(server, `INSERT INTO people(full_name, birth_date, sex, province_code, ward_code, street, name_key, created_at, updated_at)
    VALUES ('${oldName}', '1960-07-08', 'male', '79', (SELECT ward_code FROM people WHERE id = ${person.id}), '${oldStreet}', '${[...fold(oldName).toLowerCase().split(' ')].sort().join(' ')}', ${now}, ${now})`);
  sql(server, `INSERT INTO declarations(person_id, declared_by, kind, travel_provinces, travel_countries, symptoms, exposures, vaccine_doses, created_at)
    SELECT id, NULL, 'domestic', '', '', 'fatigue,sore_throat', 'confirmed_case,suspected_case', 1, ${now} FROM people WHERE birth_date = '1960-07-08'`);
  sql(server, `INSERT INTO health_reports(person_id, order_id, day, slot, measured_at, symptoms, note, red_flags, reported_by, created_at)
    SELECT id, NULL, 1, 0, ${now}, 'fever,runny_nose', '${oldNote}', '', 1, ${now} FROM people WHERE birth_date = '1960-07-08'`);
  sql(server, `UPDATE people SET name_key = NULL, name_words = NULL WHERE birth_date = '1960-07-08'`);
  // An account, its own record with a phone and a CCCD number, and the card as an identifier, in
  // clear and without blind indexes.
  sql(server, `INSERT INTO users(role, phone, created_at) VALUES ('citizen', '+84${oldPhone.slice(1)}', ${now})`);
  sql(server, `INSERT INTO people(account_id, is_self, full_name, id_number, id_kind, birth_date, sex, phone, province_code, ward_code, street, created_at, updated_at)
    SELECT id, 1, '${oldName2}', '${oldCccd}', 'cccd', '1960-01-02', 'male', '+84${oldPhone.slice(1)}', '79', (SELECT ward_code FROM people WHERE id = ${person.id}), '5 Hẻm Cũ', ${now}, ${now}
    FROM users WHERE phone = '+84${oldPhone.slice(1)}'`);
  sql(server, `INSERT INTO person_identifiers(person_id, kind, value, country, source, place, first_seen_at, last_seen_at)
    SELECT id, 'cccd', '${oldCccd}', '', 'record', '', ${now}, ${now} FROM people WHERE id_number = '${oldCccd}'`);
  // An import row, a feedback sender's phone (without its blind index), a roster name and a
  // venue's contact phone, as they were stored before.
  sql(server, `UPDATE vaccination_import_rows SET full_name = '${oldVx.name}', phone = '+84${oldVx.phone.slice(1)}', original = '${oldVx.name},${oldVx.phone}', personal = ''
    WHERE import_id = ${importId} AND row_number = 2`);
  sql(server, `UPDATE feedback_reports SET sender_phone = '+84${callerPhone.slice(1)}', sender_phone_index = NULL WHERE id = ${hotlineReport.id}`);
  sql(server, `UPDATE organisation_members SET full_name = '${oldRosterName}' WHERE id = (SELECT MIN(id) FROM organisation_members WHERE organisation_id = ${org.id})`);
  sql(server, `UPDATE venues SET contact_phone = '+84${oldVenuePhone.slice(1)}' WHERE id = ${contactVenue.id}`);
  // Measured values in the integer columns, free text, a follower's phone and conversation, and a
  // merge's change log with the phone it gave the survivor, as they were stored before.
  sql(server, `UPDATE health_reports SET readings = NULL, temperature_tenths = 392, spo2 = 91, breathing_rate = 25, pulse = 130
    WHERE id = (SELECT MAX(id) FROM health_reports WHERE person_id = ${person.id})`);
  sql(server, `UPDATE cases SET notes = '${old.caseNote}' WHERE id = ${ownerCase.id}`);
  sql(server, `UPDATE monitoring_orders SET note = '${old.orderNote}' WHERE id = ${ownerOrder.id}`);
  sql(server, `UPDATE feedback_reports SET text = '${old.feedbackText}' WHERE id = ${hotlineReport.id}`);
  sql(server, `UPDATE feedback_events SET note = '${old.feedbackNote}' WHERE report_id = ${hotlineReport.id} AND note <> ''`);
  const oldChat = `+84${old.chatPhone.slice(1)}`;
  sql(server, `UPDATE chat_followers SET phone = '${oldChat}', state_data = '{"phone":"${oldChat}"}' WHERE user_id = '${chatUser}'`);
  const oldMerged = `+84${old.mergePhone.slice(1)}`;
  sql(server, `UPDATE identity_merge_changes SET new_value = '${oldMerged}' WHERE merge_id = ${merge.id} AND column_name = 'phone'`);
  sql(server, `UPDATE people SET phone = '${oldMerged}' WHERE id = ${dependantId}`);
  sql(server, `DELETE FROM settings WHERE name = 'sealing.pass'`);
  assert.notEqual(rawStorage(server).indexOf(Buffer.from(oldName)), -1, 'the old rows are in clear before');

  server = await startServer({ dataDir: server.dataDir, db: server.db, keepDataDir: true, ...options() });
  const official2 = (await server.request('POST', '/api/v1/auth/login', { body: { username: 'hcm.sealed', password: 'correct horse battery 9' } })).json.token;
  const r = await server.request('GET', `/api/v1/people/search${reason}&name=${encodeURIComponent(fold(oldName))}&birth_year=1960`, { token: official2 });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.people.length, 1, r.text);
  assert.equal(r.json.people[0].full_name, oldName);
  assert.equal(r.json.people[0].street, oldStreet);
  // The account from before signs in by its phone; its record is found by phone and ID number,
  // and a door scan of its card is that record.
  const oldToken = await citizenToken(server, oldPhone);
  const mine = (await server.request('GET', '/api/v1/me/people', { token: oldToken })).json.people;
  assert.deepEqual(mine.map((p) => [p.full_name, p.id_number]), [[oldName2, oldCccd]], 'signed in to the account from before');
  for (const q of [`phone=${oldPhone}`, `id_number=${oldCccd}`]) {
    const found = await server.request('GET', `/api/v1/people/search${reason}&${q}`, { token: official2 });
    assert.equal(found.status, 200, found.text);
    assert.deepEqual(found.json.people.map((p) => p.id), [mine[0].id], q);
  }
  owner = await citizenToken(server, ownerPhone);
  const card = await scan(cccdCard(oldCccd, oldName2, '02011960', 'Nam'));
  assert.equal(card.visit.person_id, mine[0].id, 'the CCCD scan is the record from before');
  const [row] = await importRows();
  assert.equal(row.record.full_name, oldVx.name);
  assert.equal(row.original, `${oldVx.name},${oldVx.phone}`);
  const caller = await citizenToken(server, callerPhone);
  const callerReports = await server.request('GET', '/api/v1/me/feedback', { token: caller });
  assert.deepEqual(callerReports.json.reports.map((x) => x.id), [hotlineReport.id], 'found by the blind index the pass filled');
  assert.ok((await rosterCoverage()).some(([n]) => n === oldRosterName));
  const v = await server.request('GET', `/api/v1/venues/${contactVenue.id}`, { token: owner });
  assert.equal(v.json.contact_phone, `+84${oldVenuePhone.slice(1)}`);
  // The measured values from the integer columns, the free text and the notes read as before.
  const last = (await server.request('GET', '/api/v1/me/monitoring', { token: citizen })).json.people[0].history.at(-1);
  assert.deepEqual([last.temperature, last.spo2, last.breathing_rate, last.pulse], [39.2, 91, 25, 130], JSON.stringify(last));
  const kase = await server.request('GET', `/api/v1/cases/${ownerCase.id}${reason}`, { token: official2 });
  assert.equal((kase.json.case ?? kase.json).notes, old.caseNote, kase.text);
  const order = await server.request('GET', `/api/v1/monitoring/orders/${ownerOrder.id}${reason}`, { token: official2 });
  assert.equal((order.json.order ?? order.json).note, old.orderNote, order.text);
  const report = await server.request('GET', `/api/v1/feedback/${hotlineReport.id}`, { token: official2 });
  assert.equal(report.json.text, old.feedbackText);
  assert.ok(report.json.events.some((e) => e.note === old.feedbackNote), report.text);
  // The merge is undone although the pass sealed the phone in the record and in the change log
  // apart (two ciphertexts of one value): the dependant is without a phone again.
  const undone = await server.request('POST', `/api/v1/identity/merges/${merge.id}/unmerge${reason}`, { token: official2, body: { reason: 'gộp nhầm hai người' } });
  assert.equal(undone.status, 200, undone.text);
  assert.equal(undone.json.kept, 0, undone.text);
  const dep = (await server.request('GET', '/api/v1/me/people', { token: citizen })).json.people.find((p) => p.id === dependantId);
  assert.ok(!dep.phone, JSON.stringify(dep));
  await server.stop();
  assertNoneInClear(rawStorage(server), [oldName, oldStreet, oldNote, 'fatigue,sore_throat', 'confirmed_case,suspected_case', 'fever,runny_nose', name, street, note, oldName2, oldVx.name, oldRosterName]);
  const raw = rawStorage(server);
  assertNoneInClear(raw, [old.caseNote, old.orderNote, old.feedbackText, old.feedbackNote]);
  assert.equal(Number(sql(server, 'SELECT COUNT(*) FROM health_reports WHERE temperature_tenths IS NOT NULL OR spo2 IS NOT NULL OR breathing_rate IS NOT NULL OR pulse IS NOT NULL')), 0);
  assert.equal(unsealed(server, 'health_reports', 'readings'), 0);
  for (const v of [...phoneForms(oldPhone), ...phoneForms(phone), oldCccd, cccd, ...phoneForms(oldVx.phone), ...phoneForms(callerPhone), ...phoneForms(oldVenuePhone), ...phoneForms(old.chatPhone), ...phoneForms(old.mergePhone)]) {
    assert.equal(raw.indexOf(Buffer.from(v)), -1, `"${v}" is stored in clear`);
  }
});

test('rotate-data seals everything under a new key; a running server reads what it resealed', async () => {
  const before = readFileSync(join(server.dataDir, 'data-keys'), 'utf8');
  // Rotated while a server runs: it meets values under a key it did not load, and reads the key
  // file again.
  server = await startServer({ dataDir: server.dataDir, db: server.db, keepDataDir: true, ...options() });
  const out = JSON.parse(admin(server, ['keys', 'rotate-data']).trim().split('\n').pop());
  assert.match(out.key_id, /^[0-9a-f]{8}$/);
  assert.ok(out.resealed >= 8, JSON.stringify(out));
  const keys = readFileSync(join(server.dataDir, 'data-keys'), 'utf8');
  assert.ok(keys.includes(`\n${out.key_id} `), 'the new key is in the key file, after the old one');
  for (const line of before.split('\n').filter((l) => /^[0-9a-f]{8} /.test(l))) assert.ok(keys.includes(line), 'the old key is kept');
  let r = await server.request('GET', '/api/v1/me/people', { token: citizen });
  assert.equal(r.json.people.find((p) => p.is_self).full_name, name);
  assert.equal(r.json.people.find((p) => p.is_self).street, street);
  // Written from now on under the new key, read back by a fresh start too.
  r = await server.request('POST', '/api/v1/monitoring/reports', { token: citizen, body: { person_id: person.id, temperature: 36.9, symptoms: [], note: 'Sau khi đổi khóa Thuận' } });
  assert.equal(r.status, 201, r.text);
  await server.stop();
  server = await startServer({ dataDir: server.dataDir, db: server.db, keepDataDir: true, ...options() });
  r = await server.request('GET', '/api/v1/me/people', { token: citizen });
  assert.equal(r.json.people.find((p) => p.is_self).full_name, name);
  await server.stop();
  // Nothing is left under the old key (once the server's stop has checkpointed the log: until
  // then SQLite's main file still holds the pages as they were, under the old key).
  const oldId = before.split('\n').find((l) => /^[0-9a-f]{8} /.test(l)).slice(0, 8);
  assert.equal(rawStorage(server).indexOf(Buffer.from(`kb1.${oldId}.`)), -1, 'a value is still under the old key');
  assertNoneInClear(rawStorage(server), [name, street, note, oldName, 'Sau khi đổi khóa Thuận']);
});

test('a process given other data keys refuses to start on the sealed database', async () => {
  const { mkdtempSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { binary } = await import('../lib/server.mjs');
  const otherDir = mkdtempSync(join(tmpdir(), 'kb-otherkeys-'));
  let failed;
  try {
    execFileSync(binary, ['admin', 'stats', '--db', server.db, '--data-dir', otherDir], { encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
  } catch (e) {
    failed = e;
  }
  assert.ok(failed, 'a process with a key file of its own must not start');
  assert.match(failed.stderr, /data keys are not the ones this database was sealed with/);
  // With the database's own keys it starts.
  assert.ok(JSON.parse(admin(server, ['stats']).trim().split('\n').pop()));
});
