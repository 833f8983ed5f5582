// bench/clone (issue 14 item 5): the quiet-point window and the time to a verified backup when
// ONLINE-3 clones the database files (copy-on-write, XFS with reflink) against copying them,
// and against a script using `cp` (and `cp --reflink=always`), for databases of several sizes
// on a loop-mounted XFS image, in the same run; the growth exponent of each window is fitted
// over the sizes (window ∝ size^k). Needs root, a loop device and xfsprogs.
// Usage: node dist/bench/clone.js [MiB,MiB,…] (default 64,512,2048; or OEFLOW_BENCH_SIZES;
// quick: node dist/bench/clone.js 16,64), OEFLOW_BENCH_ROUNDS (default 2).
// OEFLOW_BENCH_CACHE=both (default) | cold | warm: the page cache before every variant.
//   cold: `sync; echo 3 > /proc/sys/vm/drop_caches` (root). The realistic case, on which the
//     goal is judged: a nightly backup of a large database finds none of it in the page cache,
//     so the copy path reads the database files from the disk, as the clone path reads its
//     clone (a new file: none of the source's cached pages are its own).
//   warm: the database files are read once (untimed) so that they are all cached, as right
//     after the simulator wrote them. Only the copy path gains: the clone is still read from
//     the disk.
//   both: every round runs every variant cold, then every variant warm (interleaved).
// Besides wall times (which follow the machine's load), every variant reports two
// load-independent figures: the CPU seconds of the process tree it started (oeflow with its
// utilities, or the script with its `cp`) and the MiB read from the database's disk (the loop
// device's sector count in /sys/block).
// OEFLOW_BENCH_BEFORE=<dir of another build> adds that build's `--copy-method clone` as a fifth
// variant, interleaved with the others (a before/after in the same run).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { loopFsUnavailable, mountLoopFs } from './loop-fs.js';
import { minMedian, simDb } from './sim-db.js';
import { loadAverage } from './load.js';

const sizes = String(process.argv[2] ?? process.env['OEFLOW_BENCH_SIZES'] ?? '64,512,2048')
  .split(',')
  .map(Number);
const rounds = Number(process.env['OEFLOW_BENCH_ROUNDS'] ?? 2);
type Cache = 'cold' | 'warm';
const cacheEnv = process.env['OEFLOW_BENCH_CACHE'] ?? 'both';
if (!['both', 'cold', 'warm'].includes(cacheEnv)) throw new Error(`OEFLOW_BENCH_CACHE=${cacheEnv}: both, cold or warm`);
const caches: Cache[] = cacheEnv === 'both' ? ['cold', 'warm'] : [cacheEnv as Cache];

type Variant = 'oeflow clone' | 'oeflow copy' | 'script cp' | 'script cp --reflink' | 'before: oeflow clone';
const beforeDir = process.env['OEFLOW_BENCH_BEFORE'];
const beforeCli = beforeDir === undefined ? undefined : join(beforeDir, 'dist/src/cli/bin.js');
if (beforeCli !== undefined && !existsSync(beforeCli))
  throw new Error(`OEFLOW_BENCH_BEFORE: ${beforeCli} is missing (build that tree first)`);
const variants: Variant[] = [
  'oeflow clone',
  'oeflow copy',
  ...(beforeCli === undefined ? [] : (['before: oeflow clone'] as const)),
  'script cp',
  'script cp --reflink',
];

/** One variant's figures at one size and cache state, one entry per round. */
interface Figures {
  window: number[];
  total: number[];
  /** CPU seconds (user + system) of the process tree the variant started. */
  cpu: number[];
  /** MiB read from the database's file system (the loop device). */
  readMib: number[];
}
const noFigures = (): Figures => ({ window: [], total: [], cpu: [], readMib: [] });

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

const clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());

/** CPU seconds of this process's waited-for children so far (cutime + cstime in /proc/self/stat). */
function childrenCpu(): number {
  // the fields after the command name, which is in parentheses and may hold spaces
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
  const ticks = Number(fields[13]) + Number(fields[14]); // fields 16 and 17 of proc(5), counted from 1 with pid and comm
  return ticks / clockTicks;
}

/** MiB read so far from block device `dev` (sector count of /sys/block/<dev>/stat, 512-byte sectors). */
function mibRead(dev: string): number {
  const sectors = Number(readFileSync(`/sys/block/${dev}/stat`, 'utf8').trim().split(/\s+/)[2]);
  return (sectors * 512) / 1048576;
}

/** Put the page cache in the state a variant starts from (untimed). */
function prepareCache(cache: Cache, dbDir: string): void {
  // written pages are flushed first either way, so one variant's writeback is not billed to the next
  execFileSync('sync');
  if (cache === 'cold')
    execFileSync('sh', ['-c', 'echo 3 > /proc/sys/vm/drop_caches']); // fails loudly without root
  else execFileSync('sh', ['-c', 'find "$1" -type f -exec cat {} + > /dev/null', 'sh', dbDir]);
}

