// bench/quiet-window (issue 9 item 1): how long an online backup holds the quiet point — every
// production write waits that long — and how long the whole backup takes, oeflow against a
// bash script making the same utility calls (bench/quiet-window.sh), on the same simulated
// database in the same run. Usage: node dist/bench/quiet-window.js [MiB] (default 64; or
// OEFLOW_BENCH_MB), OEFLOW_BENCH_ROUNDS (default 3), OEFLOW_BENCH_DIR (default the OS temp
// dir; on an XFS with reflink, add OEFLOW_BENCH_METHOD=auto to time the clone path).
// OEFLOW_BENCH_BASE_CLI=<another build's dist/src/cli/bin.js> also times that build in the same
// interleaved rounds (A/B of a change on the same database and load).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { phaseTable, type ShowJson, type TimedBackup } from './backup-phases.js';
import { minMedian, simDb } from './sim-db.js';
import { loadAverage } from './load.js';

const mib = Number(process.argv[2] ?? process.env['OEFLOW_BENCH_MB'] ?? 64);
const rounds = Number(process.env['OEFLOW_BENCH_ROUNDS'] ?? 3);
const method = process.env['OEFLOW_BENCH_METHOD'] ?? 'copy';
const baseCli = process.env['OEFLOW_BENCH_BASE_CLI'];

async function main(): Promise<void> {
  const loadBefore = loadAverage();
  const parent = process.env['OEFLOW_BENCH_DIR'] ?? tmpdir();
  const sim = await simDb(parent, mib);
  const dests = mkdtempSync(join(tmpdir(), 'oeflow-bench-dest-'));
  const o = { window: [] as number[], total: [] as number[] };
  const b = { window: [] as number[], total: [] as number[] };
  const a = { window: [] as number[], total: [] as number[] };
  const timed: TimedBackup[] = [];
  const timedBase: TimedBackup[] = [];
  try {
    // interleaved rounds: both see the same machine load
    for (let i = 0; i < rounds; i++) {
      const backup = (to: string, cli?: string) =>
        sim.oeflow(['backup', 'online', sim.db, '--to', join(dests, to), '--copy-method', method], cli);
      const run = await backup(`oeflow-${i}`);
      o.window.push(Number(run.json['quietWindowMs']));
      o.total.push(run.ms);
      const show = await sim.oeflow(['show', String(run.json['runId'])]);
      timed.push({ startedAt: run.startedAt, ms: run.ms, show: show.json as unknown as ShowJson });
      await sim.archive();
      if (baseCli !== undefined) {
        const base = await backup(`base-${i}`, baseCli);
        a.window.push(Number(base.json['quietWindowMs']));
        a.total.push(base.ms);
        const baseShow = await sim.oeflow(['show', String(base.json['runId'])], baseCli);
        timedBase.push({ startedAt: base.startedAt, ms: base.ms, show: baseShow.json as unknown as ShowJson });
        await sim.archive();
      }
      const script = await sim.script(join(dests, `script-${i}`));
      b.window.push(script.windowMs);
      b.total.push(script.totalMs);
      await sim.archive();
    }
  } finally {
    await sim.stop();
    rmSync(dests, { recursive: true, force: true });
  }
  const row = (name: string, xs: number[], base: number[]): string => {
    const m = minMedian(xs);
    const bm = minMedian(base);
    return `| ${name} | ${m.min.toFixed(0)} / ${m.median.toFixed(0)} | ${(m.min / bm.min).toFixed(2)}× / ${(m.median / bm.median).toFixed(2)}× |`;
  };
  console.log(
    `quiet-point window and online backup, ${mib} MiB database, ${rounds} rounds, oeflow --copy-method ${method} (ms, min / median; ratio to the script)`,
  );
  console.log('| variant | ms | vs script |');
  console.log('|---|---:|---:|');
  console.log(row('script: quiet window (enable → disable)', b.window, b.window));
  console.log(row('oeflow: quiet window (quietWindowMs)', o.window, b.window));
  if (baseCli !== undefined) console.log(row('base build: quiet window (quietWindowMs)', a.window, b.window));
  console.log(row('script: whole backup', b.total, b.total));
  console.log(row('oeflow: whole backup (process start to exit)', o.total, b.total));
  if (baseCli !== undefined) console.log(row('base build: whole backup', a.total, b.total));
  console.log(`\n${phaseTable(timed)}\n`);
  if (baseCli !== undefined) console.log(`base build:\n${phaseTable(timedBase)}\n`);
  console.log(`load average before: ${loadBefore}, after: ${loadAverage()}`);
}

await main();
