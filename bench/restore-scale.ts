// bench/restore-scale: the AI-chain proof and the roll forward of `oeflow restore` at N AI
// files, each against a bare bash loop making the same utility calls, plus `show` of the
// finished restore (time and peak memory). For every N it builds a simulated database and an
// online backup (the simulator), then replaces the hot utility calls with tiny bash stubs (the
// bench's fake DLC, the same for oeflow and for the loop): `rfutil -C aimage scan` answers from
// the file's first line, `rfutil -C roll forward` prints and logs the begin/complete messages,
// `proutil -C busy` says "not in use"; every other call goes to the simulator.
// Usage: node dist/bench/restore-scale.js [N...] (default 200 2000); OEFLOW_BENCH_DIR.
// OEFLOW_BENCH_BEFORE=<dir of another build> (its dist/ built) adds that build's cold plan and
// roll forward, in the same run, on a copy of the same store (taken before any plan), each
// variant run right after this build's (A/B interleaved); its ratios print on a second line.
// OEFLOW_BENCH_KEEP=1 keeps each size's directory (printed on stderr) for profiling.
import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadAverage } from './load.js';

const sizes = process.argv
  .slice(2)
  .map(Number)
  .filter((n) => n > 0);
if (sizes.length === 0) sizes.push(200, 2000);
const CLI = join(dirname(fileURLToPath(import.meta.url)), '../src/cli/bin.js');
const beforeDir = process.env['OEFLOW_BENCH_BEFORE'];
const BEFORE_CLI = beforeDir === undefined ? undefined : join(beforeDir, 'dist/src/cli/bin.js');
if (BEFORE_CLI !== undefined && !existsSync(BEFORE_CLI))
  throw new Error(`OEFLOW_BENCH_BEFORE: ${BEFORE_CLI} is missing (build that tree first)`);

interface Ran {
  ms: number;
  stdout: string;
  maxRssKb: number | null;
  /** user + system CPU of the process and every child it waited for (the utilities), ms. */
  cpuMs: number | null;
  /** Minor page faults of the same process tree. */
  minorFaults: number | null;
}

/**
 * Run a command: wall time and, through /usr/bin/time, the peak RSS of the child and the CPU and
 * minor page faults of its process tree (a utility's own included, on both sides: the difference
 * is what the caller adds per call; after a fork every page the parent writes faults once).
 */
