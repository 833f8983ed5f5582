// bench/spawn-cost: what one roll-forward file costs oeflow's process besides the utility itself,
// split into its parts, against bash starting the same program. Every part runs N times in a
// fresh process, and the figures are per call:
//   bash         a bash loop starting /bin/true (what the bare loops of bench/restore-scale pay);
//   vfork        python3's subprocess starting /bin/true (vfork + exec, no copy of the parent's page
//                tables): what a spawner that does not fork would pay; skipped without python3.
//                Node's child_process forks on Linux (libuv), from oeflow's process or any other.
//   spawn        oeflow's runner (src/openedge/runner.ts) starting /bin/true from Node;
//   store        one file's journal writes in a real store (the durable intent, then the spawn
//                note, the command, the result and the transition 'with-next'), no spawn;
//   spawn+store  both, in the engine's order (intent, spawn, note, exit, command, result, transition);
//   server       /bin/true started by a long-lived Node process that this one sends each call
//                to over a pipe (a spawn server): whether moving the fork out of oeflow's
//                process would help while the spawner is still Node.
// After a fork every page the parent writes takes a page fault (copy-on-write protection, even
// once the child has exec'd), so spawn+store costs more than spawn plus store: the difference is
// the store's pages faulted again after each spawn. CPU and minor faults are those of each
// process tree (/usr/bin/time: the started /bin/true included, as in the bash loop's), less those
// of the same node process making no call; wall is the loop's own.
// Usage: node dist/bench/spawn-cost.js [N] (default 300; rounds: OEFLOW_BENCH_ROUNDS, default 3).
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadAverage } from './load.js';

type Part = 'spawn' | 'store' | 'spawn+store' | 'server';
interface PerCall {
  wallMs: number;
  cpuMs: number;
  faults: number | null;
}

