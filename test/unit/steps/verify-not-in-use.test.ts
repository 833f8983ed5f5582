// OFFLINE-5: a database someone started (and stopped again) during the offline copy makes the
// copy invalid: its .lg shows a session that began after the shutdown (issue 8).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { OpenEdgeTools } from '../../../src/openedge/tools.js';
import type { StepEnv } from '../../../src/steps/step.js';
import { fakeStepEnv } from '../../helpers/step-env.js';
import { verifyNotInUse } from '../../../src/steps/verify-not-in-use.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A database that is down now (busy/holder say not in use, no .lk), with the given .lg. */
function envFor(lg: string, shutdownAt: string): StepEnv {
  const dir = mkdtempSync(join(tmpdir(), 'oeflow-vniu-'));
  dirs.push(dir);
  const db = join(dir, 'sports');
  writeFileSync(`${db}.lg`, lg);
  const down = { value: 'not-in-use', messages: [], result: null } as never;
  const tools = {
    busy: async () => down,
    holder: async () => down,
    readLk: async () => null,
  } as unknown as OpenEdgeTools;
  return fakeStepEnv({
    stepKey: 'verifyNotInUseAfter',
    tools,
    input: { procedure: 'offline-backup', db },
    facts: { shutdown: { alreadyDown: false, shutdownAt } },
  });
}

const started = '[2026/12/01@10:00:04.000+0000] P-5 T-5 I BROKER  0: (333) Multi-user session begin.';
const before = '[2026/12/01@09:30:00.000+0000] P-3 T-3 I BROKER  0: (333) Multi-user session begin.';

describe('verifyNotInUse', () => {
  it('refuses (OEF-200) when a session began after the shutdown, though the database is down again', async () => {
    const env = envFor([before, started].join('\n'), '2026-12-01T10:00:00.000Z');
    const probe = await verifyNotInUse.probe(env);
    const refused = verifyNotInUse.precheck(probe, env);
    expect(refused?.code).toBe('OEF-200');
    expect(refused?.message).toMatch(/opened since it went down/);
  });

  it('passes when the only session began before the shutdown', async () => {
    const env = envFor(before, '2026-12-01T10:00:00.000Z');
    expect(verifyNotInUse.precheck(await verifyNotInUse.probe(env), env)).toBeNull();
  });
});
