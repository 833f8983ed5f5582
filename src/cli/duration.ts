// Operator durations: parses 90s, 5m, 1h, 7d, 250ms (or a bare number of seconds), and
// writes durations for people (run results, tables, ages).
import { OeflowError } from '../errors.js';

const unitMs: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Milliseconds for a duration string; OEF-001 on anything else. */
export function parseDuration(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(text.trim());
  if (!m) throw new OeflowError('OEF-001', `not a duration: ${text} (use e.g. 90s, 5m, 1h, 7d)`);
  return Math.round(Number(m[1]) * unitMs[m[2] ?? 's']!);
}

/** 90 → "1m30s", 7200 → "2h", 200000 → "2d7h": at most two units, for ages and long runs. */
export function humanSeconds(seconds: number): string {
  const units: [number, string][] = [
    [86400, 'd'],
    [3600, 'h'],
    [60, 'm'],
    [1, 's'],
  ];
  const parts: string[] = [];
  let rest = Math.round(seconds);
  for (const [size, unit] of units) {
    if (rest >= size && parts.length < 2) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
  }
  return parts.length ? parts.join('') : '0s';
}

/** A duration for people: 850 → "850 ms", 12_340 → "12.3 s", 245_000 → "4m5s". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '?';
  if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return humanSeconds(ms / 1000);
}

/** The range --max-quiet accepts (README "Commands"): a quiet point shorter than a second cannot hold a copy, one longer than a day freezes production. */
export const MAX_QUIET_RANGE_MS = { min: 1_000, max: 24 * 3_600_000 } as const;

/** --max-quiet in milliseconds, within MAX_QUIET_RANGE_MS; OEF-001 with the range otherwise (also for ""). */
export function parseMaxQuiet(text: string): number {
  const range = 'between 1s and 24h (e.g. 90s, 5m, 1h)';
  if (text.trim() === '') throw new OeflowError('OEF-001', `--max-quiet is empty: give a duration ${range}`);
  const ms = parseDuration(text);
  if (!Number.isFinite(ms) || ms < MAX_QUIET_RANGE_MS.min || ms > MAX_QUIET_RANGE_MS.max) {
    throw new OeflowError('OEF-001', `--max-quiet ${text} is out of range: give a duration ${range}`);
  }
  return ms;
}
