// Date renderings used by the real utilities: ctime-style message dates, .lg stamps,
// the archiver's YYYYMMDD/HHMMSS parts, and rfutil's `endtime yyyy:mm:dd:hh:mm:ss`.

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;

const p2 = (n: number): string => String(n).padStart(2, '0');

/** `Thu May 27 21:13:10 2010` (ctime layout, day of month space-padded), local time. */
export function oeDate(ms: number): string {
  const d = new Date(ms);
  const day = String(d.getDate()).padStart(2, ' ');
  return `${DAYS[d.getDay()]} ${MONTHS[d.getMonth()]} ${day} ${p2(d.getHours())}:${p2(d.getMinutes())}:${p2(d.getSeconds())} ${d.getFullYear()}`;
}

/** `HH:MM:SS`, the prefix proserve puts on the log lines it echoes. */
export function clockTime(ms: number): string {
  const d = new Date(ms);
  return `${p2(d.getHours())}:${p2(d.getMinutes())}:${p2(d.getSeconds())}`;
}

/** `[2026/11/25@14:03:52.486+0000]`: the .lg timestamp with milliseconds and UTC offset. */
export function logStamp(ms: number): string {
  const d = new Date(ms);
  const off = -d.getTimezoneOffset();
  const sign = off >= 0 ? '+' : '-';
  const abs = Math.abs(off);
  const msPart = String(d.getMilliseconds()).padStart(3, '0');
  return `[${d.getFullYear()}/${p2(d.getMonth() + 1)}/${p2(d.getDate())}@${p2(d.getHours())}:${p2(d.getMinutes())}:${p2(d.getSeconds())}.${msPart}${sign}${p2(Math.floor(abs / 60))}${p2(abs % 60)}]`;
}

/** Date and time parts of an archived AI file name: `20080728`, `101732`. */
export function archiveStamp(ms: number): { date: string; time: string } {
  const d = new Date(ms);
  return {
    date: `${d.getFullYear()}${p2(d.getMonth() + 1)}${p2(d.getDate())}`,
    time: `${p2(d.getHours())}${p2(d.getMinutes())}${p2(d.getSeconds())}`,
  };
}

/** Parse rfutil's `yyyy:mm:dd:hh:mm:ss` (local time); null when malformed. */
export function parseEndtime(text: string): number | null {
  const m = /^(\d{4}):(\d{1,2}):(\d{1,2}):(\d{1,2}):(\d{1,2}):(\d{1,2})$/.exec(text);
  if (m === null) return null;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const date = new Date(y, mo - 1, d, h, mi, s);
  return Number.isNaN(date.getTime()) || date.getMonth() !== mo - 1 ? null : date.getTime();
}
