// bench/cli-start: what a command costs to start, as a ratio to `node -e 0` in the same run:
// `oeflow --help`, `runs` and `show` on a store of 10 runs, and `runs` / `show` on a store of
// 10,000 runs (the per-run cost of `runs`). The big store is made by cloning one real run
// (its runs, journal, attempts and commands rows) with SQL: the clones' hash chains name the
// template's run id, so `verify` would reject them; `runs` and `show` do not verify.
// Usage: node dist/bench/cli-start.js [runs] (default 10000); OEFLOW_BENCH_ROUNDS (default 7).
import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openStore } from '../src/store/index.js';
import { loadAverage } from './load.js';

const bigRuns = Number(process.argv[2] ?? 10_000);
const rounds = Number(process.env['OEFLOW_BENCH_ROUNDS'] ?? 7);
const CLI = join(dirname(fileURLToPath(import.meta.url)), '../src/cli/bin.js');
const root = mkdtempSync(join(process.env['OEFLOW_BENCH_DIR'] ?? tmpdir(), 'oeflow-bench-cli-'));

/** A store with one run shaped like a finished backup (transitions, intents, commands, results), cloned to `count` runs. */
function makeStore(path: string, count: number): string {
  const store = openStore(path);
  const runId = 'run-template';
  store.createRun({
    runId,
    machineId: 'online-backup',
    machineHash: 'h',
    db: '/db/sports',
    kind: 'online-backup',
    input: { procedure: 'online-backup', db: '/db/sports', destination: '/bk' },
    host: 'bench',
    pid: 1,
  });
  let state = 'preflight';
  for (const step of ['preflight', 'quietEnable', 'copyFiles', 'verifyCopy', 'quietDisable', 'recordBackup']) {
    store.recordTransition(runId, {
      event: { type: `xstate.done.actor.${state}` },
      from: state,
      to: step,
      snapshot: { value: step, context: { facts: { [step]: { ok: true } } } },
    });
    store.recordIntent(runId, {
      stepKey: step,
      stepId: step,
      attempt: 1,
      data: { at: new Date().toISOString(), probe: { busy: 'not-in-use' } },
    });
    store.recordCommand(runId, {
      stepKey: step,
      attempt: 1,
      argv: ['proutil', '/db/sports', '-C', 'busy'],
      exitCode: 0,
      signal: null,
      durationMs: 12,
      stdout: 'The database /db/sports is not in use. (90028)',
      stderr: '',
      messages: [{ number: 90028, text: 'The database /db/sports is not in use.' }],
      startedAt: new Date().toISOString(),
    });
    store.recordResult(runId, { stepKey: step, attempt: 1, outcome: 'ok', output: { facts: { ok: true } } });
    state = step;
  }
  store.changeStatus(runId, 'completed', { ended: true }, { kind: 'run-ended', data: { status: 'completed' } });
  store.close();
  const db = new Database(path);
  const cols = (table: string): string[] =>
    (db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[])
      .map((c) => c.name)
      .filter((c) => c !== 'run_id');
  const clone = db.transaction(() => {
    for (const table of ['runs', 'run_inputs', 'journal', 'attempts', 'commands']) {
      const c = cols(table);
      db.prepare(
        `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
        INSERT INTO ${table} (run_id, ${c.join(', ')}) SELECT printf('run-%08d', i), ${c.join(', ')} FROM ${table}, n WHERE run_id = ?`,
      ).run(count - 1, runId);
    }
  });
  clone();
  db.close();
  return 'run-00000001';
}

function time(args: string[], env: NodeJS.ProcessEnv): number {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${String(r.stderr)}`);
  return ms;
}

try {
  const small = join(root, 'small.db');
  const big = join(root, 'big.db');
  const smallRun = makeStore(small, 10);
  const bigRun = makeStore(big, bigRuns);
  const cases: [string, string[], NodeJS.ProcessEnv][] = [
    ['node -e 0', ['-e', '0'], process.env],
    ['oeflow --help', [CLI, '--help'], process.env],
    ['oeflow runs (10 runs)', [CLI, 'runs'], { ...process.env, OEFLOW_STATE: small }],
    ['oeflow show (10 runs)', [CLI, 'show', smallRun], { ...process.env, OEFLOW_STATE: small }],
    [`oeflow runs (${bigRuns} runs)`, [CLI, 'runs'], { ...process.env, OEFLOW_STATE: big }],
    [`oeflow show (${bigRuns} runs)`, [CLI, 'show', bigRun], { ...process.env, OEFLOW_STATE: big }],
  ];
  const before = loadAverage();
  const samples = new Map<string, number[]>(cases.map(([name]) => [name, []]));
  for (let r = 0; r < rounds; r++) for (const [name, args, env] of cases) samples.get(name)!.push(time(args, env));
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const base = samples.get('node -e 0')!;
  console.log(
    `bench/cli-start: ${rounds} rounds interleaved, min / median; load ${before} → ${loadAverage()} on ${availableParallelism()} cores`,
  );
  console.log('');
  console.log(
    `${'command'.padEnd(30)} ${'min ms'.padStart(8)} ${'med ms'.padStart(8)} ${'vs node -e 0 (min / med)'.padStart(26)}`,
  );
  for (const [name] of cases) {
    const xs = samples.get(name)!;
    console.log(
      `${name.padEnd(30)} ${Math.min(...xs)
        .toFixed(0)
        .padStart(
          8,
        )} ${median(xs).toFixed(0).padStart(8)} ${`${(Math.min(...xs) / Math.min(...base)).toFixed(2)}x / ${(median(xs) / median(base)).toFixed(2)}x`.padStart(26)}`,
    );
  }
  const perRun =
    ((median(samples.get(`oeflow runs (${bigRuns} runs)`)!) - median(samples.get('oeflow runs (10 runs)')!)) * 1000) /
    (bigRuns - 10);
  console.log('');
  console.log(`oeflow runs: ${perRun.toFixed(1)} µs per run in the store (median ${bigRuns} runs − median 10 runs)`);
} finally {
  rmSync(root, { recursive: true, force: true });
}
