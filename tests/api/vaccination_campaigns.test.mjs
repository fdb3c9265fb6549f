// Vaccination campaigns end to end against the real binary: an official makes a campaign with two
// sites and three one-place slots, lists people by id and from a raw-list import, and sends the
// invitations — slots go to the priority groups first, then to the nearest site, and the rest
// wait without one. Citizens answer the screening (the flagged answers are the domain's rule),
// confirm, ask for another slot or decline; site staff scan the invitation QR or a CCCD and record
// a dose, whose EU DCC verifies valid. Bad doses (not invited, a product the campaign does not
// give, a full slot) are refused naming the field, and write nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, citizenToken, staffToken } from '../lib/server.mjs';

const BEN_THANH = '26743';
const GO_VAP = '26882';
const DAY = '2027-01-15';
let server;
let hcm;       // official of province 79
let hanoi;     // official of province 01
let owner;     // citizen who registered the sites (their manager)
let staff;     // a venue_staff account of site A
let siteA, siteB, shop;
let campaign;
const people = {};  // by name: {token, person_id, id_number}

async function citizen(key, phone, ward, idNumber, name) {
  const token = await citizenToken(server, phone);
  const me = await server.request('GET', '/api/v1/me/people', { token });
  const self = me.json.people[0];
  const profile = { full_name: name, id_kind: 'cccd', id_number: idNumber, birth_date: '1990-01-02', sex: 'male', province_code: '79', ward_code: ward, street: '1 Lê Lợi' };
  const put = await server.request('PUT', `/api/v1/me/people/${self.id}`, { token, body: profile });
  assert.equal(put.status, 200, put.text);
  people[key] = { token, person_id: self.id, id_number: idNumber };
}

async function venue(name, kind, ward) {
  const r = await server.request('POST', '/api/v1/venues', { token: owner, body: { name, kind, province_code: '79', ward_code: ward, street: '2 Lê Lợi' } });
  assert.equal(r.status, 201, r.text);
  return r.json;
}

const get = (path, token = hcm) => server.request('GET', path, { token });
const post = (path, body, token = hcm) => server.request('POST', path, { token, body });
const view = async () => (await get(`/api/v1/vaccination/campaigns/${campaign.id}`)).json;
const invitationOf = async (key) => (await get('/api/v1/me/invitations', people[key].token)).json.invitations[0];
const NO = { previous_reaction: false, severe_allergy: false, acute_illness: false, pregnant: false, chronic_condition: false, immunosuppressed: false, bleeding_disorder: false, recent_vaccine: false, covid_recent: false, fever: false };

before(async () => {
  server = await startServer();
  hcm = await staffToken(server, { username: 'hcm.campaigns', role: 'official', jurisdiction: '79' });
  hanoi = await staffToken(server, { username: 'hn.campaigns', role: 'official', jurisdiction: '01' });
  owner = await citizenToken(server, '0912600000');
  siteA = await venue('Trạm tiêm Bến Thành', 'vaccination_site', BEN_THANH);
  siteB = await venue('Bệnh viện Gò Vấp', 'hospital', GO_VAP);
  shop = await venue('Nhà sách', 'shop', BEN_THANH);
  const added = await post(`/api/v1/venues/${siteA.id}/staff`, { username: 'ben.thanh.vax', password: 'site staff password 1' }, owner);
  assert.equal(added.status, 201, added.text);
  staff = (await post('/api/v1/auth/login', { username: 'ben.thanh.vax', password: 'site staff password 1' }, undefined)).json.token;
  await citizen('nurse', '0912600001', BEN_THANH, '079090600001', 'Nguyễn Thị Y Tá');
  await citizen('doctor', '0912600002', GO_VAP, '079090600002', 'Trần Văn Bác Sĩ');
  await citizen('elder', '0912600003', GO_VAP, '079090600003', 'Lê Văn Cao Niên');
  await citizen('young', '0912600004', BEN_THANH, '079090600004', 'Phạm Văn Trẻ');
  await citizen('outsider', '0912600005', BEN_THANH, '079090600005', 'Võ Văn Ngoài');
});
after(async () => { await server?.stop(); });

