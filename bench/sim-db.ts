// A served simulated database for the quiet-point benchmarks: created under a directory of
// the caller's choice (the XFS image for bench/clone), grown to a size, backed up by the
// built CLI or the baseline script, and shut down at the end.
import { randomFillSync } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { initSim } from '../src/sim/init.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const CLI_JS = join(ROOT, 'dist/src/cli/bin.js');
const SIM_JS = join(ROOT, 'dist/src/sim/main.js');
export const BASELINE_SH = join(ROOT, 'bench/quiet-window.sh');

export interface SimDb {
  dir: string;
  db: string;
  env: Record<string, string>;
  /** `oeflow <args> --json` (the built CLI, or another build's `cli`): its result, when it started (epoch ms) and the wall time. */
  oeflow(args: string[], cli?: string): Promise<{ json: Record<string, unknown>; startedAt: number; ms: number }>;
  /** The baseline script: its window and total (ms) as it measured them. */
  script(dest: string, cpOption?: string): Promise<{ windowMs: number; totalMs: number }>;
  /** Archive FULL AI extents, so the next quiet point's switch finds an EMPTY one. */
  archive(): Promise<void>;
  stop(): Promise<void>;
}

/** A served database whose schema extent (`<db>.d1`, which the simulator only writes at init) holds `mib` MiB of random bytes. */
export async function simDb(parent: string, mib: number): Promise<SimDb> {
  const dir = mkdtempSync(join(parent, 'oeflow-bench-db-'));
  const r = initSim({ dir: join(dir, 'sim'), serve: true, aiExtents: 8, mainJs: SIM_JS });
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    DLC: r.dlc,
    PATH: `${r.dlc}/bin:${process.env['PATH'] ?? ''}`,
    OEFLOW_STATE: join(dir, 'state.db'),
  };
  fill(`${r.db}.d1`, mib);
  return {
    dir,
    db: r.db,
    env,
    async oeflow(args, cli = CLI_JS) {
      const startedAt = Date.now();
      const t = performance.now();
      const p = await execa(process.execPath, [cli, ...args, '--json'], { env, reject: false });
      const ms = performance.now() - t;
      const json = JSON.parse(p.stdout) as Record<string, unknown>;
      if (json['status'] !== undefined && json['status'] !== 'completed')
        throw new Error(`oeflow ${args.join(' ')}: ${p.stdout}`);
      return { json, startedAt, ms };
    },
    async script(dest, cpOption) {
      const p = await execa('bash', [BASELINE_SH, r.db, dest, ...(cpOption ? [cpOption] : [])], { env });
      const [windowMs, totalMs] = p.stdout.trim().split(/\s+/).map(Number);
      return { windowMs: windowMs!, totalMs: totalMs! };
    },
    async archive() {
      await execa(process.execPath, [CLI_JS, 'sim', 'archive', r.db, '--to', join(dir, 'arch')], { env });
    },
    async stop() {
      await execa(join(r.dlc, 'bin', 'proshut'), [r.db, '-by'], { env, reject: false });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function fill(path: string, mib: number): void {
  const chunk = Buffer.allocUnsafe(8 << 20);
  const fd = openSync(path, 'w');
  try {
    for (let left = mib * 1024 * 1024; left > 0; left -= chunk.length)
      writeSync(fd, randomFillSync(chunk), 0, Math.min(left, chunk.length));
  } finally {
    closeSync(fd);
  }
}

/** min and median of a list of figures. */
export function minMedian(xs: number[]): { min: number; median: number } {
  const s = [...xs].sort((a, b) => a - b);
  return { min: s[0]!, median: s[Math.floor((s.length - 1) / 2)]! };
}
