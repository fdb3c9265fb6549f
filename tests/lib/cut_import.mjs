// A vaccination list import cut off by a crash, for the tests of what follows it: a server is
// killed with SIGKILL while the first import of its fresh database (number 1) is storing its
// chunks, and a server is started again on the same database.
import assert from 'node:assert/strict';
import { startServer } from './server.mjs';

/**
 * A list of `rows` people in TP.HCM, all accepted: every tenth has no ID number, only a phone of
 * their own. Several chunks (vaccination::kRowsPerWrite, then kRowsPerWriteAlone) when large.
 */
export function peopleList(rows) {
  const lines = ['Họ và tên,Ngày sinh,Giới tính,Số CCCD,SĐT,Tỉnh/TP'];
  for (let i = 1; i <= rows; i++) {
    const id = i % 10 === 0 ? '' : `079090${String(i).padStart(6, '0')}`;
    lines.push(`Nguyễn Văn An,15/03/1990,Nam,${id},09${String(60000000 + i)},TP.HCM`);
  }
  return lines.join('\r\n');
}

export function uploadList(server, token, csv) {
  return server.request('POST', '/api/v1/vaccination/imports?file_name=list.csv', {
    token, raw: csv, headers: { 'content-type': 'text/csv' },
  });
}

/**
 * Starts importing `csv` as import 1 on `first` (started with keepDataDir), kills the server
 * once a chunk of it is stored and it is still importing, and returns a server started again on
 * the same database (which removes the data directory when stopped).
 */
export async function cutOffImport(first, token, csv) {
  const cutOff = uploadList(first, token, csv).catch(() => undefined);
  let seen;
  for (const deadline = Date.now() + 60000; Date.now() < deadline;) {
    const r = await first.request('GET', '/api/v1/vaccination/imports/1', { token });
    if (r.status === 200 && r.json.counts.total > 0) { seen = r.json; break; }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  assert.ok(seen, 'no chunk of the import was stored');
  assert.equal(seen.state, 'importing', 'the import ended before it could be cut off: use a larger list');
  await first.kill9();
  await cutOff;
  return startServer({ dataDir: first.dataDir, db: first.db, port: first.port });
}
