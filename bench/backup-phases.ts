// Where an online backup's time goes (issue 9: "make the cost of each property visible"): the
// run's own timeline (`oeflow show --json`) split into the process start, each step with its
// utility calls, the engine's time between steps (journal, transitions) and the exit. The
// script's total is its file list plus its window; oeflow's steps beyond those (the checks
// before the quiet point, the pairing proof and the seal after it) are what it adds.
import { minMedian } from './sim-db.js';

/** One backup as the bench saw it: when its process started (epoch ms), its wall time, its run. */
export interface TimedBackup {
  startedAt: number;
  ms: number;
  show: ShowJson;
}

interface TimelineStep {
  stepKey: string;
  startedAt: string;
  durationMs: number;
  commands: unknown[];
}

/** The part of `oeflow show --json` the phases read. */
export interface ShowJson {
  /** When the run row was written (ISO). */
  createdAt?: string;
  timeline: TimelineStep[];
}

interface Phase {
  name: string;
  ms: number;
  calls: number;
}

/** One backup's phases, in the order they happened. */
export function phasesOf(b: TimedBackup): Phase[] {
  const steps = b.show.timeline;
  const first = steps[0];
  const last = steps.at(-1);
  if (first === undefined || last === undefined) return [{ name: 'whole run (no step recorded)', ms: b.ms, calls: 0 }];
  const firstStart = Date.parse(first.startedAt);
  const lastEnd = Date.parse(last.startedAt) + last.durationMs;
  const inSteps = steps.reduce((sum, s) => sum + s.durationMs, 0);
  // the start split at the run row: node, the modules and the store before it; the lock, the
  // machine and the first step's intent after it
  const created = b.show.createdAt === undefined ? Number.NaN : Date.parse(b.show.createdAt);
  const start = Number.isNaN(created)
    ? [{ name: 'process start, store, run created', ms: firstStart - b.startedAt, calls: 0 }]
    : [
        { name: 'process start to the run row (node, modules, store)', ms: created - b.startedAt, calls: 0 },
        { name: 'run row to the first step (lock, machine, intent)', ms: firstStart - created, calls: 0 },
      ];
  return [
    ...start,
    ...steps.map((s) => ({ name: `step ${s.stepKey}`, ms: s.durationMs, calls: s.commands.length })),
    { name: 'engine between steps (journal, transitions)', ms: lastEnd - firstStart - inSteps, calls: 0 },
    { name: 'after the last step to exit', ms: b.startedAt + b.ms - lastEnd, calls: 0 },
  ];
}

/** A markdown table of the median of each phase over several backups of the same procedure. */
export function phaseTable(backups: readonly TimedBackup[]): string {
  const byName = new Map<string, { ms: number[]; calls: number }>();
  for (const b of backups)
    for (const p of phasesOf(b)) {
      const seen = byName.get(p.name) ?? { ms: [], calls: p.calls };
      seen.ms.push(p.ms);
      byName.set(p.name, seen);
    }
  const total = minMedian(backups.map((b) => b.ms)).median;
  const rows = [...byName].map(([name, p]) => {
    const ms = minMedian(p.ms).median;
    return `| ${name} | ${ms.toFixed(0)} | ${((100 * ms) / total).toFixed(0)} % | ${p.calls} |`;
  });
  return ['| oeflow backup phase (median) | ms | of total | utility calls |', '|---|---:|---:|---:|', ...rows].join(
    '\n',
  );
}
