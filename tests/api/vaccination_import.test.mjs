// Importing a city's raw vaccination list (SPEC capability 7) through the API: a messy
// spreadsheet export of 55 people — legacy TCVN3 and VNI text, pre-2025 addresses, Excel dates,
// duplicates, CCCD numbers that contradict the birth date or sex, bad phones, missing names —
// and the outcome of every row, the CSV report, and the files refused with nothing written.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, staffToken, citizenToken, admin } from '../lib/server.mjs';

let server;
let hcm;  // an official of Hồ Chí Minh City (79)

before(async () => {
  server = await startServer();
  hcm = await staffToken(server, { username: 'hcm.vax', role: 'official', jurisdiction: '79' });
});
after(async () => { await server?.stop(); });

const HEADER = ['STT', 'Họ và tên', 'Ngày sinh', 'Giới tính', 'Số CCCD', 'SĐT', 'Địa chỉ', 'Phường/Xã', 'Quận/Huyện',
  'Tỉnh/TP', 'Nhóm ưu tiên', 'Ghi chú'];

// One row of the sheet: its cells by header, and what the import must make of it.
//   status; fixes that must be among the row's fixes; reasons as "field:code"; record fields.
const HCMC = 'TP.HCM';
const rows = [
  { c: { name: 'Nguyễn Văn An', dob: '15/03/1990', sex: 'Nam', id: '079090000001', phone: '0912345001', address: '12 Lê Lợi', ward: 'Phường Bến Thành', province: HCMC, group: '1' },
    status: 'clean', record: { full_name: 'Nguyễn Văn An', birth_date: '1990-03-15', sex: 'male', id_kind: 'cccd', phone: '+84912345001', ward_code: '26743', province_code: '79', street: '12 Lê Lợi', priority_group: '1' } },
  { c: { name: '  trần   thị  bình ', dob: '01/02/1985', sex: 'Nữ', id: '079185000002', phone: '0912345002', address: 'Phường 12, Quận Gò Vấp', province: HCMC },
    status: 'fixed', fixes: ['name_spaces', 'name_case', 'address_old_to_new'], record: { full_name: 'Trần Thị Bình', ward_code: '26882' } },
  { c: { name: 'LÊ VĂN CƯỜNG', dob: '20/10/1978', sex: 'Nam', id: '079078000003', phone: '0912345003' },
    status: 'fixed', fixes: ['name_case', 'address_from_jurisdiction'], record: { full_name: 'Lê Văn Cường', province_code: '79', ward_code: null } },
  { c: { name: 'TrÇn ThÞ Mai', dob: '05/06/1992', sex: 'Nữ', id: '079192000004', phone: '0912345004', address: 'P.12', district: 'Q. Gò Vấp', province: 'TP HCM' },
    status: 'fixed', fixes: ['legacy_encoding_tcvn3', 'address_old_to_new'], record: { full_name: 'Trần Thị Mai', ward_code: '26882' } },
  { c: { name: 'Phaïm Vaên Ñöùc', dob: '12/12/1988', sex: 'Nam', id: '079088000005', phone: '0912345005', ward: 'Phường 14', district: 'Quận Gò Vấp', province: 'Hồ Chí Minh' },
    status: 'fixed', fixes: ['legacy_encoding_vni', 'address_old_to_new'], record: { full_name: 'Phạm Văn Đức', ward_code: '26882' } },
  { c: { name: 'Võ Thị Hoa', dob: '32874', sex: 'Nữ', id: '079190000006', phone: '0912345006', province: HCMC },
    status: 'fixed', fixes: ['date_excel_serial'], record: { birth_date: '1990-01-01', province_code: '79', ward_code: null } },
  { c: { name: 'Đặng Văn Em', dob: '3/4/85', sex: 'Nam', id: '079085000007', phone: '0912345007', province: HCMC },
    status: 'fixed', fixes: ['date_two_digit_year'], record: { birth_date: '1985-04-03' } },
  { c: { name: 'Bùi Thị Giang', dob: '15-03-1991', sex: 'Nữ', id: '079191000008', phone: '0912345008', province: HCMC },
    status: 'clean', record: { birth_date: '1991-03-15' } },
  { c: { name: 'Đỗ Văn Hùng', dob: '15.03.1993', sex: 'Nam', id: '079093000009', phone: '0912345009', province: HCMC },
    status: 'clean', record: { birth_date: '1993-03-15' } },
  { c: { name: 'Hồ Thị Lan', dob: '1994-07-08', sex: 'Nữ', id: '079194000010', phone: '0912345010', province: HCMC },
    status: 'clean', record: { birth_date: '1994-07-08' } },
  { c: { name: 'Ngô Văn Khoa', dob: '31/02/1990', sex: 'Nam', id: '079090000011', phone: '0912345011', province: HCMC },
    status: 'rejected', reasons: ['birth_date:invalid_date'] },
  { c: { name: 'Dương Thị Lệ', dob: '01/01/2099', sex: 'Nữ', phone: '0912345012', province: HCMC },
    status: 'rejected', reasons: ['birth_date:birth_date_in_future'] },
  { c: { name: 'Lý Văn Minh', dob: '01/01/1980', sex: 'Nam', id: '079080000013', phone: '01681234567', province: HCMC },
    status: 'fixed', fixes: ['phone_converted_11_to_10'], record: { phone: '+84381234567' } },
  { c: { name: 'Mai Thị Ngọc', dob: '02/02/1982', sex: 'Nữ', id: '079182000014', phone: '+84 91 234 5014', province: HCMC },
    status: 'clean', record: { phone: '+84912345014' } },
  { c: { name: 'Tạ Văn Phúc', dob: '03/03/1983', sex: 'Nam', id: '079083000015', phone: '84912345015', province: HCMC },
    status: 'clean', record: { phone: '+84912345015' } },
  { c: { name: 'Hà Thị Quyên', dob: '04/04/1984', sex: 'Nữ', id: '079184000016', phone: '0912.345.016', province: HCMC },
    status: 'clean', record: { phone: '+84912345016' } },
  { c: { name: 'Kiều Văn Sơn', dob: '05/05/1985', sex: 'Nam', id: '079085000017', phone: '912345017', province: HCMC },
    status: 'fixed', fixes: ['phone_leading_zero_restored'], record: { phone: '+84912345017' } },
  { c: { name: 'Lâm Thị Tâm', dob: '06/06/1986', sex: 'Nữ', id: '079186000018', phone: '0212345678', province: HCMC },
    status: 'rejected', reasons: ['phone:invalid_phone'] },
  { c: { name: 'Quách Văn Tú', dob: '07/07/1987', sex: 'Nam', id: '079087000019', phone: '12345', province: HCMC },
    status: 'rejected', reasons: ['phone:invalid_phone'] },
  { c: { name: 'Phan Thị Uyên', dob: '08/08/1988', sex: 'Nữ', id: '079187000020', phone: '0912345020', province: HCMC },
    status: 'rejected', reasons: ['id_number:id_number_mismatch'] },
  { c: { name: 'Trịnh Văn Vinh', dob: '09/09/1989', sex: 'Nam', id: '079189000021', phone: '0912345021', province: HCMC },
    status: 'rejected', reasons: ['id_number:id_number_mismatch'] },
  { c: { name: 'Cao Thị Xuân', dob: '10/10/1970', sex: 'Nữ', id: '025123456', phone: '0912345022', province: HCMC },
    status: 'clean', record: { id_number: '025123456', id_kind: 'cmnd' } },
  { c: { name: 'Lưu Văn Yên', dob: '11/11/1971', sex: 'Nam', id: '79071000023', phone: '0912345023', province: HCMC },
    status: 'fixed', fixes: ['id_number_leading_zero_restored'], record: { id_number: '079071000023' } },
  { c: { name: '', dob: '12/12/1972', sex: 'Nữ', phone: '0912345024', province: HCMC },
    status: 'rejected', reasons: ['full_name:missing_name'] },
  { c: { name: 'Nguyễn Văn 3', dob: '12/12/1972', sex: 'Nam', phone: '0912345025', province: HCMC },
    status: 'rejected', reasons: ['full_name:invalid_name'] },
  { c: { name: 'Nguyễn Văn An', dob: '15/03/1990', sex: 'Nam', id: '079 090 000 001', province: HCMC },
    status: 'duplicate', duplicateOf: 2, reasons: ['id_number:duplicate'] },
  { c: { name: 'TRẦN THỊ BÌNH', dob: '1/2/1985', phone: '0912345002', province: HCMC },
    status: 'duplicate', duplicateOf: 3, reasons: ['full_name:duplicate'] },
  { c: { name: 'Vũ Văn Tài', dob: '13/01/1975', sex: 'Nam', id: '079075000028', phone: '0912345028', address: 'Ấp 4, Xã Tân Thông Hội, H. Củ Chi', province: 'TP HCM' },
    status: 'fixed', fixes: ['address_old_to_new'], record: { ward_code: '27553', street: 'Ấp 4' } },
  { c: { name: 'Đinh Thị Thu', dob: '14/02/1976', sex: 'Nữ', id: '079176000029', phone: '0912345029', address: '120 Nguyễn Thị Minh Khai, P.12, Q.3, Sài Gòn' },
    status: 'fixed', fixes: ['address_old_to_new'], record: { ward_code: '27142', street: '120 Nguyễn Thị Minh Khai' } },
  { c: { name: 'Triệu Văn Út', dob: '15/03/1977', sex: 'Nam', phone: '0912345030', address: 'Số 1, P. Phúc Xá, Q. Ba Đình, Hà Nội' },
    status: 'rejected', reasons: ['province:outside_jurisdiction'] },
  { c: { name: 'Lò Thị Vân', dob: '16/04/1978', sex: '1', phone: '0912345031', province: HCMC },
    status: 'fixed', fixes: ['sex_from_code'], record: { sex: 'male' } },
  { c: { name: 'Mạc Văn Xô', dob: '17/05/1979', sex: '0', id: '079079000032', phone: '0912345032', province: HCMC },
    status: 'fixed', fixes: ['sex_from_id_number'], record: { sex: 'male' } },
  { c: { name: 'Ông Thị Yến', dob: '18/06/1980', sex: 'nu', id: '079180000033', phone: '0912345033', province: HCMC },
    status: 'clean', record: { sex: 'female' } },
  { c: { name: 'Âu Văn Bảo', dob: '19/07/1981', sex: 'M', id: '079081000034', phone: '0912345034', province: HCMC },
    status: 'clean', record: { sex: 'male' } },
  { c: { name: 'Tôn Thị Cúc', dob: '20/08/1982', sex: 'F', id: '079182000035', phone: '0912345035', province: HCMC },
    status: 'clean', record: { sex: 'female' } },
  { c: { name: 'Khúc Văn Dũng', dob: '21/09/1983', sex: 'Male', id: '079083000036', phone: '0912345036', province: HCMC },
    status: 'clean', record: { sex: 'male' } },
  { c: { name: 'Lạc Thị Em', dob: '22/10/1984', sex: 'Khác', phone: '0912345038', province: HCMC },
    status: 'rejected', reasons: ['sex:invalid_sex'] },
  { c: { name: 'Giáp Văn Giang', dob: '23/11/1985', sex: 'Nam', phone: '0912345039', address: 'P.99, Q. Gò Vấp, TP.HCM' },
    status: 'rejected', reasons: ['ward:unknown_ward'] },
  { c: { name: 'Kha Thị Hạnh', dob: '24/12/1986', sex: 'Nữ', phone: '0912345040', province: HCMC, group: '=1+1' },
    status: 'clean', record: { priority_group: '=1+1' } },
  { c: { name: 'Mẫn Văn Ích', dob: '25/01/1987', sex: 'Nam', phone: '0912345041', address: '12 Lê Lợi, Phường Bến Thành', province: HCMC, note: 'ghi chú; "dòng 2"\r\nhết' },
    status: 'clean', record: { street: '12 Lê Lợi', ward_code: '26743' } },
  { c: {}, status: 'skipped' },
  { c: { name: 'Nghiêm Thị Kim', dob: '15/03/1990 00:00:00', sex: 'Nữ', id: '079190000042', phone: '0912345043', province: HCMC },
    status: 'clean', record: { birth_date: '1990-03-15' } },
  { c: { name: 'Ninh Văn Long', dob: '26/02/1988', sex: 'Nam', id: '079088000043', phone: '0912345044 / 0987654321', province: HCMC },
    status: 'fixed', fixes: ['phone_first_of_several'], record: { phone: '+84912345044' } },
  { c: { name: 'Nguye\u0302\u0303n Va\u0306n Ma\u0323nh', dob: '27/03/1989', sex: 'Nam', id: '079089000044', phone: '0912345045', province: HCMC },
    status: 'fixed', fixes: ['name_unicode_composed'], record: { full_name: 'Nguyễn Văn Mạnh' } },
  { c: { name: 'Smith John', dob: '28/04/1990', sex: 'Nam', id: 'B1234567', phone: '0912345046', province: HCMC },
    status: 'clean', record: { id_kind: 'passport' } },
  { c: { name: 'Phí Văn Nam', dob: '29/05/1991', sex: 'Nam', id: '7.9091E+10', phone: '0912345047', province: HCMC },
    status: 'rejected', reasons: ['id_number:id_number_scientific'] },
  { c: { name: 'Quan Thị Oanh', dob: '12/31/1992', sex: 'Nữ', id: '079192000047', phone: '0912345048', province: HCMC },
    status: 'fixed', fixes: ['date_month_day_swapped'], record: { birth_date: '1992-12-31' } },
  // Saved in the TCVN3 code page itself: bytes that are not UTF-8 ("Nguyễn Văn Phúc").
  { c: { name: Buffer.from('Nguy\xD4n V\xA8n Ph\xF3c', 'latin1'), dob: '30/06/1993', sex: 'Nam', id: '079093000048', phone: '0912345049', province: HCMC },
    status: 'fixed', fixes: ['legacy_encoding_tcvn3'], record: { full_name: 'Nguyễn Văn Phúc' } },
  { c: { name: 'Thái Thị Quế', dob: '1990', sex: 'Nữ', phone: '0912345050', province: HCMC },
    status: 'rejected', reasons: ['birth_date:birth_date_year_only'] },
  { c: { name: 'Tống Văn Rạng', dob: '01/07/1994', sex: 'Nam', id: '079094000050', phone: '0912345051', ward: 'P.12', district: 'QuËn 3', province: HCMC },
    status: 'fixed', fixes: ['legacy_encoding_tcvn3', 'address_old_to_new'], record: { ward_code: '27142' } },
  { c: { name: 'Hứa Thị Sen', dob: '02/08/1995', sex: 'Nữ', id: '079195000051', phone: '0912345052', address: 'Phöôøng 14, Quaän Goø Vaáp', province: HCMC },
    status: 'fixed', fixes: ['legacy_encoding_vni', 'address_old_to_new'], record: { ward_code: '26882' } },
  { c: { name: 'Ân Văn Thành', dob: '03/09/1996', sex: 'Nam', id: '079096000052', phone: '0912345053', ward: 'Phường Bến Thành', province: 'Tp Hồ Chí Minh' },
    status: 'clean', record: { ward_code: '26743' } },
  { c: { name: 'Yên Thị Uyển', dob: '04/10/1997', sex: 'Nữ', id: '079197000053', phone: '0912345054', province: 'Tp Hà Nội' },
    status: 'rejected', reasons: ['province:outside_jurisdiction'] },
  { c: { name: 'Chu Văn Việt', dob: '05/11/1998', sex: 'Nam', id: '079098000054', phone: '0912345055', address: 'F.12, Q.Gò Vấp, TP.HCM' },
    status: 'fixed', fixes: ['address_old_to_new'], record: { ward_code: '26882' } },
  { c: { name: 'Đoàn Thị Xoan', dob: '06/12/1999', sex: 'NỮ', id: '079199000055', phone: '0912345056', ward: 'Xã Củ Chi', province: HCMC },
    status: 'clean', record: { ward_code: '27553', sex: 'female' } },
];
const KEYS = ['stt', 'name', 'dob', 'sex', 'id', 'phone', 'address', 'ward', 'district', 'province', 'group', 'note'];

