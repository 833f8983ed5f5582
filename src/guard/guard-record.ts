// Where a quiet-point guard says what it did: one small JSON file per run next to the state
// store (`<store>-guards/<run-id>.json`), read by the resume and `abandon` of that run. It is
// best effort: a guard whose disk is full still disables the quiet point, and the readers
// then fall back on the database log (quiet-point-log.ts).
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type GuardOutcome =
  /** watching: the run may still raise or hold its quiet point. */
  | 'watching'
  /** the guard disabled the run's quiet point (the run was gone, released it while up, or --max-quiet passed). */
  | 'disabled'
  /** the run's quiet point was already down when the guard finished. */
  | 'already-down'
  /** the run's quiet point was never enabled. */
  | 'never-enabled'
  /** the run said the quiet point up is not its own (proquiet rc 4/6): left alone. */
  | 'stood-down'
  /** proquiet disable failed: the quiet point may still be up. */
  | 'disable-failed';

export interface GuardRecord {
  runId: string;
  db: string;
  guardPid: number;
  ownerPid: number;
  /** When the run asked for its quiet point (epoch ms): 5583 lines from then on are considered. */
  sinceMs: number;
  outcome: GuardOutcome;
  why?: string;
  at: string;
  exitCode?: number | null;
}

/** The guard directory of a store (a `:memory:` store of the tests uses the temp directory). */
export function guardDir(storePath: string): string {
  return storePath === ':memory:' || storePath === '' ? join(tmpdir(), 'oeflow-guards') : `${storePath}-guards`;
}

export function guardRecordPath(storePath: string, runId: string): string {
  return join(guardDir(storePath), `${runId}.json`);
}

/** Write atomically (rename); false when the disk refuses (full, read-only). */
export function writeGuardRecord(file: string, record: GuardRecord): boolean {
  try {
    mkdirSync(join(file, '..'), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(record)}\n`);
    renameSync(tmp, file);
    return true;
  } catch {
    return false;
  }
}

/** The record, or null when there is none (or it cannot be read). */
export function readGuardRecord(storePath: string, runId: string): GuardRecord | null {
  try {
    return JSON.parse(readFileSync(guardRecordPath(storePath, runId), 'utf8')) as GuardRecord;
  } catch {
    return null;
  }
}
