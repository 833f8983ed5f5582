// The quiet-point guards a test's runs started (oeflow spawns one per quiet point, in its own
// session, and it outlives its run by design). A guard whose owner is the test process itself
// (oeflow in-process) watches for the rest of the suite; one whose owner was killed writes its
// record a moment later. Either would write into a directory the test already removed.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { eventually } from './eventually.js';

/** True when `pid` is a live quiet-point guard (guards against pid reuse before a kill). */
export function isGuardProcess(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('quiet-guard-main');
  } catch {
    return false;
  }
}

/** SIGKILL the guards still running for the stores under `dir` (records in `<store>-guards/`) and wait until they ended. */
export async function endGuardsUnder(dir: string): Promise<void> {
  if (!existsSync(dir)) return;
  const killed: number[] = [];
  for (const guards of readdirSync(dir).filter((f) => f.endsWith('-guards')))
    for (const record of readdirSync(join(dir, guards)).filter((f) => f.endsWith('.json'))) {
      let pid: number;
      try {
        pid = (JSON.parse(readFileSync(join(dir, guards, record), 'utf8')) as { guardPid: number }).guardPid;
      } catch {
        continue; // being written: the guard rewrites it whole
      }
      if (!isGuardProcess(pid)) continue;
      process.kill(pid, 'SIGKILL');
      killed.push(pid);
    }
  await eventually(() => !killed.some(isGuardProcess), 10_000, 'the killed quiet-point guards to end');
}

/** The built guard module: the guard process it starts is dist's bundle (a test importing src/ would name a .ts file). */
export async function builtGuard(): Promise<typeof import('../../src/guard/quiet-guard.js')> {
  return (await import(
    resolve(import.meta.dirname, '../../dist/src/guard/quiet-guard.js')
  )) as typeof import('../../src/guard/quiet-guard.js');
}
