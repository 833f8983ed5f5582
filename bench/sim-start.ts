// bench/sim-start: what one simulated utility call costs to start, as a ratio to `node -e 0`
// measured in the same run. Tests and the simulator benchmarks run hundreds of `$DLC/bin/<utility>`
// calls, so this start cost is most of their CPU. Each call goes through its bin script, as the
// engine runs it. Cases: read-only calls on a database not served (rfutil aimage list, proutil
// busy, prostrct list), a quiet point enabled and disabled on a served one (socket to the broker),
// and a broker started by proserve and stopped by proshut -by (three processes). Where the shell
// sets NODE_EXTRA_CA_CERTS, one more line shows what it costs a node that keeps it.
// Usage: node dist/bench/sim-start.js [rounds] (default 15).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { initSim, type InitResult } from '../src/sim/init.js';
import { tlsFreeEnv } from '../src/tls-free-env.js';
import { minMedian } from './sim-db.js';
import { loadAverage } from './load.js';

const rounds = Number(process.argv[2] ?? 15);
const SIM_JS = resolve(dirname(fileURLToPath(import.meta.url)), '../src/sim/main.js');
const root = mkdtempSync(join(process.env['OEFLOW_BENCH_DIR'] ?? tmpdir(), 'oeflow-bench-sim-'));

interface Case {
  name: string;
  cmd: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
}

/** Run one call; wall ms. A call that fails would time an error path, so it stops the benchmark. */
function time(c: Case): number {
  const t0 = performance.now();
  const r = spawnSync(c.cmd, c.args, { stdio: ['ignore', 'ignore', 'pipe'], env: c.env ?? process.env });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${c.name} exited ${r.status ?? r.signal}: ${String(r.stderr)}`);
  return ms;
}

const bin = (sim: InitResult, utility: string, ...args: string[]): Omit<Case, 'name'> => ({
  cmd: join(sim.dlc, 'bin', utility),
  args,
});

// the databases a broker may still serve at the end (a failed round): shut down before removal
const serving: InitResult[] = [];
try {
  const idle = initSim({ dir: join(root, 'idle'), mainJs: SIM_JS });
  const cycled = initSim({ dir: join(root, 'cycled'), mainJs: SIM_JS });
  serving.push(cycled);
  const served = initSim({ dir: join(root, 'served'), mainJs: SIM_JS, serve: true });
  serving.push(served);
  const cases: Case[] = [
    // the base is node as the simulator's scripts start it: without the certificates (src/tls-free-env.ts)
    { name: 'node -e 0', cmd: process.execPath, args: ['-e', '0'], env: tlsFreeEnv(process.env) },
    ...(process.env['NODE_EXTRA_CA_CERTS'] === undefined
      ? []
      : [{ name: 'node -e 0, NODE_EXTRA_CA_CERTS', cmd: process.execPath, args: ['-e', '0'] }]),
    { name: 'rfutil -C aimage list', ...bin(idle, 'rfutil', idle.db, '-C', 'aimage', 'list') },
    { name: 'proutil -C busy', ...bin(idle, 'proutil', idle.db, '-C', 'busy') },
    { name: 'prostrct list', ...bin(idle, 'prostrct', 'list', idle.db) },
    // nolock: no AI switch, so every round finds the same database
    { name: 'proquiet enable nolock', ...bin(served, 'proquiet', served.db, 'enable', 'nolock') },
    { name: 'proquiet disable', ...bin(served, 'proquiet', served.db, 'disable') },
    { name: 'proserve (starts a broker)', ...bin(cycled, 'proserve', cycled.db) },
    { name: 'proshut -by', ...bin(cycled, 'proshut', cycled.db, '-by') },
  ];
  const before = loadAverage();
  const samples = new Map<string, number[]>(cases.map((c) => [c.name, []]));
  for (let r = 0; r < rounds; r++) for (const c of cases) samples.get(c.name)!.push(time(c));
  const base = minMedian(samples.get('node -e 0')!);
  console.log(
    `bench/sim-start: ${rounds} rounds interleaved, min / median; load ${before} → ${loadAverage()} on ${availableParallelism()} cores`,
  );
  console.log('');
  console.log(
    `${'call'.padEnd(32)} ${'min ms'.padStart(8)} ${'med ms'.padStart(8)} ${'vs node -e 0 (min / med)'.padStart(26)}`,
  );
  for (const c of cases) {
    const m = minMedian(samples.get(c.name)!);
    const ratio = `${(m.min / base.min).toFixed(2)}x / ${(m.median / base.median).toFixed(2)}x`;
    console.log(
      `${c.name.padEnd(32)} ${m.min.toFixed(0).padStart(8)} ${m.median.toFixed(0).padStart(8)} ${ratio.padStart(26)}`,
    );
  }
} finally {
  for (const sim of serving) spawnSync(join(sim.dlc, 'bin', 'proshut'), [sim.db, '-by'], { stdio: 'ignore' });
  rmSync(root, { recursive: true, force: true });
}