/** A CSV cell as a spreadsheet program writes it (delimiter `;`). */
function cell(v) {
  if (Buffer.isBuffer(v)) return v;
  const s = String(v ?? '');
  return Buffer.from(/[;"\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s, 'utf8');
}

/** The sheet as an Excel "CSV UTF-8" export: BOM, semicolons, CRLF. */
function sheet() {
  const lines = [Buffer.from('\uFEFF' + HEADER.join(';'), 'utf8')];
  rows.forEach((r, i) => {
    const cells = KEYS.map((k) => (k === 'stt' ? (r.status === 'skipped' ? '' : String(i + 1)) : r.c[k]));
    const parts = [];
    cells.forEach((v, j) => { if (j) parts.push(Buffer.from(';')); parts.push(cell(v)); });
    lines.push(Buffer.concat(parts));
  });
  return Buffer.concat(lines.flatMap((l, i) => (i ? [Buffer.from('\r\n'), l] : [l])));
}

const expected = { total: 0, clean: 0, fixed: 0, duplicate: 0, rejected: 0 };
for (const r of rows) if (r.status !== 'skipped') { expected.total++; expected[r.status]++; }

async function upload(body, { token = hcm, query = '', headers = {} } = {}) {
  return server.request('POST', `/api/v1/vaccination/imports${query}`, {
    token, raw: body, headers: { 'content-type': 'text/csv', ...headers },
  });
}

/** Row counts of the tables an import writes, read as an operator would. */
function written() {
  const s = JSON.parse(admin(server, ['stats']));
  return { imports: s.vaccination_imports, rows: s.vaccination_import_rows, people: s.people };
}

/** Parses CSV text (RFC 4180: quotes, doubled quotes, line breaks inside quotes). */
function parseCsv(text) {
  const out = [];
  let row = [], cellText = '', quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { cellText += '"'; i++; } else if (ch === '"') quoted = false; else cellText += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') { row.push(cellText); cellText = ''; }
    else if (ch === '\r' && text[i + 1] === '\n') { row.push(cellText); out.push(row); row = []; cellText = ''; i++; }
    else cellText += ch;
  }
  if (cellText || row.length) { row.push(cellText); out.push(row); }
  return out;
}

let importId;

test('a messy list of 55 people: every row cleaned, fixed, found duplicate or rejected with its reasons', async () => {
  const r = await upload(sheet(), { query: '?file_name=danh-sach-tiem-q-go-vap.csv' });
  assert.equal(r.status, 201, r.text);
  importId = r.json.id;
  assert.deepEqual(r.json.counts, expected);
  assert.equal(r.json.people.created, expected.clean + expected.fixed);
  assert.equal(r.json.people.matched, 0);

  // Every row, a page of 20 at a time, in row order.
  const got = [];
  let after = 0;
  for (;;) {
    const page = await server.request('GET', `/api/v1/vaccination/imports/${importId}/rows?limit=20&after=${after}`, { token: hcm });
    assert.equal(page.status, 200, page.text);
    got.push(...page.json.rows);
    if (page.json.next_after === null) break;
    after = page.json.next_after;
  }
  assert.equal(got.length, expected.total);
  const byRow = new Map(got.map((g) => [g.row, g]));
  rows.forEach((want, i) => {
    const rowNumber = i + 2;  // the header is row 1
    const g = byRow.get(rowNumber);
    if (want.status === 'skipped') { assert.equal(g, undefined, `blank row ${rowNumber} is skipped`); return; }
    const where = `row ${rowNumber} (${JSON.stringify(want.c.name ?? '')})`;
    assert.ok(g, `${where} missing`);
    assert.equal(g.status, want.status, `${where}: ${JSON.stringify(g)}`);
    const fixes = g.fixes.map((f) => f.code);
    for (const f of want.fixes ?? []) assert.ok(fixes.includes(f), `${where}: fix ${f} missing from ${fixes}`);
    if (want.status === 'clean') assert.deepEqual(fixes, [], `${where} is clean`);
    const reasons = g.reasons.map((x) => `${x.field}:${x.code}`);
    if (want.reasons) assert.deepEqual(reasons, want.reasons, where);
    for (const x of g.reasons) assert.ok(x.message, `${where}: a reason says what is wrong`);
    if (want.duplicateOf) assert.equal(g.duplicate_of, want.duplicateOf, where);
    for (const [k, v] of Object.entries(want.record ?? {})) assert.equal(g.record[k], v, `${where}: ${k}`);
    if (want.status === 'clean' || want.status === 'fixed') assert.ok(g.person_id > 0, `${where} became a person`);
    else assert.equal(g.person_id, null, `${where} became nobody`);
    assert.ok(g.original.length > 0);
  });

  // By status.
  const rejected = await server.request('GET', `/api/v1/vaccination/imports/${importId}/rows?status=rejected&limit=1000`, { token: hcm });
  assert.equal(rejected.status, 200);
  assert.equal(rejected.json.rows.length, expected.rejected);
  assert.ok(rejected.json.rows.every((x) => x.status === 'rejected'));
  const bad = await server.request('GET', `/api/v1/vaccination/imports/${importId}/rows?status=maybe`, { token: hcm });
  assert.equal(bad.status, 400);
  assert.equal(bad.json.error.field, 'status');

  // The import itself: who, when, from which file.
  const imp = await server.request('GET', `/api/v1/vaccination/imports/${importId}`, { token: hcm });
  assert.equal(imp.status, 200);
  assert.equal(imp.json.state, 'done');
  assert.equal(imp.json.file_name, 'danh-sach-tiem-q-go-vap.csv');
  assert.equal(imp.json.created_by.username, 'hcm.vax');
  assert.deepEqual(imp.json.counts, expected);
  assert.equal(imp.json.columns.full_name, 'Họ và tên');
  assert.match(imp.json.created_at, /\+07:00$/);
});

test('the report: every row with status and reasons, UTF-8 with BOM, formulas neutralised', async () => {
  const r = await fetch(`${server.base}/api/v1/vaccination/imports/${importId}/report.csv?reason=check+the+import`,
    { headers: { authorization: `Bearer ${hcm}` } });
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^text\/csv/);
  const bytes = Buffer.from(await r.arrayBuffer());
  assert.deepEqual([...bytes.subarray(0, 3)], [0xEF, 0xBB, 0xBF], 'starts with a BOM');
  const table = parseCsv(bytes.subarray(3).toString('utf8'));
  const [head, ...body] = table;
  assert.deepEqual(head.slice(0, 5), ['row', 'status', 'duplicate_of', 'reasons', 'fixes']);
  assert.equal(body.length, expected.total);
  const col = Object.fromEntries(head.map((h, i) => [h, i]));
  const byRow = new Map(body.map((cells) => [Number(cells[col.row]), cells]));
  rows.forEach((want, i) => {
    if (want.status === 'skipped') return;
    const cells = byRow.get(i + 2);
    assert.equal(cells[col.status], want.status, `row ${i + 2}`);
    for (const reason of want.reasons ?? []) {
      const [field, code] = reason.split(':');
      assert.ok(cells[col.reasons].includes(`${field}: ${code}`), `row ${i + 2}: ${cells[col.reasons]}`);
    }
  });
  // A cell a spreadsheet would run as a formula starts with ' (the priority group "=1+1", phones).
  const formula = body.find((cells) => cells[col.priority_group].includes('=1+1'));
  assert.equal(formula[col.priority_group], "'=1+1");
  assert.equal(byRow.get(2)[col.phone], "'+84912345001");
  // The original row is there as the file had it, line breaks and quotes included.
  const noted = body.find((cells) => cells[col.original].includes('dòng 2'));
  assert.match(noted[col.original], /"ghi chú; ""dòng 2""\r\nhết"/);
  // Reading the report was audited (as reading rows was).
  const audit = JSON.parse(admin(server, ['stats'])).audit_log;
  assert.ok(audit >= 2);
});