test('a campaign with bad input is refused naming the field; nothing is created', async () => {
  const good = { name: 'Tiêm COVID-19 mũi 1', products: ['EU/1/20/1528'], venue_ids: [siteA.id] };
  const cases = [
    [{ ...good, name: undefined }, 400, 'name'],
    [{ ...good, products: ['FooVax'] }, 400, 'products'],
    [{ ...good, products: [] }, 400, 'products'],
    [{ ...good, total_doses: 12 }, 400, 'total_doses'],
    [{ ...good, venue_ids: [shop.id] }, 400, 'venue_ids'],
    [{ ...good, slots: [{ venue_id: siteA.id, day: '15/01/2027', start: '08:00', end: '09:00', capacity: 1 }] }, 400, 'slots'],
    [{ ...good, slots: [{ venue_id: siteA.id, day: DAY, start: '09:00', end: '08:00', capacity: 1 }] }, 400, 'slots'],
    [{ ...good, slots: [{ venue_id: siteB.id, day: DAY, start: '08:00', end: '09:00', capacity: 1 }] }, 400, 'slots'],
    [{ ...good, slots: [{ venue_id: siteA.id, day: DAY, start: '08:00', end: '09:00', capacity: 0 }] }, 400, 'slots'],
  ];
  for (const [body, status, field] of cases) {
    const r = await post('/api/v1/vaccination/campaigns', body);
    assert.equal(r.status, status, `${JSON.stringify(body)} → ${r.text}`);
    assert.equal(r.json.error.field, field, r.text);
  }
  const outside = await post('/api/v1/vaccination/campaigns', { ...good, province_code: '79' }, hanoi);
  assert.equal(outside.status, 403, outside.text);
  assert.equal((await post('/api/v1/vaccination/campaigns', good, owner)).status, 403);
  assert.deepEqual((await get('/api/v1/vaccination/campaigns')).json.campaigns, []);
});

test('an official creates a campaign with sites and slots, and lists people by id and from an import', async () => {
  const r = await post('/api/v1/vaccination/campaigns', {
    name: 'Tiêm COVID-19 mũi 1', products: ['EU/1/20/1528', 'BBIBP-CorV'], priority_groups: ['health_workers', 'elderly'],
    venue_ids: [siteA.id],
    slots: [
      { venue_id: siteA.id, day: DAY, start: '08:00', end: '09:00', capacity: 1 },
      { venue_id: siteA.id, day: DAY, start: '09:00', end: '10:00', capacity: 1 },
    ],
  });
  assert.equal(r.status, 201, r.text);
  campaign = r.json;
  assert.equal(campaign.province_code, '79');
  const withB = await post(`/api/v1/vaccination/campaigns/${campaign.id}/sites`, { venue_code: siteB.code });
  assert.equal(withB.status, 201, withB.text);
  assert.deepEqual(withB.json.sites.map((s) => s.venue_id), [siteA.id, siteB.id]);
  const slotB = await post(`/api/v1/vaccination/campaigns/${campaign.id}/slots`, { slots: [{ venue_id: siteB.id, day: DAY, start: '08:00', end: '09:00', capacity: 1 }] });
  assert.equal(slotB.status, 201, slotB.text);
  assert.equal(slotB.json.slots.length, 3);
  assert.equal(slotB.json.slots[0].starts_at, `${DAY}T08:00:00+07:00`);
  assert.equal((await get(`/api/v1/vaccination/campaigns/${campaign.id}`, hanoi)).status, 404);

  const list = (ids, group) => post(`/api/v1/vaccination/campaigns/${campaign.id}/list`, { person_ids: ids, priority_group: group });
  // The order of listing is not the order of invitation: the young first, the nurse last.
  assert.equal((await list([people.young.person_id], 'others')).json.added, 1);
  assert.equal((await list([people.elder.person_id], 'elderly')).json.added, 1);
  const hw = await list([people.doctor.person_id, people.nurse.person_id], 'health_workers');
  assert.deepEqual(hw.json, { added: 2, already: 0 });
  assert.deepEqual((await list([people.nurse.person_id], 'health_workers')).json, { added: 0, already: 1 });
  assert.equal((await list([999999], 'x')).json.error.field, 'person_ids');

  const csv = 'Họ và tên,Ngày sinh,Giới tính,Số CCCD,SĐT,Tỉnh/TP\nĐinh Văn Một,01/01/1970,Nam,079070600011,0912600011,TP.HCM\nĐinh Thị Hai,02/02/1971,Nữ,079171600012,0912600012,TP.HCM\n';
  const imp = await server.request('POST', '/api/v1/vaccination/imports', { token: hcm, raw: csv, headers: { 'content-type': 'text/csv' } });
  assert.equal(imp.status, 201, imp.text);
  const fromImport = await post(`/api/v1/vaccination/campaigns/${campaign.id}/list`, { import_id: imp.json.id });
  assert.deepEqual(fromImport.json, { added: 2, already: 0 }, fromImport.text);
  assert.equal((await post(`/api/v1/vaccination/campaigns/${campaign.id}/list`, { import_id: 999999 })).status, 404);
  assert.equal((await view()).figures.listed, 6);
});

