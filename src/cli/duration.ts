// Parses operator durations: 90s, 5m, 1h, 7d, 250ms, or a bare number of seconds.
import { OeflowError } from '../errors.js';

const unitMs: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Milliseconds for a duration string; OEF-001 on anything else. */
export function parseDuration(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(text.trim());
  if (!m) throw new OeflowError('OEF-001', `not a duration: ${text} (use e.g. 90s, 5m, 1h, 7d)`);
  return Math.round(Number(m[1]) * unitMs[m[2] ?? 's']!);
}