test('importing known people again matches them instead of recording them twice', async () => {
  const again = [
    'Họ tên,Ngày sinh,CCCD,SĐT',
    'Nguyễn Văn An,15/03/1990,079090000001,',
    'Trần Thị Bình,01/02/1985,079185000002,0912345002',
    'Lò Thị Vân,16/04/1978,,0912345031',
  ].join('\n');
  const before = written();
  const r = await upload(again);
  assert.equal(r.status, 201, r.text);
  assert.deepEqual(r.json.people, { created: 0, matched: 3 });
  assert.equal(written().people, before.people);
});

test('an imported person is found by name as soon as the import answers', async () => {
  const r = await upload('Họ tên,Ngày sinh,CCCD\nHoàng Thị Xuân Mai,09/09/1999,079199000909\n');
  assert.equal(r.status, 201, r.text);
  const search = `/api/v1/people/search?reason=${encodeURIComponent('mời tiêm')}&name=${encodeURIComponent('MAI hoang thi xuan')}&birth_year=1999`;
  const found = await server.request('GET', search, { token: hcm });
  assert.equal(found.status, 200, found.text);
  assert.equal(found.json.people.length, 1, found.text);
  assert.equal(found.json.people[0].full_name, 'Hoàng Thị Xuân Mai');
});