test('invitations assign slots by priority group, then the nearest site, and reach each person once', async () => {
  const sent = await post(`/api/v1/vaccination/campaigns/${campaign.id}/invitations`, {});
  assert.equal(sent.status, 200, sent.text);
  assert.deepEqual(sent.json, { invited: 6, unassigned: 3 });
  assert.deepEqual((await post(`/api/v1/vaccination/campaigns/${campaign.id}/invitations`, {})).json, { invited: 0, unassigned: 0 });
  const v = await view();
  const [a8, a9, b8] = [v.slots.find((s) => s.venue_id === siteA.id && s.starts_at.includes('T08')), v.slots.find((s) => s.starts_at.includes('T09')), v.slots.find((s) => s.venue_id === siteB.id)];
  const noReason = await get(`/api/v1/vaccination/campaigns/${campaign.id}/people`);
  assert.equal(noReason.status, 400);
  const list = (await get(`/api/v1/vaccination/campaigns/${campaign.id}/people?reason=${encodeURIComponent('lập danh sách tiêm')}`)).json.people;
  const slotOf = (key) => list.find((p) => p.person_id === people[key].person_id).slot_id;
  assert.equal(slotOf('nurse'), a8.id, 'a health worker in Bến Thành: the Bến Thành site');
  assert.equal(slotOf('doctor'), b8.id, 'a health worker in Gò Vấp: the Gò Vấp site');
  assert.equal(slotOf('elder'), a9.id, 'the elderly next, at the nearest site with a place');
  assert.equal(slotOf('young'), null, 'others wait: no place left');
  assert.deepEqual(v.fill.map((f) => [f.venue_id, f.booked, f.capacity]), [[siteA.id, 2, 2], [siteB.id, 1, 1]]);
  assert.equal(v.figures.invited, 6);
  assert.equal(v.figures.unassigned, 3);

  const inv = await invitationOf('nurse');
  assert.equal(inv.slot.id, a8.id);
  assert.equal(inv.site.name, 'Trạm tiêm Bến Thành');
  assert.match(inv.qr, /^KBV1\./);
  const inbox = (await get('/api/v1/me/inbox', people.nurse.token)).json;
  const message = JSON.stringify(inbox);
  assert.ok(message.includes(`/invitation/${inv.token}`), message);
  const sms = server.outbox().filter((m) => m.to === '+84912600001' && m.text.includes(inv.token));
  assert.equal(sms.length, 1, 'one text message with the link');
  assert.ok(sms[0].text.includes('Trạm tiêm Bến Thành') && sms[0].text.includes('08:00'), sms[0].text);
});

test('someone on an imported list who signs in later finds their invitation; others with no such phone do not', async () => {
  // Đinh Văn Một came from the raw list with his phone and no account.
  const mot = await citizenToken(server, '0912600011');
  const mine = (await get('/api/v1/me/invitations', mot)).json.invitations;
  assert.equal(mine.length, 1, JSON.stringify(mine));
  assert.equal(mine[0].full_name, 'Đinh Văn Một');
  assert.match(mine[0].qr, /^KBV1\./);
  const sms = await server.waitForOutbox((m) => m.to === '+84912600011' && m.text.includes(mine[0].token));
  assert.equal(sms.length, 1, 'the same invitation his phone was sent');
  const stranger = await citizenToken(server, '0912600099');
  assert.deepEqual((await get('/api/v1/me/invitations', stranger)).json.invitations, []);
});