async function main(): Promise<void> {
  const missing = loopFsUnavailable('xfs');
  if (missing !== null) {
    console.error(`bench/clone cannot run here: ${missing}`);
    process.exitCode = 2;
    return;
  }
  const loadBefore = loadAverage();
  const fs = mountLoopFs('xfs', Math.max(...sizes) * 2 + 1024);
  const dev = basename(fs.device);
  // figures[cache][variant][size index]
  const figures = new Map<Cache, Map<Variant, Figures[]>>(
    caches.map((c) => [c, new Map(variants.map((v) => [v, sizes.map(noFigures)]))]),
  );
  try {
    for (const [si, mib] of sizes.entries()) {
      const sim = await simDb(fs.dir, mib);
      try {
        for (let i = 0; i < rounds; i++) {
          for (const cache of caches) {
            for (const v of variants) {
              // the destination is another file system, as a backup's usually is
              const dest = mkdtempSync(join(tmpdir(), 'oeflow-bench-clone-dest-'));
              try {
                const f = figures.get(cache)!.get(v)![si]!;
                prepareCache(cache, dirname(sim.db));
                const cpu0 = childrenCpu();
                const read0 = mibRead(dev);
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
                f.cpu.push(childrenCpu() - cpu0);
                f.readMib.push(mibRead(dev) - read0);
                console.error(
                  `${mib} MiB round ${i + 1} ${cache} ${v}: total ${f.total.at(-1)!.toFixed(0)} ms, window ${f.window.at(-1)!.toFixed(0)} ms, cpu ${f.cpu.at(-1)!.toFixed(2)} s, read ${f.readMib.at(-1)!.toFixed(0)} MiB, load ${loadAverage()}`,
                );
              } finally {
                rmSync(dest, { recursive: true, force: true });
              }
              await sim.archive();
            }
          }
        }
      } finally {
        await sim.stop();
      }
    }
  } finally {
    fs.cleanup();
  }
  const med = (xs: number[]): number => minMedian(xs).median;
  for (const cache of caches) {
    const byVariant = figures.get(cache)!;
    console.log(
      `\nonline backup on a loop-mounted XFS (reflink), destination on ${tmpdir()}; ${rounds} rounds; page cache ${cache === 'cold' ? 'dropped before every variant (the realistic case: the goal is judged on it)' : 'warm (the database files read once before every variant)'}; ms min / median, CPU s and MiB read median`,
    );
    console.log(
      `| variant | ${sizes.map((s) => `window ${s} MiB`).join(' | ')} | window exponent | ${sizes.map((s) => `total ${s} MiB`).join(' | ')} | ${sizes.map((s) => `CPU s ${s} MiB`).join(' | ')} | ${sizes.map((s) => `MiB read ${s} MiB`).join(' | ')} |`,
    );
    console.log(
      `|---|${sizes.map(() => '---:').join('|')}|---:|${[1, 2, 3].flatMap(() => sizes.map(() => '---:')).join('|')}|`,
    );
    for (const v of variants) {
      const rows = byVariant.get(v)!;
      const windows = rows.map((r) => minMedian(r.window));
      const totals = rows.map((r) => minMedian(r.total));
      const k = exponent(
        sizes,
        windows.map((w) => w.median),
      );
      console.log(
        `| ${v} | ${windows.map((w) => `${w.min.toFixed(0)} / ${w.median.toFixed(0)}`).join(' | ')} | ${k.toFixed(2)} | ${totals.map((t) => `${t.min.toFixed(0)} / ${t.median.toFixed(0)}`).join(' | ')} | ${rows.map((r) => med(r.cpu).toFixed(2)).join(' | ')} | ${rows.map((r) => med(r.readMib).toFixed(0)).join(' | ')} |`,
      );
    }
    const ratio = (a: Variant, b: Variant, what: keyof Figures): string =>
      sizes
        .map((s, i) => `${s} MiB ${(med(byVariant.get(a)![i]![what]) / med(byVariant.get(b)![i]![what])).toFixed(2)}×`)
        .join(', ');
    console.log(
      `${cache}: oeflow clone / oeflow copy, total to a verified backup (median): ${ratio('oeflow clone', 'oeflow copy', 'total')}`,
    );
    console.log(
      `${cache}: oeflow clone / oeflow copy, CPU seconds (median): ${ratio('oeflow clone', 'oeflow copy', 'cpu')}`,
    );
    console.log(
      `${cache}: oeflow clone / script cp --reflink, quiet window (median): ${ratio('oeflow clone', 'script cp --reflink', 'window')}`,
    );
    console.log(
      `${cache}: oeflow clone / oeflow copy, quiet window (median): ${ratio('oeflow clone', 'oeflow copy', 'window')}`,
    );
    if (beforeCli !== undefined) {
      console.log(
        `${cache}: before (${beforeDir}) clone / oeflow copy, total (median): ${ratio('before: oeflow clone', 'oeflow copy', 'total')}`,
      );
      console.log(
        `${cache}: oeflow clone / before clone, total (median): ${ratio('oeflow clone', 'before: oeflow clone', 'total')}`,
      );
      console.log(
        `${cache}: oeflow clone / before clone, CPU seconds (median): ${ratio('oeflow clone', 'before: oeflow clone', 'cpu')}`,
      );
    }
  }
  console.log(`load average before: ${loadBefore}, after: ${loadAverage()}`);
}

await main();