test('an explicit column mapping names columns the usual headers do not', async () => {
  const list = 'Người lao động;Ngày sinh;Mobile no.\nPhạm Thị Hằng;1/1/1990;0987000111\n';
  const mapping = encodeURIComponent(JSON.stringify({ 'Người lao động': 'full_name', 'Mobile no.': 'phone' }));
  const r = await upload(list, { query: `?mapping=${mapping}` });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.counts.total, 1);
  assert.equal(r.json.counts.rejected, 0);
  const viaHeader = await upload('Worker,DOB\nLe Van Tam,2/2/1990\n', { headers: { 'x-column-mapping': '{"Worker":"full_name"}' } });
  assert.equal(viaHeader.status, 201, viaHeader.text);
  assert.equal(viaHeader.json.counts.total, 1);
  assert.equal(viaHeader.json.counts.rejected, 0);
});

test('a ward official imports only their ward', async () => {
  const ward = await staffToken(server, { username: 'an.hoi.tay', role: 'official', jurisdiction: '26882' });
  const list = 'Họ tên,Ngày sinh,Địa chỉ\nLê Thị Hồng,1/1/1960,"P.12, Q. Gò Vấp, TP.HCM"\nTrần Văn Tư,1/1/1961,"Phường Bến Thành, TP.HCM"\nĐỗ Thị Năm,1/1/1962,Tổ 5\n';
  const r = await upload(list, { token: ward });
  assert.equal(r.status, 201, r.text);
  const page = await server.request('GET', `/api/v1/vaccination/imports/${r.json.id}/rows`, { token: ward });
  const [own, other, bare] = page.json.rows;
  assert.equal(own.status, 'fixed');
  assert.equal(own.record.ward_code, '26882');
  assert.equal(other.status, 'rejected');
  assert.deepEqual(other.reasons.map((x) => `${x.field}:${x.code}`), ['ward:outside_jurisdiction']);
  assert.equal(bare.record.ward_code, '26882');  // no address: the official's ward
  // The ward official does not see the province's import; the province official sees the ward's.
  assert.equal((await server.request('GET', `/api/v1/vaccination/imports/${importId}`, { token: ward })).status, 404);
  assert.equal((await server.request('GET', `/api/v1/vaccination/imports/${r.json.id}`, { token: hcm })).status, 200);
});

