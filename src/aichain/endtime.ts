// `--until` → roll forward's `endtime yyyy:mm:dd:hh:mm:ss` (docs/openedge.md §4). rfutil reads an endtime
// in the local time of the machine it runs on, so oeflow accepts only times that cannot be
// misread: an endtime (the restore host's local time, as rfutil reads it) or an ISO 8601 time
// with an explicit offset (converted to the restore host's local time). A date alone, or an ISO
// time without an offset, is refused: `new Date('2024-05-01')` means midnight UTC, which in
// Tokyo is 09:00 and would keep nine hours of transactions the operator meant to exclude.
import { OeflowError } from '../errors.js';

const ENDTIME = /^(\d{4}):(\d{2}):(\d{2}):(\d{2}):(\d{2}):(\d{2})$/;
const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

/** Formats `until` (a Date, an endtime string, or an ISO time with offset); OEF-001 otherwise. */
export function toEndtime(until: Date | string): string {
  if (until instanceof Date) return format(until, until);
  const text = until.trim();
  const parts = ENDTIME.exec(text);
  if (parts !== null) {
    const [, y, mo, d, h, mi, s] = parts;
    const out = format(new Date(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)), until);
    if (out !== text) throw invalid(until); // 13th month, 40th day, or a time the local clock skips
    return out;
  }
  if (!ISO_WITH_OFFSET.test(text)) throw invalid(until);
  return format(new Date(text), until);
}

/** The IANA time zone rfutil will read the endtime in (this host's). */
export function endtimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

function format(date: Date, given: Date | string): string {
  if (Number.isNaN(date.getTime())) throw invalid(given);
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${date.getFullYear()}:${p(date.getMonth() + 1)}:${p(date.getDate())}:${p(date.getHours())}:${p(date.getMinutes())}:${p(date.getSeconds())}`;
}

function invalid(given: Date | string): OeflowError {
  return new OeflowError('OEF-001', `--until ${String(given)} is not an unambiguous time.`, {
    hint: `Give yyyy:mm:dd:hh:mm:ss in this host's time zone (${endtimeZone()}, the one rfutil reads it in), or an ISO time with its offset (2024-05-01T17:10:00+02:00 or …Z).`,
  });
}
