// Times for people: the local time with its zone (the OpenEdge .lg is local too), never a raw
// UTC ISO string. --json keeps ISO 8601 UTC (a public contract); text output uses this.

/** "2026-12-01 07:12:03 CET" for an ISO time (in this process's zone, TZ honoured). */
export function localTime(iso: string | number | Date): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  const two = (n: number) => String(n).padStart(2, '0');
  const date = `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}`;
  const time = `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
  return `${date} ${time} ${zoneName(d)}`;
}

let zoneFormat: { tz: string | undefined; format: Intl.DateTimeFormat } | undefined;

/** The zone's short name at that moment ("CET", "UTC"; "GMT+5:30" where the zone has none). */
function zoneName(d: Date): string {
  // Building the first Intl.DateTimeFormat loads ICU's date-pattern data: 30–180 ms, more than
  // the rest of `oeflow runs` or `show` (bench/README.md, cli-start). Date#toString names the
  // zone without it, so the zone servers most often run in (UTC) skips the formatter; any other
  // zone, or a toString in another language, gets the formatter's own answer.
  if (d.toString().endsWith('(Coordinated Universal Time)')) return 'UTC';
  // one formatter per zone: building one costs about 0.1 ms, which `runs` paid per row; a
  // formatter keeps the zone it was built in, so a changed TZ (tests, in-process) builds anew
  const tz = process.env['TZ'];
  if (zoneFormat === undefined || zoneFormat.tz !== tz)
    zoneFormat = { tz, format: new Intl.DateTimeFormat('en-US', { timeZoneName: 'short' }) };
  const part = zoneFormat.format.formatToParts(d).find((p) => p.type === 'timeZoneName');
  return part?.value ?? '';
}

/** "2026-12-01T07:12:03.123+01:00": local time with its UTC offset, sortable (log lines). */
export function localIsoTime(d: Date = new Date()): string {
  const two = (n: number) => String(n).padStart(2, '0');
  const offset = -d.getTimezoneOffset();
  const sign = offset >= 0 ? '+' : '-';
  const abs = Math.abs(offset);
  return (
    `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}T${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}` +
    `.${String(d.getMilliseconds()).padStart(3, '0')}${sign}${two(Math.floor(abs / 60))}:${two(abs % 60)}`
  );
}
