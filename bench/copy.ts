// bench/copy: the copier's throughput as a ratio to `cp` and to `cp` + `sha256sum` on the same
// files in the same run. Usage: node dist/bench/copy.js [MiB] (or OEFLOW_BENCH_MB; default 1024),
// OEFLOW_BENCH_ROUNDS (default 2), OEFLOW_BENCH_DIR (default the OS temp dir),
// OEFLOW_BENCH_CACHE=cold, OEFLOW_BENCH_READ_MBPS=<MB/s> (see bench/README.md, "copy").
import { randomFillSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, openSync, rmSync, writeSync, closeSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { copyDatabaseFiles, formatBytes, type CopySource } from '../src/copy/index.js';
import { capReads, type ReadThrottle } from './read-throttle.js';
import { loadAverage } from './load.js';

const FILES = 6;
const totalMiB = Number(process.argv[2] ?? process.env['OEFLOW_BENCH_MB'] ?? 1024);
const rounds = Number(process.env['OEFLOW_BENCH_ROUNDS'] ?? 2);
// OEFLOW_BENCH_CACHE=cold drops the page cache before every run (needs root): the sources
// then come from disk, as a production database larger than RAM does during a backup.
// OEFLOW_BENCH_READ_MBPS=N also caps reads from the bench disk at N MB/s (root, cgroup v1
// blkio) and implies a cold cache: the storage-bound case, where the source disk sets the pace.
const readMBps =
  process.env['OEFLOW_BENCH_READ_MBPS'] === undefined ? undefined : Number(process.env['OEFLOW_BENCH_READ_MBPS']);
if (readMBps !== undefined && !(readMBps > 0))
  throw new Error('OEFLOW_BENCH_READ_MBPS must be a positive number of MB/s.');
const cold = process.env['OEFLOW_BENCH_CACHE'] === 'cold' || readMBps !== undefined;
const root = mkdtempSync(join(process.env['OEFLOW_BENCH_DIR'] ?? tmpdir(), 'oeflow-bench-copy-'));
const dbDir = join(root, 'db');

function makeFiles(): CopySource[] {
  mkdirSync(dbDir);
  const per = Math.floor((totalMiB * 1024 * 1024) / FILES);
  const chunk = Buffer.allocUnsafe(8 << 20);
  const sources: CopySource[] = [];
  for (let i = 0; i < FILES; i++) {
    const path = join(dbDir, `bench_${i + 7}.d1`);
    const fd = openSync(path, 'w');
    for (let left = per; left > 0; left -= chunk.length)
      writeSync(fd, randomFillSync(chunk), 0, Math.min(left, chunk.length));
    closeSync(fd);
    sources.push({ path, role: 'data' });
  }
  return sources;
}

interface Variant {
  name: string;
  run: (dest: string) => Promise<void>;
}

const sh = async (cmd: string): Promise<void> => {
  await execa(cmd, { shell: true });
};

let throttle: ReadThrottle | undefined;

async function main(): Promise<void> {
  const loadBefore = loadAverage();
  const sources = makeFiles();
  if (readMBps !== undefined) throttle = capReads(root, readMBps);
  const bytes = sources.length * Math.floor((totalMiB * 1024 * 1024) / FILES);
  if (!cold) await sh(`cat ${dbDir}/* > /dev/null`); // warm the page cache: every variant reads cached sources
  const copier = (verifyAfterCopy: boolean, fsync: boolean) => async (dest: string) => {
    await copyDatabaseFiles({ sources, destination: dest, dbDir, mode: 'offline', verifyAfterCopy, fsync });
  };
  const variants: Variant[] = [
    { name: 'cp -r', run: (d) => sh(`cp -r ${dbDir} ${d}`) },
    { name: 'cp -r + sha256sum (copies)', run: (d) => sh(`cp -r ${dbDir} ${d} && sha256sum ${d}/* > /dev/null`) },
    { name: 'cp -r + sync (durable)', run: (d) => sh(`cp -r ${dbDir} ${d} && sync -f ${d}`) },
    { name: 'copier (hash + verify re-read + fsync)', run: copier(true, true) },
    { name: 'copier (hash + fsync, no re-read)', run: copier(false, true) },
    { name: 'copier (hash only, no re-read, no fsync)', run: copier(false, false) },
  ];
  const best = new Map<string, number>();
  for (let r = 0; r < rounds; r++) {
    for (const v of variants) {
      const dest = join(root, 'out');
      if (cold) await sh('sync && echo 3 > /proc/sys/vm/drop_caches'); // untimed; fails loudly without root
      const t0 = performance.now();
      await v.run(dest);
      const secs = (performance.now() - t0) / 1000;
      best.set(v.name, Math.min(best.get(v.name) ?? Infinity, secs));
      rmSync(dest, { recursive: true, force: true });
      await sh(`sync -f ${root}`); // flush before the next variant so its writeback is not billed to the next one
    }
  }
  const mbps = (name: string): number => bytes / 1e6 / best.get(name)!;
  const cp = mbps('cp -r');
  const cpSha = mbps('cp -r + sha256sum (copies)');
  const cpSync = mbps('cp -r + sync (durable)');
  const cache = cold
    ? 'page cache dropped before every run (sources read from disk)'
    : 'page cache warm (OEFLOW_BENCH_CACHE=cold drops it, as root)';
  const cap =
    throttle === undefined
      ? ''
      : `, reads from disk ${throttle.disk} capped at ${(throttle.bytesPerSecond / 1e6).toFixed(0)} MB/s`;
  console.log(`bench/copy: ${FILES} files, ${formatBytes(bytes)} total, ${cache}${cap};`);
  console.log(
    `each variant ran ${rounds}x interleaved with the others, best time kept; dirty pages flushed (untimed) between runs.`,
  );
  console.log(
    `load average (1/5/15 min) before: ${loadBefore}, after: ${loadAverage()} on ${availableParallelism()} cores (other jobs skew the figures).`,
  );
  console.log('');
  console.log(
    `${'variant'.padEnd(44)} ${'best s'.padStart(7)} ${'MB/s'.padStart(7)} ${'vs cp'.padStart(6)} ${'vs cp+sha'.padStart(9)} ${'vs cp+sync'.padStart(10)}`,
  );
  for (const v of variants) {
    const m = mbps(v.name);
    console.log(
      `${v.name.padEnd(44)} ${best.get(v.name)!.toFixed(3).padStart(7)} ${m.toFixed(0).padStart(7)} ${(m / cp).toFixed(2).padStart(5)}x ${(m / cpSha).toFixed(2).padStart(8)}x ${(m / cpSync).toFixed(2).padStart(9)}x`,
    );
  }
  const main = mbps('copier (hash + verify re-read + fsync)');
  console.log('');
  console.log(
    `copier vs cp: ${(main / cp).toFixed(2)}x (goal >= 0.9x); copier vs cp + sha256sum: ${(main / cpSha).toFixed(2)}x`,
  );
}

try {
  await main();
} finally {
  throttle?.release();
  rmSync(root, { recursive: true, force: true });
}
