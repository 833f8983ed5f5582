// What an online backup says about its quiet point (issues 9 and 14): which copy method ran
// and how long production writes were held. Shared by `backup --json` and `show`.
import { formatDuration } from './duration.js';

export interface BackupFigures {
  copyMethod?: string;
  quietWindowMs?: number;
}

/** The figures from a run's facts (absent members: the run never got that far). */
export function backupFigures(facts: Record<string, unknown>): BackupFigures {
  const prepared = facts['prepareCopy'] as { copyMethod?: unknown } | undefined;
  const disabled = facts['quietDisable'] as { quietWindowMs?: unknown } | undefined;
  return {
    ...(typeof prepared?.copyMethod === 'string' ? { copyMethod: prepared.copyMethod } : {}),
    ...(typeof disabled?.quietWindowMs === 'number' ? { quietWindowMs: disabled.quietWindowMs } : {}),
  };
}

/** One line for humans, or null when there is nothing to say. */
export function renderFigures(f: BackupFigures): string | null {
  if (f.copyMethod === undefined && f.quietWindowMs === undefined) return null;
  return `copy method: ${f.copyMethod ?? '?'}; quiet point held ${f.quietWindowMs === undefined ? '?' : formatDuration(f.quietWindowMs)}`;
}
