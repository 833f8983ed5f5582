// What an online backup says about its quiet point (issues 9 and 14): which copy method ran
// and how long production writes were held. Shared by `backup --json` and `show`.
import { formatDuration } from './duration.js';
import { fact, type FactsByStep } from '../steps/step-facts.js';

export interface BackupFigures {
  copyMethod?: string;
  quietWindowMs?: number;
  /** The guard behind the quiet point: watching (how long after its spawn), or still starting when the run asked anyway. */
  quietGuard?: { state: string; startMs: number };
}

/** The figures from a run's facts (absent members: the run never got that far). */
export function backupFigures(facts: FactsByStep): BackupFigures {
  const copyMethod = fact(facts, 'prepareCopy', 'copyMethod');
  const quietWindowMs = fact(facts, 'quietDisable', 'quietWindowMs');
  const guardState = fact(facts, 'quietEnable', 'guard');
  const guardStartMs = fact(facts, 'quietEnable', 'guardStartMs');
  return {
    ...(copyMethod !== undefined ? { copyMethod } : {}),
    ...(quietWindowMs !== undefined ? { quietWindowMs } : {}),
    ...(guardState !== undefined && guardStartMs !== undefined
      ? { quietGuard: { state: guardState, startMs: guardStartMs } }
      : {}),
  };
}

/** One line for humans, or null when there is nothing to say. */
export function renderFigures(f: BackupFigures): string | null {
  if (f.copyMethod === undefined && f.quietWindowMs === undefined) return null;
  const guard =
    f.quietGuard === undefined ? '' : `; guard ${f.quietGuard.state} after ${formatDuration(f.quietGuard.startMs)}`;
  return `copy method: ${f.copyMethod ?? '?'}; quiet point held ${f.quietWindowMs === undefined ? '?' : formatDuration(f.quietWindowMs)}${guard}`;
}
