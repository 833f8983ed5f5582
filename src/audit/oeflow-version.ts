// The version of this oeflow, from the package.json of the checkout or install it runs from
// (dist/src/audit → three levels up, src/audit → two): stamped on checkpoints and reports.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

/** "0.1.0", or "unknown" when no oeflow package.json is found above this module. */
export function oeflowVersion(): string {
  if (cached !== undefined) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++, dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (!existsSync(file)) continue;
    const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
    if (pkg.name === 'oeflow' && pkg.version) return (cached = pkg.version);
  }
  return (cached = 'unknown');
}