function run(cmd: string, args: string[], env: NodeJS.ProcessEnv, what: string): Ran {
  const t0 = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', '%M %U %S %R', cmd, ...args], {
    env,
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${what} failed (${r.status}): ${r.stderr.slice(-2000)}`);
  const m = /(\d+) ([\d.]+) ([\d.]+) (\d+)\s*$/.exec(r.stderr.trim());
  return {
    ms,
    stdout: r.stdout,
    maxRssKb: m ? Number(m[1]) : null,
    cpuMs: m ? (Number(m[2]) + Number(m[3])) * 1000 : null,
    minorFaults: m ? Number(m[4]) : null,
  };
}

const oeflow = (args: string[], env: NodeJS.ProcessEnv, what: string, cli = CLI): Ran =>
  run(process.execPath, [cli, ...args], env, what);

const STUB_RFUTIL = `#!/bin/bash
# bench stub: the two hot rfutil calls of a restore; everything else goes to the simulator
if [ "$2 $3 $4" = "-C aimage scan" ]; then
  IFS='|' read -r seq begin < "$6" || exit 1
  echo "OpenEdge Release 12.8 as of Fri Sep 13 10:00:00 EDT 2024"
  echo "After-image dates for this after-image file: (1633)"
  echo "    Last AIMAGE BEGIN $begin (1640)"
  echo "    This is aimage file number $seq since the last AIMAGE BEGIN. (1642)"
  exit 0
fi
if [ "$2 $3 $4" = "-C roll forward" ]; then
  for last; do :; done
  stamp=$(printf '%(%Y/%m/%d@%H:%M:%S)T')
  z=$(printf '%(%z)T')
  printf '[%s.000%s] P-%d T-%d I RFUTIL  5: (17047) ***Beginning processing of After-image extent %s\\n[%s.000%s] P-%d T-%d I RFUTIL  5: (90015) Completed roll forward of after-image extent %s.\\n' "$stamp" "$z" $$ $$ "$last" "$stamp" "$z" $$ $$ "$last" >> "$1.lg"
  echo "***Beginning processing of After-image extent $last (17047)"
  echo "Completed roll forward of after-image extent $last. (90015)"
  exit 0
fi
exec "\${0%/*}/sim-rfutil" "$@"
`;
const STUB_PROUTIL = `#!/bin/bash
if [ "$2 $3" = "-C busy" ]; then echo "The database $1 is not in use. (90028)"; exit 0; fi
exec "\${0%/*}/sim-proutil" "$@"
`;

function installStubs(dlc: string): void {
  for (const [u, text] of [
    ['rfutil', STUB_RFUTIL],
    ['proutil', STUB_PROUTIL],
  ] as const) {
    renameSync(join(dlc, 'bin', u), join(dlc, 'bin', `sim-${u}`));
    writeFileSync(join(dlc, 'bin', u), text);
    chmodSync(join(dlc, 'bin', u), 0o755);
  }
}

interface Figures {
  n: number;
  scanLoopMs: number;
  planColdMs: number;
  planWarmMs: number;
  rfLoopMs: number;
  rfOeflowMs: number;
  restoreWallMs: number;
  journalBytes: number;
  snapshotBytes: number;
  rows: number;
  showMs: number;
  showRssMb: number | null;
  showJsonMs: number;
  /** CPU (ms) and minor faults of each process tree: the loops, the cold plan, the whole restore. */
  tree: { scanLoop: Ran; planCold: Ran; rfLoop: Ran; restore: Ran };
  /** The OEFLOW_BENCH_BEFORE build's cold plan and roll forward, same run. */
  before?: { planColdMs: number; rfOeflowMs: number };
}

/** The roll-forward phase of a finished restore: from the first file's intent to the run's last row. */
function rollForwardPhase(state: string, stdout: string): { runId: string; ms: number; rows: RowLen[] } {
  const result = JSON.parse(stdout) as { runId: string; status: string };
  if (result.status !== 'completed') throw new Error(`restore ended ${result.status}`);
  const s = new Database(state, { readonly: true });
  const rows = s
    .prepare(`SELECT at, step_key AS k, length(data_json) AS len FROM journal WHERE run_id = ? ORDER BY seq`)
    .all(result.runId) as RowLen[];
  s.close();
  const first = rows.find((r) => r.k === 'rollForward#0');
  return { runId: result.runId, ms: Date.parse(rows.at(-1)!.at) - Date.parse(first!.at), rows };
}

interface RowLen {
  at: string;
  k: string | null;
  len: number;
}

function measure(n: number): Figures {
  const root = mkdtempSync(join(process.env['OEFLOW_BENCH_DIR'] ?? tmpdir(), `oeflow-bench-restore-${n}-`));
  const state = join(root, 'state.db');
  let env: NodeJS.ProcessEnv = { ...process.env, OEFLOW_STATE: state };
  let db = '';
  let dlc = '';
  try {
    const made = JSON.parse(
      oeflow(['sim', 'init', join(root, 'sim'), '--serve', '--json'], env, 'sim init').stdout,
    ) as { dlc: string; db: string };
    db = made.db;
    dlc = made.dlc;
    env = { ...env, DLC: made.dlc, PATH: `${made.dlc}/bin:${process.env['PATH'] ?? ''}` };
    const bk = JSON.parse(
      oeflow(['--json', 'backup', 'online', db, '--to', join(root, 'bk')], env, 'backup').stdout,
    ) as { backupId: string };
    const store = new Database(state, { readonly: true });
    const backup = store
      .prepare('SELECT paired_ai_seq AS seq, db_identity_json AS id FROM backups WHERE backup_id = ?')
      .get(bk.backupId) as { seq: number; id: string };
    store.close();
    const begin = (JSON.parse(backup.id) as { aiBeginDate: string }).aiBeginDate;
    installStubs(made.dlc);
    const aiDir = join(root, 'ai');
    mkdirSync(aiDir);
    const files: string[] = [];
    for (let i = 0; i < n; i++) {
      const f = join(aiDir, `sports.ai.${String(backup.seq + i).padStart(8, '0')}`);
      writeFileSync(f, `${backup.seq + i}|${begin}\n`);
      files.push(f);
    }
    writeFileSync(join(root, 'files.txt'), `${files.join('\n')}\n`);
    // the bare loops: the same stubs, from bash
    const bareDb = join(root, 'bare', 'sports');
    mkdirSync(dirname(bareDb));
    const scanLoop = run(
      'bash',
      ['-c', `while read -r f; do rfutil ${db} -C aimage scan -a "$f" > /dev/null || exit 1; done < ${root}/files.txt`],
      env,
      'scan loop',
    );
    const rfLoop = run(
      'bash',
      [
        '-c',
        `while read -r f; do rfutil ${bareDb} -C roll forward -a "$f" > /dev/null || exit 1; done < ${root}/files.txt`,
      ],
      env,
      'roll forward loop',
    );
    const restoreArgs = ['restore', bk.backupId, '--into', join(root, 'restore'), '--ai', aiDir, '--json'];
    // the before build gets its own copy of the store as it is now (no scan cached yet)
    const beforeState = join(root, 'state-before.db');
    const beforeEnv = { ...env, OEFLOW_STATE: beforeState };
    if (BEFORE_CLI !== undefined) {
      const src = new Database(state);
      src.exec(`VACUUM INTO '${beforeState.replaceAll("'", "''")}'`);
      src.close();
    }
    const beforeArgs = ['restore', bk.backupId, '--into', join(root, 'restore-before'), '--ai', aiDir, '--json'];
    const planCold = oeflow([...restoreArgs, '--plan'], env, 'plan (cold)');
    const beforePlanCold =
      BEFORE_CLI === undefined
        ? undefined
        : oeflow([...beforeArgs, '--plan'], beforeEnv, 'before: plan (cold)', BEFORE_CLI);
    const planWarm = oeflow([...restoreArgs, '--plan'], env, 'plan (cached)');
    const restore = oeflow(restoreArgs, env, 'restore');
    const beforeRestore =
      BEFORE_CLI === undefined ? undefined : oeflow(beforeArgs, beforeEnv, 'before: restore', BEFORE_CLI);
    const phase = rollForwardPhase(state, restore.stdout);
    const rows = phase.rows;
    const s = new Database(state, { readonly: true });
    const snap = s.prepare('SELECT length(snapshot_json) AS len FROM runs WHERE run_id = ?').get(phase.runId) as {
      len: number;
    };
    s.close();
    const rfOeflowMs = phase.ms;
    const result = { runId: phase.runId };
    const show = oeflow(['show', result.runId], env, 'show');
    const showJson = oeflow(['show', result.runId, '--json'], env, 'show --json');
    return {
      n,
      scanLoopMs: scanLoop.ms,
      planColdMs: planCold.ms,
      planWarmMs: planWarm.ms,
      rfLoopMs: rfLoop.ms,
      rfOeflowMs,
      restoreWallMs: restore.ms,
      journalBytes: rows.reduce((a, r) => a + r.len, 0),
      snapshotBytes: snap.len,
      rows: rows.length,
      showMs: show.ms,
      showRssMb: show.maxRssKb === null ? null : show.maxRssKb / 1024,
      showJsonMs: showJson.ms,
      tree: { scanLoop, planCold, rfLoop, restore },
      ...(beforePlanCold === undefined || beforeRestore === undefined
        ? {}
        : {
            before: {
              planColdMs: beforePlanCold.ms,
              rfOeflowMs: rollForwardPhase(beforeState, beforeRestore.stdout).ms,
            },
          }),
    };
  } finally {
    if (db) spawnSync(join(dlc, 'bin', 'proshut'), [db, '-by'], { env, stdio: 'ignore' }); // the simulator's server
    // OEFLOW_BENCH_KEEP=1 keeps the fixture (store, backup, stub DLC, AI files) for profiling
    if (process.env['OEFLOW_BENCH_KEEP'] === '1') console.error(`kept ${root}`);
    else rmSync(root, { recursive: true, force: true });
  }
}

