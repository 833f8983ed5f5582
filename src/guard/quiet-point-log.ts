// Whose quiet point is up? Read from the database log (docs/openedge.md §5): the first "Quiet point has
// been enabled" (5583) logged after a run asked for its quiet point is that run's; any later
// "disabled" line (5584, matched by text too since its number is unconfirmed) or a broker
// session end/begin (334/333: no quiet point survives the broker) means it is down. A 5583
// after that is someone else's, and is never ours to disable.
import { parseLg, type LgEntry } from '../openedge/parse-lg.js';

export type QuietPointOfRun =
  | { state: 'never-enabled' }
  | { state: 'held'; enabledAt: string; enabledAtMs: number }
  | { state: 'released'; enabledAt: string; releasedAt: string; releasedAtMs: number; how: string };

const ENABLED = 5583;
const DISABLED = 5584;
const SESSION_BEGIN = 333;
const SESSION_END = 334;

function isDisable(e: LgEntry): boolean {
  return e.number === DISABLED || /quiet point has been disabled/i.test(e.text);
}

/** What ended the quiet point enabled at `entries[i]`: a disable, or the broker's session ending or beginning. */
function endAfter(entries: readonly LgEntry[], i: number): LgEntry | undefined {
  return entries.slice(i + 1).find((e) => isDisable(e) || e.number === SESSION_END || e.number === SESSION_BEGIN);
}

/** The state of the quiet point a run requested at `sinceMs` (epoch ms), from `.lg` text. */
export function quietPointOfRun(lgText: string, sinceMs: number): QuietPointOfRun {
  const entries = parseLg(lgText).filter((e) => e.epochMs >= sinceMs);
  const enabled = entries.findIndex((e) => e.number === ENABLED);
  if (enabled < 0) return { state: 'never-enabled' };
  const ours = entries[enabled]!;
  const end = endAfter(entries, enabled);
  if (end === undefined) return { state: 'held', enabledAt: ours.at, enabledAtMs: ours.epochMs };
  return {
    state: 'released',
    enabledAt: ours.at,
    releasedAt: end.at,
    releasedAtMs: end.epochMs,
    how: isDisable(end) ? 'disabled' : 'broker restarted',
  };
}

/**
 * The quiet point up now, by the log: the last "enabled" (5583) with no disable and no broker
 * session end or begin after it; null when there is none. Whoever raised it.
 */
export function quietPointNow(lgText: string): { enabledAt: string; enabledAtMs: number } | null {
  const entries = parseLg(lgText);
  const last = entries.findLastIndex((e) => e.number === ENABLED);
  if (last < 0 || endAfter(entries, last) !== undefined) return null;
  const enabled = entries[last]!;
  return { enabledAt: enabled.at, enabledAtMs: enabled.epochMs };
}
