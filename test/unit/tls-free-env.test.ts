// The Node processes oeflow starts that open no TLS connection start without NODE_EXTRA_CA_CERTS
// (src/tls-free-env.ts): the simulator's utilities (through their $DLC/bin scripts) and the
// quiet-point guard. Node warns on stderr when that variable names a file it cannot read, so a
// utility started with it set to a missing file shows whether its node still loads certificates.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { initSim } from '../../src/sim/init.js';
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

  it('node itself warns about the missing file (the check below can fail)', () => {
    const r = spawnSync(process.execPath, ['-e', '0'], { env: { ...process.env, ...MISSING }, encoding: 'utf8' });
    expect(r.stderr).toContain('Ignoring extra certs');
  });

  it("a simulated utility's node starts without it", () => {
    const dir = tempDir();
    const sim = initSim({ dir, mainJs: SIM_JS });
    const out = spawnSync(join(sim.dlc, 'bin', 'proutil'), [sim.db, '-C', 'busy'], {
      env: { ...process.env, ...MISSING },
      encoding: 'utf8',
    });
    expect(out.status, out.stdout).toBe(0);
    expect(out.stderr).toBe('');
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