test('only officials import, and only their own jurisdiction sees an import', async () => {
  const list = 'Họ tên,Ngày sinh\nAn,1/1/1990\n';
  assert.equal((await upload(list, { token: '' })).status, 401);
  const citizen = await citizenToken(server, '0912999000');
  assert.equal((await upload(list, { token: citizen })).status, 403);
  const hanoi = await staffToken(server, { username: 'hn.vax', role: 'official', jurisdiction: '01' });
  for (const path of ['', '/rows', '/report.csv']) {
    const r = await server.request('GET', `/api/v1/vaccination/imports/${importId}${path}`, { token: hanoi });
    assert.equal(r.status, 404, path);
  }
  const national = await staffToken(server, { username: 'nat.vax', role: 'official', jurisdiction: 'national' });
  assert.equal((await server.request('GET', `/api/v1/vaccination/imports/${importId}`, { token: national })).status, 200);
  assert.equal((await server.request('GET', '/api/v1/vaccination/imports/999999', { token: national })).status, 404);
});

test('files that are not a usable list are refused, naming the field, and nothing is written', async () => {
  const before = written();
  const cases = [
    { what: 'an Excel workbook', body: Buffer.from([0x50, 0x4B, 0x03, 0x04, 0x14, 0, 6, 0, 8, 0, 0, 0, 0x21, 0]), status: 400, code: 'not_text', field: 'body' },
    { what: 'binary data', body: Buffer.from('Họ tên\nAn\u0000\u0001\u0002\n'), status: 400, code: 'not_text', field: 'body' },
    { what: 'no name column', body: 'STT;Ngày sinh;SĐT\n1;1/1/1990;0912345678\n', status: 400, code: 'no_name_column', field: 'full_name' },
    { what: '100,000 columns', body: ['Họ tên', ...Array.from({ length: 99_999 }, (_, i) => `c${i}`)].join(',') + '\nAn\n', status: 400, code: 'too_many_columns', field: 'header' },
    { what: 'a 1.1 MB cell (a body above the server-wide 1 MiB)', body: `Họ tên,Địa chỉ\nAn,1/1/1990\nBình,${'x'.repeat(1_100_000)}\n`, status: 400, code: 'cell_too_large', field: 'Địa chỉ' },
    { what: 'an empty file', body: '', status: 400, code: 'empty_file', field: 'header' },
    { what: 'a broken quote', body: 'Họ tên,Ngày sinh\n"An,1/1/1990\n', status: 400, code: 'unterminated_quote', field: 'body' },
    { what: 'a bad mapping', body: 'Họ tên\nAn\n', query: '?mapping=%7Bnope', status: 400, code: 'invalid_mapping', field: 'mapping' },
    { what: 'a mapping of a missing column', body: 'Họ tên\nAn\n', query: `?mapping=${encodeURIComponent('{"Tên NLĐ":"full_name"}')}`, status: 400, code: 'mapping_header_not_found', field: 'mapping' },
    { what: 'JSON instead of CSV', body: '{"full_name":"An"}', headers: { 'content-type': 'application/json' }, status: 415, field: 'content-type' },
  ];
  for (const c of cases) {
    const r = await upload(c.body, { query: c.query, headers: c.headers });
    assert.equal(r.status, c.status, `${c.what}: ${r.text.slice(0, 300)}`);
    if (c.code) assert.equal(r.json.error.code, c.code, c.what);
    assert.equal(r.json.error.field, c.field, c.what);
    assert.ok(r.json.error.message.length > 10, c.what);
  }
  assert.deepEqual(written(), before, 'nothing written');
});

