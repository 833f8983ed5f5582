// Parses operator durations: 90s, 5m, 1h, 250ms, or a bare number of seconds.
import { OeflowError } from '../errors.js';

const unitMs: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Milliseconds for a duration string; OEF-001 on anything else. */
export function parseDuration(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!m) throw new OeflowError('OEF-001', `not a duration: ${text} (use e.g. 90s, 5m, 1h)`);
  return Math.round(Number(m[1]) * unitMs[m[2] ?? 's']!);
}
