// Builds what a restore test needs: an online backup, load after it, and every AI file archived.
import { join } from 'node:path';
import { expect } from 'vitest';
import { oeflow } from './oeflow.js';
import type { Sim } from './sim.js';

/** An online backup, then load, then every AI file archived: returns what a restore needs (and the backup's --json result). */
export async function backupWithArchive(
  sim: Sim,
  state: string,
  tx = 600,
  extraEnv: Record<string, string> = {},
): Promise<{ backupId: string; archive: string; digest: string; backupRun: Record<string, unknown> }> {
  const env = { ...sim.env, OEFLOW_STATE: state, ...extraEnv };
  const b = await oeflow(['backup', 'online', sim.db, '--to', join(sim.dir, 'bk')], env);
  expect(b.json.status, b.stderr).toBe('completed');
  await sim.oeflow(['sim', 'load', sim.db, '--tx', String(tx)]);
  const archive = join(sim.dir, 'arch');
  await sim.oeflow(['sim', 'archive', sim.db, '--to', archive]);
  expect((await sim.run('rfutil', [sim.db, '-C', 'aimage', 'new'])).exitCode).toBe(0);
  const digest = await simDigest(sim, sim.db);
  await sim.oeflow(['sim', 'archive', sim.db, '--to', archive]);
  return { backupId: String(b.json.backupId), archive, digest, backupRun: b.json };
}

/** The simulator's data digest of `db` (a source or a restored copy). */
export async function simDigest(sim: Sim, db: string): Promise<string> {
  return (JSON.parse((await sim.oeflow(['sim', 'digest', db, '--json'])).stdout) as { digest: string }).digest;
}
