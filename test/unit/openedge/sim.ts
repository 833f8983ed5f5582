// A simulator database per test: `oeflow sim init <tmp> --json` (the built CLI), and a
// cleanup that always shuts down any broker the test started.
import { execa } from 'execa';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../dist/src/cli/bin.js');

export interface SimDb {
  dir: string;
  dlc: string;
  db: string;
  /** `proshut <db> -by` (ignored if nothing runs), then removes the directory. */
  cleanup(): Promise<void>;
}

/** A fresh simulated DLC and database (AI enabled, 4 AI extents) in a temp directory. */
export async function simInit(): Promise<SimDb> {
  const dir = mkdtempSync(path.join(tmpdir(), 'oeflow-sim-'));
  const r = await execa(process.execPath, [BIN, 'sim', 'init', dir, '--json'], { reject: false });
  if (r.exitCode !== 0) throw new Error(`sim init failed (${String(r.exitCode)}): ${r.stderr}${r.stdout}`);
  const { dlc, db } = JSON.parse(r.stdout) as { dlc: string; db: string };
  return {
    dir, dlc, db,
    cleanup: async () => {
      await execa(path.join(dlc, 'bin', 'proshut'), [db, '-by'], { reject: false, env: { DLC: dlc } });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
