// The Node processes oeflow starts that open no TLS connection start without NODE_EXTRA_CA_CERTS
// (src/tls-free-env.ts): the simulator's utilities (through their $DLC/bin scripts) and the
// quiet-point guard. Each is started with the variable set, and its environment read from /proc.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { initSim } from '../../src/sim/init.js';
import { readInvocations } from '../../src/sim/invocation-log.js';
import { tlsFreeEnv } from '../../src/tls-free-env.js';
import { eventually } from '../helpers/eventually.js';
import { builtGuard, isGuardProcess } from '../helpers/guard-processes.js';
import { tempDir } from '../helpers/temp-dir.js';

const SIM_JS = resolve(import.meta.dirname, '../../dist/src/sim/main.js');
const MISSING = { NODE_EXTRA_CA_CERTS: '/nonexistent/oeflow-test-ca.pem' };

function environ(pid: number): Record<string, string> {
  const pairs = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').filter(Boolean);
  return Object.fromEntries(pairs.map((p) => [p.slice(0, p.indexOf('=')), p.slice(p.indexOf('=') + 1)]));
}

describe('Node processes that open no TLS connection', () => {
  it('tlsFreeEnv drops NODE_EXTRA_CA_CERTS from a copy and keeps everything else', () => {
    const env = { ...MISSING, DLC: '/dlc', PATH: '/bin' };
    expect(tlsFreeEnv(env)).toEqual({ DLC: '/dlc', PATH: '/bin' });
    expect(env.NODE_EXTRA_CA_CERTS).toBe(MISSING.NODE_EXTRA_CA_CERTS);
  });

  it("a simulated utility's node starts without it and with the rest of the caller's environment", async () => {
    const dir = tempDir();
    const sim = initSim({ dir, mainJs: SIM_JS });
    // held at its gate by a hang fault, so its environment can be read from /proc
    const held = spawn(join(sim.dlc, 'bin', 'proutil'), [sim.db, '-C', 'busy'], {
      env: { ...process.env, ...MISSING, OEFLOW_SIM_FAULTS: 'proutil:busy:hang', OEFLOW_RUN_MARK: 'sim' },
      stdio: 'ignore',
    });
    try {
      let pid = 0;
      await eventually(
        () => {
          pid = readInvocations(sim.dlc).find((l) => l.phase === 'hung')?.pid ?? 0;
          return pid > 0;
        },
        20_000,
        'the utility held at its gate',
      );
      const env = environ(pid);
      expect(env['OEFLOW_RUN_MARK']).toBe('sim');
      expect(env).not.toHaveProperty('NODE_EXTRA_CA_CERTS');
    } finally {
      held.kill('SIGKILL');
    }
  });

  it('the quiet-point guard starts without it and with the rest of the run environment', async () => {
    const dir = tempDir();
    const { armQuietGuard, releaseQuietGuard } = await builtGuard();
    const guard = armQuietGuard({
      runId: 'tls-free',
      db: join(dir, 'db', 'sports'),
      dlc: join(dir, 'dlc'),
      storePath: join(dir, 'state.db'),
      maxQuietMs: 60_000,
      env: { ...MISSING, OEFLOW_RUN_MARK: 'tls-free' },
    });
    try {
      const env = environ(guard.pid);
      expect(env['OEFLOW_RUN_MARK']).toBe('tls-free');
      expect(env).not.toHaveProperty('NODE_EXTRA_CA_CERTS');
    } finally {
      releaseQuietGuard(guard, 'stand-down');
      await eventually(() => !isGuardProcess(guard.pid), 20_000, 'the guard to stand down');
    }
  });
});