const nodeZero = Math.min(...[0, 1, 2].map(() => run(process.execPath, ['-e', '0'], process.env, 'node -e 0').ms));
console.log(
  `bench/restore-scale: stub utilities (bash), load ${loadAverage()} on ${availableParallelism()} cores; node -e 0 = ${nodeZero.toFixed(0)} ms`,
);
console.log('');
const f1 = (x: number): string => x.toFixed(1);
console.log(
  'files  chain proof: bash loop  oeflow plan   ratio  cached plan  ratio | roll forward: bash loop  oeflow   ratio  per file | journal KB  rows  snapshot B | show ms  MB   show --json ms',
);
const all: Figures[] = [];
// each size's line as soon as it is measured: a long run leaves its figures so far
for (const n of sizes) {
  const f = measure(n);
  all.push(f);
  console.log(
    `${String(f.n).padStart(5)}  ${f1(f.scanLoopMs / 1000).padStart(19)} s ${f1(f.planColdMs / 1000).padStart(9)} s ${(f.planColdMs / f.scanLoopMs).toFixed(2).padStart(6)}x ${f1(f.planWarmMs / 1000).padStart(9)} s ${(f.planWarmMs / f.scanLoopMs).toFixed(2).padStart(5)}x | ${f1(f.rfLoopMs / 1000).padStart(21)} s ${f1(f.rfOeflowMs / 1000).padStart(6)} s ${(f.rfOeflowMs / f.rfLoopMs).toFixed(2).padStart(6)}x ${f1(f.rfOeflowMs / f.n).padStart(6)} ms | ${(f.journalBytes / 1024).toFixed(0).padStart(10)} ${String(f.rows).padStart(5)} ${String(f.snapshotBytes).padStart(10)} | ${f.showMs.toFixed(0).padStart(7)} ${f.showRssMb?.toFixed(0) ?? '?'} ${f.showJsonMs.toFixed(0).padStart(8)}  (load now ${loadAverage()})`,
  );
  const per = (r: Ran, x: 'cpuMs' | 'minorFaults', digits: number): string =>
    r[x] === null ? '?' : (r[x] / f.n).toFixed(digits);
  const t = f.tree;
  console.log(
    `${String(f.n).padStart(5)}  per file, process tree (utilities included): CPU ms scan loop ${per(t.scanLoop, 'cpuMs', 1)}, cold plan ${per(t.planCold, 'cpuMs', 1)} | roll forward loop ${per(t.rfLoop, 'cpuMs', 1)}, whole restore ${per(t.restore, 'cpuMs', 1)}; minor faults scan loop ${per(t.scanLoop, 'minorFaults', 0)}, cold plan ${per(t.planCold, 'minorFaults', 0)} | roll forward loop ${per(t.rfLoop, 'minorFaults', 0)}, whole restore ${per(t.restore, 'minorFaults', 0)}`,
  );
  if (f.before !== undefined)
    console.log(
      `${String(f.n).padStart(5)}  before (${beforeDir}): plan ${f1(f.before.planColdMs / 1000)} s ${(f.before.planColdMs / f.scanLoopMs).toFixed(2)}x | roll forward ${f1(f.before.rfOeflowMs / 1000)} s ${(f.before.rfOeflowMs / f.rfLoopMs).toFixed(2)}x ${f1(f.before.rfOeflowMs / f.n)} ms per file | this build / before: plan ${(f.planColdMs / f.before.planColdMs).toFixed(2)}x, roll forward ${(f.rfOeflowMs / f.before.rfOeflowMs).toFixed(2)}x`,
    );
}
if (all.length >= 2) {
  const a = all[0]!;
  const b = all.at(-1)!;
  const k = (x: number, y: number): string => (Math.log(y / x) / Math.log(b.n / a.n)).toFixed(2);
  console.log('');
  console.log(
    `growth exponent ${a.n} → ${b.n} files (time ∝ files^k): chain proof k = ${k(a.planColdMs, b.planColdMs)} (bash loop ${k(a.scanLoopMs, b.scanLoopMs)}), roll forward k = ${k(a.rfOeflowMs, b.rfOeflowMs)} (bash loop ${k(a.rfLoopMs, b.rfLoopMs)}), journal bytes k = ${k(a.journalBytes, b.journalBytes)}`,
  );
}