test('the larger body limit is this route\'s alone', async () => {
  const big = JSON.stringify({ notes: 'x'.repeat(1_200_000) });
  const r = await server.request('POST', '/api/v1/cases', { token: hcm, raw: big, headers: { 'content-type': 'application/json' } });
  assert.equal(r.status, 413);
});

// 11,000 rows: three writes of vaccination::kRowsPerWrite (5,000).
test('a list longer than one write goes in chunks, and a duplicate is found across them', async () => {
  const lines = ['Họ và tên,Ngày sinh,Giới tính,Số CCCD,SĐT,Tỉnh/TP'];
  for (let i = 1; i <= 11000; i++) {
    const id = i === 10400 ? '079090100005' : `0790901${String(i).padStart(5, '0')}`;
    lines.push(`Nguyễn Văn An,15/03/1990,Nam,${id},09${String(60000000 + i)},TP.HCM`);
  }
  const r = await upload(lines.join('\r\n'));
  assert.equal(r.status, 201, r.text);
  assert.deepEqual(r.json.counts, { total: 11000, clean: 10999, fixed: 0, duplicate: 1, rejected: 0 });
  assert.equal(r.json.people.created, 10999);
  const dup = await server.request('GET', `/api/v1/vaccination/imports/${r.json.id}/rows?status=duplicate`, { token: hcm });
  assert.equal(dup.json.rows.length, 1);
  assert.equal(dup.json.rows[0].row, 10401);
  assert.equal(dup.json.rows[0].duplicate_of, 6);
  const last = await server.request('GET', `/api/v1/vaccination/imports/${r.json.id}/rows?after=11000&limit=5`, { token: hcm });
  assert.deepEqual(last.json.rows.map((x) => x.row), [11001]);
  assert.equal(last.json.next_after, null);
});
