// `npm run build:sim` (part of `npm run build` and `npm test`): the simulator's two entry points,
// each bundled with everything it imports into one ES module, written over tsc's output of the
// same name: dist/src/sim/main.js (what every $DLC/bin/<utility> script runs) and
// dist/src/sim/broker.js (what proserve starts). Why: each simulated utility call is a new node
// process, and node loads an unbundled entry's ~20 modules one by one through its asynchronous
// ES module loader; one file parses faster and costs fewer instructions (bench/sim-start,
// bench/HISTORY.md "Bundled simulator"). Same code, built from the same sources: tsc's unbundled files behave alike.
// Bundled from the TypeScript sources (not tsc's output), so re-bundling never reads a bundle.
import { build } from 'esbuild';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

await build({
  absWorkingDir: root,
  entryPoints: { main: 'src/sim/main.ts', broker: 'src/sim/broker.ts' },
  outdir: 'dist/src/sim',
  allowOverwrite: true,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: 'linked',
  logLevel: 'warning',
});