test('the citizen confirms, asks for another slot (moved, or told none is free) or declines', async () => {
  const doctor = await invitationOf('doctor');
  const full = await post(`/api/v1/invitations/${doctor.token}/reply`, { answer: 'another_slot' }, undefined);
  assert.equal(full.status, 409, full.text);
  assert.equal(full.json.error.code, 'no_free_slot');
  assert.equal((await invitationOf('doctor')).slot.id, doctor.slot.id, 'unchanged');
  const elder = await invitationOf('elder');
  const declined = await post(`/api/v1/invitations/${elder.token}/reply`, { answer: 'decline' }, people.elder.token);
  assert.equal(declined.json.status, 'declined');
  assert.equal(declined.json.slot, null);
  const moved = await post(`/api/v1/invitations/${doctor.token}/reply`, { answer: 'another_slot' }, people.doctor.token);
  assert.equal(moved.status, 200, moved.text);
  assert.equal(moved.json.slot.id, elder.slot.id, 'into the place the declined one gave back');
  const nurse = await invitationOf('nurse');
  const confirmed = await post(`/api/v1/invitations/${nurse.token}/reply`, { answer: 'confirm' }, people.nurse.token);
  assert.equal(confirmed.json.status, 'confirmed');
  assert.equal((await post(`/api/v1/invitations/${nurse.token}/reply`, { answer: 'maybe' })).json.error.field, 'answer');
  assert.equal((await get('/api/v1/invitations/not-a-token', undefined)).status, 404);
  const v = await view();
  assert.deepEqual(v.fill.map((f) => [f.venue_id, f.booked]), [[siteA.id, 2], [siteB.id, 0]]);
  assert.equal(v.figures.declined, 1);
  assert.equal(v.figures.confirmed, 2);
});

test('screening answers are stored and the flagged ones are those the rule names', async () => {
  const { token } = await invitationOf('nurse');
  const missing = await post(`/api/v1/invitations/${token}/screening`, { answers: { ...NO, fever: undefined } });
  assert.equal(missing.status, 400);
  assert.equal(missing.json.error.field, 'fever');
  const unknown = await post(`/api/v1/invitations/${token}/screening`, { answers: { ...NO, tired: true } });
  assert.equal(unknown.json.error.field, 'tired');
  const hot = await post(`/api/v1/invitations/${token}/screening`, { answers: { ...NO, pregnant: true, temperature_c: 37.5 } });
  assert.equal(hot.status, 200, hot.text);
  assert.deepEqual(hot.json.flags, [{ key: 'pregnant', concern: 'attention' }, { key: 'temperature', concern: 'defer' }]);
  assert.equal((await view()).figures.flagged, 1);
  const fine = await post(`/api/v1/invitations/${token}/screening`, { answers: { ...NO, temperature_c: 36.8 } });
  assert.deepEqual(fine.json.flags, []);
  assert.equal(fine.json.screening.temperature_c, 36.8);
});

test('site staff scan the invitation QR or a CCCD and see the screening; others cannot', async () => {
  const nurse = await invitationOf('nurse');
  const scan = (payload, token = staff, venueId = siteA.id) => post(`/api/v1/vaccination/sites/${venueId}/scan`, { payload }, token);
  const byQr = await scan(nurse.qr);
  assert.equal(byQr.status, 200, byQr.text);
  assert.equal(byQr.json.person_id, people.nurse.person_id);
  assert.equal(byQr.json.full_name, 'Nguyễn Thị Y Tá');
  assert.ok(byQr.json.screening);
  const byCccd = await scan(people.doctor.id_number);
  assert.equal(byCccd.json.person_id, people.doctor.person_id);
  assert.equal((await scan(people.outsider.id_number)).json.error.code, 'not_invited');
  assert.equal((await scan('079099999999')).json.error.code, 'person_not_found');
  assert.equal((await scan('hello')).json.error.field, 'payload');
  assert.equal((await scan(nurse.qr, staff, shop.id)).json.error.code, 'not_a_site');
  assert.equal((await scan(nurse.qr, people.young.token)).status, 403);
  assert.equal((await scan(nurse.qr, hanoi)).status, 403);
});

