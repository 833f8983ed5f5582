// Calls this package's own `oeflow sim …` commands (JSON results) for the drill: the
// simulator's workload, archiver and digest. Only the rehearsal uses them.
import { execa, type ResultPromise } from 'execa';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OeflowError } from '../errors.js';
import { tlsFreeEnv } from '../tls-free-env.js';

const bin = fileURLToPath(new URL('../cli/bin.js', import.meta.url));

/** The `oeflow sim` process's environment: this one and `extra`, without certificates (it opens no TLS connection). */
const simEnv = (extra: Record<string, string>) => ({ env: tlsFreeEnv({ ...process.env, ...extra }), extendEnv: false });

/** Run `oeflow sim <args> --json` and parse its result. */
export async function simJson<T>(args: readonly string[], env: Record<string, string> = {}): Promise<T> {
  const r = await execa(process.execPath, [bin, 'sim', ...args, '--json'], { reject: false, ...simEnv(env) });
  if (r.exitCode !== 0)
    throw new OeflowError(
      'OEF-050',
      `oeflow sim ${args.join(' ')} exited ${r.exitCode}: ${r.stderr.trim() || r.stdout.trim()}`,
    );
  return JSON.parse(r.stdout) as T;
}

/** Start `oeflow sim load` in the background (the caller awaits or kills it). */
export function startLoad(db: string, tx: number, seed: number, dlc: string, rate?: number): ResultPromise {
  const args = [
    'sim',
    'load',
    db,
    '--tx',
    String(tx),
    '--seed',
    String(seed),
    ...(rate ? ['--rate', String(rate)] : []),
    '--json',
  ];
  return execa(process.execPath, [bin, ...args], { reject: false, ...simEnv({ DLC: dlc }) });
}

/** True when the DLC is the simulator (it keeps an invocation log); real installations have no digest. */
export function isSimulator(dlc: string): boolean {
  return existsSync(join(dlc, 'invocations.jsonl'));
}

/**
 * Archive FULL AI extents to `dir` every `everyMs` until `stop` is aborted, as a site's AI
 * archiver daemon does, so a load during the drill cannot fill every extent and stall the
 * database; not while `paused()` (the backup copies the AI extents: emptying one then would
 * change a file under the copy). Failures are reported through `onError` and the loop goes on.
 * Runs what `oeflow sim archive` runs, in this process: a drill under load made a dozen oeflow
 * processes for it (the simulator's files are locked the same way from any process).
 */
export async function archiveUntil(
  db: string,
  dir: string,
  o: { stop: AbortSignal; paused: () => boolean; onError: (message: string) => void; everyMs?: number },
): Promise<void> {
  const { archiveFullExtents } = await import('../sim/archive.js');
  while (!o.stop.aborted) {
    try {
      if (!o.paused()) archiveFullExtents(db, dir);
    } catch (err) {
      o.onError(err instanceof Error ? err.message : String(err));
    }
    await new Promise((r) => setTimeout(r, o.everyMs ?? 300));
  }
}
