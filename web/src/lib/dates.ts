// The app's one way of writing dates and times: dd/mm/yyyy and 24-hour HH:mm in Vietnam time,
// as people in Vietnam write them (and as en-GB does), whatever the browser's locale.

const parts = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Asia/Ho_Chi_Minh', year: 'numeric', month: '2-digit', day: '2-digit',
  hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
});

function pieces(d: Date): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of parts.formatToParts(d)) out[p.type] = p.value;
  return out;
}

/** A calendar date ('2024-05-02') or a time ('2024-05-02T08:05:00+07:00') as 02/05/2024. */
export function formatDate(value: string): string {
  const ymd = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (ymd) return `${ymd[3]}/${ymd[2]}/${ymd[1]}`;
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return value;
  const p = pieces(d);
  return `${p.day}/${p.month}/${p.year}`;
}

/** A time ('2024-05-02T08:05:00Z', or seconds since 1970) as 02/05/2024 15:05, Vietnam time. */
export function formatDateTime(value: string | number): string {
  const d = typeof value === 'number' ? new Date(value * 1000) : new Date(value);
  if (Number.isNaN(d.getTime())) return String(value);
  const p = pieces(d);
  return `${p.day}/${p.month}/${p.year} ${p.hour}:${p.minute}`;
}

/** Only the time of day, 15:05 in Vietnam time (for a list of one day's visits). */
export function formatTime(value: string | number): string {
  const d = typeof value === 'number' ? new Date(value * 1000) : new Date(value);
  if (Number.isNaN(d.getTime())) return String(value);
  const p = pieces(d);
  return `${p.hour}:${p.minute}`;
}
