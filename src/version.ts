// Which oeflow this is: read once from the package.json shipped beside the code, so a
// checkout, a packed tarball and a global install all report the same version.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { schemaVersion } from './store/schema.js';

interface PackageJson {
  name?: string;
  version?: string;
}

function readPackage(file: string): PackageJson {
  return JSON.parse(readFileSync(file, 'utf8')) as PackageJson;
}

/** The nearest package.json named oeflow above this module (src/ when run from source, dist/src/ when built). */
function ownPackage(): PackageJson {
  for (let dir = import.meta.dirname; ; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = readPackage(file);
      if (pkg.name === 'oeflow') return pkg;
    }
    if (dirname(dir) === dir) return {};
  }
}

/** The oeflow version (package.json `version`); every run records it in its input. */
export const OEFLOW_VERSION: string = ownPackage().version ?? 'unknown';

export interface Versions {
  oeflow: string;
  node: string;
  xstate: string;
  storeSchema: number;
}

/** Everything `oeflow version --json` reports. */
export function versions(): Versions {
  const require = createRequire(import.meta.url);
  const xstate = readPackage(require.resolve('xstate/package.json')).version ?? 'unknown';
  return { oeflow: OEFLOW_VERSION, node: process.versions.node, xstate, storeSchema: schemaVersion };
}
