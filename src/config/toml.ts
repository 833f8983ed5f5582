// smol-toml, loaded on first use: most commands run without a configuration file and never
// parse TOML, and its single CommonJS build is one file where the ES build is nine (module
// loads are most of a read-only command's start: bench/README.md, cli-start). A synchronous
// require keeps readConfig() synchronous (as src/store/sqlite.ts does for better-sqlite3).
import { createRequire } from 'node:module';

type SmolToml = typeof import('smol-toml');

const require = createRequire(import.meta.url);
let loaded: SmolToml | undefined;

/** smol-toml's parse and TomlError. */
export function toml(): SmolToml {
  loaded ??= require('smol-toml') as SmolToml;
  return loaded;
}
