// bench/clone (issue 14 item 5): the quiet-point window and the time to a verified backup when
// ONLINE-3 clones the database files (copy-on-write, XFS with reflink) against copying them,
// and against a script using `cp` (and `cp --reflink=always`), for databases of several sizes
// on a loop-mounted XFS image, in the same run; the growth exponent of each window is fitted
// over the sizes (window ∝ size^k). Needs root, a loop device and xfsprogs.
// Usage: node dist/bench/clone.js [MiB,MiB,…] (default 64,512,2048; or OEFLOW_BENCH_SIZES;
// quick: node dist/bench/clone.js 16,64), OEFLOW_BENCH_ROUNDS (default 2).
// OEFLOW_BENCH_BEFORE=<dir of another build> adds that build's `--copy-method clone` as a fifth
// variant, interleaved with the others (a before/after in the same run).
// OEFLOW_BENCH_CACHE=cold drops the page cache (as root) before every variant: the copy path
// then reads the database files from the disk, as the clone path always reads its clone (a new
// file: none of the source's cached pages are its own), and as a database larger than RAM is read.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { loopFsUnavailable, mountLoopFs } from './loop-fs.js';
import { minMedian, simDb } from './sim-db.js';

const sizes = String(process.argv[2] ?? process.env['OEFLOW_BENCH_SIZES'] ?? '64,512,2048')
  .split(',')
  .map(Number);
const rounds = Number(process.env['OEFLOW_BENCH_ROUNDS'] ?? 2);
const cold = process.env['OEFLOW_BENCH_CACHE'] === 'cold';
const load = (): string =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

type Variant = 'oeflow clone' | 'oeflow copy' | 'script cp' | 'script cp --reflink' | 'before: oeflow clone';
const beforeDir = process.env['OEFLOW_BENCH_BEFORE'];
const beforeCli = beforeDir === undefined ? undefined : join(beforeDir, 'dist/src/cli/bin.js');
if (beforeCli !== undefined && !existsSync(beforeCli))
  throw new Error(`OEFLOW_BENCH_BEFORE: ${beforeCli} is missing (build that tree first)`);
const variants: Variant[] = [
  'oeflow clone',
  'oeflow copy',
  'script cp',
  'script cp --reflink',
  ...(beforeCli === undefined ? [] : (['before: oeflow clone'] as const)),
];

/** Least-squares slope of log(y) over log(x). */
function exponent(xs: number[], ys: number[]): number {
  const lx = xs.map(Math.log);
  const ly = ys.map((y) => Math.log(Math.max(y, 0.001)));
  const mx = lx.reduce((a, b) => a + b, 0) / lx.length;
  const my = ly.reduce((a, b) => a + b, 0) / ly.length;
  const num = lx.reduce((a, x, i) => a + (x - mx) * (ly[i]! - my), 0);
  const den = lx.reduce((a, x) => a + (x - mx) ** 2, 0);
  return den === 0 ? 0 : num / den;
}

