// bench/run-all: `npm run bench` runs every benchmark below, one after the other, each in its
// own process (so one benchmark's heap and page cache do not bill the next), and prints what
// each prints: figures as ratios against a baseline measured in the same run.
// Adding a benchmark is one line in BENCHES. Usage: node dist/bench/run-all.js [name...]
// (only those), OEFLOW_BENCH_QUICK=1 (each benchmark's smallest size).
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadAverage } from './load.js';

interface Bench {
  name: string;
  /** Arguments of `node dist/bench/<name>.js` for the default run. */
  args: string[];
}

const BENCHES: Bench[] = [
  { name: 'journal', args: ['2000'] },
  { name: 'copy', args: ['64'] },
  { name: 'cli-start', args: ['10000'] },
  { name: 'sim-start', args: ['15'] },
  { name: 'restore-scale', args: ['200', '2000'] },
  { name: 'spawn-cost', args: ['300'] },
  { name: 'quiet-window', args: ['64'] },
  // needs root and a loop device (it makes an XFS image with reflink)
  { name: 'clone', args: ['64,512,2048'] },
];

const here = dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2);
const unknown = wanted.filter((w) => !BENCHES.some((b) => b.name === w));
if (unknown.length > 0) {
  console.error(
    `bench/run-all: no benchmark named ${unknown.join(', ')} (known: ${BENCHES.map((b) => b.name).join(', ')})`,
  );
  process.exit(2);
}
console.log(`npm run bench: load ${loadAverage()} on ${availableParallelism()} cores, node ${process.version}`);
let failed = 0;
for (const b of BENCHES.filter((x) => wanted.length === 0 || wanted.includes(x.name))) {
  console.log(`\n=== ${b.name} ===`);
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [join(here, `${b.name}.js`), ...b.args], { stdio: 'inherit' });
  const secs = ((performance.now() - t0) / 1000).toFixed(1);
  if (r.status !== 0) {
    failed += 1;
    console.log(`(${b.name} FAILED: exit ${r.status ?? r.signal}, ${secs} s)`);
  } else console.log(`(${b.name}: ${secs} s, load now ${loadAverage()})`);
}
process.exitCode = failed === 0 ? 0 : 1;