test('a dose is recorded with a certificate that verifies; bad doses write nothing', async () => {
  const dose = (body, token = staff) => post('/api/v1/vaccination/doses', { campaign_id: campaign.id, venue_id: siteA.id, product: 'EU/1/20/1528', lot: 'FK1234', dose_number: 1, vaccinator: 'ĐD. Hoa', ...body }, token);
  const before = await view();
  const young = await invitationOf('young');
  const bad = [
    [{ person_id: people.outsider.person_id }, 400, 'person_id', 'not_invited'],
    [{ person_id: people.nurse.person_id, product: 'Sputnik-V' }, 400, 'product', 'product_not_in_campaign'],
    [{ person_id: people.young.person_id, slot_id: before.slots[0].id }, 409, 'slot_id', 'slot_full'],
    [{ person_id: people.nurse.person_id, lot: '' }, 400, 'lot', undefined],
    [{ person_id: people.nurse.person_id, venue_id: siteB.id }, 403, undefined, 'not_site_staff'],
  ];
  for (const [body, status, field, code] of bad) {
    const r = await dose(body);
    assert.equal(r.status, status, `${JSON.stringify(body)} → ${r.text}`);
    if (field) assert.equal(r.json.error.field, field, r.text);
    if (code) assert.equal(r.json.error.code, code, r.text);
  }
  assert.deepEqual((await view()).fill, before.fill, 'no booking changed');
  assert.equal(young.slot, null);
  for (const key of ['nurse', 'young', 'outsider']) {
    const certs = await get(`/api/v1/people/${people[key].person_id}/certificates`, people[key].token);
    assert.deepEqual(certs.json.certificates, [], key);
  }

  const given = await dose({ person_id: people.nurse.person_id });
  assert.equal(given.status, 201, given.text);
  assert.match(given.json.certificate, /^HC1:/);
  assert.equal(given.json.dose_number, 1);
  const observe = Date.parse(given.json.observe_until) - Date.parse(given.json.vaccinated_at);
  assert.equal(observe, 30 * 60 * 1000);
  const verified = await post('/api/v1/certificates/verify', { payload: given.json.certificate }, undefined);
  assert.equal(verified.json.status, 'valid', verified.text);
  assert.equal(verified.json.holder?.family_name_transliterated ?? 'NGUYEN', 'NGUYEN');
  assert.equal((await dose({ person_id: people.nurse.person_id })).json.error.code, 'dose_recorded');
  const reaction = await post(`/api/v1/vaccination/doses/${given.json.id}/reactions`, { severity: 'mild', description: 'Đau chỗ tiêm' }, staff);
  assert.equal(reaction.status, 201, reaction.text);
  assert.equal((await post(`/api/v1/vaccination/doses/${given.json.id}/reactions`, { severity: 'awful', description: 'x' }, staff)).json.error.field, 'severity');

  const mine = await get(`/api/v1/people/${people.nurse.person_id}/certificates`, people.nurse.token);
  assert.equal(mine.json.certificates.length, 1);
  assert.equal(mine.json.certificates[0].certificate, given.json.certificate);
  assert.equal((await get(`/api/v1/people/${people.nurse.person_id}/certificates`, people.young.token)).status, 404);
  assert.equal((await get(`/api/v1/people/${people.nurse.person_id}/certificates`)).status, 400, 'an official gives a reason');
  const official = await get(`/api/v1/people/${people.nurse.person_id}/certificates?reason=kiểm%20tra`);
  assert.equal(official.json.certificates.length, 1);
  assert.equal((await get(`/api/v1/people/${people.nurse.person_id}/certificates?reason=kiểm%20tra`, hanoi)).status, 404);
  const after = await view();
  assert.equal(after.figures.vaccinated, 1);
  assert.equal((await invitationOf('nurse')).status, 'vaccinated');
});