async function main(): Promise<void> {
  const missing = loopFsUnavailable('xfs');
  if (missing !== null) {
    console.error(`bench/clone cannot run here: ${missing}`);
    process.exitCode = 2;
    return;
  }
  const loadBefore = load();
  const fs = mountLoopFs('xfs', Math.max(...sizes) * 2 + 1024);
  const figures = new Map<Variant, { window: number[]; total: number[] }[]>(variants.map((v) => [v, []]));
  try {
    for (const mib of sizes) {
      const sim = await simDb(fs.dir, mib);
      const byVariant = new Map<Variant, { window: number[]; total: number[] }>(
        variants.map((v) => [v, { window: [], total: [] }]),
      );
      try {
        for (let i = 0; i < rounds; i++) {
          for (const v of variants) {
            // the destination is another file system, as a backup's usually is
            const dest = mkdtempSync(join(tmpdir(), 'oeflow-bench-clone-dest-'));
            // untimed; fails loudly without root
            if (cold) execFileSync('sh', ['-c', 'sync && echo 3 > /proc/sys/vm/drop_caches']);
            try {
              const f = byVariant.get(v)!;
              if (v.includes('oeflow')) {
                const method = v === 'oeflow copy' ? 'copy' : 'clone';
                const r = await sim.oeflow(
                  ['backup', 'online', sim.db, '--to', join(dest, 'bk'), '--copy-method', method],
                  v === 'before: oeflow clone' ? beforeCli : undefined,
                );
                if (r.json['copyMethod'] !== method) throw new Error(`${v} ran ${String(r.json['copyMethod'])}`);
                f.window.push(Number(r.json['quietWindowMs']));
                f.total.push(r.ms);
              } else {
                // the script's cp --reflink clones into the staging side of the same file system (a reflink cannot cross)
                const target = v === 'script cp --reflink' ? join(fs.dir, `reflink-${mib}-${i}`) : join(dest, 'bk');
                const r = await sim.script(target, v === 'script cp --reflink' ? '--reflink=always' : undefined);
                rmSync(target, { recursive: true, force: true });
                f.window.push(r.windowMs);
                f.total.push(r.totalMs);
              }
            } finally {
              rmSync(dest, { recursive: true, force: true });
            }
            await sim.archive();
          }
        }
      } finally {
        await sim.stop();
      }
      for (const v of variants) figures.get(v)!.push(byVariant.get(v)!);
    }
  } finally {
    fs.cleanup();
  }
  console.log(
    `online backup on a loop-mounted XFS (reflink), destination on ${tmpdir()}; ${rounds} rounds; page cache ${cold ? 'dropped before every variant' : 'warm (the source as the simulator wrote it)'}; ms, min / median`,
  );
  console.log(
    `| variant | ${sizes.map((s) => `window ${s} MiB`).join(' | ')} | window exponent | ${sizes.map((s) => `total ${s} MiB`).join(' | ')} |`,
  );
  console.log(`|---|${sizes.map(() => '---:').join('|')}|---:|${sizes.map(() => '---:').join('|')}|`);
  for (const v of variants) {
    const rows = figures.get(v)!;
    const windows = rows.map((r) => minMedian(r.window));
    const totals = rows.map((r) => minMedian(r.total));
    const k = exponent(
      sizes,
      windows.map((w) => w.median),
    );
    console.log(
      `| ${v} | ${windows.map((w) => `${w.min.toFixed(0)} / ${w.median.toFixed(0)}`).join(' | ')} | ${k.toFixed(2)} | ${totals.map((t) => `${t.min.toFixed(0)} / ${t.median.toFixed(0)}`).join(' | ')} |`,
    );
  }
  const ratio = (a: Variant, b: Variant, what: 'window' | 'total'): string =>
    sizes
      .map((s, i) => {
        const x = minMedian(figures.get(a)![i]![what]).median;
        const y = minMedian(figures.get(b)![i]![what]).median;
        return `${s} MiB ${(x / y).toFixed(2)}×`;
      })
      .join(', ');
  console.log(
    `oeflow clone / oeflow copy, total to a verified backup (median): ${ratio('oeflow clone', 'oeflow copy', 'total')}`,
  );
  console.log(
    `oeflow clone / script cp --reflink, quiet window (median): ${ratio('oeflow clone', 'script cp --reflink', 'window')}`,
  );
  console.log(`oeflow clone / oeflow copy, quiet window (median): ${ratio('oeflow clone', 'oeflow copy', 'window')}`);
  if (beforeCli !== undefined) {
    console.log(
      `before (${beforeDir}): clone / oeflow copy, total (median): ${ratio('before: oeflow clone', 'oeflow copy', 'total')}`,
    );
    console.log(
      `oeflow clone / before clone, total (median): ${ratio('oeflow clone', 'before: oeflow clone', 'total')}`,
    );
  }
  console.log(`load average before: ${loadBefore}, after: ${load()}`);
}

await main();
