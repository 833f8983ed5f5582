// One expensive set-up per test file (a backup, load after it, archived AI files), made once and
// handed to each test as a fresh copy. The set-up runs in beforeAll; its databases are then shut
// down and its directory copied aside. Each test gets the directory copied back, byte for byte, at
// the SAME path: every absolute path the set-up recorded (the store's backup rows, a manifest's
// destination, the archive, the .st extents) stays valid, and no test sees another test's changes.
// A database the set-up served is shut down in the copy: a test that needs it served starts it.
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { listBrokers } from '../../src/sim/registry.js';
import { guardsSettled } from './crash.js';
import { eventually } from './oeflow.js';
import { createSim, killSimProcesses, simIn, type Sim, type SimOptions } from './sim.js';

const COPY = { recursive: true, preserveTimestamps: true, verbatimSymlinks: true } as const;

/** Shut down every database the set-up served and let the quiet-point guards it started finish. */
async function quiesce(sim: Sim): Promise<void> {
  for (const broker of listBrokers(sim.dlc)) {
    const shut = await sim.run('proshut', [broker.base, '-by']);
    expect(shut.exitCode, `proshut ${broker.base}: ${shut.stdout}`).toBe(0);
  }
  // a store's guards live in <store>-guards/ (a guard still watching would write into the copy later)
  const stores = readdirSync(sim.dir)
    .filter((f) => f.endsWith('-guards'))
    .map((f) => join(sim.dir, f.slice(0, -'-guards'.length)));
  await eventually(() => stores.every(guardsSettled), 30_000, 'the quiet-point guards of the set-up to finish');
  expect(killSimProcesses(sim.dlc), 'utilities the set-up left running').toEqual([]);
}

/**
 * `prepare` runs once, before the file's tests, on a new simulator made with `opts`; it returns
 * what the tests need (ids, paths, digests). The returned function, called once in a test, gives
 * that test its own copy of the prepared simulator (cleaned up after the test) and those values.
 */
export function usePreparedSim<T extends object>(
  opts: SimOptions,
  prepare: (sim: Sim) => Promise<T>,
  timeoutMs = 120_000,
): () => T & { sim: Sim } {
  let origin: Sim | undefined;
  let saved: string | undefined;
  let prepared: T | undefined;
  let handed: Sim | undefined;
  beforeAll(async () => {
    origin = createSim(opts);
    prepared = await prepare(origin);
    await quiesce(origin);
    saved = mkdtempSync(join(tmpdir(), 'oeflow-prepared-'));
    cpSync(origin.dir, saved, COPY);
  }, timeoutMs);
  afterEach(async () => {
    await handed?.cleanup();
    handed = undefined;
  });
  afterAll(async () => {
    await origin?.cleanup();
    if (saved !== undefined) rmSync(saved, { recursive: true, force: true });
  });
  return () => {
    if (origin === undefined || saved === undefined || prepared === undefined)
      throw new Error('usePreparedSim: its set-up did not run (call the function inside a test)');
    if (handed !== undefined) throw new Error('usePreparedSim: one copy per test (both would live at the same path)');
    if (existsSync(origin.dir)) rmSync(origin.dir, { recursive: true, force: true });
    cpSync(saved, origin.dir, COPY);
    handed = simIn(origin.dir, origin);
    return { ...prepared, sim: handed };
  };
}
