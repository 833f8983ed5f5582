// Fault injection: OEFLOW_SIM_FAULTS="<utility>:<qualifier words>:<mode>[@n][:<arg>];…"
// e.g. `rfutil:roll forward:crash-half@1`, `proquiet:enable:hang`, `proutil:busy:fail`.
// Words match as a whole-word run of the lower-cased arguments; `@n` = only the n-th
// matching call (counted from the invocation log's start lines, this call included).
import { readInvocations } from './invocation-log.js';
import { namesCall } from '../openedge/argv.js';

export type FaultMode = 'fail' | 'hang' | 'crash' | 'crash-half';

export interface Fault {
  utility: string;
  words: string;
  mode: FaultMode;
  nth: number | null;
  arg: string | null;
}

const MODES: readonly string[] = ['fail', 'hang', 'crash', 'crash-half'];

/** Parse the env value; malformed entries are reported, not ignored silently. */
export function parseFaults(spec: string | undefined): { faults: Fault[]; errors: string[] } {
  const faults: Fault[] = [];
  const errors: string[] = [];
  for (const raw of (spec ?? '')
    .split(';')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)) {
    const [utility, words, modeSpec, ...rest] = raw.split(':');
    const m = /^([a-z-]+)(?:@(\d+))?$/.exec(modeSpec ?? '');
    if (utility === undefined || words === undefined || m === null || !MODES.includes(m[1] ?? '')) {
      errors.push(`bad OEFLOW_SIM_FAULTS entry "${raw}"`);
      continue;
    }
    faults.push({
      utility: utility.trim(),
      words: words.trim().toLowerCase().replace(/\s+/g, ' '),
      mode: m[1] as FaultMode,
      nth: m[2] === undefined ? null : Number(m[2]),
      arg: rest.length > 0 ? rest.join(':') : null,
    });
  }
  return { faults, errors };
}

// the engine names its calls the same way (Step.effects): a fault on a step's words hits its call
function matches(f: Fault, utility: string, args: readonly string[]): boolean {
  const words = f.words === '' ? [] : f.words.split(' ');
  return (
    f.utility === utility &&
    namesCall(
      args.map((a) => a.toLowerCase()),
      words,
    )
  );
}

/** The fault that applies to this call, if any. */
export function faultFor(
  faults: readonly Fault[],
  utility: string,
  args: readonly string[],
  dlc: string,
): Fault | null {
  for (const f of faults) {
    if (!matches(f, utility, args)) continue;
    if (f.nth === null) return f;
    const n = readInvocations(dlc).filter(
      (l) => l.phase === 'start' && matches(f, l.argv[0] ?? '', l.argv.slice(1)),
    ).length;
    if (n === f.nth) return f;
  }
  return null;
}