const minorFaults = (): number | null => {
  try {
    // field 10 of /proc/self/stat (minflt), counted after the parenthesised command name
    return Number(readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ')[7]);
  } catch {
    return null;
  }
};

/** A long-lived Node process that starts each program sent to it (a JSON line) and answers when it ended. */
const SPAWN_SERVER = `const { spawn } = require('node:child_process');
require('node:readline').createInterface({ input: process.stdin }).on('line', (line) => {
  const { file, args } = JSON.parse(line);
  spawn(file, args, { stdio: 'ignore' }).on('exit', (code) => process.stdout.write(JSON.stringify({ code }) + '\\n'));
});`;

interface SpawnServer {
  run(file: string, args: string[]): Promise<number | null>;
  /** Ends the server and waits for it (so /usr/bin/time counts its CPU). */
  close(): Promise<void>;
}

async function startSpawnServer(): Promise<SpawnServer> {
  const { spawn } = await import('node:child_process');
  const { createInterface } = await import('node:readline');
  const server = spawn(process.execPath, ['-e', SPAWN_SERVER], { stdio: ['pipe', 'pipe', 'inherit'] });
  const waiting: ((code: number | null) => void)[] = [];
  createInterface({ input: server.stdout }).on('line', (line) =>
    waiting.shift()?.((JSON.parse(line) as { code: number | null }).code),
  );
  const ended = new Promise<void>((resolve) => server.on('exit', () => resolve()));
  return {
    run: (file, args) =>
      new Promise((resolve) => {
        waiting.push(resolve);
        server.stdin.write(`${JSON.stringify({ file, args })}\n`);
      }),
    close: async () => {
      server.stdin.end();
      await ended;
    },
  };
}

/** One part, N times, in this process: per-call wall, CPU and minor faults. */
async function measurePart(part: Part, n: number, dir: string): Promise<PerCall> {
  const { runTool } = await import('../src/openedge/runner.js');
  const { openStore } = await import('../src/store/index.js');
  // a DLC whose rfutil is /bin/true: the runner's spawn exactly as for a utility
  const dlc = join(dir, 'dlc');
  mkdirSync(join(dlc, 'bin'), { recursive: true });
  symlinkSync('/bin/true', join(dlc, 'bin', 'rfutil'));
  const store = openStore(join(dir, 'state.db'));
  const runId = 'run-20261201-000000-bench01';
  store.createRun({
    runId,
    machineId: 'restore',
    machineHash: '0'.repeat(64),
    db: join(dir, 'sports'),
    kind: 'restore',
    input: { db: join(dir, 'sports'), aiFileCount: n },
    host: 'bench',
    pid: process.pid,
  });
  const withNext = { durable: 'with-next' } as const;
  // a snapshot of the size a restore writes per transition (bench/restore-scale: ~1.6 KB)
  const snapshot = {
    status: 'active',
    value: 'rollForward',
    context: { aiIndex: 0, facts: { restoreCopy: { restoredTo: dir, note: 'x'.repeat(1200) } } },
  };
  const spawns = part === 'spawn' || part === 'spawn+store';
  const writes = part === 'store' || part === 'spawn+store';
  const server = part === 'server' ? await startSpawnServer() : null;
  const f0 = minorFaults();
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const stepKey = `rollForward#${i}`;
    const file = join(dir, 'ai', `sports.ai.${String(i + 2).padStart(8, '0')}`);
    const argv = [join(dir, 'sports'), '-C', 'roll', 'forward', '-a', file];
    const at = new Date().toISOString();
    if (writes) {
      store.latestAttempt(runId, stepKey);
      store.recordIntent(runId, {
        stepKey,
        stepId: 'rollForward',
        attempt: 1,
        data: { at, probe: { busy: 'not-in-use', busyCheckedAt: 0, lgBytes: 6000 + 360 * i }, effect: 'once' },
      });
    }
    const note = (pid: number): void => {
      if (writes)
        store.appendJournal(
          runId,
          { kind: 'note', stepKey, attempt: 1, data: { spawned: { argv: ['rfutil', ...argv], host: 'bench', pid } } },
          withNext,
        );
    };
    if (server !== null) {
      if ((await server.run('/bin/true', [])) !== 0) throw new Error('/bin/true failed in the spawn server');
      continue;
    }
    const result = spawns
      ? await runTool(dlc, 'rfutil', argv, { onSpawn: note })
      : (note(process.pid), { exitCode: 0, signal: null, durationMs: 1, stdout: '', stderr: '', messages: [] });
    if (!writes) continue;
    const said = `***Beginning processing of After-image extent ${file} (17047)\nCompleted roll forward of after-image extent ${file}. (90015)`;
    store.recordCommand(
      runId,
      {
        stepKey,
        attempt: 1,
        argv: ['rfutil', ...argv],
        exitCode: result.exitCode,
        signal: result.signal,
        durationMs: result.durationMs,
        stdout: said,
        stderr: result.stderr,
        messages: [
          { number: 17047, text: `***Beginning processing of After-image extent ${file}` },
          { number: 90015, text: `Completed roll forward of after-image extent ${file}.` },
        ],
        startedAt: at,
      },
      withNext,
    );
    const facts = { file, index: i, aiSeq: i + 2, sha256: 'e'.repeat(64), bytes: 27, retry: false, appliedAt: at };
    store.recordResult(runId, { stepKey, attempt: 1, outcome: 'ok', output: { facts } }, withNext);
    snapshot.context.aiIndex = i + 1;
    store.recordTransition(
      runId,
      {
        event: { type: 'xstate.done.actor.rollForward', output: { facts } },
        from: 'rollForward',
        to: 'rollForward',
        snapshot,
      },
      withNext,
    );
  }
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(c0);
  const f1 = minorFaults();
  store.close();
  await server?.close();
  const per = Math.max(n, 1);
  return {
    wallMs: wallMs / per,
    cpuMs: (cpu.user + cpu.system) / 1000 / per,
    faults: f0 === null || f1 === null ? null : (f1 - f0) / per,
  };
}

/** A loop starting /bin/true N times (through /usr/bin/time: its process tree's CPU and faults). */
function measureLoop(what: string, cmd: string, args: string[], n: number): PerCall {
  const t0 = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', '%U %S %R', cmd, ...args], { encoding: 'utf8' });
  const wallMs = performance.now() - t0;
  const m = /([\d.]+) ([\d.]+) (\d+)\s*$/.exec(r.stderr.trim());
  if (r.status !== 0 || m === null) throw new Error(`${what} loop failed: ${r.stderr}`);
  return { wallMs: wallMs / n, cpuMs: ((Number(m[1]) + Number(m[2])) * 1000) / n, faults: Number(m[3]) / n };
}

const measureBash = (n: number): PerCall =>
  measureLoop('bash', 'bash', ['-c', `for ((i=0;i<${n};i++)); do /bin/true; done`], n);

const measureVfork = (n: number): PerCall =>
  measureLoop(
    'python3',
    'python3',
    ['-c', `import subprocess\nfor _ in range(${n}): subprocess.run(['/bin/true'])`],
    n,
  );

