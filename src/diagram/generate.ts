// Writes diagrams/<id>.mmd, .dot and .svg for every registered machine. The only
// module in src/diagram that touches the file system.
// Refresh the committed diagrams: `npm run build && node dist/src/diagram/generate.js`.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { machines } from '../../machines/index.js';
import { toDot } from './dot.js';
import { toMermaid } from './mermaid.js';
import { toSvg } from './svg.js';

/** The three generated texts of one machine, each starting with its "do not edit" header. */
export function diagramFiles(id: string, machine: (typeof machines)[keyof typeof machines]): Record<string, string> {
  const header = `generated from machines/${id}.ts — do not edit`;
  return {
    [`${id}.mmd`]: `%% ${header}\n${toMermaid(machine)}`,
    [`${id}.dot`]: `// ${header}\n${toDot(machine)}`,
    [`${id}.svg`]: `<!-- ${header} -->\n${toSvg(machine)}`,
  };
}

/** Write every machine's diagrams into outDir; returns the file names written. */
export function generateDiagrams(outDir: string): string[] {
  mkdirSync(outDir, { recursive: true });
  const written: string[] = [];
  for (const [id, machine] of Object.entries(machines)) {
    for (const [file, text] of Object.entries(diagramFiles(id, machine))) {
      writeFileSync(join(outDir, file), text);
      written.push(file);
    }
  }
  return written;
}

// Run directly (from the repository root): write into ./diagrams or the given directory.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const files = generateDiagrams(resolve(process.argv[2] ?? 'diagrams'));
  process.stdout.write(`wrote ${files.length} files\n`);
}
