// The README's first command, `npm start`, is `oeflow drill --demo`: the project's main job. It
// must pass wherever the store is, and prove both runs with the key it made for itself.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { oeflow, useInProcessCli } from '../helpers/oeflow.js';

useInProcessCli();

const dir = mkdtempSync(join(tmpdir(), 'oeflow-demo-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('rehearses backup → restore → roll forward on a new simulated database, signed by its own key, in the store --state names', async () => {
  const scratch = join(dir, 'drill');
  const env = { OEFLOW_STATE: join(dir, 'state.db') };
  const r = await oeflow(['drill', '--demo', '--scratch', scratch, '--tx', '400'], env);
  expect(r.exitCode, r.stdout + r.stderr).toBe(0);
  expect(r.json).toMatchObject({
    store: env.OEFLOW_STATE,
    comparison: { match: true },
    evidence: {
      backup: { verdict: 'proven', authenticated: true },
      restore: { verdict: 'proven', authenticated: true },
    },
  });
  // an auditor with the demo's public key proves each run on its own
  const key = join(scratch, 'oeflow-demo.key.pub');
  for (const run of [r.json.backup, r.json.restore] as { runId: string }[]) {
    const v = await oeflow(['verify', run.runId, '--public-key', key], env);
    expect(v.exitCode, v.stdout + v.stderr).toBe(0);
  }
  // the demo's simulated server is stopped when it ends
  expect(existsSync(join(scratch, 'sim', 'db', 'sports.lk'))).toBe(false);
});