/** A part in a fresh node process (its own heap and page tables, as oeflow's), through /usr/bin/time. */
function treeRun(part: Part, n: number): { inside: PerCall; cpuMs: number; faults: number } {
  const dir = mkdtempSync(join(tmpdir(), 'oeflow-bench-spawn-'));
  try {
    const r = spawnSync(
      '/usr/bin/time',
      ['-f', '%U %S %R', process.execPath, fileURLToPath(import.meta.url), '--part', part, String(n), dir],
      { encoding: 'utf8' },
    );
    const m = /([\d.]+) ([\d.]+) (\d+)\s*$/.exec(r.stderr.trim());
    if (r.status !== 0 || m === null) throw new Error(`${part} failed: ${r.stderr}`);
    return {
      inside: JSON.parse(r.stdout) as PerCall,
      cpuMs: (Number(m[1]) + Number(m[2])) * 1000,
      faults: Number(m[3]),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * A part per call, as the bash loop is measured: the CPU and faults of the whole process tree
 * (the started /bin/true included), less those of the same process making no call (node's start).
 */
function inChild(part: Part, n: number): PerCall {
  const none = treeRun(part, 0);
  const some = treeRun(part, n);
  return {
    wallMs: some.inside.wallMs,
    cpuMs: (some.cpuMs - none.cpuMs) / n,
    faults: (some.faults - none.faults) / n,
  };
}

if (process.argv[2] === '--part') {
  const [, , , part, n, dir] = process.argv;
  console.log(JSON.stringify(await measurePart(part as Part, Number(n), dir!)));
} else {
  const n = Number(process.argv[2] ?? 300);
  const rounds = Number(process.env['OEFLOW_BENCH_ROUNDS'] ?? 3);
  console.log(
    `bench/spawn-cost: ${n} calls per part, ${rounds} rounds interleaved, load ${loadAverage()} on ${availableParallelism()} cores`,
  );
  const hasPython3 = spawnSync('python3', ['-c', 'import subprocess'], { stdio: 'ignore' }).status === 0;
  const names = [
    'bash',
    ...(hasPython3 ? (['vfork'] as const) : []),
    'spawn',
    'server',
    'store',
    'spawn+store',
  ] as const;
  const seen = new Map<string, PerCall[]>(names.map((k) => [k, []]));
  const measure = (name: (typeof names)[number]): PerCall =>
    name === 'bash' ? measureBash(n) : name === 'vfork' ? measureVfork(n) : inChild(name, n);
  for (let r = 0; r < rounds; r++) for (const name of names) seen.get(name)!.push(measure(name));
  if (!hasPython3) console.log('vfork: skipped (no python3 on PATH)');
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const figure = (name: string, k: keyof PerCall): number => median(seen.get(name)!.map((p) => p[k] ?? NaN));
  console.log('part          wall ms   CPU ms   minor faults   (per call, medians)');
  for (const name of names)
    console.log(
      `${name.padEnd(12)} ${figure(name, 'wallMs').toFixed(2).padStart(8)} ${figure(name, 'cpuMs').toFixed(2).padStart(8)} ${figure(name, 'faults').toFixed(0).padStart(14)}`,
    );
  const extra = figure('spawn+store', 'cpuMs') - figure('spawn', 'cpuMs') - figure('store', 'cpuMs');
  const extraFaults = figure('spawn+store', 'faults') - figure('spawn', 'faults') - figure('store', 'faults');
  console.log(
    `server / node spawn: wall ${(figure('server', 'wallMs') / figure('spawn', 'wallMs')).toFixed(2)}x (a Node spawn server forks too)`,
  );
  if (hasPython3)
    console.log(
      `vfork / node spawn: CPU ${(figure('vfork', 'cpuMs') / figure('spawn', 'cpuMs')).toFixed(2)}x, wall ${(figure('vfork', 'wallMs') / figure('spawn', 'wallMs')).toFixed(2)}x (what the same calls would cost without a fork)`,
    );
  console.log(
    `node spawn / bash start: CPU ${(figure('spawn', 'cpuMs') / figure('bash', 'cpuMs')).toFixed(2)}x, wall ${(figure('spawn', 'wallMs') / figure('bash', 'wallMs')).toFixed(2)}x; the store's writes after a spawn cost ${extra.toFixed(2)} ms CPU and ${extraFaults.toFixed(0)} page faults more per file than without one (load now ${loadAverage()})`,
  );
}
