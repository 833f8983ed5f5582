// better-sqlite3, loaded on first use: a command that never opens the store (`--help`, a
// usage error) does not pay for loading the native module (see bench/README.md, cli-start).
// It is a CommonJS module, so a synchronous require keeps openStore() synchronous.
import { createRequire } from 'node:module';
import type Database from 'better-sqlite3';

const require = createRequire(import.meta.url);
let loaded: typeof Database | undefined;

/** The better-sqlite3 constructor (with SqliteError on it). */
export function sqlite(): typeof Database {
  loaded ??= require('better-sqlite3') as typeof Database;
  return loaded;
}
