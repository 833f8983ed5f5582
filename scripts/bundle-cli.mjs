// `npm run build:cli` (part of `npm run build` and `npm test`): the CLI's entry
// dist/src/cli/bin.js, written over tsc's output of the same name by a bundle of everything it
// imports from src/ and machines/ (packages stay external: node_modules is loaded as installed),
// split at the dynamic imports so a command loads only its group's code (src/cli/program.ts).
// Why: node 20 loads each ES module through its asynchronous loader one by one; the backup
// command's ~170 files cost ~90 ms more CPU than one bundle of the same code (issue 9, bench/README.md,
// "Start phase"). Same code, built from the same sources: tsc's unbundled files (dist/src/cli/main.js,
// which the in-process tests import) behave alike.
//
// The chunks sit next to bin.js in dist/src/cli, so a module that finds a file from its own URL
// must name it from there as from its own directory: `../guard/quiet-guard-main.js`,
// `../sim/main.js`, `../../machines/` (dist/src/<dir>/ and dist/src/cli/ are the same depth).
// Chunks of an earlier build are removed first: their names carry a content hash.
import { build } from 'esbuild';
import { readdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'dist/src/cli');

for (const f of readdirSync(outdir)) if (/^_.+-[A-Z0-9]{8}\.js(\.map)?$/.test(f)) rmSync(join(outdir, f));

// what both bundles share
const common = {
  absWorkingDir: root,
  allowOverwrite: true,
  bundle: true,
  packages: 'external',
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: 'linked',
  logLevel: 'warning',
};

await build({
  ...common,
  entryPoints: { bin: 'src/cli/bin.ts' },
  outdir,
  chunkNames: '_[name]-[hash]',
  splitting: true,
});

// The quiet-point guard runs as a process of its own, started at every quiet point beside the
// enable: its entry is one file too, written over tsc's output of the same name (12 modules;
// about 13–20 ms less CPU to start, bench/README.md "Guard start"). It finds nothing from its own URL.
await build({
  ...common,
  entryPoints: { 'quiet-guard-main': 'src/guard/quiet-guard-main.ts' },
  outdir: join(root, 'dist/src/guard'),
});
