// `--until` → roll forward's `endtime yyyy:mm:dd:hh:mm:ss` (FACTS §4), in local time,
// the clock rfutil reads it in.
import { OeflowError } from '../errors.js';

const ENDTIME = /^(\d{4}):(\d{2}):(\d{2}):(\d{2}):(\d{2}):(\d{2})$/;

/** Formats `until` (a Date, an endtime string, or any Date-parseable string); OEF-001 if invalid. */
export function toEndtime(until: Date | string): string {
  if (typeof until === 'string' && ENDTIME.test(until.trim())) {
    const [, y, mo, d, h, mi, s] = ENDTIME.exec(until.trim()) ?? [];
    const out = format(new Date(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)), until);
    if (out !== until.trim()) throw invalid(until);
    return out;
  }
  const date = typeof until === 'string' ? new Date(until) : until;
  return format(date, until);
}

function format(date: Date, given: Date | string): string {
  if (Number.isNaN(date.getTime())) throw invalid(given);
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${date.getFullYear()}:${p(date.getMonth() + 1)}:${p(date.getDate())}:${p(date.getHours())}:${p(date.getMinutes())}:${p(date.getSeconds())}`;
}

function invalid(given: Date | string): OeflowError {
  return new OeflowError('OEF-001', `--until ${String(given)} is not a valid time.`, {
    hint: 'Give an ISO time (2024-05-01T17:10:00) or yyyy:mm:dd:hh:mm:ss.',
  });
}
