// Run and backup ids: tiny and dependency-free, so commands can name a run before they load the engine.
import { randomBytes } from 'node:crypto';

/** A new, sortable, collision-free run id: run-YYYYMMDD-HHMMSS-<hex>. */
export function newRunId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `run-${stamp}-${randomBytes(3).toString('hex')}`;
}

/** The catalog id of the backup a run produces: derived from the run id, so a rerun is idempotent. */
export function backupIdFor(runId: string): string {
  return `bk-${runId.slice('run-'.length)}`;
}
